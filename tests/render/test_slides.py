"""The deck's slide geometry: text stays in its box, long quotes are cut visibly, templates keep their size."""

from __future__ import annotations

from helpers.render.slides import SlideDeck, plural, shorten


def test_a_long_quote_is_cut_at_a_word_and_marked() -> None:
    text = "word " * 100
    cut = shorten(text, 40)
    assert len(cut) <= 42 and cut.endswith(" \u2026") and "wor \u2026" not in cut
    assert shorten("short and whole.", 40) == "short and whole."


def test_a_long_text_is_cut_after_its_last_whole_sentence_that_fits() -> None:
    """The Quillstack brief's money line stopped at "the export shows …"; it now ends after a
    sentence, still marked as cut. "e.g." is no sentence end; a first sentence too long for the
    limit is cut at a word as before."""
    money = ("23 MQLs were not contacted by the export date; they would have brought about 51,000 USD "
             "(an estimate, not a forecast). The revenue goal needs 200,000 USD a month; the export shows "
             "about 134,000 USD a month won.")
    assert shorten(money, 150) == ("23 MQLs were not contacted by the export date; they would have brought "
                                   "about 51,000 USD (an estimate, not a forecast). \u2026")
    # an abbreviation is no sentence end: cut at a word, not "… first, e.g. …" as if a sentence ended there
    for abbreviation in ("e.g.", "E.g.", "No.", "approx.", "U.S.", "Mr."):
        text = f"We should fix the lead fields in the CRM first, {abbreviation} Lifecycle Stage and Lead Status."
        cut = shorten(text, 70)
        assert cut.endswith(" \u2026") and f"{abbreviation} Lifecycle" in cut, (abbreviation, cut)
    # a sentence ending in a closing quote ends after it; one that ends just inside the limit is kept
    quoted = 'Sales said "we call every lead within a day." Marketing disagreed with that, strongly and often.'
    assert shorten(quoted, 60) == 'Sales said "we call every lead within a day." \u2026'
    exact = "A" * 40 + " ends here. Then more words follow for a while."
    assert shorten(exact, len("A" * 40 + " ends here.") + 2) == "A" * 40 + " ends here. \u2026"
    assert shorten("Rates rose to 11.7 percent. Then more words follow for quite a while after.", 40) == \
        "Rates rose to 11.7 percent. \u2026"  # "11.7" is no sentence end
    assert shorten("One. " + "word " * 40, 60).endswith("word \u2026")  # the sentence that fits is too short


def test_counts_take_the_right_number() -> None:
    assert (plural(1, "stage"), plural(0, "hand-off"), plural(3, "pain point")) == \
        ("1 stage", "0 hand-offs", "3 pain points")


def test_text_boxes_wrap_and_never_grow_past_the_slide() -> None:
    from pptx.enum.text import MSO_AUTO_SIZE

    deck = SlideDeck(None)
    assert (deck.width, deck.height) == (12192000, 6858000)  # 16:9
    slide = deck.slide("A title")
    box = deck.body(slide, [("A very long line " * 40, 14, False)])
    assert box.text_frame.word_wrap is True and box.text_frame.auto_size == MSO_AUTO_SIZE.NONE
    assert box.left + box.width <= deck.width and box.top + box.height <= deck.height
    assert slide.shapes.title.left + slide.shapes.title.width <= deck.width
