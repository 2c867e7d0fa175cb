"""Validated content kept between runs: a private, per-user cache keyed by the files' bytes.

Reading and validating ``templates/`` (instrument, question bank, playbook, lead sources, CRM
mappings, activity layout) costs every ``workbook`` command a few tenths of a second of YAML
parsing and checks. A content reader's result, ``(model, problems)``, is stored here after the
first run and taken back on the next, the way Jinja's bytecode cache keeps compiled templates
(:func:`helpers.report.section.template_cache`):

* the key is a SHA-256 of the code version (this package's version and the source of every module
  a content reader runs: ``helpers/content/``, ``fileio``, ``problems``, ``vocabulary``,
  ``textsafe``, ``formatting``), the reader, the file's path and the bytes of the file and of
  every file it depends on: an edited template, or edited reading code, is read and validated again;
* the folder is the user's own (``$XDG_CACHE_HOME/common-ground/content``, else
  ``~/.cache/common-ground/content``), created ``0700``; a folder that is a symbolic link,
  belongs to someone else or can be read or written by others is not used (nothing is cached),
  since the entries are pickles and a pickle from someone else must never be loaded;
* only template files are cached (the content loaders' files); client data never is;
* an entry is written atomically; one that cannot be read (truncated, from another Python) is
  read again from the template and replaced. Any failure of the cache means reading without it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from helpers import IMPORTED_AT, PROJECT_ROOT, TEMPLATES, __version__
from helpers.fileio import atomic_write_bytes

#: Only files under these folders are cached: the bundled content, never a client's file.
CACHED_ROOTS: tuple[Path, ...] = (TEMPLATES,)

#: The classes an entry may hold (module, name): the content models and problems, and the plain
#: types they are made of. Anything else in an entry is refused, as a damaged entry is.
ALLOWED_MODULES = ("helpers.content.", "helpers.problems")
ALLOWED_CLASSES = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta"),
                   ("pathlib", "PosixPath"), ("pathlib", "WindowsPath"), ("pathlib", "Path"),
                   ("collections", "OrderedDict"), ("builtins", "set"), ("builtins", "frozenset"),
                   ("builtins", "complex"), ("builtins", "slice"), ("builtins", "range")}

#: Folder under the user's cache folder.
CACHE_NAME = Path("common-ground") / "content"

#: Environment variable that turns the cache off (``WORKBOOK_CONTENT_CACHE=off``).
CACHE_ENV = "WORKBOOK_CONTENT_CACHE"

#: Modules whose source is part of the code version (relative to the project root).
CODE_FILES = ("helpers/__init__.py", "helpers/fileio.py", "helpers/problems.py", "helpers/vocabulary.py",
              "helpers/textsafe.py", "helpers/formatting.py")

#: Returned by :func:`fetch` when there is no usable entry.
MISS: Any = object()


def cache_folder() -> Path | None:
    """The private cache folder, created if needed; None when there is none that is safe to use.

    Refused (None): the cache turned off (``WORKBOOK_CONTENT_CACHE=off``), a folder that cannot
    be created, a symbolic link, a folder owned by another user or open to others (group or
    world permissions).
    """
    if os.environ.get(CACHE_ENV, "").strip().lower() in ("off", "0", "no", "false"):
        return None
    if not hasattr(os, "getuid"):  # Windows: no owner to compare, so no cache (reading works as without)
        return None
    base = os.environ.get("XDG_CACHE_HOME") or ""
    try:
        root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    except (RuntimeError, KeyError):  # no home folder to be found
        return None
    if not root.is_absolute():  # "~" that could not be expanded: never a folder relative to the current one
        return None
    folder = root / CACHE_NAME
    try:
        folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.mkdir(exist_ok=True, mode=0o700)
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return folder


def cacheable(path: Path) -> bool:
    """True for a file of the bundled content (under :data:`CACHED_ROOTS`); a client's file never is."""
    target = Path(path).resolve()
    return any(target.is_relative_to(Path(root).resolve()) for root in CACHED_ROOTS)


@lru_cache(maxsize=1)
def code_version() -> str | None:
    """A digest of everything that decides what a content reader returns, apart from the files it reads.

    None (no cache in this process) when one of those source files changed after this process
    imported the package (a ``git pull`` under an open kernel): the digest would name code that is
    not the code running, and its results must not be kept or taken under that name.
    """
    digest = hashlib.sha256(f"{__version__}|{sys.version}|{pickle.HIGHEST_PROTOCOL}".encode())
    try:
        import yaml

        digest.update(f"|yaml {yaml.__version__} {getattr(yaml, '__with_libyaml__', False)}".encode())
    except ImportError:  # pragma: no cover - yaml is a dependency
        pass
    sources = sorted((PROJECT_ROOT / "helpers" / "content").glob("*.py")) + [PROJECT_ROOT / f for f in CODE_FILES]
    for path in sources:
        digest.update(path.name.encode())
        try:
            if path.stat().st_mtime > IMPORTED_AT:
                return None
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()


def entry_key(reader: str, files: Sequence[Path]) -> str | None:
    """The key of a reader's result on ``files`` (the file read first, then its dependencies).

    None when one of the files cannot be read, is not bundled content (:func:`cacheable`), or the
    code changed under this process (:func:`code_version`): the reader then runs, uncached.
    """
    version = code_version()
    if version is None or not all(cacheable(path) for path in files):
        return None
    digest = hashlib.sha256(f"{version}|{reader}".encode())
    for path in files:
        try:
            data = Path(path).read_bytes()
        except OSError:
            return None
        digest.update(f"|{Path(path).resolve()}|{len(data)}|".encode())
        digest.update(data)
    return digest.hexdigest()


def fetch(key: str) -> Any:
    """The value stored under ``key``, or :data:`MISS`."""
    folder = cache_folder()
    if folder is None:
        return MISS
    path = folder / f"{key}.pickle"
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            return MISS
        with open(path, "rb") as fh:
            return _ContentUnpickler(fh).load()
    except FileNotFoundError:
        return MISS
    except Exception:  # a truncated or foreign entry (any unpickling error): read the template again
        return MISS


def store(key: str, value: Any) -> None:
    """Keep ``value`` under ``key`` (atomically; nothing happens when the cache cannot be written)."""
    folder = cache_folder()
    if folder is None:
        return
    try:
        atomic_write_bytes(folder / f"{key}.pickle", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return


class _ContentUnpickler(pickle.Unpickler):
    """Loads only the classes content is made of (:data:`ALLOWED_CLASSES`, this package's content models)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in ALLOWED_CLASSES or module.startswith(ALLOWED_MODULES):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not content")
