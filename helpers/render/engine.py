"""Notebook execution by papermill: in this process (default) or on report kernels.

Two papermill engines run the report notebook. ``inprocess`` (the default,
:mod:`helpers.render.inprocess`) executes each report in a fresh IPython shell inside this
process: no kernel to boot, no messaging, figures and settings reset between reports.
``kernel`` runs it on an IPython kernel as ``papermill`` itself does; choose it with
``--engine kernel`` or :data:`ENGINE_ENV`. Both give the same executed notebook and handout.

A report kernel boots with pandas, matplotlib and the report helpers already imported (IPython
``exec_lines``), so the notebook's own imports cost nothing. :class:`KernelPool` keeps the next
kernel booting while this process does other work and, in batch workers, reuses a kernel for
several reports after wiping its namespace. :func:`execute_report` runs the parameterised
report notebook in-process through papermill's engine API on such a kernel.
"""

from __future__ import annotations
import atexit
import copy
import os
import threading
from pathlib import Path
from typing import Any
from helpers import NOTEBOOKS


REPORT_NOTEBOOK = NOTEBOOKS / "05_client_report.ipynb"


#: jsonschema's optional checker for the ``iri`` formats: it builds an Earley parser when imported.
IRI_CHECKER = "rfc3987_syntax"


def skip_iri_format_checker() -> bool:
    """Keep jsonschema from importing its ``iri`` format checker in this process; True if it will not.

    nbformat (and so papermill and nbconvert) imports jsonschema, whose format module imports
    ``rfc3987_syntax`` when it is installed (jupyter's ``jsonschema[format-nongpl]`` installs it),
    and that module builds a Lark Earley parser on import: 2.7 s of every render on a 2-core
    machine (jsonschema issue 1428). No notebook schema uses the ``iri`` or ``iri-reference``
    formats, so marking the module as absent (``sys.modules[name] = None``, Python's documented
    way) loses no check the report's notebooks are given. Called by the ``workbook`` command and
    the batch fork server, never on import: a user's own kernel keeps every checker. Does nothing
    once jsonschema's format module is loaded.
    """
    import sys

    if "jsonschema._format" in sys.modules:
        return sys.modules.get(IRI_CHECKER, "absent") is None
    sys.modules.setdefault(IRI_CHECKER, None)  # type: ignore[arg-type]
    return sys.modules[IRI_CHECKER] is None


#: Set to the path of another report notebook (same parameters) to render with it instead.
NOTEBOOK_ENV = "COMMON_GROUND_REPORT_NOTEBOOK"


#: A section module imported directly would shadow the package's section function of the same name,
#: so each one is bound back onto ``helpers.report`` (``report.funnel`` stays the function).
KERNEL_WARMUP = ("import importlib as _i\n"
                 "for _m in ('pandas', 'matplotlib.pyplot', 'helpers.results'):\n"
                 "    _i.import_module(_m)\n"
                 "_r = _i.import_module('helpers.report')\n"
                 "for _s in getattr(_r, 'SECTIONS', ()):\n"
                 "    try:\n"
                 "        setattr(_r, _s, getattr(_i.import_module('helpers.report.' + _s), _s))\n"
                 "    except Exception:\n"
                 "        pass\n"
                 "del _i, _m, _r, _s")


EXECUTION_TIMEOUT = 600  # seconds per cell


#: The execution engines: ``inprocess`` (default) and ``kernel``.
ENGINES = ("inprocess", "kernel")


#: Set to ``kernel`` to run reports on IPython kernels (``--engine`` sets it for batch workers too).
ENGINE_ENV = "COMMON_GROUND_ENGINE"


def engine_choice(engine: str | None = None) -> str:
    """The engine to use: ``engine`` if given, else :data:`ENGINE_ENV`, else ``inprocess``.

    Raises
    ------
    ValueError
        For a name not in :data:`ENGINES`.
    """
    chosen = engine or os.environ.get(ENGINE_ENV) or "inprocess"
    if chosen not in ENGINES:
        raise ValueError(f"unknown engine {chosen!r}; choose one of {', '.join(ENGINES)}")
    return chosen


