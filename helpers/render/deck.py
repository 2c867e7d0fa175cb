"""The readout deck ``OUT/<slug>.pptx``: the handout's story on editable slides (python-pptx).

Slides, in order: title (client, date, consultant); the one-page brief (diagnosis, money at
stake, decisions); the scorecard as a native, editable bar chart; what the survey shows; the
interview quotes; the CRM numbers; the journey's hand-offs; the 90-day plan; progress since the
last wave (when there is one); the method. A slide whose data is absent says so in one line.

Built from :func:`helpers.results.client_view` only, through the same section contexts as the
handout (:mod:`helpers.report`), so the same groups are suppressed (a team below the minimum
reporting group is in no chart or table), quotes carry the same attribution, and nothing of the
consultant's working data is on a slide. The wording is in ``templates/report/deck.yaml``.

The clean default theme is python-pptx's own, at 16:9. A consultant restyles the deck by
pointing ``engagement.yaml`` (``deck: {template: ours.pptx}``) or ``workbook render
--deck-template`` at their own ``.pptx``: its masters, layouts, fonts and colours are used and
its own slides are left out.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import yaml

from helpers import TEMPLATES
from helpers.formatting import format_number, format_signed, long_date
from helpers.report.funnel import interval, wait_text
from helpers.report.journey import context as journey_context
from helpers.report.plan import HORIZON_LABELS, context as plan_context
from helpers.report.progress import context as progress_context
from helpers.report.summary import context as brief_context
from helpers.report.voice import context as voice_context
from helpers.results import Results
from helpers.textsafe import office_text
from helpers.vocabulary import SURVEY_TEAMS

WORDING = TEMPLATES / "report" / "deck.yaml"
#: Longest quote shown whole on a slide (characters); a longer one is cut at a word and marked "…".
QUOTE_CHARS = 240
#: Most rows in a slide table (more would not fit at a readable size).
MAX_ROWS = 9
EMU_PER_INCH = 914400


@lru_cache(maxsize=1)
def wording() -> dict[str, Any]:
    """``templates/report/deck.yaml`` (slide titles and fixed sentences)."""
    data = yaml.safe_load(WORDING.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{WORDING} must be a mapping"
    return data


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` as is when short enough; otherwise cut at the last word before ``limit`` and marked "…"."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + " \u2026"


def plural(n: int, noun: str) -> str:
    """``(1, "stage") -> "1 stage"``, ``(3, "stage") -> "3 stages"``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


class _Deck:
    """The presentation being built, with the geometry every slide shares."""

    def __init__(self, template: Path | None) -> None:
        from pptx import Presentation
        from pptx.util import Emu

        self.default = template is None
        self.prs = Presentation(str(template)) if template is not None else Presentation()
        if self.default:
            self.prs.slide_width, self.prs.slide_height = Emu(12192000), Emu(6858000)  # 16:9
        else:
            slides = self.prs.slides._sldIdLst  # a template's own example slides are not part of the deck
            for slide_id in list(slides):
                self.prs.part.drop_rel(slide_id.rId)
                slides.remove(slide_id)
        self.width = int(self.prs.slide_width or 12192000)
        self.height = int(self.prs.slide_height or 6858000)
        self.margin = int(0.5 * EMU_PER_INCH)
        self.body_top = int(1.35 * EMU_PER_INCH)

    def layout(self, names: tuple[str, ...], index: int) -> Any:
        """The first layout with one of ``names``, else the layout at ``index``, else the last."""
        layouts = list(self.prs.slide_layouts)
        for layout in layouts:
            if layout.name in names:
                return layout
        return layouts[min(index, len(layouts) - 1)]

    def slide(self, title: str) -> Any:
        """A new "Title Only" slide with ``title``."""
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
                from pptx.enum.text import PP_ALIGN

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


def _title_slide(deck: _Deck, results: Results) -> None:
    from pptx.util import Pt

    words = wording()
    slide = deck.prs.slides.add_slide(deck.layout(("Title Slide",), 0))
    lines = [results["client"], long_date(results["date"]) or results["date"]]
    if results["consultant"]:
        lines.append(results["consultant"])
    title = slide.shapes.title
    subtitle = next((p for p in slide.placeholders if p.placeholder_format.idx == 1), None)
    if title is not None:
        title.text = words["title"]
        if deck.default:
            title.left, title.top = deck.margin, int(2.0 * EMU_PER_INCH)
            title.width, title.height = deck.width - 2 * deck.margin, int(1.4 * EMU_PER_INCH)
            title.text_frame.paragraphs[0].font.size = Pt(36)
    if subtitle is not None:
        subtitle.text = "\n".join(lines)
        if deck.default:
            subtitle.left, subtitle.top = deck.margin, int(3.6 * EMU_PER_INCH)
            subtitle.width, subtitle.height = deck.width - 2 * deck.margin, int(1.6 * EMU_PER_INCH)
            for paragraph in subtitle.text_frame.paragraphs:
                paragraph.font.size = Pt(20)
    else:
        deck.text(slide, deck.margin, int(3.6 * EMU_PER_INCH), deck.width - 2 * deck.margin,
                  int(1.6 * EMU_PER_INCH), [(line, 20, False) for line in lines])
    deck.note(slide, words["confidential"].format(client=results["client"]))


