"""One engagement's files in the output folder: a unique name, written all or nothing, with a manifest.

A render writes ``OUT/<slug>.html``, ``.ipynb``, ``.json`` (and ``.pdf``). Three rules keep
those sets apart and whole:

- **Unique names.** The slug comes from the folder name (:func:`helpers.formatting.slugify`).
  When two engagements of one run would share it (``Acme GmbH (Zürich)``, ``ACME GmbH Zurich``),
  or ``OUT`` already holds that slug for another engagement folder, the slug gets a short stable
  hash of the folder's resolved path (``acme-gmbh-zurich-1a2b3c4d``). A folder keeps the slug it
  was first written under in that ``OUT``. When even that name is taken, the render is refused
  before anything is written.
- **All or nothing.** Every file is first written under a hidden temporary name
  (``.<slug>.<kind>.<token>.tmp``). When all are complete a journal (``.<slug>.commit.json``)
  lists the renames; then the files are renamed into place and ``<slug>.manifest.json`` is
  written last. A render interrupted before the journal leaves the previous set untouched; one
  interrupted during the renames is finished by the next render into the same folder
  (:func:`recover`). A render that is refused or fails leaves the previous set and marks it
  stale in its manifest.
- **Ownership.** The manifest records the engagement folder (its name and ``folder_id``, a
  SHA-256 of its resolved path: no path of this machine is written), client, time and each
  file's size and SHA-256, so a set can be traced to the folder it was made from and checked
  (:func:`verify`).

Every write goes through :func:`write_temp`, the one place that touches the disk.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import re
import secrets
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.formatting import SLUG_MAX_CHARS, slugify

MANIFEST_SUFFIX = ".manifest.json"
"""A set's manifest is ``OUT/<slug>.manifest.json``."""
MANIFEST_FORMAT = 1

#: Who each file of a set is for (the manifest's ``for``): what may leave the consultant's hands.
#: A kind not listed is the consultant's (when unsure, a file stays with the consultant).
FILE_AUDIENCE: dict[str, str] = {"html": "client", "pdf": "client", "json": "client", "pptx": "client",
                                 "sla.html": "client", "xlsx": "client", "consultant.html": "consultant",
                                 "consultant.json": "consultant", "ipynb": "consultant"}
HASH_CHARS = 8
"""Hex digits of the folder-path hash appended to a colliding slug."""
RESERVED_SLUGS = frozenset({"portfolio"})
"""Names the batch roll-up uses (``portfolio.csv``, ``portfolio.html``): never an engagement's slug."""
TEMP_MAX_AGE = 6 * 3600
"""Seconds after which a leftover temporary file of an interrupted render is removed (files of
a process of this machine that no longer runs are removed at once)."""
HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "surrogatepass")).hexdigest()[:4]
"""This machine, in temporary file names (``OUT`` may be a folder shared by several machines)."""
_TEMP_OWNER = re.compile(rf"\.{HOST}-(\d+)-[0-9a-f]+\.tmp$")


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_temp(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist) holding ``data``, flushed to disk; nothing left on failure.

    The one function through which output files reach the disk (tests replace it to simulate a
    full disk or a read-only folder).
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise


def write_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically: a temporary file beside it, then a rename."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    write_temp(tmp, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # not possible on every platform; the renames are durable enough there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def describe_os_error(exc: OSError, out: Path) -> str:
    """One sentence for a failed write into ``out``: what happened and what to do."""
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return (f"the disk holding {out} is full (no space left); free some space and render again"
                " (the previous files were kept)")
    if code == errno.EROFS:
        return f"{out} is on a read-only file system; choose another folder with --out"
    if code in (errno.EACCES, errno.EPERM):
        return f"you may not write to {out} (permission denied); choose another folder with --out"
    if code in (errno.ENOTDIR, errno.EEXIST) and Path(out).exists() and not Path(out).is_dir():
        return f"--out {out} is a file, not a folder; give a folder for the handouts"
    reason = exc.strerror or type(exc).__name__
    return f"cannot write to {out} ({reason}); check the folder and render again"


def check_out_folder(out: Path) -> str | None:
    """Why nothing can be written into ``out`` (created if missing), or None when it is usable."""
    out = Path(out).expanduser()
    if out.exists() and not out.is_dir():
        return f"--out {out} is a file, not a folder; give a folder for the handouts"
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test.{secrets.token_hex(4)}.tmp"
        write_temp(probe, b"")
        probe.unlink()
    except OSError as exc:
        return describe_os_error(exc, out)
    return None


