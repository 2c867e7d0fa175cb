"""The `workbook` command as a consultant uses it: exit codes, messages, files written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers.cli import main
from tests.conftest import DEMO, survey_csv

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_new_then_check(tmp_path, capsys) -> None:
    folder = tmp_path / "acme"
    code, out = run(capsys, "new", str(folder), "--client", "Acme Ltd", "--consultant", "Priya Raman",
                    "--industry", "Logistics", "--date", "2026-11-02")
    assert code == 0, out
    assert (folder / "engagement.yaml").is_file()
    code, out = run(capsys, "check", str(folder))
    assert code == 0, out
    assert "acme: usable" in out and "survey: none" in out


def test_new_refuses_to_overwrite(tmp_path, capsys) -> None:
    folder = tmp_path / "acme"
    assert run(capsys, "new", str(folder), "--client", "Acme")[0] == 0
    before = (folder / "engagement.yaml").read_text()
    code, out = run(capsys, "new", str(folder), "--client", "Other")
    assert code == 1 and "already holds an engagement.yaml" in out
    assert (folder / "engagement.yaml").read_text() == before


def test_check_lists_every_problem_and_exits_1(make_engagement, capsys) -> None:
    folder = make_engagement({
        "engagement.yaml": "client: Acme\nconsultant: P\ndate: 2026-13-01\nindustry: X\n",
        "survey.csv": survey_csv([("S1", "sales", "staff", [7] + [3] * 23), ("M1", "marketing", "staff", [3] * 24)]),
    })
    code, out = run(capsys, "check", str(folder))
    assert code == 1
    assert "NOT usable" in out
    assert re.search(r"error\s+engagement\.yaml: date: date '2026-13-01' is not an ISO date", out), out
    assert re.search(r"error\s+survey\.csv:2", out), out
    assert "Traceback" not in out


def test_check_a_missing_folder_is_a_message_not_a_traceback(tmp_path, capsys) -> None:
    code, out = run(capsys, "check", str(tmp_path / "nope"))
    assert code == 1 and "is not a folder" in out


def test_check_a_portfolio_checks_each_engagement(capsys) -> None:
    code, out = run(capsys, "check", str(DEMO))
    assert code == 0, out
    assert out.count(": usable") >= 3


def test_render_of_a_broken_engagement_writes_nothing(make_engagement, tmp_path, capsys) -> None:
    folder = make_engagement({"survey.csv": survey_csv([("S1", "sales", "staff", ["x"] * 24)])})
    out_dir = tmp_path / "out"
    code, out = run(capsys, "render", str(folder), "--out", str(out_dir))
    assert code == 1
    assert "survey.csv:2" in out
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_survey_writes_the_collection_kit(make_engagement, capsys) -> None:
    folder = make_engagement()
    code, out = run(capsys, "survey", str(folder))
    assert code == 0, out
    written = [Path(line.split("wrote ", 1)[1]) for line in out.splitlines() if line.startswith("wrote ")]
    assert any(p.suffix == ".csv" for p in written) and any(p.suffix == ".html" for p in written)
    assert all(p.is_file() for p in written)


def test_bad_jobs_value_is_a_usage_error(capsys) -> None:
    code, out = run(capsys, "batch", str(DEMO), "--jobs", "0")
    assert code == 2 and "--jobs must be 1 or more" in out


# --- the demo, rendered once for the whole module ---------------------------------------------

@pytest.fixture(scope="module")
def demo_out(tmp_path_factory) -> tuple[int, Path, str]:
    out = tmp_path_factory.mktemp("demo-reports")
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        code = main(["demo", "--out", str(out), "--quiet"])
    return code, out, buf.getvalue()


@pytest.mark.slow
def test_demo_renders_a_handout_per_demo_engagement(demo_out) -> None:
    code, out, printed = demo_out
    assert code == 0, printed
    handouts = sorted(p for p in out.glob("*.html") if p.name != "portfolio.html")
    assert len(handouts) >= 3
    assert "Open the demo handouts in a browser" in printed


@pytest.mark.slow
def test_demo_handouts_show_client_stage_and_index_and_nothing_confidential(demo_out) -> None:
    _, out, _ = demo_out
    for html_path in sorted(p for p in out.glob("*.html") if p.name != "portfolio.html"):
        results = json.loads(html_path.with_suffix(".json").read_text())
        html = html_path.read_text(encoding="utf-8")
        name = html_path.name
        import html as html_lib

        assert html_lib.escape(results["client"]) in html, name
        assert results["stage"] in html, name
        assert f"{results['index']:.1f}" in html, name
        assert not re.search(r'class="[^"]*\b(jp-InputArea|jp-InputPrompt|jp-OutputPrompt)\b', html), \
            f"{name} shows code or prompts"
        for forbidden in ("In&nbsp;[", "In [", "Traceback", "widget-state", "application/vnd.jupyter.widget",
                          "papermill", "results_json", str(ROOT), "/tmp/", "/work/", "/root/"):
            assert forbidden not in html, f"{name} contains {forbidden!r}"
        assert not re.search(r"<script[^>]+src=[\"']?https?:", html), f"{name} loads a script from the network"
        assert not re.search(r"<link[^>]+href=[\"']?https?:", html), f"{name} loads a stylesheet from the network"


@pytest.mark.slow
def test_demo_json_has_the_documented_keys(demo_out) -> None:
    _, out, _ = demo_out
    results_files = [p for p in sorted(out.glob("*.json")) if not p.name.endswith(".manifest.json")]
    assert results_files
    for path in results_files:
        results = json.loads(path.read_text())
        for key in ("client", "index", "stage", "teams", "dimensions", "missing", "findings"):
            assert key in results, f"{path.name} lacks {key}"
        for team in ("sales", "marketing"):
            assert {"index", "n"} <= set(results["teams"][team])
        assert len(results["dimensions"]) == 8
        for dim in results["dimensions"].values():
            assert {"index", "sales", "marketing", "gap"} <= set(dim)
            assert dim["gap"] == pytest.approx(dim["sales"] - dim["marketing"], abs=0.11)


def test_check_warns_about_respondents_left_out_of_the_scores(make_engagement, capsys) -> None:
    rows = [("S1", "sales", "staff", [4] * 24), ("S2", "sales", "staff", [4] * 5),
            ("M1", "marketing", "staff", [3] * 24)]
    code, out = run(capsys, "check", str(make_engagement({"survey.csv": survey_csv(rows)})))
    assert code == 0, out
    assert re.search(r"warning\s+survey\.csv.*S2", out), out


def test_check_lists_stakeholder_red_flags_for_the_consultant(capsys) -> None:
    code, out = run(capsys, "check", str(DEMO / "kessler-fluid-systems"))
    assert code == 0
    assert "note    stakeholders: The economic buyer, Walter Kessler, has not been interviewed." in out


def test_an_unknown_engine_in_the_environment_is_one_line_before_anything_is_written(tmp_path, capsys,
                                                                                    monkeypatch) -> None:
    from helpers.demo.generator import DEMO_ROOT

    monkeypatch.setenv("COMMON_GROUND_ENGINE", "bogus")
    for command in ("render", "batch"):
        folder = DEMO_ROOT / "quillstack" if command == "render" else DEMO_ROOT
        code, out = run(capsys, command, str(folder), "--out", str(tmp_path / command))
        assert code == 1, command
        assert "error: COMMON_GROUND_ENGINE: unknown engine 'bogus'; choose one of inprocess, kernel" in out
        assert "Traceback" not in out
        assert not list((tmp_path / command).glob("*.html")), command


def test_the_console_script_exits_with_mains_code_and_all_its_output(tmp_path) -> None:
    """``workbook`` (``helpers.cli:run``) exits as ``main`` says, with every line printed, skipping only the last collection."""
    import subprocess
    import sys

    def workbook(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", "from helpers.cli import run; run()", *args],
                              capture_output=True, text=True, timeout=300)

    good = workbook("check", str(DEMO / "quillstack"))
    assert good.returncode == 0, good.stderr[-2000:]
    assert good.stdout.splitlines()[0] == "quillstack: usable"
    bad = workbook("check", str(tmp_path / "nowhere"))
    assert bad.returncode == 1 and "is not a folder" in bad.stderr


def test_main_called_in_a_process_that_goes_on_leaves_the_collector_alone(capsys) -> None:
    """Only the console script freezes the collector at exit: ``main`` called from tests or a notebook does not."""
    import gc

    frozen = gc.get_freeze_count()
    assert main(["check", str(DEMO / "quillstack")]) == 0
    assert gc.get_freeze_count() == frozen


def test_check_of_a_portfolio_imports_no_scipy() -> None:
    """``workbook check`` shows the survey's warnings, not its intervals: scipy (a third of a second to import) stays unloaded."""
    import subprocess
    import sys

    code = ("import sys\nfrom helpers.cli import main\n"
            f"code = main(['check', {str(DEMO)!r}])\n"
            "print('RESULT', code, sorted(m for m in sys.modules if m == 'scipy' or m.startswith('scipy.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
    assert result == ["RESULT 0 []"], done.stdout[-2000:] + done.stderr[-2000:]
    assert "usable" in done.stdout and "survey" in done.stdout
