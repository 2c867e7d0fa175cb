"""Warm start for batch workers: imported once by the batch's fork server, inherited by every worker.

``workbook batch`` starts its worker processes from a fork server (``multiprocessing``'s
``forkserver`` start method, on Linux and macOS) that imports this module first. Importing it
pays, once for the whole batch, what every worker would otherwise pay on its own: the imports
of pandas, matplotlib, IPython, papermill and nbconvert, the report's own modules, and the
handout exporter with its compiled template. Each worker is then a fork of a process that did
nothing but this: no client's data, no threads, no sockets (with the kernel engine nothing is
started here; batch uses ``spawn`` then).
"""

from __future__ import annotations

import importlib

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