def _brief(deck: _Deck, results: Results) -> None:
    words = wording()
    ctx = brief_context(results)
    slide = deck.slide(words["slides"]["brief"])
    paragraphs: list[tuple[str, int, bool]] = [(ctx["diagnosis"], 16, False)]
    paragraphs.append((f"{words['labels']['money']}: "
                       f"{shorten(ctx['money'], 420) if ctx['money'] else words['labels']['not_measured']}", 13, False))
    if ctx["decisions"]:
        paragraphs.append((words["labels"]["decisions"], 14, True))
        paragraphs += [(shorten(f"{d['title']} \u2014 {d['owner']}", 150), 13, False) for d in ctx["decisions"][:3]]
    if ctx["better"]:
        paragraphs.append((words["labels"]["better"], 14, True))
        paragraphs += [(shorten(b, 150), 13, False) for b in ctx["better"][:3]]
    deck.body(slide, paragraphs, bullets=True)
    if ctx["glossary"]:
        deck.note(slide, ctx["glossary"])


def _scorecard(deck: _Deck, results: Results) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Pt

    slide = deck.slide(wording()["slides"]["scorecard"])
    min_group = results["method"]["min_group"]
    teams = results["teams"]
    shown = [t for t in SURVEY_TEAMS if t in teams and not teams[t]["suppressed"]]
    hidden = [t for t in SURVEY_TEAMS if t in teams and teams[t]["suppressed"]]
    if results["index"] is None:
        text = (f"Every team has fewer than {min_group} answers: not shown, to protect anonymity."
                if results["suppressed"] else "The alignment survey is not part of this report.")
        deck.body(slide, [(text, 16, False)])
        return
    chart_width = int((deck.width - 2 * deck.margin) * 0.64)
    data = CategoryChartData(number_format="0.0")
    dims = list(results["dimensions"].values())
    data.categories = [d["label"] for d in dims]
    if shown:
        for team in shown:
            data.add_series(team.capitalize(), [d.get(team) for d in dims])
    else:
        data.add_series("Overall", [d["index"] for d in dims])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, deck.margin, deck.body_top, chart_width,
                                   deck.height - deck.body_top - int(0.8 * EMU_PER_INCH), data)
    chart = frame.chart
    chart.has_title = False
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(12)
    value_axis = chart.value_axis
    value_axis.minimum_scale, value_axis.maximum_scale = 20, 100
    value_axis.major_unit = 20
    value_axis.tick_labels.font.size = Pt(11)
    category_axis = chart.category_axis
    category_axis.tick_labels.font.size = Pt(11)
    category_axis.reverse_order = True
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = "0.0"
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.font.size = Pt(10)
    low, high = results["interval"] or [None, None]
    side: list[tuple[str, int, bool]] = [
        (f"Alignment index {format_number(results['index'])}", 22, True),
        (f"95% interval {format_number(low)}\u2013{format_number(high)}; stage: {results['stage']}", 14, False),
    ]
    for team in shown:
        score = teams[team]
        side.append((f"{team.capitalize()}: {format_number(score['index'])} ({score['n']} people)", 14, False))
    for team in hidden:
        side.append((f"{team.capitalize()}: fewer than {min_group} answers, not shown to protect anonymity",
                     13, False))
    if results["comparison_possible"] and results["gap"] is not None:
        side.append((f"Gap sales \u2212 marketing: {format_signed(results['gap'])} points "
                     f"({results['gap_verdict']})", 14, False))
    left = deck.margin + chart_width + int(0.2 * EMU_PER_INCH)
    deck.body(slide, side, width=deck.width - left - deck.margin, left=left)
    deck.note(slide, wording()["labels"]["stages"])


