"""Three-way merge of two edits of one capture file (two tabs, two kernels, a form and a text editor).

A form remembers the content it last read or wrote (the *base*). When it saves and finds the
file changed by someone else (*theirs*), its own content (*mine*) is merged with theirs field by
field: a field only one side changed takes that side's value; a field both sides changed to the
same value is kept; a field both sides changed differently is a *conflict*. A conflicting text
keeps both texts (``"<mine>\\n\\n[other editor, 14:02:31]: <theirs>"``) so no word is lost; any
other conflicting value keeps this form's value, and every conflict is reported.

Lists of mappings that carry an identity (``id`` or ``question``, unique in the list: journeys,
stages, plays, interview answers) are merged entry by entry, so an entry added in one tab and an
answer typed in another both survive. ``mine`` is updated in place wherever possible, so the
widgets of a form keep pointing at the same entry objects after a merge.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

#: Keys that identify an entry of a list of mappings (first one present wins).
IDENTITY_KEYS: tuple[str, ...] = ("id", "question")
#: How a conflicting text shows the other editor's words.
OTHER_EDITOR = "[other editor, {clock}]: "

_MISSING = object()
#: One edit of a text: (start, end, new tokens) over the tokens of the text it was made on.
Change = tuple[int, int, tuple[str, ...]]
#: What a text is merged by: a word or a punctuation mark with the white space after it.
_TOKEN = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")
#: What a merge is checked by: a word or a punctuation mark, without white space.
_WORD = re.compile(r"\w+|[^\w\s]")
_WORD_CHAR = re.compile(r"\w")
#: Above this many token pairs left to compare (after the common start and end), two edits of a
#: long text count as a conflict (both texts kept) rather than keep the kernel busy for seconds.
_MAX_PAIRS = 4_000_000


@dataclass(frozen=True)
class Conflict:
    """One field both editors changed to different values.

    Attributes
    ----------
    path : tuple
        Key path of the field in the document (e.g. ``("answers", "pain_1", "answer")``; list
        entries with an identity are named by it).
    mine, theirs : Any
        The two values.
    kept : str
        ``"both"`` when both texts were kept, ``"mine"`` when this form's value was kept,
        ``"theirs"`` when the other editor's value was kept (this form had removed the field).
    """

    path: tuple[Any, ...]
    mine: Any
    theirs: Any
    kept: str

    def where(self) -> str:
        """The field as a short readable path (``answers › pain_1 › answer``)."""
        return " \u203a ".join(str(p) for p in self.path)


def _identity(item: Any) -> Any:
    if isinstance(item, dict):
        for key in IDENTITY_KEYS:
            value = item.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                return (key, value)
    return None


def _identities(items: list[Any]) -> list[Any] | None:
    """The identity of each entry, or None when some entry has none or one is used twice."""
    ids = [_identity(i) for i in items]
    if any(i is None for i in ids) or len(set(ids)) != len(ids):
        return None
    return ids


def holds(text: str, part: str) -> bool:
    """Whether ``part`` (stripped) appears in ``text`` as whole words, not as the start or end of longer words.

    Examples
    --------
    >>> holds("Yes, since May.", "Yes")
    True
    >>> holds("Yesterday only", "Yes")
    False
    """
    part = part.strip()
    if not part:
        return True
    before = r"(?<!\w)" if re.match(r"\w", part) else ""
    after = r"(?!\w)" if re.search(r"\w$", part) else ""
    return re.search(before + re.escape(part) + after, text) is not None


def extends(text: str, start: str) -> bool:
    """Whether ``text`` is ``start`` followed by more words (``start`` does not end inside a word of ``text``).

    Examples
    --------
    >>> extends("Yes, since May.", "Yes")
    True
    >>> extends("Yesterday only", "Yes")
    False
    """
    if not text.startswith(start):
        return False
    return not (start and re.search(r"\w$", start) and re.match(r"\w", text[len(start):]))


def both_texts(mine: str, theirs: str, clock: str) -> str:
    """The text kept when both editors changed one text field differently.

    A text that holds the other one as whole words is kept alone (no word is lost); otherwise
    both are kept, the other editor's marked ``[other editor, <clock>]``. A short answer that only
    starts a longer word of the other text ("Yes" and "Yesterday only") is not held by it.
    """
    if not mine.strip():
        return theirs
    if not theirs.strip() or holds(mine, theirs):
        return mine
    if holds(theirs, mine):
        return theirs
    return f"{mine}\n\n{OTHER_EDITOR.format(clock=clock)}{theirs}"


def _changes(base: list[str], other: list[str]) -> list[Change] | None:
    """The edits turning the tokens ``base`` into ``other``: (start, end, new tokens) over ``base``.

    Only the part between the common start and the common end is compared (an edit is usually in
    one place); None when that part is too long to compare quickly.
    """
    start = 0
    while start < len(base) and start < len(other) and base[start] == other[start]:
        start += 1
    end = 0
    while end < len(base) - start and end < len(other) - start and base[-1 - end] == other[-1 - end]:
        end += 1
    old, new = base[start:len(base) - end], other[start:len(other) - end]
    if len(old) * len(new) > _MAX_PAIRS:
        return None
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [(start + i1, start + i2, tuple(new[j1:j2]))
            for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _clash(a: Change, b: Change) -> bool:
    """Whether two edits of one text touch the same words (or add words at the same place)."""
    if a == b:
        return False
    (a1, a2, _), (b1, b2, _) = a, b
    return (a1 < b2 and b1 < a2) or (a1 == a2 and b1 <= a1 <= b2) or (b1 == b2 and a1 <= b1 <= a2)


def merge_text(base: str, mine: str, theirs: str) -> str | None:
    """Both edits of one text, word by word, or None when they change the same words.

    Each side's changes against ``base`` are found on words and punctuation marks. When
    no change of one side touches a change of the other (words added at the same place count as
    touching), the text carries both; a change both sides made identically is applied once. A
    result whose words do not add up (two words run together, a sentence both sides moved
    doubled) is not trusted either: None, and the caller keeps both texts.

    Examples
    --------
    >>> merge_text("Leads wait.", "Inbound leads wait.", "Leads wait three days.")
    'Inbound leads wait three days.'
    >>> merge_text("Leads wait.", "Leads wait. Sales says Y.", "Leads wait. Marketing says X.") is None
    True
    """
    if mine == theirs or theirs == base:
        return mine
    if mine == base:
        return theirs
    tokens = _TOKEN.findall(base)
    mine_changes, their_changes = _changes(tokens, _TOKEN.findall(mine)), _changes(tokens, _TOKEN.findall(theirs))
    if mine_changes is None or their_changes is None:
        return None
    if any(_clash(m, t) for m in mine_changes for t in their_changes):
        return None
    applied = sorted(set(mine_changes) | set(their_changes), key=lambda c: (c[0], c[1]))
    pieces: list[str] = []
    at = 0
    for start, end, new in applied:
        pieces.extend(("".join(tokens[at:start]), "".join(new)))
        at = end
    pieces.append("".join(tokens[at:]))
    pieces = [piece for piece in pieces if piece]
    if any(_WORD_CHAR.match(left[-1]) and _WORD_CHAR.match(right[0]) for left, right in zip(pieces, pieces[1:])):
        return None  # an edit's words run into the next word ("wait" + "then call.")
    if not _adds_up(tokens, mine_changes, their_changes, applied):
        return None
    return "".join(pieces)


def _word_delta(tokens: list[str], changes: list[Change]) -> Counter[str]:
    """How many more times each word or punctuation mark is there after ``changes`` (negative: fewer)."""
    delta: Counter[str] = Counter()
    for start, end, new in changes:
        delta.update(_WORD.findall("".join(new)))
        delta.subtract(_WORD.findall("".join(tokens[start:end])))
    return delta


def _adds_up(tokens: list[str], mine: list[Change], theirs: list[Change], applied: list[Change]) -> bool:
    """Whether the merged changes ``applied`` add and remove each word as the two editors did, no more.

    Per word or punctuation mark: the merge removes no more than both editors removed (no word
    lost) and adds no more than both added (nothing invented), and a word is not there more often
    than in either editor's text unless both added it (a sentence both editors moved, each to
    another place, is not doubled).
    """
    dm, dt, do = _word_delta(tokens, mine), _word_delta(tokens, theirs), _word_delta(tokens, applied)
    for word in dm.keys() | dt.keys() | do.keys():
        m, t, o = dm[word], dt[word], do[word]
        if not min(m, 0) + min(t, 0) <= o <= max(m, 0) + max(t, 0):
            return False
        if o > max(m, t) and not (m > 0 and t > 0):
            return False
    return True


def adopt(mine: Any, theirs: Any) -> Any:
    """``theirs``, reusing the dicts and lists of ``mine`` (updated in place) where the shapes match."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        for key in [k for k in mine if k not in theirs]:
            del mine[key]
        for key, value in theirs.items():
            mine[key] = adopt(mine[key], value) if key in mine else value
        return mine
    if isinstance(mine, list) and isinstance(theirs, list):
        ids_m, ids_t = _identities(mine), _identities(theirs)
        if ids_m is not None and ids_t is not None:
            by_m = dict(zip(ids_m, mine))
            mine[:] = [adopt(by_m[i], t) if i in by_m else t for i, t in zip(ids_t, theirs)]
        elif len(mine) == len(theirs):
            mine[:] = [adopt(m, t) for m, t in zip(mine, theirs)]
        else:
            mine[:] = theirs
        return mine
    return theirs


