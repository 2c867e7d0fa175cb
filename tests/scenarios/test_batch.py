"""Batch rendering: one broken engagement never stops the others; portfolio roll-up; Dask."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from helpers.batch import PORTFOLIO_COLUMNS, run_batch
from helpers.engagement.load import find_engagements
from helpers.render.engine import NOTEBOOK_ENV, REPORT_NOTEBOOK
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow  # renders notebooks with papermill

FAILS_ON_PURPOSE = "Fails on purpose"


@pytest.fixture(scope="session")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A portfolio folder: two good engagements, one invalid, one whose report notebook raises."""
    root = tmp_path_factory.mktemp("portfolio")
    for name, fixture in (("render_small", "small"), ("render_xss", "hostile"), ("render_broken", "broken")):
        shutil.copytree(FIXTURES / "engagements" / fixture, root / name)
    failing = root / "render_fails"
    shutil.copytree(FIXTURES / "engagements" / "small", failing)
    yaml_path = failing / "engagement.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace("industry: B2B software",
                                                                         f"industry: {FAILS_ON_PURPOSE}"),
                         encoding="utf-8")
    (root / "not-an-engagement").mkdir()
    # the real report notebook plus one cell that raises for the failing engagement only
    nb = nbformat.read(str(REPORT_NOTEBOOK), as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "setup" in c.metadata.get("tags", [])) + 1
    guard = nbformat.v4.new_code_cell(
        f'if R["industry"] == "{FAILS_ON_PURPOSE}":\n    raise RuntimeError("the report failed on purpose")')
    nb.cells.insert(at, guard)
    notebook = root.parent / "report_with_guard.ipynb"
    nbformat.write(nb, str(notebook))
    out = root.parent / "out"
    mp = pytest.MonkeyPatch()
    mp.setenv(NOTEBOOK_ENV, str(notebook))
    try:
        summary = run_batch(find_engagements(root), out, jobs=2, progress=False)
    finally:
        mp.undo()
    return {"root": root, "out": out, "summary": summary}


def test_find_engagements_lists_folders_with_engagement_yaml(portfolio: dict[str, object]) -> None:
    names = [p.name for p in find_engagements(Path(portfolio["root"]))]  # type: ignore[arg-type]
    assert names == ["render_broken", "render_fails", "render_small", "render_xss"]


def test_failures_do_not_stop_the_others(portfolio: dict[str, object]) -> None:
    summary = portfolio["summary"]
    out = Path(portfolio["out"])  # type: ignore[arg-type]
    by_slug = {r.slug: r for r in summary.results}  # type: ignore[attr-defined]
    assert sorted(r.slug for r in summary.failed) == ["render-broken", "render-fails"]  # type: ignore[attr-defined]
    for good in ("render-small", "render-xss"):
        assert by_slug[good].ok and (out / f"{good}.html").is_file() and (out / f"{good}.json").is_file()
    broken = by_slug["render-broken"]
    assert any("client" in str(p) for p in broken.problems)
    assert not list(out.glob("render-broken*"))


def test_notebook_error_keeps_failed_notebook_and_no_handout(portfolio: dict[str, object]) -> None:
    out = Path(portfolio["out"])  # type: ignore[arg-type]
    result = next(r for r in portfolio["summary"].results if r.slug == "render-fails")  # type: ignore[attr-defined]
    assert result.error and "failed on purpose" in result.error and "\n" not in result.error
    assert not (out / "render-fails.html").exists() and not (out / "render-fails.ipynb").exists()
    failed = nbformat.read(str(out / "render-fails.failed.ipynb"), as_version=4)
    errors = [o for c in failed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and errors[0].evalue == "the report failed on purpose"
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in failed.cells)
    text = json.dumps(failed)
    assert str(portfolio["root"]) not in text and str(out) not in text


def test_portfolio_csv(portfolio: dict[str, object]) -> None:
    out = Path(portfolio["out"])  # type: ignore[arg-type]
    with (out / "portfolio.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0].keys()) == PORTFOLIO_COLUMNS
    by_slug = {r["slug"]: r for r in rows}
    assert set(by_slug) == {"render-broken", "render-fails", "render-small", "render-xss"}
    for slug in ("render-small", "render-xss"):
        data = json.loads((out / f"{slug}.json").read_text(encoding="utf-8"))
        row = by_slug[slug]
        assert row["status"] == "ok" and row["client"] == data["client"] and row["stage"] == data["stage"]
        assert float(row["index"]) == data["index"] and float(row["gap"]) == data["gap"]
        assert row["widest_gap_dimension"] in data["dimensions"]
    small, xss = by_slug["render-small"], by_slug["render-xss"]
    assert float(small["index"]) > float(xss["index"])  # the fixtures are built that way
    assert (small["percentile"], xss["percentile"]) == ("100", "50")
    assert by_slug["render-broken"]["status"] == "failed" and "client" in by_slug["render-broken"]["error"]
    assert by_slug["render-fails"]["error"].startswith("RuntimeError")


def test_portfolio_overview_handout(portfolio: dict[str, object]) -> None:
    html = (Path(portfolio["out"]) / "portfolio.html").read_text(encoding="utf-8")  # type: ignore[arg-type]
    assert "Portfolio overview" in html and "Where the clients stand" in html
    assert "Nordlicht Software GmbH" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    for stage in ("Undefined", "Defined", "Aligned", "Integrated"):
        assert stage in html
    assert "http://" not in html and "https://" not in html


def test_dask_scheduler_runs_the_same_jobs(tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        summary = run_batch([FIXTURES / "engagements" / "small", FIXTURES / "engagements" / "broken"], tmp_path,
                            scheduler=cluster.scheduler_address, progress=False)
    by_slug = {r.slug: r for r in summary.results}
    assert by_slug["small"].ok and (tmp_path / "small.html").is_file()
    assert not by_slug["broken"].ok and [r.slug for r in summary.failed] == ["broken"]
    assert (tmp_path / "portfolio.csv").is_file()


def test_a_missing_report_notebook_fails_each_engagement_with_a_message_not_a_traceback(tmp_path: Path) -> None:
    """The batch's fork server warms up on the report notebook; when that cannot be read, it still
    starts, and each engagement fails with one line saying why (no traceback), as with one render."""
    import os
    import subprocess
    import sys

    root = tmp_path / "portfolio"
    shutil.copytree(Path(__file__).resolve().parents[2] / "templates" / "demo" / "quillstack", root / "quillstack")
    env = {**os.environ, NOTEBOOK_ENV: str(tmp_path / "missing.ipynb")}
    done = subprocess.run([sys.executable, "-m", "helpers.cli", "batch", str(root), "--out", str(tmp_path / "out"),
                           "--quiet"], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout, done.stderr[-2000:]
    assert "quillstack: FAILED: not rendered: the report notebook" in done.stdout and "missing.ipynb" in done.stdout
    assert "cannot write" not in done.stdout
    assert not (tmp_path / "out" / "quillstack.html").exists()