def _survey(deck: _Deck, results: Results) -> None:
    slide = deck.slide(wording()["slides"]["survey"])
    if results["index"] is None:
        deck.body(slide, [("The alignment survey is not part of this report." if not results["suppressed"] else
                           f"Every team has fewer than {results['method']['min_group']} answers: not shown.",
                           16, False)])
        return
    dims = sorted(results["dimensions"].values(), key=lambda d: d["index"] if d["index"] is not None else 100)
    rows = []
    both = results["comparison_possible"]
    for d in dims[:4]:
        low, high = d["interval"] or [None, None]
        row = [d["label"], f"{format_number(d['index'])} ({format_number(low)}\u2013{format_number(high)})"]
        if both:
            row.append(f"{format_signed(d['gap'])} ({d['verdict'] or 'too few to tell'})")
        rows.append(row)
    headers = ["Lowest-scoring dimensions", "Index (95% interval)"] + (["Gap sales \u2212 marketing"] if both else [])
    deck.table(slide, headers, rows, [0.5, 0.25, 0.25] if both else [0.6, 0.4])
    survey_findings = [f for f in results["findings"] if f["source"] == "survey" and f["text"]]
    if survey_findings:
        top = deck.body_top + int(0.42 * EMU_PER_INCH) * (len(rows) + 1) + int(0.35 * EMU_PER_INCH)
        deck.text(slide, deck.margin, top, deck.width - 2 * deck.margin, deck.height - top - int(0.8 * EMU_PER_INCH),
                  [(shorten(f["text"], 200), 14, False) for f in survey_findings[:3]], bullets=True)


def _voice(deck: _Deck, results: Results) -> None:
    words = wording()
    slide = deck.slide(words["slides"]["voice"])
    discovery = results["discovery"]
    quotes: list[dict[str, Any]] = []
    if discovery is not None:
        ctx = voice_context(discovery)
        pools = [list(v["quotes"]) for v in ctx["voices"]] + [list(ctx["implications"])]
        # take quotes in turn from each team, pains first, so both sides are heard
        for pool in pools:
            pool.sort(key=lambda q: ("pain" not in q["tags"], len(q["text"])))
        while len(quotes) < 4 and any(pools):
            for pool in pools:
                if pool and len(quotes) < 4:
                    quotes.append(pool.pop(0))
    if not quotes:
        deck.body(slide, [(words["labels"]["no_quotes"], 16, False)])
        return
    paragraphs: list[tuple[str, int, bool]] = []
    for q in quotes:
        paragraphs.append((f"\u201c{shorten(q['text'])}\u201d", 13, False))
        paragraphs.append((f"\u2014 {q['speaker']}", 11, True))
    deck.body(slide, paragraphs)
    deck.note(slide, words["labels"]["quotes_rule"])


def _crm(deck: _Deck, results: Results) -> None:
    slide = deck.slide(wording()["slides"]["crm"])
    funnel = results["funnel"]
    if funnel is None:
        deck.body(slide, [("Funnel measures are not part of this report.", 16, False)])
        return
    rows = [[s["label"], f"{s['count_to']} of {s['count_from']}",
             interval(s["rate"]["share"], s["rate"]["low"], s["rate"]["high"])]
            for s in funnel["conversions"] if s["consecutive"]][:6]
    deck.table(slide, ["Step", "Leads (reached of judged)", "Conversion (95% interval)"], rows, [0.35, 0.3, 0.35])
    speed = funnel["speed_to_lead"]
    lines: list[tuple[str, int, bool]] = []
    sla = funnel["sla"]
    if speed is not None:
        within = speed["within_rule"]
        status = "agreed" if sla["status"] == "agreed" else "proposed (not yet agreed)"
        lines.append((f"Answered within the {status} rule of {sla['rule_words']}: "
                      f"{interval(within['share'], within['low'], within['high'])}, "
                      f"{within['count']} of {within['n']} leads handed to sales", 13, False))
        wait = wait_text(funnel)
        if wait:
            lines.append((f"Median wait for a first response: {wait}", 13, False))
        nc = speed["not_contacted"]
        lines.append((f"Not contacted by the export date: {interval(nc['share'], nc['low'], nc['high'])}", 13, False))
    top = deck.body_top + int(0.42 * EMU_PER_INCH) * (len(rows) + 1) + int(0.3 * EMU_PER_INCH)
    if lines:
        deck.text(slide, deck.margin, top, deck.width - 2 * deck.margin, deck.height - top - int(0.8 * EMU_PER_INCH),
                  lines, bullets=True)
    period = funnel["period"]
    deck.note(slide, f"{funnel['leads']:,} leads created {period['start']} to {period['end']}; only leads old "
                     f"enough to have converted are judged. Time counted in {sla['clock_description']}.")


