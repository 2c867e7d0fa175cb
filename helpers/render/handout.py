"""Render one engagement into a client handout: results, papermill, scrub, nbconvert, PDF.

:func:`render_engagement` validates the folder, computes the results (written as
``<slug>.json``), executes ``notebooks/05_client_report.ipynb`` in-process with papermill,
removes everything a client must not see and exports ``<slug>.html`` with the ``handout``
nbconvert template (``templates/handout``). Speed comes from paying costs once per process:
the exporter and template are built once, and the kernel for the next report is started (and
pre-imports pandas, matplotlib and the helpers) while this process does other work.
"""

from __future__ import annotations
import base64
import copy
import mimetypes
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from helpers import TEMPLATES  # noqa: E402
from helpers.formatting import long_date
from helpers.fileio import atomic_write_text  # noqa: E402
from helpers.render.engine import execute_report, prestart_kernel
from helpers.problems import Problem  # noqa: E402
from helpers.render.notebook import path_patterns, scrub, table_of_contents
from helpers.render.pdf import print_pdf
from helpers.engagement.load import load
from helpers.results import compute, to_json


# jsonschema (imported by nbformat) loads rfc3987_syntax, which compiles a grammar for about a
# second at every start, only to check IRI formats nbformat never uses: skip it in this process.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


_LOGO_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}


_local = threading.local()  # per-thread exporter (templates are compiled once per thread)


@dataclass
class RenderResult:
    """What happened to one engagement.

    Parameters
    ----------
    slug : str
        File-name-safe name of the engagement folder.
    folder : Path
        The engagement folder.
    ok : bool
        True when the handout was written.
    problems : list of Problem
        Validation errors and warnings from loading the folder.
    outputs : dict of str to Path
        Files written: ``html``, ``ipynb``, ``json`` and ``pdf``; ``failed`` for the executed
        notebook of a report that raised.
    error : str or None
        One-line reason when not ok.
    client : str
        The client's display name (the folder name until it is known).
    """

    slug: str
    folder: Path
    ok: bool
    problems: list[Problem] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    error: str | None = None
    client: str = ""


def slug_for(folder: Path) -> str:
    """The folder's name made safe for a file name (``"Acme & Co" -> "acme-co"``)."""
    from helpers.formatting import slugify

    return slugify(Path(folder).expanduser().resolve().name, "engagement")


def logo_data_uri(path: Path | None) -> str | None:
    """The logo file as an embedded ``data:`` URI (None when absent or not an image)."""
    if path is None or not Path(path).is_file():
        return None
    kind = mimetypes.guess_type(str(path))[0]
    if kind not in _LOGO_TYPES:
        return None
    return f"data:{kind};base64,{base64.b64encode(Path(path).read_bytes()).decode('ascii')}"


def handout_notebook(nb: Any, meta: dict[str, Any]) -> Any:
    """Only what the client sees: the section cells' outputs, no errors, stderr or markdown notes."""
    nb = copy.deepcopy(nb)
    tagged = any("section" in c.metadata.get("tags", []) for c in nb.cells)
    keep = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code" and ("section" in tags or "handout" in tags or not tagged):
            if "parameters" in tags or "injected-parameters" in tags or "setup" in tags:
                continue
            cell.outputs = [o for o in cell.outputs if o.output_type != "error"
                            and not (o.output_type == "stream" and o.name == "stderr")]
            keep.append(cell)
        elif cell.cell_type == "markdown" and "handout" in tags:
            keep.append(cell)
    nb.cells = keep
    nb.metadata["handout"] = meta
    return nb


def exporter() -> Any:
    """The handout HTML exporter of this thread (built once: template loading is the slow part)."""
    exp = getattr(_local, "exporter", None)
    if exp is None:
        from nbconvert import HTMLExporter

        exp = HTMLExporter(template_name="handout", extra_template_basedirs=[str(TEMPLATES)])
        exp.exclude_input = exp.exclude_input_prompt = exp.exclude_output_prompt = True
        exp.embed_images = True
        _local.exporter = exp
    return exp


def export_html(nb: Any) -> str:
    """The handout HTML of a prepared notebook (see :func:`handout_notebook`)."""
    html, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": "handout"}})
    return html


def render_engagement(folder: Path, out: Path, *, pdf: bool = False,
                      kernel_name: str | None = None) -> RenderResult:
    """Render one engagement folder into ``OUT/<slug>.html``, ``.ipynb``, ``.json`` (and ``.pdf``).

    Parameters
    ----------
    folder : Path
        The engagement folder (holds ``engagement.yaml``).
    out : Path
        Output folder (created).
    pdf : bool
        Also print ``<slug>.pdf`` (A4) with headless Chromium.
    kernel_name : str, optional
        Kernel for the report notebook; default the notebook's own.

    Returns
    -------
    RenderResult
        ``ok=False`` with ``problems`` when the folder is invalid (nothing written), or with
        ``error`` and ``outputs["failed"]`` (the executed notebook with the error) when the
        report raised.
    """
    prestart_kernel(kernel_name)
    folder, out = Path(folder).expanduser().resolve(), Path(out).expanduser().resolve()
    slug = slug_for(folder)
    eng, problems = load(folder)
    result = RenderResult(slug, folder, False, list(problems), client=folder.name)
    if eng is None:
        first = problems.errors[0] if problems.errors else None
        result.error = f"{len(problems.errors)} problem(s) in the engagement folder" + (f", first: {first}" if first else "")
        return result
    result.client = eng.meta.client
    results = compute(eng)
    out.mkdir(parents=True, exist_ok=True)
    paths = {k: out / f"{slug}.{k}" for k in ("html", "ipynb", "json", "pdf")}
    failed_path = out / f"{slug}.failed.ipynb"
    atomic_write_text(paths["json"], to_json(results))
    result.outputs["json"] = paths["json"]

    patterns = path_patterns([folder, out])
    executed, error = execute_report(folder, paths["json"], kernel_name)
    if error is not None:
        import nbformat

        atomic_write_text(failed_path, nbformat.writes(scrub(executed, patterns)))
        for stale in ("html", "ipynb", "pdf"):
            paths[stale].unlink(missing_ok=True)
        result.outputs["failed"] = failed_path
        result.error = error
        return result

    import nbformat

    clean = scrub(executed, patterns)
    meta = {"client": results.get("client") or eng.meta.client, "consultant": results.get("consultant") or "",
            "date": long_date(results.get("date")) or "", "logo": logo_data_uri(eng.meta.logo),
            "toc": table_of_contents(clean)}
    clean.metadata["handout"] = meta  # so the .ipynb re-exports with the same cover
    html = export_html(handout_notebook(clean, meta))
    for pattern, repl in patterns:  # the template itself adds no paths; belt and braces
        html = pattern.sub(repl.replace("\\", "\\\\"), html)
    atomic_write_text(paths["html"], html)
    atomic_write_text(paths["ipynb"], nbformat.writes(clean))
    failed_path.unlink(missing_ok=True)
    result.outputs.update(html=paths["html"], ipynb=paths["ipynb"])
    if pdf:
        try:
            print_pdf(paths["html"], paths["pdf"])
            result.outputs["pdf"] = paths["pdf"]
        except Exception as exc:  # a missing/broken browser must not lose the handout
            result.error = f"PDF not written: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
            return result
    result.ok = True
    return result
