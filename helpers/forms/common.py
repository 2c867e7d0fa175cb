"""The autosaving document behind every capture form, and what every capture notebook shares.

A form edits a YAML file in the engagement folder through an :class:`AutosaveDocument`.
Every change is written at once, atomically, so a kernel restart or a closed browser tab
never loses what the consultant typed. Nothing is written until something changes.

Two editors of one file (two browser tabs, two kernels, a form and a text editor) never erase
each other's words: before every write the document checks that the file still holds the content
it last read or wrote (a hash of the content, never trusting modification time and size alone);
when it does not, the two edits are merged field by field (:mod:`helpers.forms.merge`), a text both
changed word by word, changes of the same words keep both texts, and the conflict is reported to
the form. An edit the browser typed on an older value of one field is merged the same way before
it reaches the document (:mod:`helpers.forms.text_fields`). A write that fails (read-only folder,
disk full) leaves the document *not saved* with the reason, and is retried on the next change.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import difflib
import errno
import hashlib
import html
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator, Literal, NamedTuple, Self, Sequence

import ipywidgets
import yaml

from helpers.fileio import YAML_MAX_BYTES, atomic_write_yaml, load_yaml_text
from helpers.forms.merge import Conflict, merge, new_marks
from helpers.problems import Problem

Key = str | int
SaveState = Literal["new", "resumed", "saving", "saved", "error"]


def clock(when: datetime | None = None) -> str:
    """The time of day the save indicators show (``14:02:31``)."""
    return (when or datetime.now()).strftime("%H:%M:%S")


class Version(NamedTuple):
    """What identifies one version of a file: modification time (ns), size and content hash."""

    mtime_ns: int
    size: int
    sha256: str


def file_version(path: Path, content: bytes | None = None) -> Version | None:
    """The :class:`Version` of ``path`` now (None when it does not exist)."""
    try:
        st = path.stat()
        raw = path.read_bytes() if content is None else content
    except FileNotFoundError:
        return None
    return Version(st.st_mtime_ns, st.st_size, hashlib.sha256(raw).hexdigest())


def failure_reason(exc: OSError) -> str:
    """A write failure in the consultant's words (read-only folder, disk full, ...)."""
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "the folder or file is read-only (permission denied)"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    return f"disk error: {exc.strerror or exc}"


#: The value of a drop-down's prompt option ("\u2014 choose \u2014", "not set"). ipywidgets shows a
#: drop-down whose value is None as an empty box, so a prompt option carries this instead.
NOT_SET = ""


