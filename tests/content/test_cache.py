"""Validated templates kept between runs (helpers.content.cache) and read once per process (helpers.content.errors).

What a consultant would notice: an edited template is read again on the next run (its new text
or its new mistake shows), ``workbook check`` lists the templates' problems from the same reading
the engagement uses, and the cache never loads a file it cannot trust (another user's, or one in a
folder others can write).
"""

from __future__ import annotations

import os
import pickle
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from helpers import TEMPLATES, cli
from helpers.content import cache
from helpers.content import instrument as instrument_module
from helpers.content.crm import load_crm
from helpers.content.errors import ContentInvalid, cached_loader
from helpers.content.instrument import Instrument, load_instrument, read_instrument
from helpers.problems import Problem


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh user cache folder (``XDG_CACHE_HOME``), cache turned on."""
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    monkeypatch.setattr(cache, "CACHED_ROOTS", (TEMPLATES, tmp_path))  # the tests' copies stand for templates/
    return home / cache.CACHE_NAME


class Counting:
    """``read_instrument``, counting its calls (a content reader as a new process would build it)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, path: Path) -> tuple[Instrument | None, list[Problem]]:
        self.calls += 1
        return read_instrument(path)


def a_run(path: Path) -> tuple[Counting, Any]:
    """A loader as the next ``workbook`` process has it: nothing read yet in this process."""
    reader = Counting()
    return reader, cached_loader(reader, path)


def reads_in_two_runs(path: Path) -> tuple[int, int]:
    """How often two ``workbook`` processes, one after the other, read the file: (1, 0) when the
    second took it from the cache, (1, 1) when it read the file again."""
    counts = []
    for _ in range(2):
        reader, load = a_run(path)
        load()
        counts.append(reader.calls)
    return counts[0], counts[1]


def copy_of_instrument(tmp_path: Path) -> Path:
    path = tmp_path / "instrument.yaml"
    shutil.copyfile(TEMPLATES / "instrument.yaml", path)
    return path


def test_the_next_run_takes_the_validated_template_from_the_cache(tmp_path: Path, cache_home: Path) -> None:
    path = copy_of_instrument(tmp_path)
    first, load = a_run(path)
    model, problems = load.read()
    assert first.calls == 1 and model is not None
    assert len(list(cache_home.glob("*.pickle"))) == 1

    second, load = a_run(path)
    again, again_problems = load.read()
    assert second.calls == 0  # not parsed nor validated again
    assert again == model and again_problems == problems


def test_an_edited_template_is_read_again(tmp_path: Path, cache_home: Path) -> None:
    path = copy_of_instrument(tmp_path)
    a_run(path)[1].read()
    statement = load_instrument(path).statements[0]
    text = path.read_text(encoding="utf-8")
    assert statement.text in text
    path.write_text(text.replace(statement.text, "We agree on what a qualified lead is, in writing."), encoding="utf-8")
    os.utime(path, ns=(0, 0))  # even with the old file's time, the bytes decide

    reader, load = a_run(path)
    model = load()
    assert reader.calls == 1
    assert model.statement(statement.id).text == "We agree on what a qualified lead is, in writing."


def test_a_mistake_typed_into_a_cached_template_is_reported(tmp_path: Path, cache_home: Path) -> None:
    path = copy_of_instrument(tmp_path)
    assert a_run(path)[1].read()[0] is not None
    path.write_text(path.read_text(encoding="utf-8").replace("version: 2", "version: 7", 1), encoding="utf-8")

    reader, load = a_run(path)
    model, problems = load.read()
    assert reader.calls == 1 and model is None
    assert any("version 7" in p.message for p in problems)
    with pytest.raises(ContentInvalid):
        load()