class KernelPool:
    """Report kernels for one thread: started ahead, optionally reused after a namespace reset.

    Parameters
    ----------
    kernel_name : str
        Kernel spec name.
    ahead : bool
        Start a replacement as soon as a kernel is retired, so its boot and warm-up imports
        overlap with other work (batch workers).
    reuse : int
        Reports one kernel may run (0 or 1: a fresh kernel per report). Between reports the
        kernel's namespace is wiped (``%reset -f``), figures closed and the working directory
        restored; a report that failed always retires its kernel.
    """

    def __init__(self, kernel_name: str, ahead: bool = False, reuse: int = 0) -> None:
        self.kernel_name = kernel_name
        self.ahead = ahead
        self.reuse = reuse
        self._spare: Any = None
        self._uses: dict[int, int] = {}

    def _start(self) -> Any:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        km = AsyncKernelManager(kernel_name=self.kernel_name)
        run_sync(km.start_kernel)(cwd=str(NOTEBOOKS), extra_arguments=[
            "--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR",
            f"--IPKernelApp.exec_lines={KERNEL_WARMUP}"])
        return km

    def prefetch(self) -> None:
        """Start the next kernel now (it boots in the background) unless one is waiting."""
        if self._spare is None:
            self._spare = self._start()

    def take(self) -> Any:
        """A started kernel for one report; give it back with :meth:`release`."""
        km, self._spare = self._spare, None
        if km is None or not km.has_kernel:
            km = self._start()
        if self.ahead and self.reuse <= 1:
            self.prefetch()
        return km

    def release(self, km: Any, ok: bool) -> None:
        """Keep ``km`` for the next report (after a reset) or shut it down."""
        uses = self._uses.pop(id(km), 0) + 1
        if ok and uses < self.reuse and self._spare is None and _reset(km):
            self._spare, self._uses[id(km)] = km, uses
            return
        stop(km)
        if self.ahead:
            self.prefetch()

    def close(self) -> None:
        """Shut down the waiting kernel, if any."""
        km, self._spare = self._spare, None
        if km is not None:
            stop(km)


_RESET = ("get_ipython().run_line_magic('reset', '-f')\n"
          "import os as _o, matplotlib.pyplot as _p\n"
          f"_p.close('all'); _o.chdir({str(NOTEBOOKS)!r})\n"
          "get_ipython().execution_count = 1\n"
          "del _o, _p")


def _reset(km: Any) -> bool:
    """Wipe a kernel's namespace for the next report; False when that did not work."""
    from jupyter_core.utils import run_sync

    kc = km.client()
    try:
        kc.start_channels()
        reply = run_sync(kc.execute_interactive)(_RESET, silent=True, store_history=False, timeout=60,
                                                 output_hook=lambda msg: None)
        return reply["content"]["status"] == "ok"
    except Exception:  # a dead or stuck kernel is simply not reused
        return False
    finally:
        kc.stop_channels()


def stop(km: Any) -> None:
    """Kill a report kernel and release its resources (never raises)."""
    from jupyter_core.utils import run_sync

    try:
        run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # the kernel may already be gone; nothing more to free
        pass


_local = threading.local()


_pools: list[KernelPool] = []


def kernel_pool(kernel_name: str) -> KernelPool:
    """This thread's kernel pool for ``kernel_name`` (created on first use)."""
    pools = _local.__dict__.setdefault("pools", {})
    if kernel_name not in pools:
        pools[kernel_name] = KernelPool(kernel_name, ahead=getattr(_local, "ahead", False),
                                        reuse=getattr(_local, "reuse", 0))
        _pools.append(pools[kernel_name])
    return pools[kernel_name]


def keep_kernels_ahead(reuse: int = 20) -> None:
    """Batch mode for this thread: start kernels ahead and reuse each for up to ``reuse`` reports."""
    _local.ahead, _local.reuse = True, reuse
    for pool in _local.__dict__.get("pools", {}).values():
        pool.ahead, pool.reuse = True, reuse


@atexit.register
def _close_pools() -> None:
    for pool in list(_pools):
        pool.close()


def _engine() -> str:
    """Register (once) a papermill engine that runs on a kernel we started and closes its client."""
    from papermill.engines import NBClientEngine, papermill_engines

    class PrestartedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            from papermill.clientwrap import PapermillNotebookClient

            km, holder = kwargs.pop("km"), kwargs.pop("holder")
            holder.append(nb_man.nb)  # papermill adds its error cells to this very object
            client = PapermillNotebookClient(
                nb_man, km=km, kernel_name=kernel_name, timeout=kwargs.get("execution_timeout"),
                startup_timeout=kwargs.get("start_timeout", 60), log_output=False)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    if "commonground" not in papermill_engines._engines:
        papermill_engines.register("commonground", PrestartedKernelEngine)
    return "commonground"


class ReportNotebookUnreadable(Exception):
    """The report notebook (the bundled one, or the one :data:`NOTEBOOK_ENV` names) cannot be read."""


