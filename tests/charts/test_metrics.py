"""Label widths for laying out charts come from the font's advances and match what FreeType lays out."""

from __future__ import annotations

import io

import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from helpers.charts.metrics import MeasuredText, text_height, text_width


def freetype_width(text: str, size: float, weight: str = "normal") -> float:
    """Width in points of ``text`` as FreeType lays it out unhinted (how the SVG and PDF backends measure)."""
    return max(TextToPath().get_text_width_height_descent(line, FontProperties(size=size, weight=weight), False)[0]
               for line in text.split("\n"))


@pytest.mark.parametrize("text, size, weight", [
    ("Customer knowledge and feedback loop", 8, "normal"),
    ("\u25bc most leads lost: 33% (29%\u201336%) Inquiry \u2192 MQL", 7, "bold"),
    ("AVATAR To Wa", 9.5, "bold"),                 # kerned pairs
    ("Pay $5 or $10% \u2013 \u201cquoted\u201d", 8, "normal"),  # client text is literal
    ("1,234 leads \u00b7 12% to MQL \u00b7 5 won (1%)", 7.5, "normal"),
])
def test_label_width_matches_freetype_within_half_a_point(text: str, size: float, weight: str) -> None:
    assert text_width(text, size, weight) == pytest.approx(freetype_width(text, size, weight), abs=0.5)


def test_a_text_of_several_lines_is_as_wide_as_its_longest_line_and_as_tall_as_matplotlib_stacks_it() -> None:
    assert text_width("short\na much longer second line", 8) == pytest.approx(text_width("a much longer second line", 8))
    fig = Figure(dpi=72)
    for text in ("one", "Typography\nwith descenders", "one\ntwo\nthree"):
        label = fig.text(0.1, 0.5, text, fontsize=8)
        drawn = label.get_window_extent(RendererSVG(100, 100, io.StringIO())).height
        assert text_height(text, 8, label.get_linespacing()) == pytest.approx(drawn, abs=0.5)


def test_a_character_missing_from_the_font_gets_one_em_of_room() -> None:
    # a browser draws it in a fallback font, about an em wide: the layout must leave that room
    assert text_width("\u65e5\u672c", 10) == pytest.approx(20.0)


def test_a_renderer_with_the_measures_sizes_text_like_the_functions() -> None:
    class Measuring(MeasuredText, RendererAgg):
        pass

    renderer = Measuring(100, 100, 144)  # 144 dpi: two pixels per point
    width, height, descent = renderer.get_text_width_height_descent("Sales (n=8)", FontProperties(size=8), False)
    assert width == pytest.approx(2 * text_width("Sales (n=8)", 8))
    assert height > descent > 0


def test_a_forked_process_opens_the_fonts_again() -> None:
    """Batch workers are forked from one server that has drawn a chart: each must read glyphs through
    its own open font file, never the server's (a shared file offset garbles glyphs under load)."""
    import os

    from matplotlib.font_manager import FontProperties

    from helpers.charts import metrics

    parent = metrics.face(FontProperties(size=9)).font
    pid = os.fork()
    if pid == 0:  # the child: a face of its own, and it measures text as the parent does
        child = metrics.face(FontProperties(size=9))
        os._exit(0 if child.font is not parent and child.width("Sales") > 0 else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
