"""The journey map editor: stages as columns, lanes as rows, saved as it is edited.

The form is a view of ``journey.yaml`` in the engagement folder. A new engagement starts from
the bundled template (``templates/journey.yaml``) in memory; the file is written, atomically via
:class:`helpers.forms.common.AutosaveDocument`, on the first change and on every change after
that. Opening the editor and looking never writes. Below the grid a live preview redraws the
swimlane map (or lists what is wrong) after each change.
"""

from __future__ import annotations

import copy
import html
import os
from pathlib import Path
from typing import Any

import ipywidgets as w

from helpers.forms.common import AutosaveDocument
from helpers.engagement.journey import EVIDENCE, FILE, load_template, normalise_owner, parse_journey
from helpers.vocabulary import OWNER_LABELS, OWNERS
from helpers.analysis.journey import summarize

#: (key, lane label, kind) in the order the rows are shown; kind: text | owner | handoff | list | emotion | evidence
LANES: tuple[tuple[str, str, str], ...] = (
    ("name", "Stage name", "text"),
    ("owner", "Owner", "owner"),
    ("handoff", "Hand-off into this stage", "handoff"),
    ("touchpoints", "Touchpoints (one per line)", "list"),
    ("channels", "Channels (one per line)", "list"),
    ("content", "Content used (one per line)", "list"),
    ("kpi", "KPI", "text"),
    ("emotion", "Customer emotion", "emotion"),
    ("pain_points", "Pain points (one per line)", "list"),
    ("opportunities", "Opportunities (one per line)", "list"),
    ("evidence", "Evidence", "evidence"),
)
EMOTIONS = (("not set", None), ("\u22122 very unhappy", -2), ("\u22121 unhappy", -1), ("0 neutral", 0),
            ("+1 pleased", 1), ("+2 delighted", 2))
CELL = w.Layout(width="98%")
COLUMN_WIDTH = "220px"
LABEL_WIDTH = "170px"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in str(text).splitlines() if line.strip()]


def _lane_widget(kind: str, value: Any) -> w.Widget:
    if kind == "owner":
        owner = normalise_owner(value)  # "Marketing team" typed in the file shows as Marketing
        return w.Dropdown(options=[(OWNER_LABELS[o], o) for o in OWNERS], value=owner if owner in OWNERS else None,
                          layout=CELL)
    if kind == "handoff":
        return w.Checkbox(value=bool(value), indent=False, description="hand-off", layout=CELL)
    if kind == "list":
        items = value if isinstance(value, list) else ([] if value in (None, "") else [str(value)])
        return w.Textarea(value="\n".join(map(str, items)), continuous_update=False, layout=w.Layout(width="98%", height="5.5em"))
    if kind == "emotion":
        return w.Dropdown(options=EMOTIONS, value=value if value in (-2, -1, 0, 1, 2) else None, layout=CELL)
    if kind == "evidence":
        return w.Dropdown(options=[(e.capitalize(), e) for e in EVIDENCE], value=value if value in EVIDENCE else "assumed",
                          layout=CELL)
    return w.Text(value="" if value is None else str(value), continuous_update=False, layout=CELL)


