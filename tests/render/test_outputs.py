"""Output sets: unique names, all-or-nothing commits, manifests, an interrupted render's recovery.

Fast: nothing here runs a notebook; files are staged and committed as a render does.
"""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path

import pytest

from helpers.formatting import slugify
from helpers.render import outputs
from helpers.render.outputs import (OutputSet, OwnedByAnother, assign_slugs, check_out_folder, folder_id,
                                    manifest_path, mark_stale, path_hash, read_manifest, recover, verify)

COLLIDING = ["Acme GmbH (Zürich)", "acme-gmbh-zurich", "ACME GmbH Zurich"]


def folders(root: Path, *names: str) -> list[Path]:
    made = []
    for name in names:
        (root / name).mkdir(parents=True, exist_ok=True)
        made.append((root / name).resolve())
    return made


def write_set(out: Path, slug: str, folder: Path, tag: str, kinds: tuple[str, ...] = ("html", "json", "ipynb")) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    staged = OutputSet(out, slug, folder, f"client {tag}")
    for kind in kinds:
        staged.write(kind, f"{kind} of {tag}")
    return staged.commit()


def contents(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}


# --------------------------------------------------------------------------------------------
# The slug rule
# --------------------------------------------------------------------------------------------


def test_slug_rule_folds_case_accents_and_punctuation_and_keeps_other_scripts() -> None:
    assert {slugify(n) for n in COLLIDING} == {"acme-gmbh-zurich"}
    assert slugify("Acme GmbH & Co (2026)") == "acme-gmbh-co-2026"
    assert slugify("ＡＣＭＥ Straße") == "acme-strasse"
    assert slugify("東京商事") == "東京商事" and slugify("大阪商事") == "大阪商事"
    assert slugify("株式会社 ガス") == "株式会社-ガス"  # the voiced kana keeps its mark
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("!!!", "engagement") == "engagement"
    assert len(slugify("x" * 300)) == 60


def test_colliding_folders_of_one_run_get_distinct_stable_names(tmp_path: Path) -> None:
    made = folders(tmp_path / "in", *COLLIDING, "Solo", "???", "!!!")
    plan = assign_slugs(made, tmp_path / "out")
    assert not plan.refused
    slugs = [plan.slugs[f] for f in made]
    assert len(set(slugs)) == len(made)
    for folder in made[:3]:
        assert plan.slugs[folder] == f"acme-gmbh-zurich-{path_hash(folder)}"
        assert "3 engagement folders of this run" in plan.notes[folder]
    assert plan.slugs[made[3]] == "solo" and made[3] not in plan.notes
    assert plan.slugs[made[4]].startswith("engagement-") and plan.slugs[made[5]].startswith("engagement-")
    assert assign_slugs(list(reversed(made)), tmp_path / "out").slugs == plan.slugs  # stable


def test_a_folder_keeps_its_name_and_another_folder_never_takes_it(tmp_path: Path) -> None:
    first, second = folders(tmp_path / "in", "Acme GmbH (Zürich)", "ACME GmbH Zurich")
    out = tmp_path / "out"
    write_set(out, "acme-gmbh-zurich", first, "first")
    plan = assign_slugs([second], out)
    assert plan.slugs[second] == f"acme-gmbh-zurich-{path_hash(second)}"
    assert "another engagement folder, 'Acme GmbH (Zürich)' (client client first)" in plan.notes[second]
    assert assign_slugs([first, second], out).slugs[first] == "acme-gmbh-zurich"


def test_the_roll_up_name_is_never_an_engagement_name(tmp_path: Path) -> None:
    (folder,) = folders(tmp_path, "Portfolio")
    assert assign_slugs([folder], tmp_path / "out").slugs[folder] == f"portfolio-{path_hash(folder)}"


def test_a_collision_that_remains_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    mine, other = folders(tmp_path / "in", "Acme", "other")
    out = tmp_path / "out"
    write_set(out, "acme", other, "other")
    write_set(out, f"acme-{path_hash(mine)}", other, "other")  # even the hashed name is taken
    plan = assign_slugs([mine], out)
    assert mine not in plan.slugs
    assert "is taken by another engagement folder, 'other'" in plan.refused[mine]


# --------------------------------------------------------------------------------------------
# All or nothing
# --------------------------------------------------------------------------------------------


def test_a_commit_puts_the_whole_set_in_place_with_its_manifest(tmp_path: Path) -> None:
    (folder,) = folders(tmp_path, "acme")
    out = tmp_path / "out"
    done = write_set(out, "acme", folder, "v1")
    assert sorted(p.name for p in out.iterdir()) == ["acme.html", "acme.ipynb", "acme.json", "acme.manifest.json"]
    assert done["html"].read_text() == "html of v1"
    manifest = read_manifest(out, "acme")
    assert manifest and manifest["folder"] == "acme" and manifest["client"] == "client v1"
    assert manifest["folder_id"] == folder_id(folder) and str(folder) not in manifest_path(out, "acme").read_text()
    assert manifest["files"]["html"]["bytes"] == len("html of v1") and manifest["stale"] is None
    assert verify(out, "acme", folder) is None
    (out / "acme.json").write_text("tampered")
    assert "not the file the manifest lists" in (verify(out, "acme", folder) or "")


