"""The in-process papermill engine: isolated reports, papermill's error cells, the kernel's handout.

Reports run one after the other in the same process (as in a batch worker); nothing of one
client may reach the next: not a name in the namespace, not a matplotlib setting or figure, not
a line of output. A failing cell gives the same executed notebook (papermill's error cells on
top, the traceback in the cell) as the kernel engine, and the demo handout is the same file
with either engine.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any

import nbformat
import pytest

from helpers import PROJECT_ROOT
from helpers.render import engine
from helpers.render.engine import NOTEBOOK_ENV, execute_report
from helpers.render.handout import render_engagement
from tests.conftest import FIXTURES

DEMO = PROJECT_ROOT / "templates" / "demo" / "hartwell-orme-2026-08"
XSS = FIXTURES / "engagements/hostile"

#: A report notebook that shows what it found when it started, then leaves traces behind.
PROBE = [
    ("engagement = ''\nresults_json = ''", ["parameters"]),
    ("import json, matplotlib, matplotlib.pyplot as plt\n"
     "import helpers.charts.style as style\n"
     "print(json.dumps({'names': sorted(n for n in globals() if n.startswith('client_')),\n"
     "                  'linewidth': matplotlib.rcParams['lines.linewidth'],\n"
     "                  'parse_math': matplotlib.rcParams['text.parse_math'],\n"
     "                  'figures': len(plt.get_fignums()),\n"
     "                  'module_note': getattr(style, 'client_note', None)}))", []),
    ("client_name = engagement\n"
     "matplotlib.rcParams['lines.linewidth'] = 9.0\n"
     "matplotlib.rcParams['text.parse_math'] = True\n"
     "plt.figure()\n"
     "style.client_note = engagement  # a module attribute: the one thing a fresh namespace cannot undo", []),
]


def notebook(path: Path, cells: list[tuple[str, list[str]]]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(src, metadata={"tags": tags}) for src, tags in cells]
    nbformat.write(nb, str(path))
    return path


def seen(nb: Any) -> dict[str, Any]:
    """What the probe cell printed."""
    cell = next(c for c in nb.cells if c.cell_type == "code" and "json.dumps" in c.source)
    return json.loads("".join(o.text for o in cell.outputs if o.output_type == "stream"))


def test_the_next_report_finds_nothing_of_the_previous_one(tmp_path: Path, monkeypatch) -> None:
    import helpers.charts.style as style
    import matplotlib

    monkeypatch.setenv(NOTEBOOK_ENV, str(notebook(tmp_path / "probe.ipynb", PROBE)))
    before = matplotlib.rcParams["lines.linewidth"]
    main_before = sys.modules["__main__"]
    first, error = execute_report(Path("/clients/acme"), tmp_path / "a.json", engine="inprocess")
    assert error is None
    second, error = execute_report(Path("/clients/globex"), tmp_path / "b.json", engine="inprocess")
    assert error is None
    assert seen(first)["names"] == [] and seen(second)["names"] == []
    assert seen(second)["linewidth"] == before and seen(second)["parse_math"] is False
    assert seen(second)["figures"] == 0
    assert "acme" not in json.dumps(second)
    counts = [c.execution_count for c in second.cells if c.cell_type == "code"]
    assert counts == [1, 2, 3, 4]  # injected parameters, then the notebook's three cells
    # after the report this process is as it was: settings restored, no figure left open
    assert matplotlib.rcParams["lines.linewidth"] == before and matplotlib.rcParams["text.parse_math"] is False
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []
    assert sys.modules["__main__"] is main_before  # IPython's user module must not stay __main__
    monkeypatch.delattr(style, "client_note", raising=False)


def test_a_failing_cell_gives_papermills_error_notebook(tmp_path: Path, monkeypatch) -> None:
    cells = [("engagement = ''\nresults_json = ''", ["parameters"]), ("print('before')", []),
             ("raise ValueError('the survey is empty')", []), ("print('never run')", [])]
    monkeypatch.setenv(NOTEBOOK_ENV, str(notebook(tmp_path / "fails.ipynb", cells)))
    nb, error = execute_report(Path("/clients/acme"), tmp_path / "a.json", engine="inprocess")
    assert error == "ValueError: the survey is empty"
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags[0] == ["papermill-error-cell-tag"]  # "An Exception was encountered at ..." on top
    failed = next(c for c in nb.cells if "raise ValueError" in c.source)
    anchor = nb.cells[nb.cells.index(failed) - 1]
    assert anchor.metadata.get("tags") == ["papermill-error-cell-tag"]
    assert [o.output_type for o in failed.outputs] == ["error"]
    assert failed.outputs[0].ename == "ValueError" and "the survey is empty" in "".join(failed.outputs[0].traceback)
    assert failed.metadata.papermill["status"] == "failed" and nb.metadata.papermill["exception"] is True
    assert next(c for c in nb.cells if "never run" in c.source).outputs == []


def test_every_kind_of_output_is_what_nbformat_builds_and_the_notebook_is_valid(tmp_path: Path, monkeypatch) -> None:
    """Outputs are built without nbformat's check of each one: the executed notebook must still validate."""
    cells = [("engagement = ''\nresults_json = ''", ["parameters"]),
             ("import sys\nprint('to stdout')\nprint('to stderr', file=sys.stderr)", []),
             ("from IPython.display import HTML, display\ndisplay(HTML('<b>shown</b>'), metadata={'isolated': True})\n"
              "{'a': 1}", []),
             ("raise ValueError('stop here')", [])]
    monkeypatch.setenv(NOTEBOOK_ENV, str(notebook(tmp_path / "outputs.ipynb", cells)))
    nb, error = execute_report(Path("/clients/acme"), tmp_path / "a.json", engine="inprocess")
    assert error == "ValueError: stop here"
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert sorted(o.output_type for o in outputs) == ["display_data", "error", "execute_result", "stream", "stream"]
    for output in outputs:  # nbformat's own constructor checks each against the schema, and builds the same node
        fields = {k: v for k, v in output.items() if k != "output_type"}
        assert nbformat.v4.new_output(output.output_type, **fields) == output
    nbformat.validate(nb)
    nb.cells[-1].outputs[0].pop("traceback")  # and the whole-notebook check does see a broken output
    with pytest.raises(nbformat.ValidationError):
        nbformat.validate(nb)


