"""The journey map editor: stages as columns, lanes as rows, saved as it is edited.

The form is a view of ``journey.yaml`` in the engagement folder. A new engagement starts from
the bundled template (``templates/journey.yaml``) in memory; the file is written, atomically via
:class:`helpers.forms.common.AutosaveDocument`, on the first change and on every change after
that. Opening the editor and looking never writes. Below the grid a live preview redraws the
swimlane map after each change.

On a laptop (1280x720) the grid scrolls inside itself with the lane labels and the stage headers
frozen, so every stage can be reached; it is laid out stage by stage, so Tab goes down one stage's
fields. A removed stage can be put back ("Undo remove") until the next change of the stages.
What is wrong is said next to the stage and field concerned, in the grid's words
(:mod:`helpers.forms.journey_messages`); the save state stays in view at the top.
"""

from __future__ import annotations

import copy
import html
import os
from pathlib import Path
from functools import partial
from typing import Any, Callable

import ipywidgets as w

from helpers.forms.common import (AutosaveDocument, Debouncer, DocumentUnreadable, chosen, prompt_options, shown,
                                  wrong_engagement)
from helpers.forms.journey_messages import conflict_name, grid_messages
from helpers.forms.save_status import SaveStatus
from helpers.forms.text_fields import TrackedField, TrackedText, TrackedTextarea
from helpers.engagement.journey import (EVIDENCE, FILE, TEMPLATE, load_template, mark_template, normalise_owner,
                                        not_mapped, parse_journey)
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
EMOTIONS = (("not set", ""), ("\u22122 very unhappy", -2), ("\u22121 unhappy", -1), ("0 neutral", 0),
            ("+1 pleased", 1), ("+2 delighted", 2))
CELL = w.Layout(width="98%")
COLUMN_WIDTH = "220px"
LABEL_WIDTH = "170px"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in str(text).splitlines() if line.strip()]


