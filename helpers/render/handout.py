"""Render one engagement into a client handout: results, papermill, scrub, nbconvert, PDF.

On request the same render also writes the consultant's working files, all from the client's
view of the results: the readout deck ``<slug>.pptx`` (:mod:`helpers.render.deck`), the SLA
draft ``<slug>.sla.html`` (:mod:`helpers.render.sla_draft`) and the results workbook
``<slug>.xlsx`` (:mod:`helpers.render.xlsx`). They belong to the same output set: staged with
the handout and committed with it, listed in the manifest.

:func:`render_engagement` validates the folder, computes the results (``<slug>.json``), executes
``notebooks/05_client_report.ipynb`` in-process with papermill, removes everything a client
must not see and exports ``<slug>.html`` with the ``handout`` nbconvert template
(``templates/handout``). The files are staged under temporary names and committed together
with a manifest (:mod:`helpers.render.outputs`): an interrupted or refused render leaves the
previous complete set. Speed comes from paying costs once per process: the exporter and
template are built once, and the kernel for the next report is started (and pre-imports
pandas, matplotlib and the helpers) while this process does other work.
"""

from __future__ import annotations
import base64
import copy
import os
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any
from helpers import TEMPLATES  # noqa: E402
from helpers.formatting import long_date
from helpers.render.engine import ReportNotebookUnreadable, execute_report, prestart_kernel
from helpers.problems import Problem  # noqa: E402
from helpers.render.notebook import PathRule, path_patterns, scrub, strip_text, table_of_contents
from helpers.render.result import DeckTemplateUnusable, EXTRA_KINDS, Extras, RenderResult, slug_for
from helpers.render.outputs import (OutputSet, OwnedByAnother, assign_slugs, describe_os_error, mark_stale,
                                    write_file)
from helpers.render.pdf import print_pdf
from helpers.engagement.load import Engagement, load
from helpers.report.section import svg_data_uri, template_cache
from helpers.results import Results, client_view, compute, to_json
from helpers.textsafe import safe_image


# jsonschema (imported by nbformat) loads rfc3987_syntax, which compiles a grammar for about a
# second at every start, only to check IRI formats nbformat never uses: skip it in this process.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


_local = threading.local()  # per-thread exporter (templates are compiled once per thread)


def logo_data_uri(path: Path | None, folder: Path | None = None) -> str | None:
    """The logo as an embedded ``data:`` URI, or None when absent or refused.

    Read with :func:`helpers.textsafe.safe_image`: only a real PNG, JPEG, GIF or WebP file
    inside the engagement folder (``folder``, default the logo's own folder), no symlink out,
    under the size limit.
    """
    if path is None:
        return None
    base = Path(folder) if folder is not None else Path(path).parent
    image = safe_image(os.path.relpath(Path(path), base), base)
    if isinstance(image, Problem):
        return None
    data, kind = image
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def handout_notebook(nb: Any, meta: dict[str, Any], *, consultant: bool = False) -> Any:
    """Only what the reader sees: the section cells' outputs, no errors, stderr or markdown notes.

    The client's handout keeps the cells tagged ``section``; the consultant's document also keeps
    the cells tagged ``consultant`` (the stakeholder map, red flags, what to collect).
    """
    tagged = any("section" in c.metadata.get("tags", []) for c in nb.cells)
    keep = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        shown = "section" in tags or "handout" in tags or (consultant and "consultant" in tags)
        if cell.cell_type == "code" and (shown or (not tagged and "consultant" not in tags)):
            if "parameters" in tags or "injected-parameters" in tags or "setup" in tags:
                continue
            cell = copy.copy(cell)  # the outputs list is replaced, never changed: nbconvert copies deeply itself
            cell.outputs = [o for o in cell.outputs if o.output_type != "error"
                            and not (o.output_type == "stream" and o.name == "stderr")]
            keep.append(cell)
        elif cell.cell_type == "markdown" and "handout" in tags:
            keep.append(cell)
    nb = copy.copy(nb)
    nb.cells = keep
    nb.metadata = copy.deepcopy(nb.metadata)
    nb.metadata["handout"] = meta
    return nb