def test_new_reading_code_reads_the_template_again(tmp_path: Path, cache_home: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = copy_of_instrument(tmp_path)
    a_run(path)[1].read()
    monkeypatch.setattr(cache, "code_version", lambda: "another version of helpers/content")
    reader, load = a_run(path)
    load.read()
    assert reader.calls == 1


def test_the_cache_folder_is_private_to_the_user(tmp_path: Path, cache_home: Path) -> None:
    path = copy_of_instrument(tmp_path)
    a_run(path)[1].read()
    assert stat.S_IMODE(cache_home.stat().st_mode) == 0o700
    assert cache_home.stat().st_uid == os.getuid()


def planted(folder: Path, path: Path, marker: Path) -> None:
    """An entry under the key ``path`` would have, which creates ``marker`` when it is unpickled."""
    key = cache.entry_key(f"{Counting.__module__}.{Counting.__qualname__}", [path.resolve()])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{key}.pickle").write_bytes(pickle.dumps(Planted(str(marker))))


class Planted:
    """Unpickling this creates a file: proof that an entry was loaded."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (Path.write_text, (Path(self.marker), "loaded"))  # type: ignore[return-value]


def test_a_folder_others_can_write_is_not_used(tmp_path: Path, cache_home: Path) -> None:
    path = copy_of_instrument(tmp_path)
    marker = tmp_path / "loaded"
    planted(cache_home, path, marker)
    cache_home.chmod(0o777)

    reader, load = a_run(path)
    assert load() is not None
    assert reader.calls == 1 and not marker.exists()  # the planted entry was never unpickled
    assert cache.cache_folder() is None


@pytest.mark.skipif(os.getuid() != 0, reason="giving a folder to another user needs root")
def test_a_folder_of_another_user_is_not_used(tmp_path: Path, cache_home: Path) -> None:
    path = copy_of_instrument(tmp_path)
    marker = tmp_path / "loaded"
    planted(cache_home, path, marker)
    os.chown(cache_home, 12345, 12345)

    reader, load = a_run(path)
    load()
    assert reader.calls == 1 and not marker.exists()


def test_a_symlinked_cache_folder_is_not_used(tmp_path: Path, cache_home: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    cache_home.parent.mkdir(parents=True)
    cache_home.symlink_to(elsewhere)
    assert cache.cache_folder() is None


def test_a_damaged_entry_is_read_again_and_replaced(tmp_path: Path, cache_home: Path) -> None:
    path = copy_of_instrument(tmp_path)
    a_run(path)[1].read()
    (entry,) = cache_home.glob("*.pickle")
    entry.write_bytes(entry.read_bytes()[:40])

    reader, load = a_run(path)
    assert load() is not None and reader.calls == 1
    reader, load = a_run(path)
    assert load() is not None and reader.calls == 0  # replaced by a whole entry


def test_the_cache_can_be_turned_off(tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    path = copy_of_instrument(tmp_path)
    a_run(path)[1].read()
    reader, load = a_run(path)
    load.read()
    assert reader.calls == 1 and not cache_home.exists()


def test_check_reads_each_template_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """``workbook check`` lists the templates' problems and loads the engagement from one reading."""
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    calls: list[str] = []
    real = instrument_module.read_yaml

    def counting(path: Any, rel: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(rel)
        return real(path, rel, *args, **kwargs)

    monkeypatch.setattr(instrument_module, "read_yaml", counting)
    load_instrument.cache_clear()
    try:
        assert not [p for p in cli.content_problems() if p.is_error]
        load_instrument()
        assert calls == ["instrument.yaml"]
    finally:
        load_instrument.cache_clear()


def test_a_mapping_is_the_callers_own_copy() -> None:
    spec, problems = load_crm("hubspot")
    assert spec is not None and not problems
    spec["columns"].clear()
    again, _ = load_crm("HubSpot")
    assert again is not None and again["columns"]


def test_a_file_outside_the_bundled_content_is_never_cached(tmp_path: Path, cache_home: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A client's file read by a content reader (a mapping named by a path, say) is read, never kept."""
    monkeypatch.setattr(cache, "CACHED_ROOTS", (TEMPLATES,))
    path = copy_of_instrument(tmp_path)
    assert reads_in_two_runs(path) == (1, 1)
    assert not cache_home.exists() or not list(cache_home.glob("*.pickle"))


def test_a_crm_named_by_a_path_is_refused_not_read(tmp_path: Path) -> None:
    """``crm: ../../other-client/engagement`` names no bundled mapping: one problem, and the other file is not read."""
    other = tmp_path / "other-client"
    other.mkdir()
    (other / "engagement.yaml").write_text("client: Secret Client B\ncolumns:\n  Secret Col: lead_id\n",
                                           encoding="utf-8")
    from helpers.content.crm import CRM_DIR

    relative = os.path.relpath(other / "engagement", CRM_DIR)  # ../../../tmp/.../other-client/engagement
    mapping, problems = load_crm(relative)
    assert mapping is None
    assert [p.message for p in problems] == [f"unknown CRM '{relative}'"]


def test_code_changed_under_a_running_process_turns_the_cache_off(tmp_path: Path, cache_home: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """After a ``git pull`` under an open kernel, results of the old code are not kept under the new code's name."""
    monkeypatch.setattr(cache, "IMPORTED_AT", 0.0)  # every source file is newer than this process
    cache.code_version.cache_clear()
    try:
        path = copy_of_instrument(tmp_path)
        assert reads_in_two_runs(path) == (1, 1)
    finally:
        cache.code_version.cache_clear()


def test_an_entry_holding_anything_but_content_is_not_loaded(tmp_path: Path, cache_home: Path) -> None:
    """A planted entry that would run code when unpickled is refused and the template read instead."""
    path = copy_of_instrument(tmp_path)
    reader, load = a_run(path)
    load()
    marker = tmp_path / "ran"
    entry = next(cache_home.glob("*.pickle"))

    class Planted:
        def __reduce__(self) -> tuple[Any, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    entry.write_bytes(pickle.dumps((Planted(), [])))
    again, load = a_run(path)
    assert load().version >= 1
    assert again.calls == 1 and not marker.exists()


def test_without_owner_ids_there_is_no_cache(tmp_path: Path, cache_home: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows (no ``os.getuid``) every template is read as without the cache, with no error."""
    monkeypatch.delattr(os, "getuid")
    path = copy_of_instrument(tmp_path)
    assert reads_in_two_runs(path) == (1, 1)
