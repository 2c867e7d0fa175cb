"""Warm start for batch workers: imported once by the batch's fork server, inherited by every worker.

``workbook batch`` starts its worker processes from a fork server (``multiprocessing``'s
``forkserver`` start method, on Linux only: see :func:`helpers.batch.worker_context`) that
imports this module first. Importing it
pays, once for the whole batch, what every worker would otherwise pay on its own: the imports
of pandas, matplotlib, IPython, papermill and nbconvert, the report's own modules (and those a
report imports only when it first needs them, :data:`REPORT_IMPORTS`), the handout exporter
with its compiled template, and one report shell opened and closed. Each worker is then a fork
of a process that did nothing but this: no client's data, no Python threads, no sockets, no
kernel (with the kernel engine batch spawns its workers instead). Native libraries' own worker
threads are kept out where they can be: OpenBLAS is limited to one thread here (the reports do no
large linear algebra, and two workers already fill two cores); Arrow's allocator thread has its
own fork handler, as OpenBLAS has.
"""

from __future__ import annotations

import gc
import importlib
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported: no BLAS thread pool to fork

from helpers.render.engine import engine_choice, prestart_kernel, report_notebook, skip_iri_format_checker

skip_iri_format_checker()  # before nbformat is imported below

from helpers.render.handout import exporter  # noqa: E402  (after the checker is skipped)


#: Imported by a render outside the report itself, on first use (see :func:`warm`).
LAZY_IMPORTS = ("scipy.special", "papermill")  # the survey's t quantiles and the KM band; the report's executor

#: Imported only when a report first needs them (none by the modules above): the funnel, journey
#: and plan charts, Arrow's CSV reader for ``funnel.csv`` (with pandas' conversion from Arrow),
#: ``to_dict`` of a frame, the text codec of a file with a byte-order mark. Without them here,
#: each worker imported them during its first report. A test renders a report after this
#: module's warm-up and checks that it imports nothing new.
REPORT_IMPORTS = ("helpers.charts.funnel", "helpers.charts.journey", "helpers.charts.plan", "pyarrow.csv",
                  "pyarrow.pandas_compat", "pyarrow.vendored.version", "pandas.core.methods.to_dict",
                  "encodings.utf_8_sig")


def warm_content() -> None:
    """Read and validate the bundled content once (instrument, question bank, playbook, lead sources).

    The loaders cache per file and stamp (:func:`helpers.content.errors.cached_loader`): a worker
    whose ``templates/`` file changed since reads it again, as any process would.
    """
    from helpers.content.activities import load_activity_layout
    from helpers.content.instrument import earlier_instrument, load_instrument
    from helpers.content.lead_sources import load_lead_sources
    from helpers.content.playbook import load_playbook
    from helpers.content.question_bank import load_questions

    earlier_instrument(load_instrument())
    for loader in (load_questions, load_playbook, load_lead_sources, load_activity_layout):
        loader()
    import holidays  # an SLA that names a country checks it against this list (built once, then cached)

    holidays.list_supported_countries()


def warm_drawing() -> None:
    """Draw one throwaway chart to SVG and validate the report notebook as a render and an export do.

    A process's first chart pays for loading the font and filling matplotlib's caches of text
    measures, paths and transforms; its first notebook write and its first export pay for
    compiling nbformat's schema validators (a strict one, and the exporter's relaxed one). Paid here once, every
    worker starts with them done. No client data is involved.
    """
    import nbformat

    from helpers.charts.layout import fit_axes, set_ticks
    from helpers.charts.style import new_figure, set_title, style_axes
    from helpers.report.section import figure_svg

    fig = new_figure(4, 2)  # laid out and drawn as the handout's charts are
    ax = fig.add_subplot()
    style_axes(ax)
    ax.barh([0, 1], [1, 2], color="#4C72B0")
    ax.plot([0.5, 1.5], [0, 1], marker="o")
    set_ticks(ax, "y", [0, 1], ["Sales", "Marketing"])
    ax.set_xlabel("Warm-up", fontsize=8)
    set_title(ax, "Warm-up", fontweight="bold")
    ax.text(1, 0.5, "text", fontsize=8)
    fit_axes(ax)
    figure_svg(fig)
    notebook = report_notebook()  # read once
    nbformat.validate(notebook)  # the validator of its format version compiled (also checks each display)
    # and the exporter's own, which allows extra keys: fastjsonschema compiles it on first use, 0.14
    # CPU-s in each worker's first handout when it was left to the workers
    nbformat.validate(notebook, relax_add_props=True)
    from helpers.render.inprocess import output_check

    for kind in ("display_data", "execute_result"):  # each display's check, compiled once for every worker
        output_check(kind)


def warm_shell() -> None:
    """Open and close one report shell, and run one line in it, as every report does.

    The first :class:`~IPython.core.interactiveshell.InteractiveShell` of a process imports
    IPython's magics, completer, inspector and debugger and sets up their classes; each report
    gets a shell of its own (:func:`helpers.render.inprocess.report_shell`), which then finds
    them ready. Nothing is kept: the shell is closed as a report's is.
    """
    from helpers.render.inprocess import report_shell

    with report_shell() as shell:
        shell.run_cell("None", store_history=True)


#: The garbage collector's thresholds in the workers (Python's default: 700, 10, 10). A report's
#: figures, frames and notebook nodes stay alive while it runs, so each collection walks many
#: survivors: at the default a demo report runs about 20 young, 2 middle and 0.2 full collections,
#: 0.03 CPU-s of it; at these thresholds 0.012-0.015 (the four demos rendered in turn in
#: one warmed process, each setting alternately), for 4-9 MB more at a worker's peak (cyclic
#: garbage, such as a closed figure, is found a little later).
WORKER_GC_THRESHOLDS = (5000, 20, 20)


def warm() -> None:
    """Import the report's modules, build the exporter and fill the caches (the in-process engine only).

    Ends by moving every object alive now into the garbage collector's permanent generation
    (:func:`gc.freeze`): the workers' collections then never walk the imported modules, and never
    write to (and so copy) the memory pages they share with this server. The workers inherit
    :data:`WORKER_GC_THRESHOLDS`.
    """
    if engine_choice() == "inprocess":
        prestart_kernel()
        exporter()
        for name in LAZY_IMPORTS + REPORT_IMPORTS:
            importlib.import_module(name)
        for step in (warm_content, warm_drawing, warm_shell):
            try:
                step()
            except Exception:  # a broken template or report notebook: each worker meets it and says so
                pass
    gc.collect()
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLDS)


warm()