class JourneyForm:
    """Editor for one engagement's ``journey.yaml``.

    Parameters
    ----------
    doc : AutosaveDocument
        The document behind the form (see :func:`open_form`).
    live_preview : bool
        Redraw the map after every change (problems are always listed).

    Attributes
    ----------
    journey_picker : ipywidgets.ToggleButtons
        Which journey (new / existing customers) the grid shows.
    persona : ipywidgets.Text
        The journey's persona.
    cells : dict
        ``(stage_index, lane_key) -> widget`` for the journey shown.
    add_button : ipywidgets.Button
        Adds a stage at the end of the journey shown.
    preview : ipywidgets.Output
        The live map (or the problems that stop it from being drawn).
    """

    def __init__(self, doc: AutosaveDocument, live_preview: bool = True) -> None:
        self.doc = doc
        self.live_preview = live_preview
        self.cells: dict[tuple[int, str], w.Widget] = {}
        self.stage_buttons: dict[tuple[int, str], w.Button] = {}
        self.status = w.HTML()
        self.preview = w.Output()
        self.problems_html = w.HTML()
        self.preview_figure: Any = None
        journeys = self.doc.data.get("journeys") or []
        options = [(str(j.get("label") or j.get("id") or f"Journey {i + 1}"), i) for i, j in enumerate(journeys)
                   if isinstance(j, dict)]
        self.journey_picker = w.ToggleButtons(options=options or [("New customers", 0)], value=0)
        self.persona = w.Text(description="Persona", continuous_update=False, layout=w.Layout(width="60%"),
                              style={"description_width": "70px"})
        self.add_button = w.Button(description="Add a stage", icon="plus")
        self.grid = w.VBox()
        self.journey_picker.observe(lambda _: self.rebuild(), names="value")
        self.persona.observe(lambda ch: self._set_journey_key("persona", ch["new"].strip() or None), names="value")
        self.add_button.on_click(lambda _: self.add_stage())
        self.doc.listeners.append(lambda _doc: self._after_save())
        self.rebuild()
        self.refresh_preview()
        self._show_status()
        self.widget = w.VBox([w.HTML("<h3>Customer journey map</h3>"), self.journey_picker, self.persona, self.grid,
                              self.add_button, self.status, self.problems_html, self.preview])

    @property
    def path(self) -> Path:
        """The ``journey.yaml`` this form edits."""
        return self.doc.path

    @property
    def index(self) -> int:
        """Index of the journey shown."""
        return int(self.journey_picker.value or 0)

    def stages(self) -> list[dict[str, Any]]:
        """The stage dicts of the journey shown (live data of the document)."""
        journeys = self.doc.data.setdefault("journeys", [])
        if not journeys:
            journeys.append({"id": "new", "label": "New customers", "stages": []})
        return journeys[self.index].setdefault("stages", [])

    def rebuild(self) -> None:
        """(Re)create the grid of the journey shown from the document."""
        journey = self.doc.data.get("journeys", [{}])[self.index]
        self.persona.unobserve_all("value")
        self.persona.value = str(journey.get("persona") or "")
        self.persona.observe(lambda ch: self._set_journey_key("persona", ch["new"].strip() or None), names="value")
        self.cells, self.stage_buttons = {}, {}
        stages = self.stages()
        children: list[w.Widget] = [w.HTML("")]
        for si in range(len(stages)):
            buttons = []
            for action, icon, tip in (("left", "arrow-left", "Move left"), ("right", "arrow-right", "Move right"),
                                      ("remove", "trash", "Remove this stage")):
                b = w.Button(icon=icon, tooltip=tip, layout=w.Layout(width="34px"))
                b.on_click(lambda _b, i=si, a=action: self.stage_action(i, a))
                self.stage_buttons[(si, action)] = b
                buttons.append(b)
            children.append(w.HBox(buttons))
        for key, label, kind in LANES:  # one grid row per lane, so labels and cells line up
            children.append(w.HTML(f"<b>{html.escape(label)}</b>"))
            for si, stage in enumerate(stages):
                widget = _lane_widget(kind, stage.get(key))
                self.cells[(si, key)] = widget
                children.append(widget)
        for (si, key), widget in self.cells.items():  # observers last: building the grid never writes
            kind = dict((k, kd) for k, _, kd in LANES)[key]
            widget.observe(lambda ch, i=si, k=key, kd=kind: self.write(i, k, self._value(kd, ch["new"])), names="value")
        columns = f"{LABEL_WIDTH} " + " ".join([COLUMN_WIDTH] * len(stages))
        self.grid.children = [w.GridBox(children, layout=w.Layout(grid_template_columns=columns, grid_gap="4px 6px",
                                                                  overflow="auto", align_items="center"))]

    @staticmethod
    def _value(kind: str, raw: Any) -> Any:
        if kind == "list":
            return _lines(raw)
        if kind == "text":
            return str(raw).strip() or None
        return raw

    def write(self, stage_index: int, key: str, value: Any) -> None:
        """Set one lane of one stage and save at once (nothing is written when the value is unchanged)."""
        if key == "name" and not value:
            value = self.stages()[stage_index].get("id")
        self.doc.set(["journeys", self.index, "stages", stage_index, key], value)

    def _set_journey_key(self, key: str, value: Any) -> None:
        self.doc.set(["journeys", self.index, key], value)

    def add_stage(self, name: str = "New stage", owner: str = "shared") -> None:
        """Append a stage to the journey shown (with a unique id) and save."""
        ids = {s.get("id") for s in self.stages()}
        base = "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_") or "stage"
        sid, n = base, 2
        while sid in ids:
            sid, n = f"{base}_{n}", n + 1
        stage = {"id": sid, "name": name, "owner": owner, "handoff": False, "touchpoints": [], "channels": [],
                 "content": [], "kpi": None, "emotion": None, "pain_points": [], "opportunities": [],
                 "evidence": "assumed"}
        index = self.index
        self.doc.update(lambda data: data["journeys"][index].setdefault("stages", []).append(stage))
        self.rebuild()

    def stage_action(self, stage_index: int, action: str) -> None:
        """Move a stage left or right, or remove it; saves and rebuilds the grid."""
        index, n = self.index, len(self.stages())
        if action == "remove":
            self.doc.update(lambda data: data["journeys"][index]["stages"].pop(stage_index))
        elif action in ("left", "right"):
            other = stage_index + (-1 if action == "left" else 1)
            if not 0 <= other < n:
                return

            def swap(data: dict[str, Any]) -> None:
                stages = data["journeys"][index]["stages"]
                stages[stage_index], stages[other] = stages[other], stages[stage_index]
            self.doc.update(swap)
        self.rebuild()

    def problems(self) -> list[str]:
        """What is wrong with the document as it stands (empty when the map can be drawn)."""
        _journey, problems = parse_journey(copy.deepcopy(self.doc.data), FILE)
        return [str(p) for p in problems]

    def refresh_preview(self) -> None:
        """Redraw the map of the journey shown, or list the problems that stop it."""
        from IPython.display import Image, display

        from helpers.charts.journey import journey_map
        from helpers.report.section import figure_png

        journey, problems = parse_journey(copy.deepcopy(self.doc.data), FILE)
        self.problems_html.value = ("<ul class='problems'>" + "".join(f"<li>{html.escape(str(p))}</li>" for p in problems)
                                    + "</ul>") if problems else ""
        self.preview.clear_output(wait=True)
        if journey is None or not self.live_preview:
            self.preview_figure = None
            return
        jid = (self.doc.data["journeys"][self.index] or {}).get("id", "new")
        fig = journey_map({"journey": summarize(journey)}, jid)
        self.preview_figure = fig
        with self.preview:
            display(Image(data=figure_png(fig, dpi=90), format="png"))

    def _after_save(self) -> None:
        self._show_status()
        self.refresh_preview()

    def _show_status(self) -> None:
        if self.doc.saves:
            self.status.value = f"<small>Saved to {html.escape(self.doc.path.name)} ({self.doc.saves} change{'s' if self.doc.saves != 1 else ''} this session).</small>"
        elif self.doc.path.exists():
            self.status.value = f"<small>Editing {html.escape(self.doc.path.name)}; every change is saved at once.</small>"
        else:
            self.status.value = ("<small>Showing the default journey template; it is saved to "
                                 f"{html.escape(self.doc.path.name)} on your first change.</small>")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return self.widget._repr_mimebundle_(include=include, exclude=exclude)


