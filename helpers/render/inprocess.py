"""A papermill engine that runs the report in this process: one fresh IPython shell per report.

papermill stays the renderer (it parameterises the notebook, tracks every cell's state and,
when a cell raises, puts its error cells into the executed notebook and raises
``PapermillExecutionError``); only the execution moves from a kernel, reached over ZeroMQ, into
the worker itself. That saves the kernel's boot (about a second) and the messaging per cell.

Isolation between reports, which a kernel per report gave for free, is kept explicitly:

* every report runs in a new :class:`~IPython.core.interactiveshell.InteractiveShell` (a fresh
  user namespace, execution counts from 1, no history), made the process's current shell only
  for the duration of that report;
* matplotlib's figures are closed and its ``rcParams`` restored to the state at start-up, before
  and after each report, and the working directory is restored;
* the project's own modules (``helpers.*``) get back the attributes they had: a name a report
  added to a module is removed, one it replaced is put back. (Their ``lru_cache`` tables hold
  templates, content files, holiday calendars and combinatorial tables, never client data.)

Outputs are built the way a kernel would send them (``execute_result``, ``display_data`` with
the same MIME bundles and metadata, ``stream`` and ``error`` with an IPython traceback), so the
executed notebook and the handout exported from it are the same as with the kernel engine.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import importlib
import io
import os
import platform
import signal
import sys
import threading
from typing import Any, Callable, Iterator

#: Name under which the engine is registered with papermill.
ENGINE_NAME = "commonground-inprocess"


#: Modules whose attributes are restored between reports (this package's own).
PROJECT_PACKAGE = "helpers"


#: The ``language_info`` an IPython kernel reports (papermill copies it into the notebook).
def language_info() -> dict[str, Any]:
    """The notebook's ``language_info`` as ipykernel reports it for this Python."""
    return {"name": "python", "version": platform.python_version(), "mimetype": "text/x-python",
            "codemirror_mode": {"name": "ipython", "version": 3}, "pygments_lexer": "ipython3",
            "nbconvert_exporter": "python", "file_extension": ".py"}


class _Outputs:
    """The outputs of the cell being run, in the order they were produced."""

    def __init__(self) -> None:
        self.items: list[Any] = []

    def add(self, output: Any) -> None:
        self.items.append(output)

    def stream(self, name: str, text: str) -> None:
        """Append text to a stream output, merging with the previous one of the same stream."""
        if not text:
            return
        last = self.items[-1] if self.items else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self.items.append(new_output("stream", name=name, text=text))


def new_output(output_type: str, **fields: Any) -> Any:
    """An output node as ``nbformat.v4.new_output`` builds it; checked against the schema when it holds a cell's data.

    A display or a cell's value carries a MIME bundle the cell made, which may break the
    notebook format: it is checked against the format's definition of its output type, and one
    that breaks it is handed to ``nbformat.v4.new_output``, which refuses it with its own message,
    so the cell fails there with a clear error (and the report with it) instead of leaving an
    invalid notebook for the writing or the export to trip over. The check is the schema's
    definition compiled once (:func:`output_check`, by ``fastjsonschema``, nbformat's own default
    validator): ``new_output`` checks a single output with ``jsonschema``, 0.25-0.65 ms each,
    about 15 ms of every report's 30-odd displays. Text streams and error outputs are made here
    from strings alone: they are built without a check (the same nodes, every field given).

    Parameters
    ----------
    output_type : str
        ``stream``, ``display_data``, ``execute_result`` or ``error``.
    **fields
        Every field of that output type (``name`` and ``text``; ``data`` and ``metadata``, and
        ``execution_count`` for a result; ``ename``, ``evalue`` and ``traceback``).
    """
    import nbformat

    if output_type in ("display_data", "execute_result"):
        node = nbformat.from_dict({"output_type": output_type, "metadata": {}, "data": {},
                                   **({"execution_count": None} if output_type == "execute_result" else {}), **fields})
        if not output_check(output_type)(node):
            return nbformat.v4.new_output(output_type, **fields)  # refuses it, saying why
        return node
    return nbformat.from_dict({"output_type": output_type, **fields})


@functools.lru_cache(maxsize=None)
def output_check(output_type: str) -> Callable[[Any], bool]:
    """Whether an output of ``output_type`` is valid in the notebook format nbformat writes (v4, its latest minor:
    the schema ``nbformat.v4.new_output`` checks against).

    The format's own schema, the definition of that output type, compiled once per process by
    ``fastjsonschema`` (the batch's fork server compiles both before forking).
    """
    import json
    from pathlib import Path

    import fastjsonschema
    import nbformat

    schema = json.loads((Path(nbformat.v4.__file__).parent / nbformat.v4.nbformat_schema[(nbformat.v4.nbformat, nbformat.v4.nbformat_minor)])
                        .read_text(encoding="utf-8"))
    validate = fastjsonschema.compile({"$schema": schema["$schema"], "definitions": schema["definitions"],
                                       "$ref": f"#/definitions/{output_type}"})

    def valid(node: Any) -> bool:
        try:
            validate(node)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return valid