def _handout_exporter_class() -> Any:
    """nbconvert's HTML exporter without its re-parse of the whole page (built on first use).

    After rendering the template, ``HTMLExporter.from_notebook_node`` parses the page again with
    BeautifulSoup to add ``alt`` text to images that have none and ``tabindex`` to the outputs
    of a ``.jp-Notebook``, then writes it out again: about a third of a second per document,
    half the export. The handout template gives every image its own ``alt`` and has no
    ``.jp-Notebook``, so that pass changes nothing but the page's spelling; it is skipped, and
    ``tests/render`` checks that every image still has its ``alt``.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class HandoutExporter(HTMLExporter):
        def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,  # type: ignore[override]
                               **kw: Any) -> tuple[str, dict[str, Any]]:
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return html, resources

    return HandoutExporter


#: nbconvert's default preprocessors that are switched on (the others are skipped, but nbconvert
#: validates the whole notebook after each one, enabled or not: eight validations per document).
#: The exporter validates once, after the last of them (``optimistic_validation``): an invalid
#: notebook is refused all the same, by the same check.
HANDOUT_PREPROCESSORS = ["nbconvert.preprocessors.TagRemovePreprocessor",
                         "nbconvert.preprocessors.RegexRemovePreprocessor",
                         "nbconvert.preprocessors.HighlightMagicsPreprocessor"]


def exporter() -> Any:
    """The handout HTML exporter of this thread (built once: template loading is the slow part)."""
    exp = getattr(_local, "exporter", None)
    if exp is None:
        exp = _handout_exporter_class()(template_name="handout", extra_template_basedirs=[str(TEMPLATES)],
                                        default_preprocessors=HANDOUT_PREPROCESSORS, optimistic_validation=True)
        exp.environment.bytecode_cache = template_cache()  # before the first template is loaded
        exp.exclude_input = exp.exclude_input_prompt = exp.exclude_output_prompt = True
        exp.embed_images = True
        exp.register_filter("svg_data_uri", svg_data_uri)
        _local.exporter = exp
    return exp


def export_html(nb: Any) -> str:
    """The handout HTML of a prepared notebook (see :func:`handout_notebook`)."""
    html, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": "handout"}})
    return html


def working_files(staged: OutputSet, results: Results, eng: Engagement, extras: Extras) -> None:
    """Stage the deck, SLA draft and results workbook that ``extras`` asks for (client view only).

    Raises
    ------
    DeckTemplateUnusable
        The deck template could not be read as a presentation (the message says which file).
    """
    if extras.deck:
        from pptx.exc import PythonPptxError

        from helpers.render.deck import readout_deck

        template = eng.meta.deck_template or extras.deck_template
        try:
            deck = readout_deck(results, template)
        except (PythonPptxError, KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
            if template is None:
                raise
            raise DeckTemplateUnusable(f"the deck template {template.name} cannot be used ({type(exc).__name__}); "
                             "save it again from PowerPoint as a .pptx, or render without it") from exc
        staged.write(EXTRA_KINDS["deck"], deck)
    if extras.sla:
        from helpers.render.sla_draft import sla_draft

        staged.write(EXTRA_KINDS["sla"], sla_draft(results, eng.meta.sla_rule))
    if extras.xlsx:
        from helpers.render.xlsx import results_workbook

        staged.write(EXTRA_KINDS["xlsx"], results_workbook(results))


def render_engagement(folder: Path, out: Path, *, pdf: bool = False, kernel_name: str | None = None,
                      slug: str | None = None, extras: Extras | None = None,
                      engine: str | None = None) -> RenderResult:
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
    slug : str, optional
        The output name, as :func:`helpers.render.outputs.assign_slugs` gave it for a whole
        run; default: assigned here for this folder alone.
    extras : Extras, optional
        The working files to write as well (deck, SLA draft, results workbook; ``pdf`` here is
        the same as the ``pdf`` argument). A deck template that cannot be read writes nothing
        new and says why.
    engine : str, optional
        ``inprocess`` (the report runs in this process) or ``kernel`` (on an IPython kernel);
        default :func:`helpers.render.engine.engine_choice`. Both give the same handout.

    Returns
    -------
    RenderResult
        ``ok=False`` with ``problems`` when the folder is invalid, with ``error`` and
        ``outputs["failed"]`` (the executed notebook with the error) when the report raised, or
        with ``error`` and ``output_error`` when ``out`` cannot be written. In every such case
        nothing of the previous set is changed, and ``stale`` describes it when there is one.
        The new files appear together, with ``<slug>.manifest.json``, or not at all.
    """
    extras = extras or Extras()
    pdf = pdf or extras.pdf
    prestart_kernel(kernel_name, engine)
    folder, out = Path(folder).expanduser().resolve(), Path(out).expanduser().resolve()
    note = None
    if slug is None:
        try:
            plan = assign_slugs([folder], out)
        except OSError as exc:
            return RenderResult(slug_for(folder), folder, False, client=folder.name, output_error=True,
                                error=describe_os_error(exc, out))
        if folder in plan.refused:
            return RenderResult(slug_for(folder), folder, False, client=folder.name,
                                error=f"not rendered: {plan.refused[folder]}")
        slug, note = plan.slugs[folder], plan.notes.get(folder)
    eng, problems = load(folder)
    result = RenderResult(slug, folder, False, list(problems), client=folder.name, note=note)
    if eng is None:
        first = problems.errors[0] if problems.errors else None
        result.error = f"{len(problems.errors)} problem(s) in the engagement folder" + (f", first: {first}" if first else "")
        result.stale = mark_stale(out, slug, folder, "the engagement folder has errors")
        return result
    result.client = eng.meta.client
    results = compute(eng)
    staged = OutputSet(out, slug, folder, eng.meta.client)
    failed_path = out / f"{slug}.failed.ipynb"
    try:
        out.mkdir(parents=True, exist_ok=True)
        view = client_view(results)
        staged.write("json", to_json(view))
        json_tmp = staged.write("consultant.json", to_json(results))
        # the notebook names the staged file; the saved notebook names the file it will be
        patterns = [PathRule(str(json_tmp), str(staged.final("consultant.json")), outside_base64=False)] + \
            path_patterns([folder, out])
        executed, error = execute_report(folder, json_tmp, kernel_name, engine)

        import nbformat

        if error is not None:
            staged.discard()
            write_file(failed_path, nbformat.writes(scrub(executed, patterns)).encode("utf-8"))
            result.outputs["failed"] = failed_path
            result.error = error
            result.stale = mark_stale(out, slug, folder, f"the report failed: {error}")
            return result
        clean = scrub(executed, patterns)
        meta = {"client": results.get("client") or eng.meta.client, "consultant": results.get("consultant") or "",
                "date": long_date(results.get("date")) or "", "logo": logo_data_uri(eng.meta.logo, folder)}
        documents = {}
        for kind, for_consultant in (("html", False), ("consultant.html", True)):
            doc_meta = {**meta, "audience": "consultant" if for_consultant else "client"}
            doc = handout_notebook(clean, doc_meta, consultant=for_consultant)
            doc.metadata["handout"]["toc"] = table_of_contents(doc)
            html = export_html(doc)
            html = strip_text(html, patterns)  # the template itself adds no paths; belt and braces
            documents[kind] = html
            if not for_consultant:
                clean.metadata["handout"] = doc.metadata["handout"]  # the .ipynb re-exports with the client cover
        staged.write("html", documents["html"])
        staged.write("consultant.html", documents["consultant.html"])
        staged.write("ipynb", nbformat.writes(clean))
        try:
            working_files(staged, view, eng, extras)
        except DeckTemplateUnusable as exc:
            staged.discard()
            result.error = f"not rendered: {exc}"
            result.stale = mark_stale(out, slug, folder, str(exc))
            return result
        if pdf:
            try:
                print_pdf(staged.staged["html"], staged.temp("pdf"))
            except Exception as exc:  # a missing/broken browser must not lose the handout
                staged.staged.pop("pdf").unlink(missing_ok=True)
                result.error = f"PDF not written: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        result.outputs.update(staged.commit())
        failed_path.unlink(missing_ok=True)
    except OwnedByAnother as exc:
        staged.discard()
        result.error = f"not rendered: {exc}; rename the folder or render into another --out folder"
        return result
    except ReportNotebookUnreadable as exc:
        staged.discard()
        result.error = f"not rendered: {exc}"
        result.stale = mark_stale(out, slug, folder, str(exc))
        return result
    except OSError as exc:
        staged.discard()
        result.output_error = True
        result.error = describe_os_error(exc, out)
        result.stale = mark_stale(out, slug, folder, "the last render could not write its files")
        return result
    except BaseException:  # interrupted (Ctrl-C) or a bug: leave no staged file behind
        staged.discard()
        raise
    result.ok = result.error is None
    return result
