"""Slides on a python-pptx presentation: the geometry and the text, table and note boxes of the deck.

:class:`SlideDeck` opens the clean default theme (16:9) or a consultant's own ``.pptx`` (whose
example slides are left out) and adds slides whose text never grows past its box, so nothing
spills off a slide. :mod:`helpers.render.deck` decides what goes on each slide.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

#: Longest quote shown whole on a slide (characters); a longer one is cut (:func:`shorten`) and marked "…".
QUOTE_CHARS = 240
EMU_PER_INCH = 914400
#: python-pptx's default slide, made 16:9 (EMU).
WIDE = (12192000, 6858000)


#: A stop that may end a sentence: ``.``, ``!`` or ``?``, closing quotes or brackets, then a space
#: and what can open a sentence (a capital, a digit, an opening quote or bracket).
SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?= +[\"'\u201c\u2018(\[]?[A-Z0-9])")

#: Words after which a full stop is no sentence end ("e.g. Lifecycle", "No. 5", "U.S. Army").
ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "no", "nos", "mr", "mrs", "ms", "dr", "st", "approx",
                           "incl", "excl", "est", "fig", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr",
                           "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "wed", "thu",
                           "fri", "sat", "sun", "ca", "cf", "al", "jr", "sr", "p", "pp", "vol", "ed", "eds"})


def _sentence_ends(text: str, limit: int) -> list[int]:
    """Where sentences end in ``text`` at or before ``limit``: after the stop and any closing quote."""
    ends = []
    for m in SENTENCE_END.finditer(text):
        if m.end() > limit:
            break
        if text[m.start()] == ".":
            word = text[:m.start()].rsplit(" ", 1)[-1].lstrip("\"'\u201c\u2018([")  # the word the stop ends
            if word.lower() in ABBREVIATIONS or len(word) == 1 or "." in word:
                continue  # "e.g.", "No.", a middle initial, "U.S."
        ends.append(m.end())
    return ends


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` as is when short enough; otherwise cut and marked "…": after the last whole sentence
    that fits, when that keeps at least half of ``limit``, else at the last word before ``limit``
    (a slide that stops at "the export shows …" reads as a mistake; one that stops after a
    sentence reads as a summary)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    ends = _sentence_ends(text, limit - 2)  # room for " …"
    if ends and ends[-1] >= limit // 2:
        return text[:ends[-1]] + " \u2026"
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " \u2026"


def plural(n: int, noun: str) -> str:
    """``(1, "stage") -> "1 stage"``, ``(3, "stage") -> "3 stages"``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


class SlideDeck:
    """The presentation being built, with the geometry every slide shares.

    Parameters
    ----------
    template : Path or None
        A ``.pptx`` whose masters and layouts to use; None for python-pptx's default theme at 16:9.
    """

    def __init__(self, template: Path | None) -> None:
        from pptx import Presentation
        from pptx.util import Emu

        self.default = template is None
        self.prs = Presentation(str(template)) if template is not None else Presentation()
        self._drop_thumbnail()
        if self.default:
            self.prs.slide_width, self.prs.slide_height = Emu(WIDE[0]), Emu(WIDE[1])
        else:
            slides = self.prs.slides._sldIdLst  # a template's own example slides are not part of the deck
            for slide_id in list(slides):
                self.prs.part.drop_rel(slide_id.rId)
                slides.remove(slide_id)
        self.width = int(self.prs.slide_width or WIDE[0])
        self.height = int(self.prs.slide_height or WIDE[1])
        self.margin = int(0.5 * EMU_PER_INCH)
        self.body_top = int(1.35 * EMU_PER_INCH)

    def _drop_thumbnail(self) -> None:
        """Leave out the package's preview picture (``docProps/thumbnail.jpeg``).

        It is the template's first slide as last saved (a firm's template made from an earlier
        client's deck shows that client's title in a file browser's preview), never this deck's;
        PowerPoint and LibreOffice open a file without one and make their own when they save it.
        """
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT

        package = self.prs.part.package
        for rel in [r for r in package.iter_rels() if r.reltype == RT.THUMBNAIL]:
            package.drop_rel(rel.rId)

    def layout(self, names: tuple[str, ...], index: int) -> Any:
        """The first layout with one of ``names``, else the layout at ``index``, else the last."""
        layouts = list(self.prs.slide_layouts)
        for layout in layouts:
            if layout.name in names:
                return layout
        return layouts[min(index, len(layouts) - 1)]

    def slide(self, title: str) -> Any:
        """A new "Title Only" slide with ``title``."""
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Pt

        slide = self.prs.slides.add_slide(self.layout(("Title Only",), 5))
        shape = slide.shapes.title
        if shape is None:
            self.text(slide, self.margin, int(0.3 * EMU_PER_INCH), self.width - 2 * self.margin,
                      int(0.9 * EMU_PER_INCH), [(title, 28, True)])
            return slide
        shape.text = title
        if self.default:
            shape.left, shape.top = self.margin, int(0.3 * EMU_PER_INCH)
            shape.width, shape.height = self.width - 2 * self.margin, int(0.9 * EMU_PER_INCH)
            for paragraph in shape.text_frame.paragraphs:
                paragraph.font.size = Pt(30)
                paragraph.font.bold = True
                paragraph.alignment = PP_ALIGN.LEFT
        return slide

    def text(self, slide: Any, left: int, top: int, width: int, height: int,
             paragraphs: list[tuple[str, int, bool]], bullets: bool = False) -> Any:
        """A text box of paragraphs ``(text, points, bold)``, wrapped, that never grows past its box."""
        from pptx.enum.text import MSO_AUTO_SIZE
        from pptx.util import Pt

        box = slide.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        for i, (content, size, bold) in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = ("\u2022 " if bullets and not bold else "") + content
            paragraph.font.size = Pt(size)
            paragraph.font.bold = bold
            paragraph.space_after = Pt(6)
        return box

    def table(self, slide: Any, headers: list[str], rows: list[list[str]], widths: list[float],
              top: int | None = None, size: int = 12) -> Any:
        """A table under the title; ``widths`` are shares of the body width."""
        from pptx.util import Pt

        top = self.body_top if top is None else top
        body = self.width - 2 * self.margin
        row_height = int(0.42 * EMU_PER_INCH)
        shape = slide.shapes.add_table(len(rows) + 1, len(headers), self.margin, top, body,
                                       row_height * (len(rows) + 1))
        table = shape.table
        for col, share in enumerate(widths):
            table.columns[col].width = int(body * share)
        for r, row in enumerate([headers, *rows]):
            table.rows[r].height = row_height
            for c, value in enumerate(row):
                cell = table.cell(r, c)
                cell.text = value
                for paragraph in cell.text_frame.paragraphs:
                    paragraph.font.size = Pt(size)
                    paragraph.font.bold = r == 0
        return shape

    def note(self, slide: Any, text: str) -> None:
        """A small line at the foot of the slide (a source or a caveat)."""
        self.text(slide, self.margin, self.height - int(0.75 * EMU_PER_INCH), self.width - 2 * self.margin,
                  int(0.5 * EMU_PER_INCH), [(text, 11, False)])

    def body(self, slide: Any, paragraphs: list[tuple[str, int, bool]], bullets: bool = False,
             width: int | None = None, left: int | None = None) -> Any:
        """A text box filling the slide below the title."""
        return self.text(slide, self.margin if left is None else left, self.body_top,
                         (self.width - 2 * self.margin) if width is None else width,
                         self.height - self.body_top - int(0.8 * EMU_PER_INCH), paragraphs, bullets)