class _Stream(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` while a cell runs: text becomes a stream output."""

    def __init__(self, outputs: Callable[[], _Outputs], name: str) -> None:
        self._outputs, self.name = outputs, name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._outputs().stream(self.name, text)
        return len(text)


def _shell_classes() -> tuple[type, type, type]:
    """The shell, display hook and display publisher classes (IPython imported on first use)."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    class CapturingDisplayHook(DisplayHook):
        """A cell's last value becomes an ``execute_result`` output (as ipykernel sends it)."""

        outputs: _Outputs | None = None

        def start_displayhook(self) -> None:
            pass

        def write_output_prompt(self) -> None:
            pass

        def write_format_data(self, format_dict: dict[str, Any], md_dict: dict[str, Any] | None = None) -> None:
            if self.outputs is not None:
                self.outputs.add(new_output("execute_result", data=_clean(format_dict), metadata=md_dict or {},
                                            execution_count=self.prompt_count))

        def finish_displayhook(self) -> None:
            pass

    class CapturingDisplayPublisher(DisplayPublisher):
        """``display(...)`` becomes a ``display_data`` output; ``clear_output`` clears the cell's."""

        outputs: _Outputs | None = None

        def publish(self, data: dict[str, Any], metadata: dict[str, Any] | None = None, source: Any = None, *,
                    transient: Any = None, update: bool = False, **kwargs: Any) -> None:
            if self.outputs is not None and not update:
                self.outputs.add(new_output("display_data", data=_clean(data), metadata=metadata or {}))

        def clear_output(self, wait: bool = False) -> None:
            if self.outputs is not None:
                self.outputs.items.clear()

    class ReportShell(InteractiveShell):
        """An IPython shell whose tracebacks become ``error`` outputs (as ipykernel sends them)."""

        outputs: _Outputs | None = None

        def _showtraceback(self, etype: Any, evalue: Any, stb: list[str]) -> None:
            if self.outputs is not None:
                self.outputs.add(new_output("error", ename=str(etype.__name__), evalue=str(evalue),
                                            traceback=list(stb)))

    return ReportShell, CapturingDisplayHook, CapturingDisplayPublisher


def _clean(bundle: dict[str, Any]) -> dict[str, Any]:
    """A MIME bundle as JSON would carry it: bytes as base64 text (ipykernel's ``json_clean``)."""
    import base64

    out = {}
    for mime, value in bundle.items():
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        out[mime] = value
    return out


_baseline: dict[str, Any] = {}


def warm_up() -> None:
    """Import what every report uses and record matplotlib's settings as the per-report baseline.

    Called once per process (a batch worker's start-up, or the first report); later reports
    start from the ``rcParams`` recorded here, whatever an earlier report changed.
    """
    if _baseline:
        return
    for name in ("pandas", "matplotlib", "matplotlib.figure", "matplotlib.pyplot", "helpers.report",
                 "helpers.results", "IPython.core.interactiveshell", "IPython.display", "nbformat"):
        importlib.import_module(name)
    import matplotlib

    _baseline["rc"] = dict(matplotlib.rcParams)
    _baseline["classes"] = _shell_classes()
    _baseline["modules"] = {}
    # What is loaded now lives as long as the process: keep it out of the garbage collector's
    # scans, which otherwise walk every module object again and again while charts are drawn.
    gc.collect()
    gc.freeze()


def reset_process_state() -> None:
    """Close every figure, restore ``rcParams`` and the project's module attributes (between reports)."""
    import matplotlib
    import matplotlib.pyplot as plt

    warm_up()
    plt.close("all")
    with _quiet_rc():  # deprecated keys warn when set again
        matplotlib.rcParams.update(_baseline["rc"])
    saved: dict[str, dict[str, Any]] = _baseline["modules"]
    for name, module in list(sys.modules.items()):
        if module is None or not (name == PROJECT_PACKAGE or name.startswith(PROJECT_PACKAGE + ".")):
            continue
        current = vars(module)
        if name not in saved:  # first imported since the last reset: as it is now
            saved[name] = dict(current)
            continue
        for key in [k for k in current if k not in saved[name]]:
            del current[key]
        for key, value in saved[name].items():
            if current.get(key, _MISSING) is not value:
                current[key] = value


_MISSING = object()


@contextlib.contextmanager
def _quiet_rc() -> Iterator[None]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def report_shell() -> Iterator[Any]:
    """A new IPython shell, made the process's current one (``get_ipython()``) for this report."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    warm_up()
    shell_cls, hook_cls, pub_cls = _baseline["classes"]
    previous = InteractiveShell._instance if InteractiveShell.initialized() else None
    main_module = sys.modules.get("__main__")  # IPython makes the shell's user module __main__
    InteractiveShell.clear_instance()
    shell_cls.clear_instance()  # the subclass keeps its own reference to the last report's shell
    config = Config()
    config.HistoryManager.enabled = False  # no history database, no saving thread
    shell = shell_cls.instance(config=config, displayhook_class=hook_cls, display_pub_class=pub_cls,
                               colors="nocolor", cache_size=0)
    try:
        yield shell
    finally:
        shell.user_ns.clear()  # drop the report's objects now, not when the shell is collected
        atexit.unregister(shell.atexit_operations)  # each shell registers one; keep none alive
        if main_module is not None:  # multiprocessing's spawn, for one, reads __main__.__spec__
            sys.modules["__main__"] = main_module
        shell_cls.clear_instance()
        InteractiveShell.clear_instance()
        if previous is not None:  # e.g. the tests' own shell: give it back
            for cls in type(previous).mro():
                if hasattr(cls, "_instance") and issubclass(cls, InteractiveShell):
                    cls._instance = previous


class _CellTimeout(Exception):
    """A cell ran longer than the execution timeout."""


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`_CellTimeout` in the cell after ``seconds`` (main thread only; else no limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise _CellTimeout(f"the cell ran longer than {seconds:g} seconds")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _flush_pyplot(shell: Any) -> None:
    """Show figures a cell drew with pyplot, as the inline backend does, then close them."""
    import base64

    import matplotlib.pyplot as plt

    for num in plt.get_fignums():
        fig = plt.figure(num)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        w, h = fig.get_size_inches() * fig.dpi
        shell.display_pub.publish({"image/png": base64.b64encode(buf.getvalue()).decode("ascii"),
                                   "text/plain": f"<Figure size {w:g}x{h:g} with {len(fig.axes)} Axes>"})
    plt.close("all")


def run_cell(shell: Any, cell: Any, timeout: float | None) -> bool:
    """Execute one code cell in ``shell``; its outputs and execution count go into ``cell``.

    Returns
    -------
    bool
        True when the cell raised (its ``error`` output is among ``cell.outputs``).
    """
    outputs = _Outputs()
    shell.outputs = shell.displayhook.outputs = shell.display_pub.outputs = outputs
    cell.outputs = []
    stdout, stderr = _Stream(lambda: outputs, "stdout"), _Stream(lambda: outputs, "stderr")
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), _time_limit(timeout):
            result = shell.run_cell(cell.source, store_history=True)
            _flush_pyplot(shell)
    finally:
        shell.outputs = shell.displayhook.outputs = shell.display_pub.outputs = None
    cell.execution_count = result.execution_count
    cell.outputs = outputs.items
    return not result.success


def _engine_class() -> type:
    from papermill.engines import Engine

    class InProcessEngine(Engine):
        """papermill engine: each code cell runs in a fresh in-process IPython shell (see module)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            """Run every cell as papermill's nbclient engine does: stop at the first failing cell.

            A cell tagged ``raises-exception`` may fail without stopping the notebook (as with
            nbclient). ``execution_timeout`` (seconds per cell) is enforced in the main thread.
            """
            timeout = kwargs.get("execution_timeout")
            cwd = os.getcwd()
            nb = nb_man.nb
            if kwargs.get("holder") is not None:  # papermill adds its error cells to this very object
                kwargs["holder"].append(nb)
            reset_process_state()
            try:
                with report_shell() as shell:
                    for index, cell in enumerate(nb.cells):
                        try:
                            nb_man.cell_start(cell, index)
                            if cell.cell_type != "code" or not cell.source.strip():
                                continue
                            failed = run_cell(shell, cell, timeout)
                            if failed and "raises-exception" not in cell.metadata.get("tags", []):
                                nb_man.cell_exception(nb.cells[index], cell_index=index)
                                break
                        finally:
                            nb_man.cell_complete(nb.cells[index], cell_index=index)
                nb.metadata["language_info"] = language_info()
            finally:
                os.chdir(cwd)
                reset_process_state()
            return nb

    return InProcessEngine


def register() -> str:
    """Register the in-process engine with papermill (once); returns its name."""
    from papermill.engines import papermill_engines

    if ENGINE_NAME not in papermill_engines._engines:
        papermill_engines.register(ENGINE_NAME, _engine_class())
    return ENGINE_NAME