def prompt_options(prompt: str, options: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """``options`` of a drop-down led by a visible prompt (``prompt``, :data:`NOT_SET`).

    Examples
    --------
    >>> prompt_options("not set", [("Leader", "leader")])
    [('not set', ''), ('Leader', 'leader')]
    """
    return [(prompt, NOT_SET), *options]


def chosen(value: Any) -> Any:
    """A drop-down's value as the file holds it: None for the prompt option (or no choice)."""
    return None if value is None or (isinstance(value, str) and value == NOT_SET) else value


def shown(value: Any) -> Any:
    """A file's value as a prompt drop-down holds it: :data:`NOT_SET` for None."""
    return NOT_SET if value is None else value


class DocumentUnreadable(ValueError):
    """The file behind a form cannot be read as a mapping (the problems say why and how to fix it)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def _parse(raw: bytes, rel: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The mapping in a file's bytes (``{}`` for an empty file), or the problems that stop it."""
    if len(raw) > YAML_MAX_BYTES:
        return None, [Problem(rel, f"the file is larger than {YAML_MAX_BYTES // (1024 * 1024)} MB",
                              "a capture file is a few kB: restore it from a backup")]
    try:
        data = load_yaml_text(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None, [Problem(rel, "the file is not UTF-8 text", "save it as UTF-8 in your editor")]
    except yaml.YAMLError as exc:
        issues = getattr(exc, "issues", None)
        if issues:
            return None, [Problem(rel, i.message, i.hint, row=i.row, field=i.field) for i in issues]
        mark = getattr(exc, "problem_mark", None)
        return None, [Problem(rel, f"YAML syntax error: {getattr(exc, 'problem', None) or 'not valid YAML'}",
                              "check indentation and quoting near this line",
                              row=mark.line + 1 if mark is not None else None)]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return None, [Problem(rel, "the file does not hold a mapping (key: value lines)",
                              "restore it from a backup or delete it to start again")]
    return data, []


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Hold an advisory lock on ``folder`` (POSIX) so two checked saves of one file never interleave."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the version check still catches most races
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@dataclass
class MergeReport:
    """What the last save or sync brought in from another editor.

    Attributes
    ----------
    at : str
        When (``14:02:31``).
    conflicts : list of Conflict
        Fields both editors changed differently.
    """

    at: str
    conflicts: list[Conflict]


class AutosaveDocument:
    """A dict persisted to a YAML file on every change, safe against a second editor.

    Parameters
    ----------
    path : path-like
        The YAML file (created on the first change).
    data : dict, optional
        Initial content; defaults to an empty dict.

    Attributes
    ----------
    state : {"new", "resumed", "saving", "saved", "error"}
        Where the document stands: not yet on disk, read from disk, being written, written,
        or *not saved* (``error`` says why).
    error : str or None
        Why the last write failed (None after a successful write).
    saved_at : datetime or None
        When the last write succeeded.
    merged : MergeReport or None
        Set when the last save or :meth:`sync` merged changes from another editor.
    listeners : list of callables
        Called with the document after every save attempt and every sync that changed ``data``.

    Examples
    --------
    >>> doc = AutosaveDocument.open(tmp / "interviews/ana.yaml", {"answers": []})  # doctest: +SKIP
    >>> doc.set(["interviewee"], "Ana")  # written to disk now   # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike[str], data: dict[str, Any] | None = None,
                 version: Version | None = None) -> None:
        self.path = Path(path)
        self.data: dict[str, Any] = data if data is not None else {}
        self.base: dict[str, Any] = copy.deepcopy(self.data)
        self.version = version
        self.saves = 0
        self.state: SaveState = "resumed" if version is not None else "new"
        self.error: str | None = None
        self.saved_at: datetime | None = None
        self.merged: MergeReport | None = None
        self.conflict: MergeReport | None = None
        self.listeners: list[Callable[["AutosaveDocument"], None]] = []

    @classmethod
    def open(cls, path: str | os.PathLike[str], default: dict[str, Any] | None = None) -> Self:
        """Load ``path`` if it exists (resume), else start from a copy of ``default``.

        Raises
        ------
        DocumentUnreadable
            The file exists but is not a readable mapping (duplicate keys, syntax error, ...).
        """
        p = Path(path)
        try:
            raw = p.read_bytes()
        except FileNotFoundError:
            return cls(p, copy.deepcopy(default) if default else {})
        loaded, problems = _parse(raw, p.name)
        if loaded is None:
            raise DocumentUnreadable(problems)
        return cls(p, loaded, file_version(p, raw))

    @property
    def dirty(self) -> bool:
        """Whether ``data`` holds changes not yet on disk (after a failed write, for instance)."""
        return self.data != self.base or self.state == "error"

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
            if last in node and node[last] == value and self.state != "error":
                return  # unchanged: nothing to write
            node[last] = value
        elif isinstance(node, list) and isinstance(last, int):
            if node[last] == value and self.state != "error":
                return
            node[last] = value
        else:
            raise TypeError(f"cannot set {list(keys)!r}: a {type(node).__name__} holds that place")
        self.save()

    def update(self, mutate: Callable[[dict[str, Any]], None]) -> None:
        """Apply ``mutate(data)`` (for list edits: add, remove, reorder) and save at once."""
        mutate(self.data)
        self.save()

    def _theirs(self) -> tuple[dict[str, Any] | None, Version | None, list[Problem]]:
        """The file's content and version when another editor changed it since we read or wrote it."""
        # Always by content: a rewrite of the same size within one tick of a coarse file clock keeps
        # modification time and size (a capture file is a few kB, so reading it at each ping is cheap).
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None, None, []
        now = file_version(self.path, raw)
        if self.version is not None and now is not None and now.sha256 == self.version.sha256:
            return None, now, []
        theirs, problems = _parse(raw, self.path.name)
        if theirs == {} and not raw.strip():
            return None, now, []  # an empty file (a name just claimed): nothing to merge
        return theirs, now, problems

    def _merge_theirs(self) -> list[Problem]:
        """Merge the other editor's changes (if any) into ``data``; the problems if their file is unreadable.

        Texts this form itself merged with both versions kept (a field's edit typed on an older
        value, :mod:`helpers.forms.text_fields`) are reported as conflicts too.
        """
        own = new_marks(self.base, self.data)
        theirs, _version, problems = self._theirs()
        if problems:
            return problems
        if theirs is not None or own:
            at = clock()
            conflicts: list[Conflict] = []
            if theirs is not None:
                self.data, conflicts = merge(self.base, self.data, theirs, at)
            named = {c.path for c in conflicts}
            self._merged(MergeReport(at, conflicts + [c for c in own if c.path not in named]))
        return []

    def _merged(self, report: MergeReport) -> None:
        self.merged = report
        if report.conflicts:
            self.conflict = report

    def save(self) -> None:
        """Write the whole document atomically (merging another editor's changes first) and notify listeners.

        A failure to write is not raised: ``state`` becomes ``"error"`` with the reason in
        ``error``, the content stays in memory, and the next change tries again.
        """
        self.state, self.merged = "saving", None
        try:
            folder = self.path.parent
            while not folder.is_dir() and folder != folder.parent:  # lock the nearest folder that exists
                folder = folder.parent
            with _folder_lock(folder):
                problems = self._merge_theirs()
                if problems:
                    self.state = "error"
                    self.error = ("the file was changed outside this form and cannot be read now: "
                                  f"{problems[0].message}; fix the file, then type again here")
                else:
                    atomic_write_yaml(self.path, self.data)
                    self.version = file_version(self.path)
                    self.base = copy.deepcopy(self.data)
                    self.saves += 1
                    self.state, self.error, self.saved_at = "saved", None, datetime.now()
        except OSError as exc:
            self.state, self.error = "error", failure_reason(exc)
        self._notify()

    def sync(self) -> bool:
        """Take in another editor's saved changes without writing anything of ours unless needed.

        Returns
        -------
        bool
            Whether ``data`` changed (the form should show the new values).
        """
        before = copy.deepcopy(self.data)
        theirs, version, problems = self._theirs()
        if theirs is None or problems:
            return False
        if self.dirty:  # we have unsaved changes: a full save merges and writes them
            self.save()
            return self.data != before
        at = clock()
        self.data, conflicts = merge(self.base, self.data, theirs, at)
        self._merged(MergeReport(at, conflicts + new_marks(before, self.data)))
        self.base, self.version = copy.deepcopy(self.data), version
        self._notify()
        return self.data != before

    def _notify(self) -> None:
        for listener in list(self.listeners):
            listener(self)

    def status_html(self, where: str, name: Callable[[Conflict], str] | None = None) -> str:
        """The save state in words for the top of a form (``where``: the file as the consultant knows it).

        ``saved 14:02:31``, or a red, bold ``NOT SAVED — <reason>`` after a failed write, plus a
        note when changes of another editor were merged in (and which fields both changed, named by
        ``name`` in the form's words when given, else by their path in the file).
        """
        place = f"<code>{html.escape(where)}</code>"
        if self.state == "error":
            text = (f"<span class='cg-not-saved' style='color:#fff;background:#c62828;font-weight:bold;"
                    f"padding:2px 6px'>NOT SAVED \u2014 {html.escape(self.error or 'unknown error')}</span> "
                    f"Your last changes are only in this form: keep it open, fix the cause, then type again "
                    f"to retry saving {place}.")
        elif self.state == "saving":
            text = f"<span class='cg-saving'>saving\u2026</span> {place}"
        elif self.saved_at is not None:
            text = (f"<span class='cg-saved-at' style='color:#2e7d32'>\u2713 saved {clock(self.saved_at)}</span> "
                    f"to {place}; every change is saved as you type.")
        elif self.state == "resumed":
            text = f"Resumed from {place}; every change is saved as you type."
        else:
            text = f"New: {place} is created at your first change."
        if self.merged is not None and not self.merged.conflicts:
            text += (f"<br><span class='cg-merged'>Changes saved from another tab or editor at {self.merged.at} "
                     "were merged in.</span>")
        if self.conflict is not None:
            fields = ", ".join(html.escape(name(c) if name is not None else c.where()) for c in self.conflict.conflicts)
            text += (f"<br><span class='cg-conflict' style='color:#b26a00;font-weight:bold'>At {self.conflict.at} "
                     f"another tab or editor changed what you changed: {fields}. Both texts are kept, the other "
                     "one marked [other editor, time]: tidy the text.</span>")
        return text


class Debouncer:
    """Run a write once typing pauses (``delay`` seconds after the last keystroke of a field).

    Inside a running kernel (a task on its event loop) the call is scheduled on that loop; without
    one (tests, scripts) it runs at once. ``busy`` tells the save indicator that a change is not on disk yet.
    """

    def __init__(self, delay: float = 0.3) -> None:
        self.delay = delay
        self._pending: dict[Any, Callable[[], None]] = {}
        self._handles: dict[Any, asyncio.TimerHandle] = {}
        #: Called when a write starts waiting and when the last waiting write ran (the indicator).
        self.on_change: Callable[[], None] | None = None

    @property
    def busy(self) -> bool:
        """Whether a write is waiting for the pause."""
        return bool(self._pending)

    def call(self, key: Any, write: Callable[[], None]) -> None:
        """Run ``write`` after the pause; a newer call with the same ``key`` replaces it."""
        try:  # a kernel handles widget messages inside a task; a loop merely set (Playwright's sync API) runs nothing
            loop = asyncio.get_running_loop()
            waiting = asyncio.current_task(loop) is not None
        except RuntimeError:
            waiting = False
        if not waiting:
            write()
            return
        handle = self._handles.pop(key, None)
        if handle is not None:
            handle.cancel()
        was_busy = self.busy
        self._pending[key] = write
        self._handles[key] = loop.call_later(self.delay, self._fire, key)
        if not was_busy and self.on_change is not None:
            self.on_change()

    def _fire(self, key: Any) -> None:
        self._handles.pop(key, None)
        write = self._pending.pop(key, None)
        if write is not None:
            write()
            if not self.busy and self.on_change is not None:
                self.on_change()

    def flush(self) -> None:
        """Run every waiting write now."""
        for key in list(self._pending):
            handle = self._handles.pop(key, None)
            if handle is not None:
                handle.cancel()
            self._fire(key)


def engagement_problem(engagement: str | os.PathLike[str]) -> str | None:
    """Why ``engagement`` is not a folder, with the nearest engagement folders that exist, or None.

    The message names the path as given and, when there are any, the closest engagement folders
    (folders holding ``engagement.yaml``) beside it and under the project's ``engagements/``
    and ``templates/demo/``. Nothing is created.

    Parameters
    ----------
    engagement : path-like
        The ``engagement`` parameter of a capture notebook.

    Returns
    -------
    str or None
        HTML text for the notebook, or None when the folder exists.
    """
    folder = Path(engagement)
    if folder.is_dir():  # an engagement folder (engagement.yaml is checked where it is needed)
        return None
    from helpers import TEMPLATES

    places = {folder.parent, folder.parent.parent, TEMPLATES.parent / "engagements", TEMPLATES / "demo"}
    found: dict[str, Path] = {}
    for place in places:
        try:
            for child in sorted(place.iterdir()):
                if (child / "engagement.yaml").is_file():
                    found.setdefault(child.name, child)
        except OSError:
            continue
    near = difflib.get_close_matches(folder.name, list(found), n=3, cutoff=0.5)
    shown = html.escape(str(engagement))
    what = "is a file, not a folder" if folder.exists() else "does not exist"
    text = f"<b>No engagement folder at <code>{shown}</code>:</b> it {what}. Nothing was created."
    if near:
        options = ", ".join(f"<code>{html.escape(_relative(found[n]))}</code>" for n in near)
        text += f" Did you mean {options}?"
    text += (" Set <code>engagement</code> in the first cell to the folder that holds engagement.yaml "
             "(<code>workbook new &lt;folder&gt;</code> creates one), then run the notebook again.")
    return text


def engagement_problem_text(engagement: str | os.PathLike[str]) -> str:
    """:func:`engagement_problem` as plain text (for a printed status); empty when the folder exists."""
    problem = engagement_problem(engagement)
    if problem is None:
        return ""
    return _plain(problem)


def _relative(path: Path) -> str:
    """``path`` relative to the working folder when possible (how the notebook parameter is written)."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def wrong_engagement(engagement: str | os.PathLike[str]) -> Any:
    """The notebook's answer to a wrong ``engagement`` path: a :class:`Notice`, or None when it is right.

    Every capture notebook (01-04) calls this first, so a mistyped path gets one short message
    naming the path and the nearest engagement folders, creates nothing and shows no traceback.
    """
    problem = engagement_problem(engagement)
    if problem is None:
        return None
    return Notice(problem, "cg-wrong-engagement")


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


class Notice(ipywidgets.HTML):
    """A message for the notebook: a widget in JupyterLab, readable HTML and text in a saved notebook."""

    def __init__(self, text: str, css: str = "cg-notice") -> None:
        super().__init__(f"<div style='border-left:4px solid #c62828;padding:4px 8px'>{text}</div>")
        self.add_class(css)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = dict(super()._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/html"] = self.value
        bundle["text/plain"] = _plain(self.value)
        return bundle