def test_a_display_that_breaks_the_notebook_format_fails_the_report_there(tmp_path: Path, monkeypatch) -> None:
    """A cell publishing a bundle the format forbids fails at that cell, as with a kernel, not later at writing."""
    cells = [("engagement = ''\nresults_json = ''", ["parameters"]),
             ("from IPython.display import publish_display_data\npublish_display_data({'text/plain': 5})", []),
             ("never_run = 1", [])]
    monkeypatch.setenv(NOTEBOOK_ENV, str(notebook(tmp_path / "bad_output.ipynb", cells)))
    nb, error = execute_report(Path("/clients/acme"), tmp_path / "a.json", engine="inprocess")
    assert error is not None and "Validation" in error
    nbformat.validate(nb)  # the notebook written for the consultant is a valid one, with the error shown


@pytest.mark.slow
def test_kernel_and_inprocess_engines_give_the_same_error_notebook(tmp_path: Path, monkeypatch) -> None:
    cells = [("engagement = ''\nresults_json = ''", ["parameters"]), ("x = 1\nx", []),
             ("print('before')\n1 / 0", [])]
    monkeypatch.setenv(NOTEBOOK_ENV, str(notebook(tmp_path / "fails.ipynb", cells)))
    found = {}
    for name in ("kernel", "inprocess"):
        found[name] = execute_report(Path("/clients/acme"), tmp_path / "a.json", engine=name)
    shapes = {}
    for name, (nb, error) in found.items():
        shapes[name] = (error, [(c.cell_type, c.get("execution_count"), c.metadata.get("tags", []),
                                 [(o.output_type, o.get("name"), o.get("ename"), o.get("text"), o.get("data"))
                                  for o in c.get("outputs", [])]) for c in nb.cells])
    assert shapes["inprocess"] == shapes["kernel"]
    assert shapes["inprocess"][0] == "ZeroDivisionError: division by zero"


@pytest.mark.slow
def test_both_engines_write_the_same_demo_handout(tmp_path: Path) -> None:
    html = {}
    for name in ("kernel", "inprocess"):
        result = render_engagement(DEMO, tmp_path / name, engine=name)
        assert result.ok, result.error
        html[name] = Path(result.outputs["html"]).read_text(encoding="utf-8")
        assert "data:image/svg+xml;base64," in html[name]
    assert html["inprocess"] == html["kernel"]


@pytest.mark.slow
def test_one_process_renders_two_clients_without_a_leak(tmp_path: Path) -> None:
    """As a batch worker does: client A, then client B, in the same process (in-process engine)."""
    got: dict[str, Any] = {}

    def work() -> None:  # a thread of its own, like the kernel-reuse test; no kernel is started
        got["first"] = render_engagement(FIXTURES / "engagements/small", tmp_path / "out", engine="inprocess")
        got["second"] = render_engagement(XSS, tmp_path / "out", engine="inprocess")
        got["pools"] = list(engine._pools)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    first, second = got["first"], got["second"]
    assert first.ok and second.ok, (first.error, second.error)
    assert "Nordlicht" in Path(first.outputs["html"]).read_text(encoding="utf-8")
    for kind in ("html", "consultant.html", "ipynb", "json"):
        text = Path(second.outputs[kind]).read_text(encoding="utf-8")
        assert "Nordlicht" not in text, kind
    nb = nbformat.read(str(second.outputs["ipynb"]), as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code" and c.execution_count]
    assert counts[0] == 1
    assert not [p for p in got["pools"] if p._spare is not None]  # no kernel was started for these
