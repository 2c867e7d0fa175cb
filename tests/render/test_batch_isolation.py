"""A worker process that dies costs only its own engagement; the summary counts files on disk.

The jobs here stand in for a render (they write a small output set the same way) so that a
worker can be killed on purpose without starting notebooks: ``killed`` sends itself SIGKILL,
``exits`` calls ``os._exit(3)``, ``out-of-memory`` raises MemoryError, ``vanishes`` reports
success without writing anything; the others write their set from precomputed results.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import time
from pathlib import Path

import pytest

from helpers import batch
from helpers.batch import WORKER_DIED, run_batch
from helpers.cli import main
from helpers.render.handout import RenderResult
from helpers.render.outputs import OutputSet

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "engagements"
RESULTS = "results-for-the-stand-in.json"


def stand_in_job(folder: Path, out: Path, pdf: bool = False, slug: str | None = None) -> RenderResult:
    """Render ``folder`` the quick way (its results precomputed), or die the way its name says."""
    name = Path(folder).name
    if name == "killed":
        time.sleep(0.2)  # others are running by now
        os.kill(os.getpid(), signal.SIGKILL)
    if name == "exits":
        os._exit(3)
    if name == "out-of-memory":
        raise MemoryError()
    assert slug is not None
    if name == "vanishes":
        return RenderResult(slug, Path(folder), True, outputs={"html": Path(out) / f"{slug}.html"}, client=name)
    data = json.loads((Path(folder) / RESULTS).read_text(encoding="utf-8"))
    data["client"] = name.title()
    staged = OutputSet(Path(out), slug, Path(folder), name.title())
    staged.write("json", json.dumps(data))
    staged.write("html", f"<h1>{name}</h1>")
    return RenderResult(slug, Path(folder), True, outputs=staged.commit(), client=name.title())


@pytest.fixture(scope="module")
def results_json() -> str:
    from helpers.engagement.load import load
    from helpers.results import compute, to_json

    eng, problems = load(FIXTURES / "small")
    assert eng is not None, problems
    return to_json(compute(eng))


def portfolio(root: Path, results: str, *names: str) -> list[Path]:
    for name in names:
        (root / name).mkdir(parents=True)
        (root / name / "engagement.yaml").write_text(f"client: {name}\n", encoding="utf-8")
        (root / name / RESULTS).write_text(results, encoding="utf-8")
    return [root / name for name in names]


def test_a_dead_worker_costs_only_its_own_engagement(tmp_path: Path, results_json: str) -> None:
    good = ["alpha", "bravo", "charlie", "delta"]
    folders = portfolio(tmp_path / "in", results_json, "alpha", "killed", "bravo", "exits", "charlie",
                        "out-of-memory", "delta")
    out = tmp_path / "out"
    summary = run_batch(folders, out, jobs=2, progress=False, job=stand_in_job)
    errors = {r.folder.name: r.error for r in summary.results}
    assert errors == {**dict.fromkeys(good), "killed": f"{WORKER_DIED} (killed or out of memory)",
                      "exits": f"{WORKER_DIED} (it exited with code 3)",
                      "out-of-memory": "ran out of memory while rendering (MemoryError)"}
    for name in good:
        assert (out / f"{name}.html").read_text() == f"<h1>{name}</h1>"
        assert json.loads((out / f"{name}.json").read_text())["client"] == name.title()
    assert [r.folder.name for r in summary.written] == good
    assert not [p for p in out.iterdir() if p.name.startswith(("killed", "exits", "out-of-memory", "."))]
    with (out / "portfolio.csv").open(encoding="utf-8") as fh:
        rows = fh.read().splitlines()
    assert len(rows) == 8 and any(row.startswith("killed,") and ",failed," in row for row in rows)


def test_the_summary_counts_the_files_on_disk(tmp_path: Path, results_json: str, monkeypatch, capsys) -> None:
    root = tmp_path / "in"
    portfolio(root, results_json, "alpha", "bravo", "killed", "vanishes")
    monkeypatch.setattr(batch, "run_batch", functools.partial(run_batch, job=stand_in_job))
    out = tmp_path / "out"
    code = main(["batch", str(root), "--out", str(out), "--jobs", "2", "--quiet"])
    printed = capsys.readouterr()
    assert code == 1
    assert "\n2 of 4 handouts written to" in printed.out
    assert f"killed: FAILED: {WORKER_DIED} (killed or out of memory)" in printed.out
    assert "not on disk as written: vanishes" in printed.out
    assert sorted(p.name for p in out.glob("*.html")) == ["alpha.html", "bravo.html", "portfolio.html"]


@pytest.mark.parametrize("cause, expected", [
    (-signal.SIGKILL, f"{WORKER_DIED} (killed or out of memory)"),
    (-signal.SIGTERM, f"{WORKER_DIED} (killed by SIGTERM)"),
    (None, f"{WORKER_DIED} (killed or out of memory)"),
    (70, f"{WORKER_DIED} (it exited with code 70)"),
])
def test_death_cause_wording(cause: int | None, expected: str) -> None:
    assert batch.death_cause(cause) == expected
