"""One error and one caching rule for every content loader.

A loader's ``read_*`` function returns ``(model, problems)`` like an engagement reader; its
``load_*`` function returns the model or raises :class:`ContentInvalid` listing every problem,
and ``load_*.read()`` returns ``(model, problems)`` from the same cache (``workbook check``
reports the problems of each template and then uses the model: one reading of the file).
Loaded content is cached per file and re-read when the file changes (its modification time or
size differs), so a consultant who edits ``templates/`` in a running kernel sees the edit. Between
runs, the result is kept in a private per-user cache keyed by the file's bytes and the code
(:mod:`helpers.content.cache`).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable, Generic, TypeVar

from helpers.problems import Problem

T = TypeVar("T")


class ContentInvalid(Exception):
    """A content file in ``templates/`` cannot be used; ``problems`` lists every problem found."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = Path(path)
        self.problems = list(problems)
        super().__init__(f"{self.path.name} cannot be used:\n" + "\n".join(str(p) for p in self.problems))


def _stamp(paths: tuple[Path, ...]) -> tuple[tuple[int, int], ...]:
    """Modification time and size of each file ((0, 0) for one that cannot be read)."""
    out = []
    for path in paths:
        try:
            info = path.stat()
            out.append((info.st_mtime_ns, info.st_size))
        except OSError:
            out.append((0, 0))
    return tuple(out)


class CachedContent(Generic[T]):
    """A content reader with the shared cache rule: once per file version in a process, once per
    file bytes and code version across runs (:mod:`helpers.content.cache`).

    Parameters
    ----------
    read : callable
        ``read(path) -> (model, problems)``, the content module's ``read_*`` function.
    default : Path or None
        The bundled file read when no path is given (None: a path must be given).
    depends : tuple of Path
        Other files ``read`` reads (the question bank reads the journey template's stage ids):
        an edit to one of them reads the content again.
    """

    def __init__(self, read: Callable[[Path], tuple[T | None, list[Problem]]], default: Path | None,
                 depends: tuple[Path, ...] = ()) -> None:
        self._read = read
        self._default = default
        self._depends = tuple(depends)
        self._name = f"{getattr(read, '__module__', '')}.{getattr(read, '__qualname__', type(read).__qualname__)}"
        self._memo = functools.lru_cache(maxsize=16)(self._read_stamped)
        self.__doc__ = (f"The content at ``path`` (default ``{default.name}``), cached until the file changes."
                        if default is not None else "The content at ``path``, cached until the file changes.")

    def _read_stamped(self, files: tuple[Path, ...], stamp: tuple[tuple[int, int], ...]) -> tuple[T | None, list[Problem]]:
        from helpers.content import cache

        key = cache.entry_key(self._name, files)
        if key is not None:
            kept = cache.fetch(key)
            if isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[1], list):
                return kept
        found = self._read(files[0])
        if key is not None and cache.entry_key(self._name, files) == key:  # not edited while it was read
            cache.store(key, found)
        return found

    def _files(self, path: Path | None) -> tuple[Path, ...]:
        chosen = path if path is not None else self._default
        if chosen is None:
            raise TypeError(f"{self._name} needs the path of the file to read")
        target = Path(chosen).resolve()
        return (target, *(p.resolve() for p in self._depends))

    def read(self, path: Path | None = None) -> tuple[T | None, list[Problem]]:
        """``(model, problems)`` of the content at ``path`` (default: the bundled file); the list is the caller's own."""
        files = self._files(path)
        model, problems = self._memo(files, _stamp(files))
        return model, list(problems)

    def __call__(self, path: Path | None = None) -> T:
        """The model of the content at ``path``; raises :class:`ContentInvalid` when it cannot be used."""
        files = self._files(path)
        model, problems = self._memo(files, _stamp(files))
        if model is None:
            raise ContentInvalid(files[0], problems)
        return model

    def cache_clear(self) -> None:
        """Forget what this process has read (the cache between runs is kept)."""
        self._memo.cache_clear()


def cached_loader(read: Callable[[Path], tuple[T | None, list[Problem]]], default: Path | None,
                  depends: tuple[Path, ...] = ()) -> CachedContent[T]:
    """Turn ``read(path) -> (model, problems)`` into ``load(path=None) -> model`` with the shared cache rule.

    ``load`` raises :class:`ContentInvalid` when ``read`` gives no model; ``load.read(path=None)``
    gives ``(model, problems)`` from the same cache. ``depends``: other files ``read`` reads.
    """
    return CachedContent(read, default, depends)
