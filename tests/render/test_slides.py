"""The deck's slide geometry: text stays in its box, long quotes are cut visibly, templates keep their size."""

from __future__ import annotations

from helpers.render.slides import SlideDeck, plural, shorten


def test_a_long_quote_is_cut_at_a_word_and_marked() -> None:
    text = "word " * 100
    cut = shorten(text, 40)
    assert len(cut) <= 42 and cut.endswith(" \u2026") and "wor \u2026" not in cut
    assert shorten("short and whole.", 40) == "short and whole."


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
