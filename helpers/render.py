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
import concurrent.futures
import copy
import datetime as dt
import mimetypes
import os
import re
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

# jsonschema (imported by nbformat) loads rfc3987_syntax, which compiles a grammar for about a
# second at every start, only to check IRI formats nbformat never uses: skip it in this process.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from helpers import PROJECT_ROOT, TEMPLATES  # noqa: E402
from helpers.formatting import long_date
from helpers.fileio import atomic_write_bytes, atomic_write_text  # noqa: E402
from helpers.kernels import (NOTEBOOK_ENV, REPORT_NOTEBOOK, execute_report,  # noqa: E402,F401
                             keep_kernels_ahead, prestart_kernel)
from helpers.problems import Problem  # noqa: E402

CHROMIUM = Path(os.environ.get("COMMON_GROUND_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
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
    from helpers.engagement import slugify

    return slugify(Path(folder).expanduser().resolve().name)


# --- scrubbing ------------------------------------------------------------------------------

def _path_patterns(extra: list[Path]) -> list[tuple[re.Pattern[str], str]]:
    """Absolute paths of this machine, longest first, each with what replaces it."""
    pairs: dict[str, str] = {}
    for p in extra:
        pairs[str(p)] = p.name
    pairs[str(PROJECT_ROOT)] = "."
    for root in (Path.home(), Path(tempfile.gettempdir()), Path(sys.prefix)):
        if len(str(root)) > 1:
            pairs.setdefault(str(root), "~" if root == Path.home() else "")
    ordered = sorted(pairs.items(), key=lambda kv: -len(kv[0]))
    # not inside base64 data (a data URI could contain the same characters by chance)
    return [(re.compile(r"(?<![A-Za-z0-9+/])" + re.escape(k)), v) for k, v in ordered]


def strip_paths(value: Any, patterns: list[tuple[re.Pattern[str], str]]) -> Any:
    """Replace the machine's absolute paths in every string of a notebook (images untouched)."""
    if isinstance(value, str):
        for pattern, repl in patterns:
            value = pattern.sub(repl.replace("\\", "\\\\"), value)
        return value
    if isinstance(value, list):
        return [strip_paths(v, patterns) for v in value]
    if isinstance(value, dict):
        return type(value)((k, v if k.startswith("image/") and k != "image/svg+xml"
                            else strip_paths(v, patterns)) for k, v in value.items())
    return value


def scrub(nb: Any, patterns: list[tuple[re.Pattern[str], str]]) -> Any:
    """The executed notebook without widget state, papermill metadata, stderr or local paths."""
    import nbformat

    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    return nbformat.from_dict(strip_paths(nb, patterns))


class _Headings(HTMLParser):
    """Collects ``<h2 id=...>`` headings (the sections) from HTML outputs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._anchor: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2" and dict(attrs).get("id"):
            self._anchor, self._text = dict(attrs)["id"], []

    def handle_data(self, data: str) -> None:
        if self._anchor is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._anchor is not None:
            self.found.append((self._anchor, " ".join("".join(self._text).split())))
            self._anchor = None


def table_of_contents(nb: Any) -> list[list[str]]:
    """``[[anchor, title], ...]`` of the section headings the notebook displayed, in order."""
    parser = _Headings()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html")
            if html:
                parser.feed("".join(html) if isinstance(html, list) else html)
    return [list(t) for t in parser.found]


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


# --- the whole render -----------------------------------------------------------------------

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
    from helpers import engagement as engagement_mod
    from helpers import results as results_mod

    prestart_kernel(kernel_name)
    folder, out = Path(folder).expanduser().resolve(), Path(out).expanduser().resolve()
    slug = slug_for(folder)
    eng, problems = engagement_mod.load(folder)
    result = RenderResult(slug, folder, False, list(problems), client=folder.name)
    if eng is None:
        first = problems.errors[0] if problems.errors else None
        result.error = f"{len(problems.errors)} problem(s) in the engagement folder" + (f", first: {first}" if first else "")
        return result
    result.client = eng.meta.client
    results = results_mod.compute(eng)
    out.mkdir(parents=True, exist_ok=True)
    paths = {k: out / f"{slug}.{k}" for k in ("html", "ipynb", "json", "pdf")}
    failed_path = out / f"{slug}.failed.ipynb"
    atomic_write_text(paths["json"], results_mod.to_json(results))
    result.outputs["json"] = paths["json"]

    patterns = _path_patterns([folder, out])
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


def _pdf_bytes(html: Path) -> bytes:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="cg-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS, offline=True)
        try:
            page = context.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())
            page.goto(html.resolve().as_uri(), wait_until="load")
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            context.close()


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print a handout to an A4 PDF with headless Chromium (network blocked, fresh profile).

    Parameters
    ----------
    html : Path
        The handout HTML file.
    pdf : Path
        Destination (written atomically).
    """
    if not CHROMIUM.is_file():
        raise FileNotFoundError(f"Chromium not found at {CHROMIUM}; install it (apt-get install chromium) "
                                "or set COMMON_GROUND_CHROMIUM")
    # Playwright's sync API refuses to run where an asyncio loop is running (a Jupyter kernel, or a
    # process where nbclient left one): print from a fresh thread, which has no loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="cg-pdf") as pool:
        data = pool.submit(_pdf_bytes, Path(html)).result()
    atomic_write_bytes(pdf, data)
    return Path(pdf)
