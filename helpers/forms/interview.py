"""The discovery interview form: SPIN questions at hand, answers saved as they are typed.

The form is a view of ``interviews/<slug>.yaml``: every change (a keystroke in an answer, a
tag, the share toggle, a skipped, moved or added question) is written to the file at once,
atomically, through :class:`helpers.forms.common.AutosaveDocument`. Re-running the notebook
(or building a new form on the same file) resumes from the file. Nothing is written until the
consultant changes something, and a new interview claims a file name nobody else holds, so two
interviews of people with the same name never overwrite each other.
"""

from __future__ import annotations

import html
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import ipywidgets as w

from helpers.engagement.interviews import CUSTOM_ID, find_interviews, interview_path, read_interview
from helpers.vocabulary import INFLUENCE_LABELS, LEVELS, SPIN_TYPES, TEAMS, default_audience
from helpers.content.question_bank import QuestionBank, load_questions
from helpers.forms.common import (AutosaveDocument, DocumentUnreadable, chosen, prompt_options, shown,
                                  wrong_engagement)
from helpers.forms.interview_preview import preview
from helpers.forms.save_status import SaveStatus
from helpers.forms.text_fields import TrackedText, TrackedTextarea
from helpers.forms.interview_add import QuestionAdder
from helpers.forms.interview_audience import AudienceQuestion, needs_audience
from helpers.forms.interview_widgets import (CHECKED_TIP, NAMED_TIP, show_followers, TEXTAREA, InterviewDocument, QuestionRow,
                                             entry_for, field_name, new_interview, person_of, said,
                                             transcript)

__all__ = ["InterviewDocument", "InterviewForm", "QuestionRow", "new_interview", "open_form", "other_interviews",
           "preview"]


