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
from helpers.render.slides import EMU_PER_INCH, SlideDeck, plural, shorten
from helpers.results import Results
from helpers.textsafe import office_text
from helpers.vocabulary import SCALE_WORDS, SURVEY_TEAMS

WORDING = TEMPLATES / "report" / "deck.yaml"
#: Most rows in a slide table (more would not fit at a readable size).
MAX_ROWS = 9


@lru_cache(maxsize=1)
def wording() -> dict[str, Any]:
    """``templates/report/deck.yaml`` (slide titles and fixed sentences)."""
    data = yaml.safe_load(WORDING.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{WORDING} must be a mapping"
    return data


def _title_slide(deck: SlideDeck, results: Results) -> None:
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


def _brief(deck: SlideDeck, results: Results) -> None:
    words = wording()
    ctx = brief_context(results)
    slide = deck.slide(words["slides"]["brief"])
    paragraphs: list[tuple[str, int, bool]] = [(ctx["diagnosis"], 16, False)]
    paragraphs.append((f"{words['labels']['money']}: "
                       f"{shorten(ctx['money'], 420) if ctx['money'] else words['labels']['not_measured']}", 13, False))
    if ctx["decisions"]:
        paragraphs.append((words["labels"]["decisions"], 14, True))
        for d in ctx["decisions"][:3]:  # when its work starts is never the part shortened away
            starts = f" ({d['starts']})" if d["starts"] else ""
            paragraphs.append((shorten(f"{d['title']} \u2014 {d['owner']}", 150 - len(starts)) + starts, 13, False))
    if ctx["better"]:
        paragraphs.append((words["labels"]["better"], 14, True))
        paragraphs += [(shorten(b, 150), 13, False) for b in ctx["better"][:3]]
    deck.body(slide, paragraphs, bullets=True)
    if ctx["glossary"]:
        deck.note(slide, ctx["glossary"])


def _scorecard(deck: SlideDeck, results: Results) -> None:
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
        (f"{SCALE_WORDS}; 95% interval {format_number(low)}\u2013{format_number(high)}; "
         f"stage: {results['stage']}", 14, False),
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


def _survey(deck: SlideDeck, results: Results) -> None:
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


def _voice(deck: SlideDeck, results: Results) -> None:
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


def _crm(deck: SlideDeck, results: Results) -> None:
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


def _journey(deck: SlideDeck, results: Results) -> None:
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


def _plan(deck: SlideDeck, results: Results) -> None:
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


def _progress(deck: SlideDeck, results: Results) -> None:
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


def _method(deck: SlideDeck, results: Results) -> None:
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


def _document_properties(props: Any, results: Results) -> None:
    """The file's own properties (File > Info): this report's, not those of the template it was built on.

    python-pptx's default template says it was last modified by its author in 2013 with the comment
    "generated using python-pptx", and a firm's own template carries whatever its author left in
    it: title, author, last modified by, the dates and the text fields of the core properties are
    set or cleared. A firm template's company name, custom properties and "last printed" date
    stay (they are the firm's, not another client's); its preview picture does not
    (:class:`helpers.render.slides.SlideDeck` leaves it out). Dated the report's date, so a deck
    built twice from the same results is the same file.
    """
    import datetime as dt

    consultant = results["consultant"] or ""
    props.title = f"{wording()['title']}: {results['client']}"
    props.author = consultant
    props.last_modified_by = consultant or "Common Ground"
    for name in ("comments", "subject", "keywords", "category", "content_status", "identifier", "version",
                 "language"):
        setattr(props, name, "")
    props.revision = 1
    try:
        when = dt.datetime.combine(dt.date.fromisoformat(str(results["date"])), dt.time())
    except ValueError:  # no date in engagement.yaml: when it was built
        when = dt.datetime.now().replace(microsecond=0)
    props.created = props.modified = when


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
    deck = SlideDeck(template)
    for build in (_title_slide, _brief, _scorecard, _survey, _voice, _crm, _journey, _plan, _progress, _method):
        build(deck, results)
    _document_properties(deck.prs.core_properties, results)
    buf = io.BytesIO()
    deck.prs.save(buf)
    return buf.getvalue()