def test_a_failure_between_writes_leaves_the_previous_set_intact(tmp_path: Path, monkeypatch) -> None:
    (folder,) = folders(tmp_path, "acme")
    out = tmp_path / "out"
    write_set(out, "acme", folder, "v1")
    before = contents(out)
    real = outputs.write_temp
    calls = []

    def fail_second(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(outputs, "write_temp", fail_second)
    staged = OutputSet(out, "acme", folder, "client v2")
    with pytest.raises(OSError):
        staged.write("json", "json of v2")
        staged.write("html", "html of v2")
    staged.discard()
    assert contents(out) == before  # no temporary file left either
    assert verify(out, "acme", folder) is None


def test_a_render_killed_during_the_renames_is_finished_by_the_next_one(tmp_path: Path, monkeypatch) -> None:
    (folder,) = folders(tmp_path, "acme")
    out = tmp_path / "out"
    write_set(out, "acme", folder, "v1", kinds=("html", "json", "ipynb", "pdf"))
    real_replace = os.replace
    renamed = []

    def killed_after_one(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(src).name.startswith(".acme.") and Path(src).name.endswith(".tmp") and renamed:
            raise KeyboardInterrupt  # stands for kill -9: nothing after this point runs
        real_replace(src, dst)
        renamed.append(dst)

    monkeypatch.setattr(outputs.os, "replace", killed_after_one)
    staged = OutputSet(out, "acme", folder, "client v2")
    for kind in ("html", "json", "ipynb"):
        staged.write(kind, f"{kind} of v2")
    with pytest.raises(KeyboardInterrupt):
        staged.commit()
    monkeypatch.setattr(outputs.os, "replace", real_replace)
    assert (out / ".acme.commit.json").is_file()
    assert recover(out) == ["acme"]
    assert {k: (out / f"acme.{k}").read_text() for k in ("html", "json", "ipynb")} == {
        k: f"{k} of v2" for k in ("html", "json", "ipynb")}
    assert not (out / "acme.pdf").exists()  # the old PDF is not part of the new set
    assert verify(out, "acme", folder) is None
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_commit_never_replaces_another_folders_set(tmp_path: Path) -> None:
    mine, other = folders(tmp_path, "acme", "other")
    out = tmp_path / "out"
    write_set(out, "acme", other, "other")
    before = contents(out)
    staged = OutputSet(out, "acme", mine, "mine")
    staged.write("html", "mine")
    with pytest.raises(OwnedByAnother):
        staged.commit()
    assert contents(out) == before


def test_a_refused_render_marks_the_previous_set_stale_without_changing_it(tmp_path: Path) -> None:
    (folder,) = folders(tmp_path, "acme")
    out = tmp_path / "out"
    write_set(out, "acme", folder, "v1")
    files = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.endswith(".manifest.json")}
    manifest = mark_stale(out, "acme", folder, "the engagement folder has errors")
    assert manifest and manifest["stale"]["reason"] == "the engagement folder has errors"
    assert json.loads(manifest_path(out, "acme").read_text())["stale"]["reason"] == "the engagement folder has errors"
    assert {p.name: p.read_bytes() for p in out.iterdir() if not p.name.endswith(".manifest.json")} == files
    assert mark_stale(out, "acme", tmp_path / "someone-else", "x") is None


def test_temporary_files_of_an_interrupted_render_are_removed(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    killed = out / f".acme.json.{outputs.HOST}-{dead}-abc123.tmp"  # its process is gone
    running = out / f".acme.json.{outputs.HOST}-{os.getpid()}-def456.tmp"  # a render in progress
    other_machine, old = out / ".acme.html.ffff-1-0a0b0c.tmp", out / ".acme.html.ffff-2-0d0e0f.tmp"
    for path in (killed, running, other_machine, old):
        path.write_text("x")
    long_ago = time.time() - outputs.TEMP_MAX_AGE - 60
    os.utime(old, (long_ago, long_ago))
    recover(out)
    assert sorted(p.name for p in out.iterdir()) == sorted([running.name, other_machine.name])


# --------------------------------------------------------------------------------------------
# The output folder
# --------------------------------------------------------------------------------------------


def test_an_unusable_output_folder_is_one_sentence(tmp_path: Path, monkeypatch) -> None:
    a_file = tmp_path / "reports.txt"
    a_file.write_text("notes")
    assert check_out_folder(a_file) == f"--out {a_file} is a file, not a folder; give a folder for the handouts"
    assert check_out_folder(tmp_path / "new" / "out") is None and (tmp_path / "new" / "out").is_dir()

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs, "write_temp", full)
    assert "is full (no space left)" in (check_out_folder(tmp_path / "new" / "out") or "")

    def read_only(path: Path, data: bytes) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(outputs, "write_temp", read_only)
    assert "read-only" in (check_out_folder(tmp_path / "new" / "out") or "")
    assert not [p for p in (tmp_path / "new" / "out").iterdir()]


def test_an_interrupted_commit_keeps_its_staged_files_for_recovery(tmp_path: Path, monkeypatch) -> None:
    """Ctrl-C during the renames: the caller's clean-up must not delete what the journal still needs."""
    (folder,) = folders(tmp_path, "acme")
    out = tmp_path / "out"
    write_set(out, "acme", folder, "v1")
    real_apply = outputs._apply  # the step after the journal, interrupted here on purpose

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs, "_apply", interrupted)
    staged = OutputSet(out, "acme", folder, "client v2")
    for kind in ("html", "json", "ipynb"):
        staged.write(kind, f"{kind} of v2")
    with pytest.raises(KeyboardInterrupt):
        staged.commit()
    staged.discard()  # what render_engagement does on the way out
    monkeypatch.setattr(outputs, "_apply", real_apply)
    assert recover(out) == ["acme"]
    assert (out / "acme.html").read_text() == "html of v2" and verify(out, "acme", folder) is None
