"""The action-plan editor: accept, reject, reword and add plays, saved to ``plan.yaml`` as you go.

The form is a view of ``plan.yaml`` in the engagement folder (schema in :mod:`helpers.plan`),
edited through :class:`helpers.forms.common.AutosaveDocument`: every change is written at once,
atomically; opening the editor and looking never writes. Each play the engine proposed (or the
consultant listed) is one row: status, owner, horizon and the action's wording. A field set back
to the playbook's value is removed from the file, so ``plan.yaml`` only holds real decisions.
Below the rows, the consultant adds plays of their own; their title and success measure stay
editable, and removing one can be undone until the next play is added or removed. Rows are titled
by the play's title, never its id. The handout's plan section is redrawn after every change.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import os
import re
from functools import partial
from pathlib import Path
from typing import Any

import ipywidgets as w

from helpers.forms.common import AutosaveDocument, Debouncer, DocumentUnreadable, chosen, prompt_options
from helpers.forms.merge import Conflict
from helpers.forms.save_status import SaveStatus
from helpers.forms.text_fields import TrackedText, TrackedTextarea
from helpers.engagement.plan import FILE, read_plan
from helpers.analysis.findings import fill_hours, on_business_clock
from helpers.analysis.plan import build, placeholders
from helpers.formatting import fill
from helpers.analysis.waves import carry_due_dates, rejected_before, still_open
from helpers.content.playbook import HORIZONS, Playbook, load_playbook
from helpers.results import Results
from helpers.vocabulary import PLAY_OWNERS

STATUS_OPTIONS = (("Proposed", "proposed"), ("Accepted", "accepted"), ("Rejected", "rejected"), ("Done", "done"),
                  ("Reopened (rejected before)", "reopened"))
#: Roles a play's owner may be (the plan names the client's person holding it, see helpers.analysis.owners).
OWNER_ROLES: tuple[str, ...] = PLAY_OWNERS + ("CEO",)
OWN_STATUS_OPTIONS = STATUS_OPTIONS[1:]
WIDE = w.Layout(width="98%")


def _pick(value: Any, allowed: Any, fallback: Any) -> Any:
    """``value`` when it is one of ``allowed`` (a hand-edited file may hold anything), else ``fallback``."""
    return value if value in allowed and not isinstance(value, bool) else fallback


class PlanForm:
    """Editor of one engagement's ``plan.yaml``.

    Parameters
    ----------
    doc : AutosaveDocument
        The plan document (``plan.yaml``; may not exist yet).
    results : Results
        The engagement's results (the engine's plan is read from ``results["plan"]``).
    playbook : Playbook, optional
        Defaults to the bundled playbook.
    preview : bool
        Redraw the handout's plan section below the form after each change.
    """

    def __init__(self, doc: AutosaveDocument, results: Results, playbook: Playbook | None = None,
                 preview: bool = True, meta: Any = None) -> None:
        self.doc = doc
        self.results = results
        if meta is not None:  # from the same load as ``results``: the wording shown and compared is theirs
            self._meta = meta
        self.book = playbook or load_playbook()
        self.rows: dict[str, dict[str, w.Widget]] = {}
        self._syncing = False
        self._auto_accepted: set[str] = set()
        self.typing = Debouncer(0.3)
        self.status = SaveStatus(doc, FILE, new="Showing the engine's proposal; your first change creates plan.yaml.",
                                 resumed="Editing plan.yaml; every change is saved as you type.")
        self.status.watch(self.typing)
        self.status.on_sync = self._after_sync
        self.status.field_name = self._field_name
        self.preview = w.HTML() if preview else None
        self.agreed = w.Text(value=str(doc.data.get("agreed") or ""), description="Agreed on", tooltip="date the client agreed the plan, YYYY-MM-DD")
        self.agreed_note = w.HTML()
        self.suggest = w.Checkbox(value=doc.data.get("suggest") is not False, description="Let the engine fill free slots")
        self.cap = w.Dropdown(options=[1, 2, 3, 4, 5, 6], value=_pick(doc.data.get("max_per_horizon"), range(1, 7), 3),
                              description="Per horizon")
        self.agreed.observe(lambda ch: self._set_date(ch["new"], lambda v: self._set_top("agreed", v), self.agreed_note),
                            names="value")
        self.suggest.observe(lambda ch: self._set_top("suggest", None if ch["new"] else False), names="value")
        self.cap.observe(lambda ch: self._set_top("max_per_horizon", None if ch["new"] == 3 else ch["new"]), names="value")
        self.new_title = w.Text(description="Title", layout=WIDE)
        self.new_action = w.Textarea(description="Action", layout=WIDE)
        self.new_owner = w.Dropdown(options=PLAY_OWNERS, value="both", description="Owner")
        self.new_horizon = w.Dropdown(options=HORIZONS, value=30, description="Horizon")
        self.new_success = w.Text(description="Success", tooltip="how the next wave will tell it worked", layout=WIDE)
        self.new_signal = w.Dropdown(options=self.measures(), value="", description="Measured by",
                                     tooltip="the number the next wave checks; leave on 'words only' if none fits",
                                     style={"description_width": "initial"}, layout=w.Layout(width="auto"))
        self.add_button = w.Button(description="Add this play", button_style="primary")
        self.add_button.on_click(lambda _: self._add_from_widgets())
        self.message = w.HTML()
        self.list_box = w.VBox()
        self.undo_button = w.Button(icon="undo", layout=w.Layout(width="auto", display="none"))
        self.undo_button.add_class("cg-undo-remove")
        self.undo_button.on_click(lambda _: self.undo_remove())
        #: The own play removed last, as (place in plan.yaml's list, entry): "Undo remove" puts it back
        #: until the next play is added or removed.
        self.removed: tuple[int, dict[str, Any]] | None = None
        head = w.VBox([self.status, self.undo_button])  # stays in view while the plays are edited
        head.add_class("cg-form-head")
        self.widget = w.VBox([
            w.HTML("<h3>Decide the plan</h3>"), head, w.HBox([self.agreed, self.cap, self.suggest]),
            self.agreed_note, self.list_box,
            w.HTML("<h3>Add a play of your own</h3>"), self.new_title, self.new_action,
            w.HBox([self.new_owner, self.new_horizon]), self.new_success, self.new_signal,
            w.HBox([self.add_button, self.message])] + ([self.preview] if self.preview is not None else []))
        self.widget.add_class("cg-form")
        self.widget.add_class("cg-plan-form")
        self.rebuild()
        self._show_status()
        self.refresh_preview()
        self.doc.listeners.append(lambda _doc: self._after_save())

    # ------------------------------------------------------------------ model
    def entries(self) -> list[dict[str, Any]]:
        """The play entries of the document (created on first use)."""
        plays = self.doc.data.get("plays")
        return plays if isinstance(plays, list) else []

    def entry(self, pid: str) -> dict[str, Any] | None:
        """The plan.yaml entry for a play id, or None."""
        return next((e for e in self.entries() if isinstance(e, dict) and e.get("id") == pid), None)

    def candidates(self) -> list[dict[str, Any]]:
        """Rows to show: the plan, then further triggered plays, rejected plays, and listed ones."""
        built = self.results["plan"]
        seen: dict[str, dict[str, Any]] = {}
        for item in [*built["plays"], *built["not_shown"], *built["rejected"]]:
            seen.setdefault(item["id"], dict(item))
        for e in self.entries():
            if isinstance(e, dict) and isinstance(e.get("id"), str):  # titled as the playbook or consultant has it
                seen.setdefault(e["id"], {"id": e["id"], "title": e.get("title") or self.default(e["id"], "title")})
        return list(seen.values())

    def default(self, pid: str, key: str) -> Any:
        """The playbook's value of ``key`` for a play (None for the consultant's own plays).

        Texts come with their placeholders filled from the engagement's SLA (``{sla_hours}`` as
        "4 working hours"), as the handout prints them: the consultant never sees, saves or
        compares against a placeholder.
        """
        play = self.book.get(pid)
        value = getattr(play, key, None) if play is not None else None
        return fill(value, placeholders(self._sla())) if isinstance(value, str) else value

    def _sla(self) -> Any:
        """The engagement's SLA rule: the ``meta`` given with the results, else read once from
        engagement.yaml (None when it cannot be read: the default rule's numbers are shown)."""
        if not hasattr(self, "_meta"):
            from helpers.engagement.meta import read_meta

            self._meta = read_meta(self.doc.path.parent)[0]
        return self._meta.sla_rule if self._meta is not None else None

    def set_field(self, pid: str, key: str, value: Any) -> None:
        """Record a decision; a value equal to the playbook's (or empty) removes the key."""
        def mutate(data: dict[str, Any]) -> None:
            plays = data.setdefault("plays", [])
            entry = next((e for e in plays if isinstance(e, dict) and e.get("id") == pid), None)
            if entry is None:
                entry = {"id": pid}
                plays.append(entry)
            own = self.book.get(pid) is None
            if value in (None, "") or (key == "status" and value == "proposed") or \
                    (not own and key != "status" and value == self.default(pid, key)):
                entry.pop(key, None)
            else:
                entry[key] = value
            if set(entry) == {"id"}:
                plays.remove(entry)
        probe = {"plays": copy.deepcopy(self.entries())}
        mutate(probe)
        if probe["plays"] != self.entries():
            self.doc.update(mutate)

    def set_status(self, pid: str, status: str) -> None:
        """Accept, reject, mark done, or return a play to the engine (``proposed``).

        Returning a playbook play to the engine also drops the consultant's wording, owner and
        horizon for it (the file only ever means what the form shows), and resets its row.
        """
        if status == "proposed" and self.book.get(pid) is not None and self.entry(pid) is not None:
            self.doc.update(lambda data: data.__setitem__(
                "plays", [e for e in data.get("plays") or [] if not (isinstance(e, dict) and e.get("id") == pid)]))
            self._reset_row(pid)
            return
        self.set_field(pid, "status", status)

    def edit(self, pid: str, key: str, value: Any) -> None:
        """Change a play's owner, horizon or action (what the row's widgets call).

        A playbook play still ``proposed`` becomes ``accepted`` when reworded, reassigned or
        moved: ``plan.yaml`` reads any listed play as accepted, so the form says so too. Undo
        every such edit and the play goes back to ``proposed`` (and out of the file).
        """
        if self._syncing:
            return
        self.set_field(pid, key, value)
        row, entry = self.rows.get(pid), self.entry(pid)
        if row is None or entry is None:
            return
        if row["status"].value == "proposed":
            self._auto_accepted.add(pid)
            self._syncing = True
            try:
                row["status"].value = "accepted"
            finally:
                self._syncing = False
            self.set_field(pid, "status", "accepted")
        elif pid in self._auto_accepted and set(entry) <= {"id", "status"}:
            self.set_status(pid, "proposed")      # every edit undone: back to the engine's proposal

    def _typed_action(self, pid: str, change: dict[str, Any]) -> None:
        """A keystroke in a play's action: written once typing pauses (never while the form resets a row)."""
        if not self._syncing:
            self.typing.call(("action", pid), partial(self.edit, pid, "action", str(change["new"]).strip()))

    def _choose_status(self, pid: str, status: str) -> None:
        if not self._syncing:
            self._auto_accepted.discard(pid)
            self.set_status(pid, status)

    def _reset_row(self, pid: str) -> None:
        row = self.rows.get(pid)
        if row is None:
            return
        self._syncing = True
        try:
            row["status"].value = "proposed"
            row["owner"].value = self.default(pid, "owner") or "both"
            row["horizon"].value = self.default(pid, "horizon") or 90
            row["action"].value = self.default(pid, "action") or ""
            row["due"].value = ""
        finally:
            self._syncing = False

    def measures(self) -> list[tuple[str, str | None]]:
        """Signals a consultant's own play can be measured by: (label, signal), 'words only' first."""
        labels = {f"dimension.{d}": f"{info['label']} score" for d, info in self.results["dimensions"].items()}
        labels.setdefault("index", "Overall alignment index")
        for name, info in self.book.labels.items():
            if isinstance(info, dict) and info.get("format") in ("share", "hours", "score", "gap") and info.get("label"):
                label = fill_hours(str(info["label"]), on_business_clock(self.results))
                labels.setdefault(name, label[0].upper() + label[1:])
        return prompt_options("words only (no number to check)", [(label, name) for name, label in labels.items()])

    def add_play(self, title: str, action: str, owner: str, horizon: int, success: str = "",
                 signal: str | None = None) -> str | None:
        """Add the consultant's own play; returns its id, or None (with a message) when incomplete.

        With ``signal`` the success measure becomes ``{text, signal, goal}`` so the next wave
        checks it; the goal is ``down`` for gaps, hours and shares of lost or rejected leads.
        """
        signal = chosen(signal)
        if not title.strip() or not action.strip():
            self.message.value = "<small>Give the play a title and an action.</small>"
            return None
        self.forget_removed()
        base = "custom_" + (re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:40] or "play")
        pid, n = base, 2
        while self.entry(pid) is not None or self.book.get(pid) is not None:
            pid, n = f"{base}_{n}", n + 1
        entry = {"id": pid, "status": "accepted", "title": title.strip(), "action": action.strip(),
                 "owner": owner, "horizon": int(horizon)}
        if signal:
            goal = "down" if signal.startswith(("gap", "levels.gap")) or signal.endswith(
                ("hours", "never_contacted_share", "rejection_rate", "assumed_share")) else "up"
            label = dict((v, k) for k, v in self.measures()).get(signal, signal)
            entry["success"] = {"text": success.strip() or f"{label} {goal}", "signal": signal, "goal": goal}
        elif success.strip():
            entry["success"] = success.strip()
        self.doc.update(lambda data: data.setdefault("plays", []).append(entry))
        self.message.value = f"<small>Added {html.escape(title.strip())}.</small>"
        self.rebuild()
        return pid

    def _field_name(self, conflict: Conflict) -> str:
        """A field both editors changed, as the form shows it: the play's title, not its id."""
        path = conflict.path
        if len(path) >= 3 and path[0] == "plays":
            entry = self.entry(str(path[1])) or {}
            title = entry.get("title") or self.default(str(path[1]), "title") or "a play"
            return f"\u201c{title}\u201d, {str(path[2]).replace('_', ' ')}"
        return conflict.where()

    # ------------------------------------------------------------------ view
    def rebuild(self) -> None:
        """Recreate the rows from the document and the engine's candidates.

        The save indicator hears of the new text boxes in one message.
        """
        with self.status.hold_sync():
            self._build_rows()

    def _build_rows(self) -> None:
        self.rows = {}
        boxes = []
        for item in self.candidates():
            pid = item["id"]
            entry = self.entry(pid) or {}
            own = self.book.get(pid) is None
            options = OWN_STATUS_OPTIONS if own else STATUS_OPTIONS
            status = w.Dropdown(options=options, description="Status",
                                value=_pick(entry.get("status"), [v for _, v in options], "accepted" if own else "proposed"))
            written = entry.get("owner")
            named = isinstance(written, str) and " " in written.strip() and written not in OWNER_ROLES   # a person
            roles = OWNER_ROLES + ((str(written),) if named else ())
            owner = w.Dropdown(options=roles, description="Owner",
                               value=_pick(written, roles, self.default(pid, "owner") or "both"))
            horizon = w.Dropdown(options=HORIZONS, description="Horizon",
                                 value=_pick(entry.get("horizon"), HORIZONS, self.default(pid, "horizon") or 90))
            # the engine's wording has the client's own numbers filled in (the playbook's has placeholders)
            action = TrackedTextarea(value=entry.get("action") or item.get("action") or self.default(pid, "action") or "",
                                layout=WIDE,
                                continuous_update=True)
            self.status.bind(action, "action", pid)
            due = w.Text(value=str(entry.get("due") or ""), description="Due", tooltip="due date, YYYY-MM-DD",
                         placeholder="YYYY-MM-DD", layout=w.Layout(width="14em"))
            status.observe(lambda ch, p=pid: self._choose_status(p, ch["new"]), names="value")
            owner.observe(lambda ch, p=pid: self.edit(p, "owner", ch["new"]), names="value")
            horizon.observe(lambda ch, p=pid: self.edit(p, "horizon", ch["new"]), names="value")
            action.observe(partial(self._typed_action, pid), names="value")
            note = w.HTML()
            note.add_class("cg-field-note")
            due.observe(lambda ch, p=pid, n=note: self._set_date(ch["new"], lambda v, q=p: self.edit(q, "due", v), n),
                        names="value")
            why = html.escape(item.get("why") or ("your own play" if own else "not triggered by the findings"))
            title = html.escape(entry.get("title") or item.get("title") or self.default(pid, "title") or "Untitled play")
            self.rows[pid] = {"status": status, "owner": owner, "horizon": horizon, "action": action, "due": due,
                              "note": note}
            parts: list[w.Widget] = [w.HTML(f"<b>{title}</b> <small>({why})</small>"),
                                     w.HBox([status, owner, horizon, due]), note, action]
            if own:  # the consultant's own play: its title and success measure stay editable
                parts[0:1] = self._own_fields(pid, entry, note)
            if item.get("owner_found") is False:   # nobody at the client fits the role: ask, never invent one
                person = w.Text(value="", placeholder="e.g. Dana Reyes", description="Who owns it?",
                                continuous_update=False)
                person.observe(lambda ch, p=pid: self._name_owner(p, ch["new"]), names="value")
                self.rows[pid]["person"] = person
                parts.insert(len(parts) - 1, w.VBox([w.HTML("<small>Nobody on the stakeholder list holds this role; "
                                                f"the handout says “{html.escape(str(item.get('owner_name')))}”. "
                                                "Name the client's person who will own it.</small>"), person]))
            boxes.append(w.VBox(parts))
        self.list_box.children = tuple(boxes)

    def _own_fields(self, pid: str, entry: dict[str, Any], note: w.HTML) -> list[w.Widget]:
        """Title, success measure and a remove button for a play the consultant added (saved as typed)."""
        title = TrackedText(value=str(entry.get("title") or ""), description="Title", layout=WIDE, continuous_update=True)
        success = entry.get("success")
        text = success.get("text") if isinstance(success, dict) else success
        measure = TrackedText(value=str(text or ""), description="Success", layout=WIDE, continuous_update=True,
                         tooltip="how the next wave will tell it worked")
        remove = w.Button(description="Remove this play", icon="trash", tooltip="It can be undone")
        remove.add_class("cg-remove-play")
        self.status.bind(title, "title", pid)
        self.status.bind(measure, "success", pid)
        title.observe(lambda ch: self.typing.call(("title", pid), partial(self._own_title, pid, ch["new"], note)),
                      names="value")
        measure.observe(lambda ch: self.typing.call(("success", pid), partial(self._own_success, pid, ch["new"])),
                        names="value")
        remove.on_click(lambda _: self.remove_play(pid))
        self.rows[pid].update(title=title, success=measure, remove=remove)
        return [w.HBox([w.HTML("<small>(your own play)</small>"), remove]), title, measure]

    def _own_title(self, pid: str, text: str, note: w.HTML) -> None:
        if not text.strip():  # a play needs a title: the last one stays until a new one is typed
            note.value = "<small style='color:#8a4b00'>Give the play a title; the file keeps the last one meanwhile.</small>"
            return
        note.value = ""
        self.set_field(pid, "title", text.strip())

    def _own_success(self, pid: str, text: str) -> None:
        entry = self.entry(pid) or {}
        success = entry.get("success")
        if isinstance(success, dict):  # measured by a number: only its wording changes
            self.set_field(pid, "success", {**success, "text": text.strip() or success.get("text")})
        else:
            self.set_field(pid, "success", text.strip() or None)

    def remove_play(self, pid: str) -> None:
        """Take one of the consultant's own plays out of ``plan.yaml``; "Undo remove" puts it back."""
        self.typing.flush()
        plays = self.entries()
        at = next((i for i, e in enumerate(plays) if isinstance(e, dict) and e.get("id") == pid), None)
        if at is None or self.book.get(pid) is not None:
            return
        self.removed = (at, copy.deepcopy(plays[at]))
        self.doc.update(lambda data: data["plays"].pop(at))
        name = str(self.removed[1].get("title") or "the play")
        self.undo_button.description = f"Undo remove \u201c{name}\u201d"
        self.undo_button.layout.display = None
        self.rebuild()

    def forget_removed(self) -> None:
        """Drop the undo of the last removal (a play was added or removed since)."""
        self.removed = None
        self.undo_button.layout.display = "none"

    def undo_remove(self) -> None:
        """Put the play removed last back in its place, as it was."""
        if self.removed is None:
            return
        at, entry = self.removed
        self.forget_removed()
        if self.entry(str(entry.get("id"))) is None:  # not added back meanwhile (another editor)
            self.doc.update(lambda data: data.setdefault("plays", []).insert(min(at, len(data["plays"])), entry))
        self.rebuild()

    def _name_owner(self, pid: str, name: str) -> None:
        """Make a person (first and last name) the owner of a play, as the consultant typed it."""
        name, note = name.strip(), self.rows[pid]["note"]
        if " " not in name:  # said beside the play's fields, not at the bottom of the form
            note.value = "<small style='color:#8a4b00'>Write the person's full name (first and last).</small>"
            return
        note.value = ""
        self.edit(pid, "owner", name)

    def _set_top(self, key: str, value: Any) -> None:
        if self.doc.data.get(key) == value or (value is None and key not in self.doc.data):
            return
        def mutate(data: dict[str, Any]) -> None:
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        self.doc.update(mutate)

    def _set_date(self, text: str, write: Any, note: w.HTML) -> None:
        """Write a date field only once it is a whole ISO date (or blank); say so meanwhile, in ``note`` beside it."""
        text = text.strip()
        try:
            value = dt.date.fromisoformat(text).isoformat() if text else None
        except ValueError:
            note.value = f"<small style='color:#8a4b00'>{html.escape(text)} is not a date yet: write it as YYYY-MM-DD.</small>"
            return
        note.value = ""
        write(value)

    def _add_from_widgets(self) -> None:
        if self.add_play(self.new_title.value, self.new_action.value, self.new_owner.value,
                         self.new_horizon.value, self.new_success.value, self.new_signal.value):
            self.new_title.value = self.new_action.value = self.new_success.value = ""
            self.new_signal.value = ""

    def _after_save(self) -> None:
        if self.doc.merged is not None:  # another editor's changes came in with this save: show them
            self.rebuild()
        self._show_status()
        self.refresh_preview()

    def _after_sync(self) -> None:
        self.rebuild()
        self.refresh_preview()

    def refresh_preview(self) -> None:
        """Redraw the handout's plan section from the saved file (problems listed instead, if any)."""
        if self.preview is None:
            return
        from helpers.report.plan import plan as plan_section

        decisions, problems = read_plan(self.doc.path.parent, self.book)
        errors = [p for p in problems if p.is_error]
        if errors:
            self.preview.value = "<ul>" + "".join(f"<li>{html.escape(str(p))}</li>" for p in errors) + "</ul>"
        else:
            sla, progress = self._sla(), self.results["progress"]  # as :func:`helpers.results.compute` builds it
            rebuilt = carry_due_dates(build(self.results, decisions, self.book, carried_over=still_open(progress),
                                            rejected_before=rejected_before(progress), sla=sla,
                                            people=self._meta.stakeholders if self._meta is not None else ()),
                                      progress)
            self.preview.value = plan_section({**self.results, "plan": rebuilt}).html()

    def _show_status(self) -> None:
        self.status.refresh()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return self.widget._repr_mimebundle_(include=include, exclude=exclude)


def open_form(engagement: str | os.PathLike[str], results: Results | None = None,
              preview: bool = True, meta: Any = None) -> PlanForm | w.HTML:
    """The plan editor for an engagement folder.

    Parameters
    ----------
    engagement : path-like
        The engagement folder.
    results : Results, optional
        Its results; computed here when not given (the folder must load without errors).
    preview : bool
        Redraw the handout's plan section after each change.
    meta : EngagementMeta, optional
        The engagement.yaml the results were computed from (its SLA fills the playbook's wording);
        read from the folder when not given.
    """
    folder = Path(engagement)
    try:
        doc = AutosaveDocument.open(folder / FILE, {})
    except DocumentUnreadable as exc:
        lines = "".join(f"<li>{html.escape(str(p))}</li>" for p in exc.problems)
        return w.HTML(f"<b>Fix plan.yaml before continuing (nothing was changed):</b><ul>{lines}</ul>")
    if results is None:
        from helpers.engagement.load import load
        from helpers.problems import EngagementInvalid
        from helpers.results import compute

        eng, problems = load(folder)
        if eng is None:
            raise EngagementInvalid(str(folder), problems)
        results, meta = compute(eng), eng.meta
    return PlanForm(doc, results, preview=preview, meta=meta)
