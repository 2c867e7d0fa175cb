"""`workbook render` and its files when things go wrong: full disk, read-only folder, bad input.

The report notebook is replaced by a fast stand-in that reads the staged results file the way
the real one does (so cover and body come from what the render computed); everything else
(loading, results, the handout template, staging, manifest, CLI) is the real code.
"""

from __future__ import annotations

import errno
import html
import json
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest

from helpers.cli import main
from helpers.render import handout, outputs
from helpers.render.handout import render_engagement
from helpers.render.outputs import read_manifest, verify

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "engagements"


def stand_in_report(engagement: Path, results_json: Path, kernel_name: str | None = None,
                    engine: str | None = None) -> tuple[Any, str | None]:
    """The executed report notebook, reduced to one section that quotes the results it was given."""
    data = json.loads(Path(results_json).read_text(encoding="utf-8"))
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("report.summary(R)", metadata={"tags": ["section"]})
    body = f'<h2 id="summary">Summary</h2><p class="body-client">{html.escape(str(data.get("client")))}</p>'
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": body})]
    nb.cells = [cell]
    if data.get("industry") == "Fails on purpose":
        return nb, "RuntimeError: the report failed on purpose"
    return nb, None


@pytest.fixture(autouse=True)
def fast_report(monkeypatch) -> None:
    monkeypatch.setattr(handout, "execute_report", stand_in_report)
    monkeypatch.setattr(handout, "prestart_kernel", lambda kernel_name=None, engine=None: None)


@pytest.fixture
def rendered(tmp_path: Path) -> dict[str, Any]:
    """An engagement rendered once into OUT: the previous complete set of the tests below."""
    folder = tmp_path / "Nordlicht"
    shutil.copytree(FIXTURES / "small", folder)
    out = tmp_path / "out"
    result = render_engagement(folder, out)
    assert result.ok, result.error
    return {"folder": folder, "out": out, "before": snapshot(out)}


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if not p.name.endswith(".manifest.json")}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_render_writes_one_complete_set_with_its_manifest(rendered: dict[str, Any]) -> None:
    out, folder = rendered["out"], rendered["folder"]
    assert sorted(rendered["before"]) == ["nordlicht.consultant.html", "nordlicht.consultant.json",
                                          "nordlicht.html", "nordlicht.ipynb", "nordlicht.json"]
    manifest = read_manifest(out, "nordlicht")
    assert manifest and manifest["folder"] == "Nordlicht" and manifest["client"] == "Nordlicht Software GmbH"
    assert verify(out, "nordlicht", folder) is None
    page = (out / "nordlicht.html").read_text(encoding="utf-8")
    assert '<h1 class="cover-client">Nordlicht Software GmbH</h1>' in page
    assert '<p class="body-client">Nordlicht Software GmbH</p>' in page
    assert ".tmp" not in (out / "nordlicht.ipynb").read_text(encoding="utf-8")  # names the file the client gets


def test_a_full_disk_mid_render_is_one_error_line_and_keeps_the_previous_set(rendered, monkeypatch, capsys) -> None:
    out, folder = rendered["out"], rendered["folder"]
    (folder / "engagement.yaml").write_text(
        (folder / "engagement.yaml").read_text(encoding="utf-8").replace("Nordlicht Software GmbH", "Nordlicht AG"),
        encoding="utf-8")
    real = outputs.write_temp

    def full_when_html(path: Path, data: bytes) -> None:
        if ".html." in path.name:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(outputs, "write_temp", full_when_html)
    code, stdout, stderr = run(capsys, "render", str(folder), "--out", str(out))
    assert code == 1
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "is full (no space left)" in errors[0], stderr
    assert "Traceback" not in stdout + stderr
    assert "stale" in stderr and "nordlicht.html" in stderr
    assert snapshot(out) == rendered["before"]  # the old set, whole; no temporary file left
    assert verify(out, "nordlicht", folder) is None
    assert "Nordlicht Software GmbH" in (out / "nordlicht.html").read_text(encoding="utf-8")


def test_a_read_only_output_folder_is_one_error_line(rendered, monkeypatch, capsys) -> None:
    def read_only(path: Path, data: bytes) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(outputs, "write_temp", read_only)
    code, stdout, stderr = run(capsys, "render", str(rendered["folder"]), "--out", str(rendered["out"]))
    assert code == 1 and stdout == ""
    assert stderr.strip().splitlines() == [
        f"error: you may not write to {rendered['out']} (permission denied); choose another folder with --out; "
        "nothing was written"]
    assert snapshot(rendered["out"]) == rendered["before"]


def test_out_naming_a_file_is_one_error_line(tmp_path: Path, capsys) -> None:
    target = tmp_path / "report.html"
    target.write_text("mine")
    code, stdout, stderr = run(capsys, "render", str(FIXTURES / "small"), "--out", str(target))
    assert code == 1 and stdout == ""
    assert stderr.strip().splitlines() == [
        f"error: --out {target} is a file, not a folder; give a folder for the handouts; nothing was written"]
    assert target.read_text() == "mine"


def test_invalid_input_keeps_the_previous_set_and_says_it_is_stale(rendered, capsys) -> None:
    out, folder = rendered["out"], rendered["folder"]
    (folder / "engagement.yaml").write_text("client: [unclosed\n", encoding="utf-8")
    code, stdout, _ = run(capsys, "render", str(folder), "--out", str(out))
    assert code == 1
    assert "FAILED, the engagement folder has errors (nothing new was written)" in stdout
    assert f"stale   the previous handout {out / 'nordlicht.html'} (written " in stdout
    assert "no longer matches the engagement folder" in stdout
    assert snapshot(out) == rendered["before"]
    manifest = read_manifest(out, "nordlicht")
    assert manifest and manifest["stale"]["reason"] == "the engagement folder has errors"


def test_a_failing_report_keeps_the_previous_set(rendered, capsys) -> None:
    out, folder = rendered["out"], rendered["folder"]
    yaml_path = folder / "engagement.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace("industry: B2B software",
                                                                     "industry: Fails on purpose"), encoding="utf-8")
    result = render_engagement(folder, out)
    assert not result.ok and result.error == "RuntimeError: the report failed on purpose"
    assert result.outputs == {"failed": out / "nordlicht.failed.ipynb"} and result.stale
    after = snapshot(out)
    assert after.pop("nordlicht.failed.ipynb") and after == rendered["before"]
    assert render_engagement(folder.parent / "Nordlicht", out).error  # still failing: still kept
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace("Fails on purpose", "B2B software"),
                         encoding="utf-8")
    assert render_engagement(folder, out).ok and not (out / "nordlicht.failed.ipynb").exists()