def _journey(deck: _Deck, results: Results) -> None:
    slide = deck.slide(wording()["slides"]["journey"])
    journey = results["journey"]
    if journey is None:
        deck.body(slide, [("The customer journey is not part of this report.", 16, False)])
        return
    ctx = journey_context(journey)
    rows = [[h["journey"], h["from"], h["to"], "yes" if h["declared"] else "no",
             shorten("; ".join(h["pains"]), 90) or "\u2013"] for h in ctx["handoffs"]][:7]
    if not rows:
        deck.body(slide, [("The journey map shows no hand-off between owners.", 16, False)])
        return
    deck.table(slide, ["Journey", "From", "To", "Agreed hand-off", "Pain points at the receiving stage"], rows,
               [0.14, 0.22, 0.22, 0.12, 0.30], size=11)
    deck.note(slide, f"{plural(ctx['stage_count'], 'stage')} mapped with both teams; "
                     f"{plural(ctx['pain_count'], 'pain point')}; {plural(ctx['undeclared'], 'hand-off')} "
                     "nobody had agreed.")


def _plan(deck: _Deck, results: Results) -> None:
    slide = deck.slide(wording()["slides"]["plan"])
    ctx = plan_context(results["plan"], results)
    rows = [[HORIZON_LABELS.get(group["horizon"], ""), shorten(row["title"], 70), shorten(row["owner"], 90),
             shorten(row["success"], 70)] for group in ctx["groups"] for row in group["rows"]]
    if not rows:
        deck.body(slide, [("No plan yet.", 16, False)])
        return
    deck.table(slide, ["When", "Action", "Owner", "Success measure"], rows[:MAX_ROWS], [0.14, 0.34, 0.24, 0.28],
               size=11)
    if len(rows) > MAX_ROWS:
        deck.note(slide, f"{plural(len(rows) - MAX_ROWS, 'more action')} in the handout.")
    elif ctx["all_proposed"]:
        deck.note(slide, "Every action is proposed: the teams agree them in the readout.")


def _progress(deck: _Deck, results: Results) -> None:
    progress = results["progress"]
    if progress is None:
        return
    slide = deck.slide(wording()["slides"]["progress"])
    ctx = progress_context(progress)
    index = ctx["index"]
    rows = [["Alignment index", format_number(index["before"]), format_number(index["after"]),
             format_signed(index["change"]), index["verdict"] or "too few to tell"]]
    rows += [[d["label"], format_number(d["before"]), format_number(d["after"]), format_signed(d["change"]),
              d["verdict"] or "too few to tell"] for d in ctx["dimensions"]]
    deck.table(slide, ["Measure", f"{ctx['previous_date']}", "Now", "Change (points)", "Verdict"], rows[:MAX_ROWS],
               [0.4, 0.14, 0.14, 0.14, 0.18], size=11)
    stage = ctx["stage"]
    deck.note(slide, f"Stage: {stage['before']} then {stage['after']}. {wording()['labels']['change_test']}")


def _method(deck: _Deck, results: Results) -> None:
    words = wording()
    slide = deck.slide(words["slides"]["method"])
    funnel, discovery = results["funnel"], results["discovery"]
    lines: list[str] = []
    for line in words["method"]:
        if "{statements}" in line and results["index"] is None:
            continue
        if "{interviews}" in line and (discovery is None or not discovery["interviews"]):
            continue
        if "{leads}" in line and funnel is None:
            continue
        lines.append(line.format(
            statements=len(results["statements"]), respondents=results["respondents"]["used"],
            min_group=results["method"]["min_group"],
            interviews=discovery["interviews"] if discovery is not None else 0,
            leads=f"{funnel['leads']:,}" if funnel is not None else "",
            period=(f"{funnel['period']['start']} to {funnel['period']['end']}" if funnel is not None else ""),
            clock=funnel["sla"]["clock_description"] if funnel is not None else ""))
    deck.body(slide, [(line, 14, False) for line in lines], bullets=True)


def readout_deck(results: Results, template: Path | None = None) -> bytes:
    """The readout deck as ``.pptx`` bytes.

    Parameters
    ----------
    results : Results
        The client's view of the results (:func:`helpers.results.client_view`).
    template : Path, optional
        A ``.pptx`` whose theme and layouts to use (checked by the caller); default python-pptx's
        clean default theme at 16:9.

    Returns
    -------
    bytes
        The presentation: 9 slides, 10 with progress since an earlier wave.
    """
    results = cast(Results, office_text(results))  # a control character typed by the client cannot break the file
    deck = _Deck(template)
    for build in (_title_slide, _brief, _scorecard, _survey, _voice, _crm, _journey, _plan, _progress, _method):
        build(deck, results)
    deck.prs.core_properties.title = f"{wording()['title']}: {results['client']}"
    deck.prs.core_properties.author = results["consultant"] or ""
    buf = io.BytesIO()
    deck.prs.save(buf)
    return buf.getvalue()