def merge(base: Any, mine: Any, theirs: Any, clock: str,
          path: tuple[Any, ...] = ()) -> tuple[Any, list[Conflict]]:
    """Merge ``theirs`` into ``mine`` given their common ancestor ``base``.

    Parameters
    ----------
    base : Any
        What this editor last read or wrote (``_MISSING``-free plain YAML data).
    mine : Any
        This editor's content now; dicts and lists in it are updated in place.
    theirs : Any
        The file's content now.
    clock : str
        Time shown in a kept conflicting text (``14:02:31``).
    path : tuple
        Where ``mine`` sits in the document (for conflict reports).

    Returns
    -------
    (merged, conflicts)
        The merged value (``mine`` itself when it is a dict or list) and every conflict.
    """
    if mine == theirs:
        return mine, []
    if mine == base:
        return adopt(mine, theirs), []
    if theirs == base:
        return mine, []
    if isinstance(mine, dict) and isinstance(theirs, dict):
        return mine, _merge_dict(base if isinstance(base, dict) else {}, mine, theirs, clock, path)
    if isinstance(mine, list) and isinstance(theirs, list):
        return _merge_list(base if isinstance(base, list) else [], mine, theirs, clock, path)
    if isinstance(mine, str) and isinstance(theirs, str):
        merged = merge_text(base, mine, theirs) if isinstance(base, str) else None
        if merged is not None:
            return merged, []
        return both_texts(mine, theirs, clock), [Conflict(path, mine, theirs, "both")]
    if mine is _MISSING or mine is None:  # I cleared or removed it, they edited it: keep their words
        return theirs, [Conflict(path, None, theirs, "theirs")]
    return mine, [Conflict(path, mine, None if theirs is _MISSING else theirs, "mine")]