def open_form(engagement: str | os.PathLike[str], live_preview: bool = True) -> JourneyForm:
    """The journey editor for an engagement folder (resumes ``journey.yaml``, else starts from the template).

    Parameters
    ----------
    engagement : path-like
        The engagement folder.
    live_preview : bool
        Redraw the map below the grid after every change.
    """
    path = Path(engagement) / FILE
    return JourneyForm(AutosaveDocument.open(path, load_template().to_dict()), live_preview=live_preview)


def funnel_preview(engagement: str | os.PathLike[str]) -> Any:
    """The "Funnel and speed to lead" section for an engagement folder, with any problems listed first.

    Reads ``engagement.yaml`` (CRM, column mapping, SLA) and ``funnel.csv``/``.xlsx`` only, so it
    works while other parts of the engagement are still incomplete. Never writes.
    """
    from helpers.engagement.meta import read_meta
    from helpers.analysis.funnel import metrics
    from helpers.engagement.funnel import read_funnel
    from helpers.report.section import render_template
    from helpers.report.funnel import funnel

    folder = Path(engagement)
    meta, problems = read_meta(folder)
    frame, found = read_funnel(folder, meta.crm if meta else None, meta.columns if meta else {})
    problems = list(problems) + list(found)
    section = funnel({"funnel": metrics(frame, meta.sla if meta else {}) if frame is not None and len(frame) else None})
    if problems:
        listing = "".join(f"<li>{html.escape(p.severity)}: {html.escape(str(p))}</li>" for p in problems)
        section.parts.insert(0, render_template("_missing.html.j2", message="Problems in the funnel data:")
                             + f"<ul class='problems'>{listing}</ul>")
    return section