# --------------------------------------------------------------------------------------------
# Manifests and names
# --------------------------------------------------------------------------------------------


def folder_id(folder: Path) -> str:
    """The SHA-256 (hex) of the folder's resolved path: who a set belongs to, without the path."""
    text = str(Path(folder).expanduser().resolve())
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def path_hash(folder: Path) -> str:
    """A short stable hash of the folder's resolved path (:data:`HASH_CHARS` hex digits)."""
    return folder_id(folder)[:HASH_CHARS]


def manifest_path(out: Path, slug: str) -> Path:
    """``OUT/<slug>.manifest.json``."""
    return Path(out) / f"{slug}{MANIFEST_SUFFIX}"


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_manifest(out: Path, slug: str) -> dict[str, Any] | None:
    """The manifest of ``slug`` in ``out``; None when there is none (or it cannot be read)."""
    return _read_json(manifest_path(out, slug))


def _same_folder(manifest: dict[str, Any], folder: Path) -> bool:
    return manifest.get("folder_id") == folder_id(folder)


def _described(manifest: dict[str, Any]) -> str:
    """The other engagement, in words: its folder name and client."""
    name, client = manifest.get("folder"), manifest.get("client")
    return f"another engagement folder, '{name}'" + (f" (client {client})" if client else "")


def owners(out: Path) -> dict[str, dict[str, Any]]:
    """Slug -> manifest, for every set in ``out`` that has a manifest naming its folder."""
    found: dict[str, dict[str, Any]] = {}
    if not Path(out).is_dir():
        return found
    for path in Path(out).glob(f"*{MANIFEST_SUFFIX}"):
        data = _read_json(path)
        if data and isinstance(data.get("folder_id"), str):
            found[path.name[: -len(MANIFEST_SUFFIX)]] = data
    return found


@dataclass
class SlugPlan:
    """The output names of one run.

    Parameters
    ----------
    slugs : dict of Path to str
        The slug of each engagement folder (resolved paths) that may be written.
    refused : dict of Path to str
        Folders that get no slug, each with the reason (a collision that remains).
    notes : dict of Path to str
        Why a folder's slug carries a hash, in a sentence for the user.
    """

    slugs: dict[Path, str] = field(default_factory=dict)
    refused: dict[Path, str] = field(default_factory=dict)
    notes: dict[Path, str] = field(default_factory=dict)


def assign_slugs(folders: list[Path], out: Path) -> SlugPlan:
    """Give every engagement folder of a run a slug no other engagement uses in ``out``.

    Parameters
    ----------
    folders : list of Path
        The engagement folders of this run (render: one; batch: all).
    out : Path
        The output folder (its manifests say which slugs belong to which folder).

    Returns
    -------
    SlugPlan
        A folder already written into ``out`` keeps its slug. Otherwise the slug is the folder
        name's (:func:`helpers.formatting.slugify`), unless another folder of this run has the same
        one, or ``out`` holds it for another folder, or it is reserved (``portfolio``): then the
        slug gets ``-`` and a hash of the folder's resolved path. A folder whose hashed slug is
        taken as well is refused.
    """
    recover(out)
    resolved = list(dict.fromkeys(Path(f).expanduser().resolve() for f in folders))
    taken = owners(out)  # slug -> manifest
    known = {manifest["folder_id"]: slug for slug, manifest in taken.items()}
    ids = {f: folder_id(f) for f in resolved}
    plan = SlugPlan()
    base = {f: slugify(f.name, "engagement") for f in resolved}
    counts: dict[str, int] = {}
    for f in resolved:
        if ids[f] not in known:
            counts[base[f]] = counts.get(base[f], 0) + 1
    used: dict[str, Path] = {}
    for f in resolved:
        if ids[f] in known:
            plan.slugs[f] = known[ids[f]]
            used[known[ids[f]]] = f
    for f in resolved:
        if f in plan.slugs:
            continue
        slug = base[f]
        owner = taken.get(slug)
        clash = None
        if counts[slug] > 1:
            clash = f"{counts[slug]} engagement folders of this run are all named '{slug}'"
        elif owner is not None and owner["folder_id"] != ids[f]:
            clash = f"{Path(out) / slug}.* already belong to {_described(owner)}"
        elif slug in RESERVED_SLUGS:
            clash = f"'{slug}' is the name of the batch roll-up ({slug}.csv, {slug}.html)"
        elif slug in used:
            clash = f"'{slug}' is used by {used[slug]}"
        if clash is not None:
            slug = f"{slug[:SLUG_MAX_CHARS - HASH_CHARS - 1].rstrip('-')}-{path_hash(f)}"
            owner = taken.get(slug)
            if (owner is not None and owner["folder_id"] != ids[f]) or slug in used:
                other = _described(owner) if owner is not None else f"the engagement folder {used[slug]}"
                plan.refused[f] = (f"its output name '{slug}' is taken by {other} in {out}; "
                                   "rename the folder or render into another --out folder")
                continue
            plan.notes[f] = f"written as {slug}.*: {clash}"
        used[slug] = f
        plan.slugs[f] = slug
    return plan


