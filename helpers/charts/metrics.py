"""Text sizes for laying out charts, read from the font's own tables (no text layout pass).

Matplotlib measures a string by laying it out in FreeType (about a millisecond each, for every
text of a chart, again at every draw), and finds the font file for it first. The handout's charts
keep their text as text, so the reader's browser sets the words; a chart only needs to know how
much room a label takes. Here every font is resolved once (one file per family, weight and
style), each character's advance and each pair's kerning are read from it once and kept, and a
string's width is their sum: the width a browser gives the same string in the same font (within
a tenth of a point of FreeType's measure for the handout's labels). A character the font lacks is
counted one em wide, as wide as the fallback font a browser draws it in.

:class:`MeasuredText` gives a matplotlib renderer these measures, so that laying out a chart and
drawing it as SVG no longer go through FreeType's layout for every text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from matplotlib.font_manager import FontProperties, fontManager
from matplotlib.ft2font import FT2Font, Kerning, LoadFlags

#: Size (points at 72 dpi) at which advances are read; widths scale linearly from it.
_REFERENCE_SIZE = 100.0


@dataclass
class _Face:
    """One font file's vertical metrics and the advances and kernings read from it so far."""

    font: Any
    ascent: float    # at the reference size, in points
    descent: float   # positive, below the baseline
    line_gap: float
    advances: dict[str, tuple[int, float]] = field(default_factory=dict)  # char -> (glyph index, advance)
    kerning: dict[tuple[int, int], float] = field(default_factory=dict)

    def advance(self, char: str) -> tuple[int, float]:
        """Glyph index and advance (points at the reference size) of one character."""
        found = self.advances.get(char)
        if found is None:
            index = self.font.get_char_index(ord(char))
            if index == 0 and char not in "\n\r":  # not in the font: a browser uses a fallback font
                found = (0, _REFERENCE_SIZE)
            else:
                glyph = self.font.load_glyph(index, flags=LoadFlags.NO_HINTING)
                found = (index, glyph.linearHoriAdvance / 65536)
            if len(self.advances) < 20_000:
                self.advances[char] = found
        return found

    def kern(self, left: int, right: int) -> float:
        """Kerning (points at the reference size) between two glyphs."""
        key = (left, right)
        value = self.kerning.get(key)
        if value is None:
            value = self.font.get_kerning(left, right, Kerning.UNFITTED) / 64 if left and right else 0.0
            if len(self.kerning) < 50_000:
                self.kerning[key] = value
        return value

    def width(self, line: str) -> float:
        """Width of one line (no line breaks), in points at the reference size."""
        total, previous = 0.0, 0
        for char in line:
            index, advance = self.advance(char)
            if previous and index:
                total += self.kern(previous, index)
            total += advance
            previous = index
        return total


_faces: dict[tuple[Any, ...], _Face] = {}
# An FT2Font reads its file through an open file object, whose offset a forked process shares with
# its parent: two batch workers forked from one fork server would read glyphs through one offset
# ("FT_Load_Glyph ... too many hints"). As matplotlib does for its own font cache, a forked child
# opens its fonts again.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_faces.clear)


def _key(prop: FontProperties) -> tuple[Any, ...]:
    return (tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(),
            prop.get_stretch(), prop.get_file())


def face(prop: FontProperties) -> _Face:
    """The font a text with these properties is drawn in, resolved once per family, weight and style."""
    key = _key(prop)
    found = _faces.get(key)
    if found is None:
        font = FT2Font(fontManager.findfont(prop))
        font.set_size(_REFERENCE_SIZE, 72)
        os2 = font.get_sfnt_table("OS/2")
        scale = _REFERENCE_SIZE / font.units_per_EM
        if os2 is not None:
            ascent, descent, gap = os2["sTypoAscender"], -os2["sTypoDescender"], os2["sTypoLineGap"]
        else:
            ascent, descent, gap = font.ascender, -font.descender, 0
        found = _faces[key] = _Face(font, ascent * scale, descent * scale, gap * scale)
    return found


def text_width(text: str, size: float, weight: str = "normal") -> float:
    """Width in points of ``text`` (its longest line) in the charts' font at ``size`` points."""
    prop = FontProperties(size=size, weight=weight)
    return max(face(prop).width(line) for line in text.split("\n")) * size / _REFERENCE_SIZE


def text_height(text: str, size: float, linespacing: float | str = "normal") -> float:
    """Height in points of ``text`` (all its lines) at ``size`` points, as matplotlib stacks lines.

    ``linespacing`` is the text's own (``Text.get_linespacing()``): a factor of the font's height,
    or ``"normal"`` (matplotlib 3.11's default: the font's height, plus its line gap between lines).
    """
    f = face(FontProperties(size=size))
    lines = text.count("\n") + 1
    if isinstance(linespacing, str):
        per_line = f.ascent + f.descent + (f.line_gap if lines > 1 else 0.0)
    else:
        per_line = float(linespacing) * (f.ascent + f.descent)
    return lines * per_line * size / _REFERENCE_SIZE


class MeasuredText:
    """A renderer mix-in: text sizes from :func:`face` instead of a FreeType layout of each string.

    Put it before the renderer class (``class R(MeasuredText, RendererSVG)``); the renderer must
    have a ``dpi`` (pixels per inch) attribute or a ``points_to_pixels`` method.
    """

    def _pixels_per_point(self) -> float:
        return float(self.points_to_pixels(1.0))  # type: ignore[attr-defined]

    def get_text_width_height_descent(self, s: str, prop: FontProperties, ismath: Any) -> tuple[float, float, float]:
        """Width, height and descent (pixels) of one line: its advance width and the font's full height."""
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)  # type: ignore[misc]
        f = face(prop)
        scale = prop.get_size_in_points() / _REFERENCE_SIZE * self._pixels_per_point()
        return f.width(s) * scale, (f.ascent + f.descent) * scale, f.descent * scale

    def _get_font_height_metrics(self, prop: FontProperties) -> tuple[float, float, float]:
        """Ascent, descent and line gap (pixels) of the font (matplotlib 3.11 asks renderers for these)."""
        f = face(prop)
        scale = prop.get_size_in_points() / _REFERENCE_SIZE * self._pixels_per_point()
        return f.ascent * scale, f.descent * scale, f.line_gap * scale
