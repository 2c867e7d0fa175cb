"""Two edits of one text merged word by word (helpers/forms/merge.py): no word invented, lost or doubled."""

from __future__ import annotations

import random
import re
import time
from collections import Counter

import pytest

from helpers.forms.merge import both_texts, merge, merge_text

MARK = r"\[other editor, \d\d:\d\d:\d\d\]: "
WORDS = re.compile(r"\w+|[^\w\s]")


def test_two_words_are_never_run_together() -> None:
    """Review 6 #2: one tab removed a space, the other a comma: 'waitthen'."""
    out = merge_text("Leads wait , then call.", "Leads wait then call.", "Leads wait, then call.")
    assert out is None or "waitthen" not in out, out
    kept, _ = merge("Leads wait , then call.", "Leads wait then call.", "Leads wait, then call.", "12:00:00")
    assert "waitthen" not in kept and "Leads wait then call." in kept and "Leads wait, then call." in kept


def test_a_sentence_both_tabs_moved_is_not_doubled() -> None:
    """Review 6 #3: 'Sales wants SLAs.' came out twice."""
    base = "Pricing is the blocker. Demos run long. Leads go cold. Sales wants SLAs."
    mine = "Pricing is the blocker. Demos run long. Sales wants SLAs. Leads go cold."
    theirs = "Demos run long. Pricing is the blocker. Sales wants SLAs. Leads go cold."
    out = merge_text(base, mine, theirs)
    assert out is None or out.count("Sales wants SLAs.") == 1, out


@pytest.mark.parametrize("short, long", [("Yes", "Yesterday only"), ("No", "None of them"), ("demo", "demos")])
def test_a_short_answer_that_starts_a_longer_word_is_kept_with_a_marker(short: str, long: str) -> None:
    """Review 6 #4: 'Yes' counted as held by 'Yesterday only' and was dropped without a marker."""
    merged, conflicts = merge("", long, short, "12:00:00")
    assert re.fullmatch(re.escape(long) + r"\n\n" + MARK + re.escape(short), merged), merged
    assert conflicts and conflicts[0].kept == "both"


def test_a_text_that_holds_the_other_as_whole_words_is_kept_alone() -> None:
    assert both_texts("Yes, since May.", "Yes", "12:00:00") == "Yes, since May."
    assert both_texts("demo", "Book a demo.", "12:00:00") == "Book a demo."
    assert both_texts("No. Demos first.", "Demos first.", "12:00:00") == "No. Demos first."


# ---------------------------------------------------------------------------------------------- property
VOCAB = ["Leads", "wait", "two", "days", "Sales", "calls", "back", "Marketing", "says", "MQLs", "are", "cold",
         "demo", "demos", "Yes", "No", "SLA", "pricing", "café", "déjà", "vu", "\U0001F44D", "x", "x"]
PUNCT = [".", ",", ";", " ,", " .", "!", "?", ":"]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(VOCAB) for _ in range(rng.randint(1, 6))]
    text = " ".join(words)
    for _ in range(rng.randint(0, 2)):
        at = rng.randint(1, len(text))
        text = text[:at] + rng.choice(PUNCT) + text[at:] if text[at - 1] != " " else text
    return text + rng.choice([".", "!", "?", ""])


def _edit(rng: random.Random, text: str) -> str:
    """One consultant's edit: words typed, deleted or replaced, a sentence moved, spaces and commas changed."""
    for _ in range(rng.randint(1, 3)):
        tokens = re.findall(r"\S+|\s+", text)
        kind = rng.randrange(6)
        if kind == 0 or not tokens:  # words typed somewhere
            at = rng.randint(0, len(tokens))
            tokens[at:at] = [" ".join(rng.choice(VOCAB) for _ in range(rng.randint(1, 3))), " "]
        elif kind == 1:  # a word deleted
            del tokens[rng.randrange(len(tokens))]
        elif kind == 2:  # a word replaced
            tokens[rng.randrange(len(tokens))] = rng.choice(VOCAB)
        elif kind == 3:  # a sentence moved
            sentences = re.findall(r"[^.!?]+[.!?]?\s*", text)
            if len(sentences) > 1:
                moved = sentences.pop(rng.randrange(len(sentences)))
                sentences.insert(rng.randint(0, len(sentences)), moved)
            tokens = ["".join(sentences)]
        elif kind == 4:  # a space before punctuation removed or added
            text2 = "".join(tokens)
            tokens = [re.sub(r" ([,.;])", r"\1", text2, count=1) if rng.random() < 0.5
                      else re.sub(r"(\w)([,.;])", r"\1 \2", text2, count=1)]
        else:  # a comma removed or a space dropped between two words
            text2 = "".join(tokens)
            tokens = [text2.replace(",", "", 1) if rng.random() < 0.5 else text2.replace(" ", "", 1)]
        text = "".join(tokens)
    return text


def _words(text: str) -> Counter[str]:
    return Counter(WORDS.findall(text))


def test_random_edits_of_both_tabs_never_invent_lose_or_double_a_word() -> None:
    """Thousands of random three-way edits (seeded): a merge is exact in words, or it is a conflict keeping both."""
    rng = random.Random(20261130)
    started, merged_cleanly, cases = time.perf_counter(), 0, 3000
    for case in range(cases):
        base = " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))
        mine, theirs = _edit(rng, base), _edit(rng, base)
        out = merge_text(base, mine, theirs)
        where = f"case {case}: base={base!r} mine={mine!r} theirs={theirs!r} -> {out!r}"
        if out is None:  # a conflict: the field keeps both texts, every word of each side is there
            kept, _ = merge(base, mine, theirs, "12:00:00")
            k = _words(kept)
            assert all(k[w] >= n for side in (mine, theirs) for w, n in _words(side).items()), where
            continue
        merged_cleanly += 1
        b, m, t, o = _words(base), _words(mine), _words(theirs), _words(out)
        for w in b | m | t | o:
            removed = max(b[w] - m[w], 0) + max(b[w] - t[w], 0)
            added = max(m[w] - b[w], 0) + max(t[w] - b[w], 0)
            assert o[w] <= b[w] + added, f"{w!r} invented or doubled; {where}"
            assert o[w] >= b[w] - removed, f"{w!r} lost; {where}"
            assert o[w] <= max(m[w], t[w]) or (m[w] > b[w] and t[w] > b[w]), f"{w!r} doubled; {where}"
    assert merged_cleanly > cases // 2, f"only {merged_cleanly} of {cases} merged without a conflict"
    assert time.perf_counter() - started < 5