def _lane_widget(kind: str, value: Any) -> w.Widget:
    if kind == "owner":
        owner = normalise_owner(value)  # "Marketing team" typed in the file shows as Marketing
        options = [(OWNER_LABELS[o], o) for o in OWNERS]
        if owner not in OWNERS:  # missing or unknown in the file: a visible prompt, never an empty box
            return w.Dropdown(options=prompt_options("\u2014 choose the owner \u2014", options), value="", layout=CELL)
        return w.Dropdown(options=options, value=owner, layout=CELL)
    if kind == "handoff":
        return w.Checkbox(value=bool(value), indent=False, description="hand-off", layout=CELL)
    if kind == "list":
        items = value if isinstance(value, list) else ([] if value in (None, "") else [str(value)])
        return TrackedTextarea(value="\n".join(map(str, items)), continuous_update=True,
                          layout=w.Layout(width="98%", height="5.5em"))
    if kind == "emotion":
        return w.Dropdown(options=EMOTIONS, value=shown(value if value in (-2, -1, 0, 1, 2) else None), layout=CELL)
    if kind == "evidence":
        return w.Dropdown(options=[(e.capitalize(), e) for e in EVIDENCE], value=value if value in EVIDENCE else "assumed",
                          layout=CELL)
    return TrackedText(value="" if value is None else str(value), continuous_update=True, layout=CELL)


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
        #: (journey index, stage id) of each stage column of the grid shown, by position
        self.columns: list[tuple[int, Any]] = []
        self.stage_buttons: dict[tuple[int, str], w.Button] = {}
        self.typing = Debouncer(0.3)
        self.status = SaveStatus(doc, FILE, new=(
            "Showing the default journey template; it is saved to journey.yaml on your first change. Stages you "
            "have not changed or confirmed stay marked as template and are left out of the handout."),
            resumed="Editing journey.yaml; every change is saved as you type.")
        self.status.watch(self.typing)
        self.status.on_sync = self._after_sync
        self.status.field_name = lambda conflict: conflict_name(self.doc.data, conflict.path)
        self.preview = w.Output()
        self.preview_figure: Any = None
        journeys = self.doc.data.get("journeys") or []
        options = [(str(j.get("label") or j.get("id") or f"Journey {i + 1}"), i) for i, j in enumerate(journeys)
                   if isinstance(j, dict)]
        self.journey_picker = w.ToggleButtons(options=options or [("New customers", 0)], value=0)
        self.persona = TrackedText(description="Persona", continuous_update=True, layout=w.Layout(width="60%"),
                              style={"description_width": "70px"})
        self.add_button = w.Button(description="Add a stage", icon="plus")
        self.undo_button = w.Button(icon="undo", layout=w.Layout(width="auto", display="none"))
        self.undo_button.add_class("cg-undo-remove")
        self.undo_button.on_click(lambda _: self.undo_remove())
        #: The stage last removed, as (journey index, stage index, stage): "Undo remove" puts it back
        #: until the next change of the stages (add, move, remove, confirm).
        self.removed: tuple[int, int, dict[str, Any]] | None = None
        self.notes: dict[int, w.HTML] = {}
        self.top_messages: list[str] = []
        self.grid = w.VBox()
        self.journey_picker.observe(self._pick_journey, names="value")
        self.add_button.on_click(lambda _: self.add_stage())
        self.doc.listeners.append(lambda _doc: self._after_save())
        self.rebuild()
        self.refresh_preview()
        self._show_status()
        # save state, journey choice, "Add a stage" and "Undo remove" stay in view while the grid is used
        head = w.VBox([self.status, w.HBox([self.journey_picker, self.add_button, self.undo_button],
                                           layout=w.Layout(flex_flow="row wrap", align_items="center"))])
        head.add_class("cg-form-head")
        self.widget = w.VBox([w.HTML("<h3>Customer journey map</h3>"), head, self.persona, self.grid, self.preview])
        self.widget.add_class("cg-form")
        self.widget.add_class("cg-journey-form")

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
        """(Re)create the grid of the journey shown from the document.

        The save indicator hears of the new text boxes in one message.
        """
        with self.status.hold_sync():
            self._build_grid()

    def _build_grid(self) -> None:
        journey = self.doc.data.get("journeys", [{}])[self.index]
        self.persona.unobserve_all("value")
        self.persona.value = str(journey.get("persona") or "")
        ji = self.index
        self.persona.observe(partial(self._typed, ("persona", ji), partial(self._typed_persona, ji)), names="value")
        self.status.bind(self.persona, "persona", journey.get("id") or self.index)
        before, before_columns = dict(self.cells), self.columns
        self.cells, self.stage_buttons, self.notes = {}, {}, {}
        stages = self.stages()
        self.columns = [(ji, stage.get("id")) for stage in stages]
        corner = w.HTML("<b>Stage name</b>", layout=w.Layout(align_self="stretch"))
        corner.add_class("cg-grid-corner")
        labels = []
        for key, label, _kind in LANES[1:]:
            cell = w.HTML(f"<b>{html.escape(label)}</b>")
            cell.add_class("cg-lane-label")
            labels.append(cell)
        children: list[w.Widget] = [corner, *labels]  # column by column: Tab goes down one stage's fields
        for si, stage in enumerate(stages):
            actions = [("left", "arrow-left", "Move left"), ("right", "arrow-right", "Move right"),
                       ("remove", "trash", "Remove this stage (it can be undone)")]
            if stage.get(TEMPLATE) is True or journey.get(TEMPLATE) is True:
                actions.append(("confirm", "check", "Mapped with the client as it stands: show it in the handout"))
            buttons = []
            for action, icon, tip in actions:  # clicked, not tabbed through: Tab stays on the fields
                b = w.Button(icon=icon, tooltip=tip, layout=w.Layout(width="34px"), tabbable=False)
                b.on_click(lambda _b, i=si, a=action: self.stage_action(i, a))
                b.add_class(f"cg-action-{action}")
                b.add_class(f"cg-stage-{si}")
                self.stage_buttons[(si, action)] = b
                buttons.append(b)
            for key, _label, kind in LANES:
                self.cells[(si, key)] = _lane_widget(kind, stage.get(key))
            self.notes[si] = w.HTML(layout=w.Layout(display="none"))
            self.notes[si].add_class("cg-field-note")
            head = w.VBox([w.HBox(buttons), self.notes[si], self.cells[(si, "name")]])
            head.add_class("cg-stage-head")
            children.append(head)
            children.extend(self.cells[(si, key)] for key, _label, _kind in LANES[1:])
        kinds = {k: kd for k, _, kd in LANES}
        for (si, key), widget in self.cells.items():  # observers last: building the grid never writes
            kind = kinds[key]
            if kind in ("text", "list"):  # typed: saved once typing pauses (300 ms)
                self.status.bind(widget, journey.get("id") or self.index, stages[si].get("id") or si, key)
                widget.observe(partial(self._typed, (ji, si, key), partial(self._typed_cell, ji, si, key, kind)),
                               names="value")
            else:
                widget.observe(lambda ch, i=si, k=key, kd=kind: self.write(i, k, self._value(kd, ch["new"])),
                               names="value")
            widget.add_class(f"cg-lane-{key}")
            widget.add_class(f"cg-stage-{si}")
        columns = f"{LABEL_WIDTH} " + " ".join([COLUMN_WIDTH] * len(stages))
        grid = w.GridBox(children, layout=w.Layout(grid_template_columns=columns,
                                                   grid_template_rows=" ".join(["auto"] * len(LANES)),
                                                   grid_auto_flow="column", grid_gap="4px 6px",
                                                   overflow="auto", align_items="center"))
        grid.add_class("cg-journey-grid")
        self.grid.children = [grid]
        self._close_unplaced(before, before_columns)
        self.show_messages()

    def _close_unplaced(self, cells: dict[tuple[int, str], w.Widget], columns: list[tuple[int, Any]]) -> None:
        """Close the old grid's cells whose stage is no longer in their place (removed, moved, another journey).

        Their observers write by position: a late edit of a removed stage would land in the stage
        that moved into its place. A closed box takes no edit; the browser keeps the text and, told
        the field is gone, offers it for copying. A text box another box replaced stays open: it
        hands a late edit to its successor (:meth:`TrackedField.replaced_by`), which merges it. A
        cell whose stage is still in its place stays as it was (its late edit is that stage's).
        """
        shown = {id(cell) for cell in self.cells.values()}
        for (si, _key), widget in cells.items():
            if id(widget) in shown or (isinstance(widget, TrackedField) and widget.successor() is not None):
                continue
            if si < min(len(columns), len(self.columns)) and columns[si] == self.columns[si]:
                continue
            widget.unobserve_all("value")
            widget.close()
        self.status.forget_closed()

    def _pick_journey(self, _change: dict[str, Any]) -> None:
        self.typing.flush()  # what was typed lands in the journey it was typed in
        self.rebuild()

    def _typed(self, key: Any, write: Callable[[Any], None], change: dict[str, Any]) -> None:
        """A keystroke in a text field: write once typing pauses."""
        self.typing.call(key, partial(write, change["new"]))

    def _typed_persona(self, journey_index: int, text: str) -> None:
        self._set_journey_key("persona", str(text).strip() or None, journey_index)

    def _typed_cell(self, journey_index: int, stage_index: int, key: str, kind: str, raw: Any) -> None:
        self.write(stage_index, key, self._value(kind, raw), journey_index)

    @staticmethod
    def _value(kind: str, raw: Any) -> Any:
        if kind == "list":
            return _lines(raw)
        if kind == "text":
            return str(raw).strip() or None
        return chosen(raw)

    def write(self, stage_index: int, key: str, value: Any, journey_index: int | None = None) -> None:
        """Set one lane of one stage and save at once (nothing is written when the value is unchanged).

        An edited stage is the consultant's: its ``template: true`` mark (and its journey's) goes.
        ``journey_index`` defaults to the journey shown.
        """
        index = self.index if journey_index is None else journey_index
        stage = self.doc.data["journeys"][index]["stages"][stage_index]
        if key == "name" and not value:
            value = stage.get("id")
        if stage.get(key) == value and TEMPLATE not in stage and self.doc.state != "error":
            return

        def mutate(data: dict[str, Any]) -> None:
            data["journeys"][index].pop(TEMPLATE, None)
            target = data["journeys"][index]["stages"][stage_index]
            target.pop(TEMPLATE, None)
            target[key] = value
        self.doc.update(mutate)
        if index == self.index and self.stage_buttons.get((stage_index, "confirm")) is not None:
            self.stage_buttons[(stage_index, "confirm")].layout.display = "none"

    def _set_journey_key(self, key: str, value: Any, journey_index: int | None = None) -> None:
        index = self.index if journey_index is None else journey_index
        journey = self.doc.data["journeys"][index]
        if journey.get(key) == value and TEMPLATE not in journey and self.doc.state != "error":
            return

        def mutate(data: dict[str, Any]) -> None:
            data["journeys"][index].pop(TEMPLATE, None)
            data["journeys"][index][key] = value
        self.doc.update(mutate)

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

        def append(data: dict[str, Any]) -> None:
            data["journeys"][index].pop(TEMPLATE, None)
            data["journeys"][index].setdefault("stages", []).append(stage)
        self.forget_removed()
        self.doc.update(append)
        self.rebuild()

    def stage_action(self, stage_index: int, action: str) -> None:
        """Move a stage left or right, or remove it; saves and rebuilds the grid."""
        index, n = self.index, len(self.stages())
        self.typing.flush()  # a pending keystroke lands in the stage it was typed in
        if action in ("left", "right") and not 0 <= stage_index + (-1 if action == "left" else 1) < n:
            return
        self.forget_removed()
        if action == "remove":
            self.removed = (index, stage_index, copy.deepcopy(self.stages()[stage_index]))
            self.doc.update(lambda data: data["journeys"][index]["stages"].pop(stage_index))
            name = str(self.removed[2].get("name") or self.removed[2].get("id") or "the stage")
            self.undo_button.description = f"Undo remove \u201c{name}\u201d"
            self.undo_button.layout.display = None
        elif action == "confirm":
            def confirm(data: dict[str, Any]) -> None:
                data["journeys"][index].pop(TEMPLATE, None)
                data["journeys"][index]["stages"][stage_index].pop(TEMPLATE, None)
            self.doc.update(confirm)
        elif action in ("left", "right"):
            other = stage_index + (-1 if action == "left" else 1)
            if not 0 <= other < n:
                return

            def swap(data: dict[str, Any]) -> None:
                stages = data["journeys"][index]["stages"]
                stages[stage_index], stages[other] = stages[other], stages[stage_index]
            self.doc.update(swap)
        self.rebuild()

    def forget_removed(self) -> None:
        """Drop the undo of the last removal (another change of the stages came after it)."""
        self.removed = None
        self.undo_button.layout.display = "none"

    def undo_remove(self) -> None:
        """Put the stage removed last back where it was, with everything it held, and save."""
        if self.removed is None:
            return
        index, at, stage = self.removed
        self.typing.flush()

        def restore(data: dict[str, Any]) -> None:
            stages = data["journeys"][index].setdefault("stages", [])
            ids = {s.get("id") for s in stages if isinstance(s, dict)}
            base, sid, n = str(stage.get("id") or "stage"), stage.get("id"), 2
            while sid in ids:  # another editor added a stage of that id meanwhile
                sid, n = f"{base}_{n}", n + 1
            stages.insert(min(at, len(stages)), {**stage, "id": sid})
        self.forget_removed()
        self.doc.update(restore)
        if index != self.index:
            self.journey_picker.value = index  # shows the journey the stage is back in
        self.rebuild()

    def show_messages(self) -> None:
        """Put each message next to the stage and field it concerns; the rest at the top of the form."""
        found = grid_messages(self.doc.data, self.index)
        for (si, key), widget in self.cells.items():
            if any(k == key for k, _ in found.stages.get(si, [])):
                widget.add_class("cg-attention")
            else:
                widget.remove_class("cg-attention")
        for si, note in self.notes.items():
            texts = [text for _key, text in found.stages.get(si, [])]
            note.value = "".join(f"<div style='color:#8a4b00'>\u26a0 {html.escape(t)}</div>" for t in texts)
            note.layout.display = None if texts else "none"
        self.top_messages = found.top

    def problems(self) -> list[str]:
        """What is wrong with the document as it stands (empty when the map can be drawn)."""
        _journey, problems = parse_journey(copy.deepcopy(self.doc.data), FILE)
        return [str(p) for p in problems]

    def refresh_preview(self) -> None:
        """Redraw the map of the journey shown, or list the problems that stop it."""
        from IPython.display import Image, display

        from helpers.charts.journey import journey_map
        from helpers.report.section import figure_png
        from helpers.results import results_with

        journey, _problems = parse_journey(copy.deepcopy(self.doc.data), FILE)
        self.show_messages()
        self.preview.clear_output(wait=True)
        if journey is None or not self.live_preview:
            self.preview_figure = None
            return
        jid = (self.doc.data["journeys"][self.index] or {}).get("id", "new")
        fig = journey_map(results_with(journey=summarize(journey)), jid)
        self.preview_figure = fig
        with self.preview:
            display(Image(data=figure_png(fig, dpi=90), format="png"))

    def _after_save(self) -> None:
        if self.doc.merged is not None:  # another editor's changes came in with this save: show them
            self.rebuild()
        self.refresh_preview()
        self._show_status()

    def _after_sync(self) -> None:
        self.rebuild()
        self.refresh_preview()
        self._show_status()

    def _show_status(self) -> None:
        journey, _ = parse_journey(copy.deepcopy(self.doc.data), FILE)
        left = not_mapped(journey) if journey is not None else []
        note = ("<span class='cg-not-mapped'>Not mapped yet, left out of the handout until you change "
                "or confirm (\u2713) them: " + html.escape("; ".join(left)) + "</span>" if left else "")
        if self.top_messages:  # what concerns no stage of the grid: at the top, where it is seen
            note += "<ul class='cg-top-problems problems' style='margin:2px 0'>" + "".join(
                f"<li>{html.escape(t)}</li>" for t in self.top_messages) + "</ul>"
        self.status.say(note)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return self.widget._repr_mimebundle_(include=include, exclude=exclude)


