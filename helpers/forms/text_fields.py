"""Text boxes that know which value the browser's edit was made on.

A text box of a capture form is edited in two places: the consultant types in the browser, and
the kernel puts in what another tab or editor saved (at the save indicator's ping). The two
cross: keystrokes typed on the old text can still be on their way when the kernel puts the new
text in. An ipywidgets ``Text`` then receives the whole field as the browser saw it and cannot
tell it from a deliberate replacement, so the words the kernel had put in were saved over.

:class:`TrackedText` and :class:`TrackedTextarea` number every value the kernel puts into the box
(``cg_rev``, sent with the value in one message). The save indicator's front end
(``static/save_status.js``) stamps each edit with the number of the value it was typed on
(``cg_edit_base``, sent with the text in the same message) and keeps the box from taking a new
value from the kernel while an edit is still on its way. An edit made on an older value is then
merged three-way (:func:`helpers.forms.merge.merge_text`) with the box's value now; edits of the
same words keep both texts, marked ``[other editor, time]``, which the document reports as a
conflict. Keystrokes sent before the browser heard of that merge all carry the same older number;
each is merged again from the same two texts (:class:`StaleLine`), so the text is kept once, never
once per keystroke. Without the front end (no stamp), or with a number the kernel never issued,
an edit is taken as it comes, as before.

When a form builds its boxes again (another tab's stages or plays came in), an edit still on its
way to the old box is handed to the box that replaced it (:meth:`TrackedField.replaced_by`), so it
is merged and written like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ipywidgets as w
import traitlets

from helpers.forms.common import clock
from helpers.forms.merge import both_texts, merge_text

#: How many older values a box remembers for edits still on their way (a few seconds of pings).
KEPT_REVISIONS = 32


def merged_edit(base: str | None, mine: str, theirs: str, clock: str) -> str:
    """``mine`` (typed on ``base``) merged with ``theirs``; both texts, marked, when they clash.

    ``base`` None means the value the edit was typed on is no longer known: both texts are kept
    unless one holds the other.
    """
    if base is not None:
        merged = merge_text(base, mine, theirs)
        if merged is not None:
            return merged
    return both_texts(mine, theirs, clock)


@dataclass(frozen=True)
class StaleLine:
    """How the keystrokes typed on one older value were last merged.

    A burst of keystrokes sent before the browser heard of the merge all carry the same older
    number. Each is merged again from the same ``base`` with the same other text (``theirs``),
    so a conflict keeps the text once and a half-typed word is never kept as a text of its own.
    What changed in the box since the previous keystroke's merge (``own``), another editor's
    words taken in meanwhile, is merged into the result as a third edit.

    Attributes
    ----------
    base : str or None
        The value the keystrokes were typed on (None: no longer known).
    theirs : str
        The box's text the first of them was merged with.
    clock : str
        The time shown in the conflict's ``[other editor, time]`` marker.
    own : str
        The latest of them merged with ``theirs`` (what the box held after it, unless another
        editor's words came in since).
    """

    base: str | None
    theirs: str
    clock: str
    own: str


def _keep_newest(entries: dict[int, Any]) -> None:
    """Drop all but the :data:`KEPT_REVISIONS` highest revisions of ``entries``."""
    for old in sorted(entries)[:-KEPT_REVISIONS]:
        del entries[old]


class TrackedField(w.ValueWidget):
    """What :class:`TrackedText` and :class:`TrackedTextarea` add to an ipywidgets text box.

    Attributes
    ----------
    cg_rev : int
        The number of the value the kernel last put into the box (synced to the browser).
    cg_edit_base : list of int
        Set by the browser with every edit: ``[cg_rev the edit was typed on, sequence]``.
    """

    cg_rev = traitlets.Int(0).tag(sync=True)
    cg_edit_base = traitlets.List(traitlets.Int(), default_value=[]).tag(sync=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: revision -> the latest text known on that revision's line (what an edit stamped with it was typed on)
        self._lines: dict[int, str] = {0: self.text()}
        #: revision -> the last merge of keystrokes stamped with it (see :class:`StaleLine`)
        self._stale: dict[int, StaleLine] = {}
        self._successor: TrackedField | None = None

    def text(self) -> str:
        """The box's text now (as the kernel holds it)."""
        return str(getattr(self, "value", "") or "")

    # ------------------------------------------------------------------ the kernel puts a value in
    def notify_change(self, change: Any) -> None:
        """A value the kernel puts in gets the next revision number, sent with it in one message."""
        if (change.get("name") == "value" and change.get("type") == "change" and getattr(self, "_lines", None) is not None
                and not self._from_browser(change["new"])):
            with self.hold_sync():
                self._remember(self.cg_rev + 1, str(change["new"] or ""))
                self.cg_rev += 1
                super().notify_change(change)
            return
        super().notify_change(change)

    def _from_browser(self, value: Any) -> bool:
        lock = getattr(self, "_property_lock", {})
        return "value" in lock and lock["value"] == value

    def _remember(self, rev: int, text: str) -> None:
        self._lines[rev] = text
        _keep_newest(self._lines)

    def _stamp(self, raw: Any) -> int | None:
        """The revision an edit was typed on, or None when it carries no number the kernel issued."""
        rev = raw[0] if isinstance(raw, list) and raw else None
        if not isinstance(rev, int) or isinstance(rev, bool) or not 0 <= rev <= self.cg_rev:
            return None
        return rev

    def _merge_line(self, rev: int, typed: str, current: str) -> str:
        """``typed`` (stamped ``rev``, older than ``current``) merged with ``current``, one burst merged once."""
        line = self._stale.get(rev)
        merged: str | None = None
        if line is not None:
            own = merged_edit(line.base, typed, line.theirs, line.clock)
            merged = own if current == line.own else merge_text(line.own, own, current)
            if merged is not None:
                self._stale[rev] = StaleLine(line.base, line.theirs, line.clock, own)
        if merged is None:  # the first keystroke on this value, or another editor changed the same words since
            base, when = self._lines.get(rev), clock()
            merged = merged_edit(base, typed, current, when)
            self._stale[rev] = StaleLine(base, current, when, merged)
        _keep_newest(self._stale)
        self._remember(rev, typed)
        return merged

    # ------------------------------------------------------------------ the browser sends an edit
    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Take a message from the browser; an edit typed on an older value is merged, not taken whole.

        An edit without a number (no front end), or with a number the kernel never issued, is
        taken as it comes.
        """
        if "value" not in sync_data:
            super().set_state(sync_data)
            return
        data = dict(sync_data)
        typed = str(data["value"] or "")
        rev = self._stamp(data.get("cg_edit_base"))
        target = self.successor()
        if target is not None:  # this box was replaced: the edit belongs to its successor
            data.pop("value")
            super().set_state(data)
            setattr(target, "value", self._merge_line(self.cg_rev if rev is None else rev, typed, target.text()))
            return
        if rev is None or rev == self.cg_rev:
            self._remember(self.cg_rev, typed)
            super().set_state(data)
            return
        merged = self._merge_line(rev, typed, self.text())
        data["value"] = merged
        data["cg_rev"] = self.cg_rev + 1  # the echo tells the browser what it shows now
        self._remember(self.cg_rev + 1, merged)
        super().set_state(data)

    # ------------------------------------------------------------------ a form builds its boxes again
    def replaced_by(self, successor: "TrackedField") -> None:
        """Hand edits still on their way to this box to ``successor`` (the box now showing the same field)."""
        if successor is not self:
            self._successor = successor

    def successor(self) -> "TrackedField | None":
        """The live box that replaced this one (following a chain of replacements), or None."""
        found, seen = self._successor, {id(self)}
        while found is not None and found._successor is not None and id(found) not in seen:
            seen.add(id(found))
            found = found._successor
        return found if found is not None and getattr(found, "comm", None) is not None else None


class TrackedText(TrackedField, w.Text):
    """A one-line text box whose edits say which value they were typed on."""


class TrackedTextarea(TrackedField, w.Textarea):
    """A multi-line text box whose edits say which value they were typed on."""
