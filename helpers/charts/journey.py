"""The customer journey map as a swimlane chart, drawn from ``results["journey"]`` only.

One figure per journey (new customers, existing customers), sized for an A4 landscape page:
stages are columns headed in their owner's colour, lanes are rows (touchpoints and channels,
content, the customer's emotion as a curve, pain points, opportunities, KPI, evidence), and a
hand-off into a stage is marked by a thick dashed line with an arrow at the stage's left edge.
"""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from helpers.analysis.journey import JourneySummary, StageRow
from helpers.results import Results
from helpers.charts.layout import FigureArea
from helpers.charts.style import A4_LANDSCAPE_WIDTH, A4_TEXT_WIDTH, PALETTE, described, message_figure, new_figure
from helpers.vocabulary import OWNER_LABELS

EVIDENCE_LABELS = {"assumed": "Assumed", "anecdotal": "Anecdotal", "measured": "Measured"}
EVIDENCE_ALPHA = {"assumed": 0.15, "anecdotal": 0.45, "measured": 0.9}
#: (key, lane label, height in lane units, text items drawn)
LANES: tuple[tuple[str, str, float], ...] = (
    ("touch", "Touchpoints\n& channels", 1.2),
    ("content", "Content", 0.85),
    ("emotion", "Customer\nemotion", 1.3),
    ("pain_points", "Pain points", 1.75),
    ("opportunities", "Opportunities", 1.4),
    ("kpi", "KPI", 0.85),
    ("evidence", "Evidence", 0.45),
)
HEADER = 0.95
TOP = 1.6           # room above the stage headers: title, persona, legend, hand-off labels (up to 3 lines)
LABEL_WIDTH = 0.9   # in column units
FONT = 7.5


def _wrap(items: list[str], chars: int, max_lines: int, bullet: bool = True) -> str:
    lines: list[str] = []
    for item in items:
        wrapped = textwrap.wrap(item, max(chars - 2, 8)) or [""]
        # continuation lines are indented with no-break spaces: SVG text collapses plain ones
        lines += [("\u2022 " if bullet else "") + wrapped[0]] + [("\u00a0\u00a0" if bullet else "") + w for w in wrapped[1:]]
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [lines[max_lines - 1].rstrip()[: chars - 1] + "\u2026"]
    return "\n".join(lines)


def _message(text: str) -> Figure:
    return message_figure(text, width=A4_LANDSCAPE_WIDTH)


@described("Customer journey map: stages, owners, hand-offs, emotion, pain points and KPIs")
def journey_map(results: Results, journey: str = "new", width: float = A4_LANDSCAPE_WIDTH) -> Figure:
    """Swimlane map of one journey: columns per stage coloured by owner, hand-offs marked.

    Parameters
    ----------
    results : Results
        Uses ``results["journey"]``.
    journey : str
        Id of the journey to draw (``"new"`` or ``"existing"``).
    width : float
        Figure width in inches (default fits A4 landscape).
    """
    section = results["journey"]
    if section is None:
        return _message("No customer journey mapped yet.")
    return _draw(section, journey, width)


def _lane_items(stage: StageRow, key: str) -> list[str]:
    """The texts of a stage in one of the list lanes (content, pain points, opportunities)."""
    return {"content": stage["content"], "pain_points": stage["pain_points"],
            "opportunities": stage["opportunities"]}[key]