def _merge_dict(base: dict[Any, Any], mine: dict[Any, Any], theirs: dict[Any, Any], clock: str,
                path: tuple[Any, ...]) -> list[Conflict]:
    conflicts: list[Conflict] = []
    for key in [*mine.keys(), *(k for k in theirs if k not in mine)]:
        b, m, t = base.get(key, _MISSING), mine.get(key, _MISSING), theirs.get(key, _MISSING)
        if m == t:
            continue
        if m == b:
            value = t if m is _MISSING else adopt(m, t)
        elif t == b:
            continue
        else:
            value, found = merge(b, m, t, clock, path + (key,))
            conflicts.extend(found)
        if value is _MISSING:
            mine.pop(key, None)
        else:
            mine[key] = value
    return conflicts


def _merge_list(base: list[Any], mine: list[Any], theirs: list[Any], clock: str,
                path: tuple[Any, ...]) -> tuple[Any, list[Conflict]]:
    ids_m, ids_t, ids_b = _identities(mine), _identities(theirs), _identities(base)
    if ids_m is None or ids_t is None or ids_b is None:
        if len(mine) == len(theirs) == len(base):  # same shape: merge position by position
            conflicts: list[Conflict] = []
            for i in range(len(mine)):
                mine[i], found = merge(base[i], mine[i], theirs[i], clock, path + (i,))
                conflicts.extend(found)
            return mine, conflicts
        return mine, [Conflict(path, mine, theirs, "mine")]
    by_b, by_m, by_t = dict(zip(ids_b, base)), dict(zip(ids_m, mine)), dict(zip(ids_t, theirs))
    # Order: theirs' when only they reordered the entries both kept, else mine's; an entry only
    # one side holds follows the entry it came after on that side.
    kept_by_all = [i for i in ids_b if i in by_m and i in by_t]
    mine_moved = [i for i in ids_m if i in by_b and i in by_t] != kept_by_all
    theirs_moved = [i for i in ids_t if i in by_b and i in by_m] != kept_by_all
    primary, other = (ids_t, ids_m) if theirs_moved and not mine_moved else (ids_m, ids_t)
    order = list(primary)
    for n, ident in enumerate(other):
        if ident not in order:
            before = next((other[k] for k in range(n - 1, -1, -1) if other[k] in order), None)
            order.insert(order.index(before) + 1 if before is not None else 0, ident)
    merged, conflicts = [], []
    for ident in order:
        b, m, t = by_b.get(ident, _MISSING), by_m.get(ident, _MISSING), by_t.get(ident, _MISSING)
        label = path + (ident[1],)
        if m is not _MISSING and t is not _MISSING:
            value, found = merge(b if b is not _MISSING else {}, m, t, clock, label)
            conflicts.extend(found)
        elif m is not _MISSING:  # theirs removed it (or I added it)
            if b is not _MISSING and m == b:
                continue
            value = m
            if b is not _MISSING:
                conflicts.append(Conflict(label, m, None, "mine"))
        else:  # I removed it (or they added it)
            if b is not _MISSING and t == b:
                continue
            value = t
            if b is not _MISSING:
                conflicts.append(Conflict(label, None, t, "theirs"))
        merged.append(value)
    mine[:] = merged
    return mine, conflicts