class InterviewForm:
    """An ipywidgets form editing one interview file with autosave.

    Parameters
    ----------
    doc : InterviewDocument
        The file being edited (see :func:`open_form`).
    bank : QuestionBank, optional
        Defaults to the bundled question bank.

    Attributes
    ----------
    rows : list of QuestionRow
        One per entry of ``answers``, in file order.
    widget : ipywidgets.VBox
        What the notebook displays.
    """

    def __init__(self, doc: InterviewDocument, bank: QuestionBank | None = None) -> None:
        self.doc, self.bank, self._loading = doc, bank or load_questions(), False
        self.others: list[str] = []
        self.rows: list[QuestionRow] = []
        self._cache: dict[int, QuestionRow] = {}
        self.tab_spins: list[str | None] = []
        pick = lambda items: prompt_options("\u2014 not set \u2014", items)
        self.name = TrackedText(description="Interviewee")
        self.team = w.Dropdown(options=list(TEAMS), description="Team")
        self.role = TrackedText(description="Job title")
        self.named = w.Checkbox(description="may be quoted by job title", indent=False, tooltip=NAMED_TIP)
        self.checked = w.Checkbox(description="Quotes checked with the speaker", indent=False, tooltip=CHECKED_TIP)
        self.level = w.Dropdown(options=pick([(x, x) for x in LEVELS]), description="Level")
        self.influence = w.Dropdown(options=pick([(v, k) for k, v in INFLUENCE_LABELS.items()]),
                                    description="Influence")
        self.date = w.DatePicker(description="Date")
        self.audience = w.Dropdown(options=[(v, k) for k, v in self.bank.audiences.items()],
                                   description="Questions", layout=w.Layout(width="36em"))
        self.notes = TrackedTextarea(layout=TEXTAREA, continuous_update=True)
        self.tabs = w.Tab()
        self.status = SaveStatus(doc, f"interviews/{doc.path.name}")
        self.status.on_sync = self.show_file
        self.status.field_name = lambda conflict: field_name(self, conflict)
        self.separate_button = w.Button(description="Start a separate interview", tooltip=(
            "Someone else with the same name: keep this file and start a new one beside it"),
            layout=w.Layout(width="16em", flex="0 0 auto"))
        self.separate_button.on_click(lambda _: self.start_separate())
        for key, text in (("interviewee", self.name), ("role", self.role), ("internal_notes", self.notes)):
            self.status.bind(text, key)
        for key, widget in (("interviewee", self.name), ("role", self.role), ("internal_notes", self.notes)):
            widget.observe(lambda ch, key=key: self._set_field(key, ch["new"]), "value")
        self.influence.observe(lambda ch: self._set_field("influence", chosen(ch["new"])), "value")
        self.team.observe(lambda ch: self._set_field("team", ch["new"], agenda=True), "value")
        self.level.observe(lambda ch: self._set_field("level", chosen(ch["new"]), agenda=True), "value")
        # someone not on the stakeholder list: who they are decides the questions, asked before any appear
        self.ask = AudienceQuestion(self.bank, self.choose_audience)
        self.date.observe(lambda ch: self._set_field("date", ch["new"]), "value")
        for key, box in (("named_by_title", self.named), ("quotes_checked", self.checked)):
            box.observe(lambda ch, key=key: self._set_field(key, bool(ch["new"])), "value")
        self.audience.observe(lambda ch: None if self._loading else self.set_audience(ch["new"]), "value")
        self.adder = QuestionAdder(self)
        self.adding = self.adder.box
        self.tabs.observe(self.adder.follow_tab, "selected_index")
        # the details in three short columns, so the questions start high on a laptop screen
        details = w.GridBox([self.name, self.role, self.date, self.team, self.level, self.influence,
                             self.named, self.checked, self.audience],
                            layout=w.Layout(grid_template_columns="repeat(3, minmax(0, 1fr))", grid_gap="0 8px"))
        details.add_class("cg-details")
        for part in details.children:
            part.layout.width = "auto"
        self.audience.layout = w.Layout(width="auto", grid_column="3 / 4")
        head = w.HBox([self.status, self.separate_button])  # the save state stays in view during the interview
        head.add_class("cg-form-head")
        self.widget = w.VBox([
            head,
            details,
            self.ask.box,
            self.tabs,
            self.adding,
            w.HTML("<b>Internal notes</b> (stay in the interview file; never shown to the client)"),
            self.notes])
        for widget, css in ((self.widget, "cg-interview-form"), (self.widget, "cg-form"),
                            (self.notes, "cg-internal-notes"), (self.tabs, "cg-spin-tabs")):
            widget.add_class(css)
        self.load()

    # ------------------------------------------------------------------ reading the file into widgets
    @property
    def path(self) -> Path:
        """The interview file (its name may change once, when a new interview claims a free name)."""
        return self.doc.path

    @property
    def answers(self) -> list[dict[str, Any]]:
        """The ``answers`` list of the document."""
        return self.doc.data.setdefault("answers", [])

    def load(self) -> None:
        """Show the document's values in the widgets without writing anything."""
        if self._show_status not in self.doc.listeners:
            self.doc.listeners.append(self._show_status)
        self.status.attach(self.doc, f"interviews/{self.path.name}")
        name = str(self.doc.data.get("interviewee") or "")
        self.others = [p.stem for p in find_interviews(self.path.parent.parent, name) if p != self.path] if name else []
        self._loading = True
        try:
            d = self.doc.data
            self.name.value = str(d.get("interviewee") or "")
            self.team.value = d.get("team") if d.get("team") in TEAMS else "other"
            self.role.value = str(d.get("role") or "")
            self.named.value = d.get("named_by_title") is True
            self.checked.value = d.get("quotes_checked") is True
            self.level.value = shown(d.get("level") if d.get("level") in LEVELS else None)
            self.influence.value = shown(d.get("influence") if d.get("influence") in INFLUENCE_LABELS else None)
            when = d.get("date")
            self.date.value = date.fromisoformat(when) if isinstance(when, str) and when else (
                when.date() if isinstance(when, datetime) else when if isinstance(when, date) else None)
            aud = d.get("audience")
            self.audience.value = aud if aud in self.bank.audiences else default_audience(d.get("team"), d.get("level"))
            self.notes.value = str(d.get("internal_notes") or "")
            self.rebuild()
            self.show_ask()
        finally:
            self._loading = False
        self._show_status()

    def show_file(self) -> None:
        """Show values another editor saved (merged into the document) without writing anything."""
        self._loading = True
        try:
            d = self.doc.data
            self.name.value = str(d.get("interviewee") or "")
            self.role.value = str(d.get("role") or "")
            self.notes.value = str(d.get("internal_notes") or "")
            self.rebuild()
            for row in self.rows:
                row.show_entry()
            self.show_ask()  # another tab may have said who the person is
        finally:
            self._loading = False
        self.show_titles()

    def describe(self, entry: dict[str, Any]) -> tuple[str, str, str | None, bool]:
        """(question text, follow-up, SPIN type, listening) of an entry of ``answers``."""
        q = self.bank.questions.get(str(entry.get("question")))
        if q is not None and not CUSTOM_ID.match(q.id):
            return q.text, q.follow_up, q.spin, q.listening
        spin = entry.get("spin") if entry.get("spin") in SPIN_TYPES else None
        return str(entry.get("text") or entry.get("question")), "", spin, False

    def rebuild(self) -> None:
        """Lay the question rows out in their tabs from the document (after a move, skip or add).

        Rows of entries already shown are reused, so a move or an added question only rearranges
        the tabs instead of rebuilding every widget (which took about a second in the browser).
        """
        entries = [e for e in self.answers if isinstance(e, dict)]
        old, self._cache = self._cache, {}
        for e in entries:
            row = old.pop(id(e), None)
            self._cache[id(e)] = row if row is not None and row.entry is e else QuestionRow(self, e)
            self.status.bind(self._cache[id(e)].answer, "answer", e.get("question"))
        for row in old.values():
            row.close()
        self.rows = [self._cache[id(e)] for e in entries]
        groups: list[tuple[str | None, list[QuestionRow]]] = [(s, [r for r in self.rows if r.spin == s])
                                                              for s in SPIN_TYPES]
        groups.append((None, [r for r in self.rows if r.spin is None]))
        groups = [(s, rows) for s, rows in groups if rows or s is not None]
        self.tab_spins = [s for s, _ in groups]
        boxes = list(self.tabs.children)
        while len(boxes) < len(groups):
            boxes.append(w.VBox())
        for box, (_, rows) in zip(boxes, groups):
            box.children = [r.box for r in rows]
        if len(boxes) != len(groups) or len(self.tabs.children) != len(groups):
            self.tabs.children = boxes[:len(groups)]
        self.show_titles()
        self.adder.offer_bank()

    def show_titles(self) -> None:
        """Tab titles in SPIN order with progress: ``1. Situation 2/4`` (answered of asked, skips left out)."""
        titles = []
        for n, spin in enumerate(self.tab_spins, start=1):
            rows = [r for r in self.rows if r.spin == spin and not r.skipped and not r.waiting]
            label = f"{n}. {self.bank.spin_types.get(spin, spin)}" if spin else "Unsorted"
            titles.append(f"{label} {sum(said(r.entry) for r in rows)}/{len(rows)}")
        if tuple(titles) != tuple(self.tabs.titles):
            self.tabs.titles = titles

    def row(self, question_id: str) -> QuestionRow:
        """The row of a question id (the first, if asked twice)."""
        return next(r for r in self.rows if r.question_id == question_id)

    # ------------------------------------------------------------------ writing changes
    def _index(self, row: QuestionRow) -> int | None:
        """Where a row's entry is in ``answers`` now (rows follow their entry through moves)."""
        return next((i for i, e in enumerate(self.answers) if e is row.entry), None)

    def write(self, row: QuestionRow, key: str, value: Any) -> None:
        """Set ``key`` of the row's entry and save at once (a row of a closed document does nothing)."""
        index = self._index(row)
        if not self._loading and index is not None:
            before = said(row.entry)
            self.doc.set(["answers", index, key], value)
            if self.doc.state == "error":
                row.mark_unsaved(self.doc.error)
            else:
                row.mark_saved()
            if key in ("answer", "tags") or said(row.entry) != before:  # tab counts; follow-ups offered or not
                show_followers(self, row.question_id)

    def _set_field(self, key: str, value: Any, agenda: bool = False) -> None:
        if self._loading:
            return
        self.doc.set([key], value)
        if agenda and not needs_audience(self.doc.data, self.bank) and not any(said(e) for e in self.answers if isinstance(e, dict)):
            target = default_audience(self.doc.data.get("team"), self.doc.data.get("level"))
            self._loading = True
            try:
                self.audience.value = target
            finally:
                self._loading = False
            self.set_audience(target)

    def set_audience(self, audience: str) -> None:
        """Switch the question set: unanswered bank questions of the old set go, the new set's are added."""
        def mutate(data: dict[str, Any]) -> None:
            data["audience"] = audience
            keep = [e for e in data.get("answers") or [] if not isinstance(e, dict) or said(e)
                    or CUSTOM_ID.match(str(e.get("question"))) or e.get("question") not in self.bank.questions
                    or self.bank.questions[e["question"]].audience == audience]
            have = {e.get("question") for e in keep if isinstance(e, dict)}
            data["answers"] = keep + [entry_for(q.id) for q in self.bank.for_audience(audience) if q.id not in have]
        self.doc.update(mutate)
        self.rebuild()

    def show_ask(self) -> None:
        """Ask who the person is (questions hidden) while the interview has no audience and no questions."""
        self.ask.show(self.doc.data, (self.tabs, self.adding, self.audience))

    def choose_audience(self, audience: str) -> None:
        """The consultant said who the person is: team and level follow, then that audience's questions appear."""
        if audience not in self.bank.audiences:
            return
        self.ask.record(self.doc, audience)
        self._loading = True
        try:
            self.team.value = self.doc.data["team"]
            self.level.value = shown(self.doc.data.get("level"))
            self.audience.value = audience
        finally:
            self._loading = False
        self.set_audience(audience)
        self.show_ask()

    def move(self, row: QuestionRow, step: int) -> None:
        """Move a question earlier (``step=-1``) or later (``+1``) among the questions of its SPIN tab."""
        index = self._index(row)
        if index is None:
            return
        spin = self.describe(self.answers[index])[2]
        same = [i for i, e in enumerate(self.answers) if isinstance(e, dict) and self.describe(e)[2] == spin]
        pos = same.index(index) + step
        if 0 <= pos < len(same):
            other = same[pos]
            def mutate(data: dict[str, Any]) -> None:
                items = data["answers"]
                items[index], items[other] = items[other], items[index]
            self.doc.update(mutate)
            self.rebuild()

    def toggle_skip(self, row: QuestionRow) -> None:
        """Skip a question (kept in the file, with anything typed) or bring it back."""
        entry = row.entry
        if self._index(row) is None:
            return
        self.doc.update(lambda data: entry.pop("skipped") if entry.get("skipped") else entry.update(skipped=True))
        row.show_state()
        row.mark_saved() if self.doc.state == "saved" else row.mark_unsaved(self.doc.error)
        show_followers(self, row.question_id)  # also the tab counts

    # ------------------------------------------------------------------ display
    def start_separate(self) -> None:
        """Leave this file as it is and start a new interview file for another person of the same name."""
        name = str(self.doc.data.get("interviewee") or self.path.stem)
        path = interview_path(self.path.parent.parent, name, new=True)
        self.doc = InterviewDocument(path, new_interview(name, self.bank))  # another person: asked who they are
        self.load()

    def _show_status(self, doc: AutosaveDocument | None = None) -> None:
        where = html.escape(f"interviews/{self.path.name}")
        self.status.new = f"New interview: <code>{where}</code> is created at the first change."
        self.status.resumed = f"Resumed from <code>{where}</code>; every change is saved as you type."
        if doc is not None and doc.merged is not None and doc.merged.at and not self._loading:
            self.show_file()  # another tab's changes came in with this save: show them
        note = ""
        if self.others:
            names = ", ".join(f'"{html.escape(o)}"' for o in self.others)
            note = f"Also on file for this name: {names} (set <code>interviewee</code> to open one)."
        self.status.say(note)

    def transcript_html(self) -> str:
        """A read-only HTML view of the interview (what a notebook shows without a browser); no internal notes."""
        return transcript(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/html"] = self.transcript_html()
        return bundle


def open_form(engagement: str | os.PathLike[str], interviewee: str, *, new: bool = False,
              bank: QuestionBank | None = None) -> InterviewForm | w.HTML:
    """Open (resume) or start the interview of ``interviewee`` in an engagement folder.

    Parameters
    ----------
    engagement : path-like
        The engagement folder.
    interviewee : str
        The person's name, or the file stem of an existing interview (``"dana-whitfield-2"``).
    new : bool
        Start a separate interview even if one with this name exists (it gets ``-2``, ``-3``...).
    bank : QuestionBank, optional
        Defaults to the bundled question bank.

    Returns
    -------
    InterviewForm or ipywidgets.HTML
        The form; or, when the existing file has errors, a message listing them (nothing is written).
    """
    folder = Path(engagement)
    wrong = wrong_engagement(folder)
    if wrong is not None:
        return wrong
    if not str(interviewee).strip():
        return w.HTML("<b>Set <code>interviewee</code> to the person's name</b> (or the file name of an interview).")
    bank = bank or load_questions()
    path = interview_path(folder, interviewee, new=new)
    if path.exists():
        doc, errors = None, [p for p in read_interview(path, f"interviews/{path.name}", bank)[1] if p.is_error]
        try:
            doc = InterviewDocument.open(path) if not errors else None
        except DocumentUnreadable as exc:
            errors = list(exc.problems)
        if doc is None:
            lines = "".join(f"<li>{html.escape(str(p))}</li>" for p in errors)
            return w.HTML(f"<b>Fix this interview file before continuing (nothing was changed):</b><ul>{lines}</ul>")
    else:
        doc = InterviewDocument(path, new_interview(interviewee.strip(), bank, person_of(folder, interviewee)))
    return InterviewForm(doc, bank)


def other_interviews(engagement: str | os.PathLike[str], interviewee: str) -> list[str]:
    """File stems of every interview on file for ``interviewee`` (to open one: pass its stem)."""
    return [p.stem for p in find_interviews(Path(engagement), interviewee)]