# --------------------------------------------------------------------------------------------
# Staging and committing
# --------------------------------------------------------------------------------------------


def _journal(out: Path, slug: str) -> Path:
    return Path(out) / f".{slug}.commit.json"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class OwnedByAnother(Exception):
    """Raised at commit when the slug's manifest names another engagement folder (nothing renamed)."""


class OutputSet:
    """The files of one render, staged under temporary names and committed together.

    Parameters
    ----------
    out : Path
        The output folder (must exist).
    slug : str
        The set's name (see :func:`assign_slugs`).
    folder : Path
        The engagement folder the files are made from (recorded in the manifest).
    client : str
        The client's display name (recorded in the manifest).

    Examples
    --------
    >>> staged = OutputSet(out, "acme", folder, "Acme")      # doctest: +SKIP
    >>> staged.write("json", b"{}"); staged.commit()          # doctest: +SKIP
    """

    def __init__(self, out: Path, slug: str, folder: Path, client: str) -> None:
        self.out, self.slug = Path(out), slug
        self.folder, self.client = Path(folder).expanduser().resolve(), client
        self.staged: dict[str, Path] = {}
        self._token = f"{HOST}-{os.getpid()}-{secrets.token_hex(3)}"

    def final(self, kind: str) -> Path:
        """Where the file of ``kind`` (``html``, ``json``, ``consultant.html`` ...) ends up."""
        return self.out / f"{self.slug}.{kind}"

    def temp(self, kind: str) -> Path:
        """The temporary name of ``kind`` (reserved here; the caller may write it itself)."""
        path = self.out / f".{self.slug}.{kind}.{self._token}.tmp"
        self.staged[kind] = path
        return path

    def write(self, kind: str, data: bytes | str) -> Path:
        """Write the file of ``kind`` under its temporary name; returns that name."""
        path = self.temp(kind)
        write_temp(path, data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def discard(self) -> None:
        """Remove every staged file (the previous set stays as it was)."""
        for path in self.staged.values():
            path.unlink(missing_ok=True)
        self.staged.clear()

    def commit(self) -> dict[str, Path]:
        """Put every staged file in place, remove files of the previous set not made again, write the manifest.

        Returns
        -------
        dict of str to Path
            Kind -> final path.

        Raises
        ------
        OwnedByAnother
            ``OUT/<slug>.manifest.json`` names another engagement folder (nothing is renamed).
        OSError
            Writing the journal failed (nothing is renamed; staged files are removed).
        """
        recover(self.out, self.slug)
        old = read_manifest(self.out, self.slug)
        if old is not None and not _same_folder(old, self.folder):
            self.discard()
            raise OwnedByAnother(f"{self.final('*')} belong to {_described(old)}")
        files = {kind: {"file": self.final(kind).name, "for": FILE_AUDIENCE.get(kind, "consultant"),
                        "bytes": path.stat().st_size, "sha256": _digest(path)}
                 for kind, path in self.staged.items()}
        old_files = (old or {}).get("files") or {}
        leftover = sorted({str(v.get("file")) for k, v in old_files.items()
                           if isinstance(v, dict) and k not in files and isinstance(v.get("file"), str)
                           and Path(str(v["file"])).name == v["file"] and v["file"].startswith(self.slug + ".")})
        manifest = {"format": MANIFEST_FORMAT, "slug": self.slug, "folder": self.folder.name,
                    "folder_id": folder_id(self.folder), "client": self.client, "written": _now(), "files": files, "stale": None}
        journal = {"rename": [[p.name, self.final(k).name] for k, p in self.staged.items()],
                   "remove": leftover, "manifest": manifest}
        try:
            write_file(_journal(self.out, self.slug), json.dumps(journal, ensure_ascii=False).encode("utf-8"))
        except BaseException:
            self.discard()
            raise
        done = {kind: self.final(kind) for kind in self.staged}
        self.staged.clear()  # from here on the journal owns the files: an interruption is finished by recover()
        _apply(self.out, self.slug, journal)
        return done


def _apply(out: Path, slug: str, journal: dict[str, Any]) -> None:
    """Carry out a commit journal (again, after an interruption: each step may already be done)."""
    for tmp, final in journal.get("rename") or []:
        src = Path(out) / Path(str(tmp)).name
        if src.exists():
            os.replace(src, Path(out) / Path(str(final)).name)
    for name in journal.get("remove") or []:
        (Path(out) / Path(str(name)).name).unlink(missing_ok=True)
    _fsync_dir(Path(out))
    write_file(manifest_path(out, slug),
               (json.dumps(journal["manifest"], indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    _journal(out, slug).unlink(missing_ok=True)
    _fsync_dir(Path(out))


def recover(out: Path, slug: str | None = None) -> list[str]:
    """Finish commits that were interrupted during their renames; remove old temporary files.

    Parameters
    ----------
    out : Path
        The output folder.
    slug : str, optional
        Only this set (default: every set in ``out``).

    Returns
    -------
    list of str
        The slugs whose commit was finished.
    """
    out = Path(out)
    if not out.is_dir():
        return []
    finished = []
    pattern = f".{slug}.commit.json" if slug else ".*.commit.json"
    for path in sorted(out.glob(pattern)):
        name = path.name[1: -len(".commit.json")]
        journal = _read_json(path)
        if journal is None or not isinstance(journal.get("manifest"), dict):
            path.unlink(missing_ok=True)  # written atomically, so only a foreign file gets here
            continue
        try:
            _apply(out, name, journal)
            finished.append(name)
        except OSError:  # the disk is still full or read-only: the next render tries again
            continue
    cutoff = time.time() - TEMP_MAX_AGE
    for path in out.glob(f".{slug}.*.tmp" if slug else ".*.tmp"):
        owner = _TEMP_OWNER.search(path.name)
        try:
            if (owner is not None and not _alive(int(owner.group(1)))) or path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
    return finished


def remove_temps(out: Path, slug: str, pid: int) -> None:
    """Remove the temporary files that process ``pid`` staged for ``slug`` (it died mid-render)."""
    if not Path(out).is_dir():
        return
    for path in Path(out).glob(f".{slug}.*.{HOST}-{int(pid)}-*.tmp"):
        path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but belongs to someone else
        return True
    return True


def mark_stale(out: Path, slug: str, folder: Path, reason: str) -> dict[str, Any] | None:
    """Record in the previous set's manifest that a newer render of ``folder`` did not replace it.

    Returns
    -------
    dict or None
        The updated manifest (files, when written, why stale); None when ``out`` holds no set of
        ``folder`` under ``slug``. No file of the set is changed or removed.
    """
    recover(out, slug)
    manifest = read_manifest(out, slug)
    if manifest is None or not _same_folder(manifest, folder):
        return None
    manifest["stale"] = {"since": _now(), "reason": reason}
    try:
        write_file(manifest_path(out, slug),
                   (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    except OSError:  # the message still says so; the manifest is merely not updated
        pass
    return manifest


def verify(out: Path, slug: str, folder: Path) -> str | None:
    """Why ``OUT/<slug>.*`` is not the complete set written for ``folder``, or None when it is.

    Checks that the manifest names ``folder`` and that every file it lists is on disk with the
    recorded size and SHA-256.
    """
    manifest = read_manifest(out, slug)
    if manifest is None:
        return f"{manifest_path(out, slug)} is missing"
    if not _same_folder(manifest, folder):
        return f"{manifest_path(out, slug)} belongs to {_described(manifest)}"
    for kind, info in (manifest.get("files") or {}).items():
        path = Path(out) / Path(str(info.get("file", ""))).name
        if not path.is_file():
            return f"{path} is missing"
        if path.stat().st_size != info.get("bytes") or _digest(path) != info.get("sha256"):
            return f"{path} is not the file the manifest lists (changed or half-written)"
    return None