def new_marks(before: Any, after: Any, path: tuple[Any, ...] = ()) -> list[Conflict]:
    """Texts that gained an ``[other editor, ...]`` mark between ``before`` and ``after``.

    A form that takes in a file another editor merged learns of the conflict this way (the
    other editor's merge reported it; this one only sees the text with both versions).
    """
    marker = OTHER_EDITOR.split("{", 1)[0]
    if isinstance(after, str):
        gained = marker in after and not (isinstance(before, str) and after.count(marker) <= before.count(marker))
        return [Conflict(path, before, after, "both")] if gained else []
    found: list[Conflict] = []
    if isinstance(after, dict):
        old = before if isinstance(before, dict) else {}
        for key, value in after.items():
            found.extend(new_marks(old.get(key), value, path + (key,)))
    elif isinstance(after, list):
        old_list = before if isinstance(before, list) else []
        ids_a, ids_b = _identities(after), _identities(old_list)
        olds = dict(zip(ids_b, old_list)) if ids_a is not None and ids_b is not None else {}
        for i, value in enumerate(after):
            if ids_a is not None and ids_b is not None:
                found.extend(new_marks(olds.get(ids_a[i]), value, path + (ids_a[i][1],)))
            else:
                found.extend(new_marks(old_list[i] if i < len(old_list) else None, value, path + (i,)))
    return found
