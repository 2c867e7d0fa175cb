"""One error and one caching rule for every content loader.

A loader's ``read_*`` function returns ``(model, problems)`` like an engagement reader; its
``load_*`` function returns the model or raises :class:`ContentInvalid` listing every problem.
Loaded content is cached per file and re-read when the file changes (its modification time or
size differs), so a consultant who edits ``templates/`` in a running kernel sees the edit.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable, Protocol, TypeVar

from helpers.problems import Problem

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Loader(Protocol[T_co]):
    """``load(path=None) -> model``: the bundled file by default."""

    def __call__(self, path: Path | None = None) -> T_co: ...


class ContentInvalid(Exception):
    """A content file in ``templates/`` cannot be used; ``problems`` lists every problem found."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = Path(path)
        self.problems = list(problems)
        super().__init__(f"{self.path.name} cannot be used:\n" + "\n".join(str(p) for p in self.problems))


def cached_loader(read: Callable[[Path], tuple[T | None, list[Problem]]], default: Path) -> Loader[T]:
    """Turn ``read(path) -> (model, problems)`` into ``load(path=None) -> model`` with the shared cache rule.

    Raises :class:`ContentInvalid` when ``read`` gives no model.
    """

    @functools.lru_cache(maxsize=16)
    def cached(path: Path, stamp: tuple[int, int]) -> T:
        model, problems = read(path)
        if model is None:
            raise ContentInvalid(path, problems)
        return model

    def load(path: Path | None = None) -> T:
        target = Path(path if path is not None else default).resolve()
        try:
            stat = target.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = (0, 0)
        return cached(target, stamp)

    load.__doc__ = f"The content at ``path`` (default ``{default.name}``), cached until the file changes."
    return load
