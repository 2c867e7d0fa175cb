"""Warm start for batch workers: imported once by the batch's fork server, inherited by every worker.

``workbook batch`` starts its worker processes from a fork server (``multiprocessing``'s
``forkserver`` start method, on Linux only: see :func:`helpers.batch.worker_context`) that
imports this module first. Importing it
pays, once for the whole batch, what every worker would otherwise pay on its own: the imports
of pandas, matplotlib, IPython, papermill and nbconvert, the report's own modules, and the
handout exporter with its compiled template. Each worker is then a fork of a process that did
nothing but this: no client's data, no Python threads, no sockets, no kernel (with the kernel
engine batch spawns its workers instead). Native libraries' own worker threads are kept out
where they can be: OpenBLAS is limited to one thread here (the reports do no large linear
algebra, and two workers already fill two cores); Arrow's allocator thread has its own fork
handler, as OpenBLAS has.
"""

from __future__ import annotations

import importlib
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported: no BLAS thread pool to fork

from helpers.render.engine import engine_choice, prestart_kernel
from helpers.render.handout import exporter


#: Imported by a render outside the report itself, on first use (see :func:`warm`).
LAZY_IMPORTS = ("scipy.stats", "papermill")  # speed to lead's Kaplan-Meier estimate; the report's executor


def warm() -> None:
    """Import the report's modules and build the exporter (the in-process engine only)."""
    if engine_choice() == "inprocess":
        prestart_kernel()
        exporter()
        for name in LAZY_IMPORTS:
            importlib.import_module(name)


warm()
