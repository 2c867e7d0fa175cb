"""The autosaving document behind every capture form.

A form edits a YAML file in the engagement folder through an :class:`AutosaveDocument`.
Every change is written at once, atomically, so a kernel restart or a closed browser tab
never loses what the consultant typed. Nothing is written until something changes.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any, Callable, Self, Sequence

import yaml

from helpers.fileio import atomic_write_yaml

Key = str | int


class AutosaveDocument:
    """A dict persisted to a YAML file on every change.

    Parameters
    ----------
    path : path-like
        The YAML file (created on the first change).
    data : dict, optional
        Initial content; defaults to an empty dict.

    Examples
    --------
    >>> doc = AutosaveDocument.open(tmp / "interviews/ana.yaml", {"answers": []})  # doctest: +SKIP
    >>> doc.set(["interviewee"], "Ana")  # written to disk now   # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike[str], data: dict[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.data: dict[str, Any] = data if data is not None else {}
        self.saves = 0
        self.listeners: list[Callable[["AutosaveDocument"], None]] = []

    @classmethod
    def open(cls, path: str | os.PathLike[str], default: dict[str, Any] | None = None) -> Self:
        """Load ``path`` if it exists (resume), else start from a copy of ``default``."""
        p = Path(path)
        if p.exists():
            loaded = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
            if not isinstance(loaded, dict):
                raise ValueError(f"{p} does not hold a mapping")
            return cls(p, loaded)
        return cls(p, copy.deepcopy(default) if default else {})

    def get(self, keys: Sequence[Key], default: Any = None) -> Any:
        """Value at the nested ``keys`` path, or ``default``."""
        node: Any = self.data
        for k in keys:
            try:
                node = node[k]
            except (KeyError, IndexError, TypeError):
                return default
        return node

    def set(self, keys: Sequence[Key], value: Any) -> None:
        """Set the value at the nested ``keys`` path (creating dicts) and save at once."""
        if not keys:
            raise ValueError("keys must not be empty")
        node: Any = self.data
        for k in keys[:-1]:
            if isinstance(node, dict):
                node = node.setdefault(k, {})
            else:
                node = node[k]
        last = keys[-1]
        if isinstance(node, dict):
            if last in node and node[last] == value:
                return  # unchanged: nothing to write
            node[last] = value
        elif isinstance(node, list) and isinstance(last, int):
            if node[last] == value:
                return
            node[last] = value
        else:
            raise TypeError(f"cannot set {list(keys)!r}: a {type(node).__name__} holds that place")
        self.save()

    def update(self, mutate: Callable[[dict[str, Any]], None]) -> None:
        """Apply ``mutate(data)`` (for list edits: add, remove, reorder) and save at once."""
        mutate(self.data)
        self.save()

    def save(self) -> None:
        """Write the whole document atomically and notify listeners."""
        atomic_write_yaml(self.path, self.data)
        self.saves += 1
        for listener in self.listeners:
            listener(self)