def report_notebook() -> Any:
    """A fresh copy of the report notebook (read from disk once per thread).

    Raises
    ------
    ReportNotebookUnreadable
        When the file is missing, unreadable or not a notebook (the message says which file and
        how to fix it; an ``OSError`` here would read as a folder that cannot be written).
    """
    import nbformat

    path = Path(os.environ.get(NOTEBOOK_ENV) or REPORT_NOTEBOOK)
    cache = _local.__dict__.setdefault("notebooks", {})
    try:
        key = (str(path), path.stat().st_mtime_ns)
        if key not in cache:
            cache[key] = nbformat.read(str(path), as_version=4)
    except (OSError, ValueError) as exc:  # missing, unreadable, not JSON, not a valid notebook
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]
        fix = (f"set {NOTEBOOK_ENV} to a report notebook that exists, or unset it" if os.environ.get(NOTEBOOK_ENV)
               else "restore notebooks/05_client_report.ipynb from the project")
        raise ReportNotebookUnreadable(f"the report notebook {path} cannot be read ({reason}); {fix}") from exc
    return copy.deepcopy(cache[key])


def execute_report(engagement: Path, results_json: Path, kernel_name: str | None = None,
                   engine: str | None = None) -> tuple[Any, str | None]:
    """Execute the report notebook with papermill: in this process, or on a pooled kernel.

    Parameters
    ----------
    engagement, results_json : Path
        Values of the notebook's parameters.
    kernel_name : str, optional
        Kernel spec; default the notebook's own.
    engine : str, optional
        ``inprocess`` or ``kernel``; default :func:`engine_choice`.

    Returns
    -------
    (notebook, error)
        ``error`` is None on success; otherwise a one-line message, and the notebook holds
        papermill's error cell at the top (nothing is written to disk here).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    nb = report_notebook()
    name = kernel_name or _kernel_name(nb)
    if engine_choice(engine) == "inprocess":
        return _execute_inprocess(nb, engagement, results_json, name)
    pool = kernel_pool(name)
    km, ok = pool.take(), False
    holder: list[Any] = []  # papermill puts the executed notebook (an nbformat NotebookNode) here
    try:
        done = papermill.execute_notebook(
            nb, None, parameters={"engagement": str(engagement), "results_json": str(results_json)},
            engine_name=_engine(), kernel_name=name, km=km, holder=holder, progress_bar=False,
            log_output=False, request_save_on_cell_execute=False, execution_timeout=EXECUTION_TIMEOUT)
        ok = True
        return done, None
    except PapermillExecutionError as exc:
        first = str(exc.evalue).splitlines()[0] if exc.evalue else ""
        return (holder[0] if holder else nb), f"{exc.ename}: {first}".strip()
    except Exception as exc:  # the kernel died or a cell timed out: no error cell to keep
        return (holder[0] if holder else nb), (
            f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'the report stopped'}")
    finally:
        pool.release(km, ok)


def _execute_inprocess(nb: Any, engagement: Path, results_json: Path, kernel_name: str) -> tuple[Any, str | None]:
    """:func:`execute_report` with the in-process engine (same results and error handling)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from helpers.render.inprocess import register

    holder: list[Any] = []
    try:
        done = papermill.execute_notebook(
            nb, None, parameters={"engagement": str(engagement), "results_json": str(results_json)},
            engine_name=register(), kernel_name=kernel_name, holder=holder, progress_bar=False, log_output=False,
            request_save_on_cell_execute=False, execution_timeout=EXECUTION_TIMEOUT, cwd=str(NOTEBOOKS))
        return done, None
    except PapermillExecutionError as exc:
        first = str(exc.evalue).splitlines()[0] if exc.evalue else ""
        return (holder[0] if holder else nb), f"{exc.ename}: {first}".strip()
    except Exception as exc:  # papermill itself failed (bad notebook): no error cell to keep
        return (holder[0] if holder else nb), (
            f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'the report stopped'}")


def _kernel_name(nb: Any) -> str:
    return nb.metadata.get("kernelspec", {}).get("name") or "python3"


def prestart_kernel(kernel_name: str | None = None, engine: str | None = None) -> None:
    """Get the next report's execution ready while this process loads and computes.

    With the kernel engine a kernel starts booting now; in-process, the report's imports are
    paid now (once per process).
    """
    if engine_choice(engine) == "inprocess":
        from helpers.render.inprocess import warm_up

        warm_up()
        return
    try:
        name = kernel_name or _kernel_name(report_notebook())
    except ReportNotebookUnreadable:  # the render says so; nothing to start ahead
        return
    kernel_pool(name).prefetch()