def _draw(section: JourneySummary, journey: str, width: float) -> Figure:
    found = [j for j in section["journeys"] if j["id"] == journey]
    if not found or not found[0]["stages"]:
        return _message("No customer journey mapped yet.")
    j = found[0]
    stages = j["stages"]
    n = len(stages)
    handoffs = {h["to_stage"]: h for h in section["handoffs"] if h["journey"] == journey}
    total_h = HEADER + sum(h for _, _, h in LANES)
    height = min(7.3, 1.0 + 0.62 * (total_h + TOP - 0.95))
    fig = new_figure(width, height)
    fig.set_label(f"Customer journey map, {j['label'] or journey}: stages, owners, hand-offs, emotion, "
                  "pain points and KPIs")
    # no axes: the boxes, lines and texts go straight onto the figure, in column and lane units
    ax = FigureArea(fig, (-LABEL_WIDTH, n), (-total_h - 0.05, TOP))
    col_inches = width * 0.97 / (n + LABEL_WIDTH)
    chars = max(int(col_inches * 72 / (FONT * 0.6)), 10)
    name_chars = max(int(col_inches * 0.9 * 72 / (9.5 * 0.62)), 6)
    line = int(width * 72 / (8 * 0.55))
    ax.text(-LABEL_WIDTH, TOP - 0.22, _wrap([j["label"] or journey], line // 2, 1, bullet=False), fontsize=11,
            fontweight="bold", color=PALETTE["ink"], va="center")
    if j["persona"]:
        ax.text(-LABEL_WIDTH, TOP - 0.52, _wrap([f"Persona: {j['persona']}"], line, 1, bullet=False), fontsize=8,
                color=PALETTE["ink"], va="center")
    owners_seen = []
    for i, s in enumerate(stages):
        colour = PALETTE.get(s["owner"], PALETTE["neutral"])
        owners_seen.append(s["owner"])
        ax.add_artist(FancyBboxPatch((i + 0.04, -HEADER + 0.05), 0.92, HEADER - 0.1, boxstyle="round,pad=0,rounding_size=0.06",
                                    facecolor=colour, edgecolor="none"))
        ax.text(i + 0.5, -HEADER * 0.38, _wrap([s["name"]], name_chars, 2, bullet=False), ha="center", va="center",
                fontsize=9.5, fontweight="bold", color="white")
        ax.text(i + 0.5, -HEADER * 0.78, OWNER_LABELS.get(s["owner"], s["owner"]), ha="center", va="center",
                fontsize=7.5, color="white")
    y = -HEADER
    centres = {}
    for key, label, h in LANES:
        top, bottom = y, y - h
        centres[key] = (top, bottom)
        ax.add_artist(Rectangle((-LABEL_WIDTH, bottom), LABEL_WIDTH + n, h, facecolor="#F7F7F7" if
                               LANES.index((key, label, h)) % 2 else "white", edgecolor=PALETTE["grid"], linewidth=0.5))
        ax.text(-LABEL_WIDTH + 0.06, (top + bottom) / 2, label, ha="left", va="center", fontsize=8,
                fontweight="bold", color=PALETTE["ink"])
        max_lines = max(int(h * 4.6), 1)
        for i, s in enumerate(stages):
            x = i + 0.06
            if key == "touch":
                text = _wrap(s["touchpoints"], chars, max_lines - 1)
                if s["channels"]:
                    text += ("\n" if text else "") + _wrap([", ".join(s["channels"])], chars, 1, bullet=False)
            elif key in ("content", "pain_points", "opportunities"):
                text = _wrap(_lane_items(s, key), chars, max_lines)
            elif key == "kpi":
                kpi = s["kpi"]
                text = _wrap([kpi], chars, max_lines, bullet=False) if kpi else "no KPI"
            elif key == "evidence":
                ev = s["evidence"]
                ax.add_artist(Rectangle((i + 0.06, bottom + 0.1), 0.16, h - 0.2, facecolor=PALETTE["ink"],
                                       alpha=EVIDENCE_ALPHA.get(ev, 0.15), edgecolor=PALETTE["ink"], linewidth=0.6))
                ax.text(i + 0.27, (top + bottom) / 2, EVIDENCE_LABELS.get(ev, ev), fontsize=FONT, va="center")
                continue
            else:
                continue
            colour = "#888888" if text == "no KPI" else PALETTE["ink"]  # colour means owner only
            ax.text(x, top - 0.07, text, ha="left", va="top", fontsize=FONT, color=colour, linespacing=1.15)
        y = bottom
    top, bottom = centres["emotion"]
    mid, span = (top + bottom) / 2, (top - bottom) / 2 - 0.18
    ax.plot([-0.02, n], [mid, mid], color=PALETTE["grid"], linewidth=0.8, linestyle=":")
    ax.text(-0.05, mid + span, "+2", ha="right", va="center", fontsize=6.5, color="#777777")
    ax.text(-0.05, mid - span, "\u22122", ha="right", va="center", fontsize=6.5, color="#777777")
    pts = [(i + 0.5, mid + span * s["emotion"] / 2, s["emotion"]) for i, s in enumerate(stages)
           if s["emotion"] is not None]
    if pts:
        ax.plot([p[0] for p in pts], [p[1] for p in pts], color=PALETTE["ink"], linewidth=1.6, zorder=3)
        c = PALETTE["ink"]  # not green/vermillion: those are the shared and sales owner colours
        # one marker set for all stages (a neutral emotion is a hollow dot)
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=46, facecolors=[c if p[2] else "white" for p in pts],
                   edgecolors=c, linewidths=1.2, zorder=4)
        for xp, yp, e in pts:
            ax.text(xp, yp + 0.16 if e <= 0 else yp - 0.16, f"{e:+d}" if e else "0", fontsize=7, ha="center",
                    va="bottom" if e <= 0 else "top", color=c, zorder=4, fontweight="bold")
    marked = [i for i, s in enumerate(stages) if s["id"] in handoffs or (i == 0 and s["handoff"])]
    for i, s in enumerate(stages):
        if i in marked:
            x = i
            room = col_inches * (min([m for m in marked if m > i], default=n) - i)
            ax.plot([x, x], [0.05, -total_h], color=PALETTE["ink"], linewidth=2.0, linestyle=(0, (4, 2)), zorder=5)
            handoff = handoffs.get(s["id"])   # None: a declared hand-off into the first stage
            label = "hand-off"
            came_from = handoff["from_owner"] if handoff is not None else None
            if came_from and came_from != s["owner"]:
                label += f" from {OWNER_LABELS.get(came_from, came_from)}"
            if handoff is not None and not handoff["declared"]:
                label += " (not marked)"
            fit = max(int((room - 0.08) * 72 / (7.5 * 0.62)), 8)  # characters of bold 7.5 pt in the room
            lines = textwrap.wrap("\u21e2 " + label, fit, break_long_words=False)[:3]
            ax.text(x + 0.03, 0.04, "\n".join(lines), fontsize=7.5, fontweight="bold", color=PALETTE["ink"],
                    ha="left", va="bottom", zorder=5, linespacing=1.1)
    legend = [o for o in OWNER_LABELS if o in owners_seen]
    lx: float = n
    per_char = 7.5 * 0.6 / 72 / col_inches  # column units per legend character
    for o in reversed(legend):
        label = OWNER_LABELS[o]
        lx -= 0.25 / col_inches + len(label) * per_char
        ax.add_artist(Rectangle((lx, TOP - 0.29), 0.1 / col_inches, 0.14, facecolor=PALETTE[o], edgecolor="none"))
        ax.text(lx + 0.13 / col_inches, TOP - 0.22, label, fontsize=7.5, va="center")
    return fig


@described("Customer journey map: stages, owners, hand-offs, emotion, pain points and KPIs")
def journey_maps(results: Results) -> list[Figure]:
    """One :func:`journey_map` per journey in the results, in file order."""
    section = results["journey"]
    if section is None:
        return []
    return [_draw(section, j["id"], width=fit_width(len(j["stages"]))) for j in section["journeys"] if j["stages"]]


def fit_width(stages: int) -> float:
    """Figure width for a map of ``stages`` columns in the handout.

    Up to five stages fit the A4 portrait text width at their true type size (the handout never
    scales the map down, so its text stays readable on paper); longer journeys get the landscape
    width and are scaled to fit the page.
    """
    return A4_TEXT_WIDTH if stages <= 5 else A4_LANDSCAPE_WIDTH