def open_form(engagement: str | os.PathLike[str], live_preview: bool = True) -> JourneyForm | w.Widget:
    """The journey editor for an engagement folder (resumes ``journey.yaml``, else starts from the template).

    Parameters
    ----------
    engagement : path-like
        The engagement folder.
    live_preview : bool
        Redraw the map below the grid after every change.
    """
    wrong = wrong_engagement(engagement)
    if wrong is not None:
        return wrong
    path = Path(engagement) / FILE
    try:
        doc = AutosaveDocument.open(path, mark_template(load_template().to_dict()))
    except DocumentUnreadable as exc:
        lines = "".join(f"<li>{html.escape(str(p))}</li>" for p in exc.problems)
        return w.HTML(f"<b>Fix journey.yaml before continuing (nothing was changed):</b><ul>{lines}</ul>")
    return JourneyForm(doc, live_preview=live_preview)


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
    from helpers.results import results_with

    folder = Path(engagement)
    if not folder.is_dir():  # the form above already named the wrong path
        return w.HTML("<i>No funnel preview: see the message about the engagement folder above.</i>")
    meta, problems = read_meta(folder)
    frame, found = read_funnel(folder, meta.crm if meta else None, meta.columns if meta else {})
    problems = list(problems) + list(found)
    section = funnel(results_with(funnel=metrics(frame, meta.sla if meta else {}) if frame is not None and len(frame) else None))
    if problems:
        listing = "".join(f"<li>{html.escape(p.severity)}: {html.escape(str(p))}</li>" for p in problems)
        section.parts.insert(0, render_template("_missing.html.j2", message="Problems in the funnel data:")
                             + f"<ul class='problems'>{listing}</ul>")
    return section
