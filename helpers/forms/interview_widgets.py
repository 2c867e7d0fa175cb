"""The building blocks of the interview form: its autosaving file and the widgets of one question.

Part of :mod:`helpers.forms.interview` (the form itself). A :class:`QuestionRow` is a view of
one entry of ``answers``; it never stores anything itself: every change goes through the form,
which writes the file at once.
"""

from __future__ import annotations

import html
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import ipywidgets as w

from helpers.vocabulary import INFLUENCE_LABELS, TAGS, default_audience
from helpers.vocabulary import LEVELS, TEAMS
from helpers.content.question_bank import QuestionBank
from helpers.formatting import slugify
from helpers.fileio import read_yaml
from helpers.forms.common import AutosaveDocument, Version, failure_reason
from helpers.forms.merge import Conflict
from helpers.forms.interview_emotion import emotion_controls
from helpers.forms.text_fields import TrackedTextarea



class RowHost(Protocol):
    """What a :class:`QuestionRow` and :func:`transcript` need of the form that holds them."""

    @property
    def doc(self) -> AutosaveDocument: ...

    @property
    def path(self) -> Path: ...

    @property
    def answers(self) -> list[Any]: ...

    def describe(self, entry: dict[str, Any]) -> tuple[str, str, str | None, bool]: ...

    @property
    def bank(self) -> QuestionBank: ...

    @property
    def rows(self) -> list[QuestionRow]: ...

    def show_titles(self) -> None: ...

    def write(self, row: QuestionRow, key: str, value: Any) -> None: ...

    def move(self, row: QuestionRow, step: int) -> None: ...

    def toggle_skip(self, row: QuestionRow) -> None: ...

TEXTAREA = w.Layout(width="100%", height="5em")
#: An answer box: three lines to start with, growing with the answer (``static/forms.css``).
ANSWER_BOX = w.Layout(width="100%")
DASH = "\u2014"
LEADER_TITLE = re.compile(r"\b(vp|svp|evp|vice president|chief|head|director|manager|cmo|cso|cro|ceo|cio|cfo|coo|"
                          r"president|owner|founder)\b", re.IGNORECASE)
#: What each tag means, shown when the pointer rests on its button.
#: What "may be quoted by job title" means (``named_by_title``).
NAMED_TIP = ("Tick only if the person agreed. Otherwise shared answers are quoted by function: "
             "\"a seller\", \"a marketing leader\"; never by name.")

#: What "Quotes checked with the speaker" means (``quotes_checked`` in the interview file).
CHECKED_TIP = ("Tick once the person has seen their shared answers as the handout prints them and agreed. Until "
               "then, answers that could be traced to them (a small team, a sentence naming a role) stay out of the handout.")

TAG_TIPS = {"pain": "A difficulty or irritation this person raised",
            "implication": "What the problem costs: money, time, deals, morale",
            "need": "What would help, in their words",
            "quote": "Words worth quoting (tick the box too if they may be shown to the client)"}


class InterviewDocument(AutosaveDocument):
    """An :class:`AutosaveDocument` that claims a free file name before its first write."""

    def __init__(self, path: str | os.PathLike[str], data: dict[str, Any] | None = None,
                 version: Version | None = None) -> None:
        super().__init__(path, data, version)
        self.claimed = self.path.exists()

    def save(self) -> None:
        """Write atomically; a brand-new interview first reserves ``<slug>[-n].yaml`` exclusively."""
        if not self.claimed:
            name = str(self.data.get("interviewee") or "").strip()
            base, n = (slugify(name, "interview") if name else self.path.stem), 1
            candidate = self.path
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                while True:
                    try:
                        os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                        break
                    except FileExistsError:
                        n += 1
                        candidate = self.path.with_name(f"{base}-{n}.yaml")
            except OSError as exc:  # read-only folder, full disk: say NOT SAVED, retry on the next change
                self.state, self.error = "error", failure_reason(exc)
                self._notify()
                return
            self.path, self.claimed = candidate, True
        super().save()


def new_interview(name: str, bank: QuestionBank, person: dict[str, Any] | None = None) -> dict[str, Any]:
    """The content of a fresh interview file: details (from the stakeholder list when known) and the agenda.

    A person not on the stakeholder list (``person`` empty) gets no audience and no questions yet:
    the form asks who they are first (:mod:`helpers.forms.interview_audience`), so nobody silently gets the
    questions for a salesperson.
    """
    if not person:
        return {"interviewee": name, "team": "other", "role": "", "level": None, "influence": None,
                "date": date.today(), "audience": None, "answers": [], "internal_notes": ""}
    team = person.get("team") if person.get("team") in TEAMS else "sales"
    influence = person.get("influence") if person.get("influence") in INFLUENCE_LABELS else None
    role = str(person.get("role") or "")
    level = person.get("level") if person.get("level") in LEVELS else ("leader" if LEADER_TITLE.search(role) else None)
    audience = default_audience(team, level)
    return {"interviewee": name, "team": team, "role": role, "level": level,
            "influence": influence, "date": date.today(), "audience": audience,
            "answers": [entry_for(q.id) for q in bank.for_audience(audience)], "internal_notes": ""}


def mentioned_in(bank: QuestionBank, answers: list[Any], entry: dict[str, Any]) -> list[str] | None:
    """What the person said that the Implication question of ``entry`` builds on.

    None for a question without ``builds_on`` (every question of a version-1 bank); else the
    answers to its ``builds_on`` Problem questions that raised the problem: given, not skipped
    and tagged ``pain`` ("no, that's fine" is an answer but raises nothing). An empty list means
    the problem was not raised, so the question is not offered.
    """
    q = bank.questions.get(str(entry.get("question")))
    if q is None or not q.builds_on:
        return None
    return [str(e.get("answer")) for e in answers
            if isinstance(e, dict) and e.get("question") in q.builds_on and said(e)
            and not e.get("skipped") and "pain" in (e.get("tags") or [])]


def show_followers(form: RowHost, question_id: str) -> None:
    """Show again the Implication questions building on ``question_id`` (offered or not now), and the tab counts."""
    for row in form.rows:
        q = form.bank.questions.get(row.question_id)
        if q is not None and question_id in q.builds_on:
            row.show_state()
    form.show_titles()


def field_name(form: RowHost, conflict: Conflict) -> str:
    """A field of the interview both editors changed, as the form shows it: the question, not its id."""
    path = conflict.path
    if len(path) == 3 and path[0] == "answers" and path[2] == "answer":
        return f"the answer to \u201c{form.describe({'question': path[1]})[0][:80]}\u201d"
    labels = {"interviewee": "Interviewee", "role": "Job title", "internal_notes": "Internal notes"}
    return labels.get(str(path[0]), conflict.where()) if len(path) == 1 else conflict.where()


def said(entry: Any) -> bool:
    """Whether an entry of ``answers`` holds an answer."""
    return isinstance(entry, dict) and bool(str(entry.get("answer") or "").strip())


def entry_for(qid: str, text: str | None = None, **extra: Any) -> dict[str, Any]:
    """A new, unanswered entry of ``answers`` for question ``qid``."""
    return {"question": qid, "text": text, "answer": None, "tags": [], "share": False, **extra}


def clock() -> str:
    """The time of day shown by the save indicators (``14:02:31``)."""
    return datetime.now().strftime("%H:%M:%S")


class QuestionRow:
    """The widgets of one question: answer box, tag toggles, share box, move and skip buttons.

    Everything sits on two lines under the question (an answer box of three lines that grows
    with the answer, then one compact line of controls), so at least two questions fit on a
    1280x720 screen. Only the answer box is in the keyboard's Tab sequence: one Tab goes from
    an answer to the next answer; tags, share, move and skip are clicked. A switched-on tag is
    coloured, and the row shows when its answer was last saved.
    """

    def __init__(self, form: RowHost, entry: dict[str, Any]) -> None:
        self.form, self.entry, self.question_id = form, entry, str(entry.get("question"))
        self.text, self.follow_up, self.spin, self.listening = form.describe(entry)
        self.label = w.HTML()
        answer = entry.get("answer")
        answer = ("Yes" if answer else "No") if isinstance(answer, bool) else str(answer or "")
        self.answer = TrackedTextarea(value=answer, layout=ANSWER_BOX, continuous_update=True, rows=3,
                                 placeholder="Type the answer while you listen; it is saved as you type.")
        # Tab goes from one answer box to the next: the row's other controls are for the mouse
        self.tags = {t: w.ToggleButton(value=t in (entry.get("tags") or []), description=t, tooltip=TAG_TIPS[t],
                                       layout=w.Layout(width="auto"), tabbable=False) for t in TAGS}
        # a toggle, not a checkbox: ipywidgets leaves a checkbox in the Tab sequence whatever ``tabbable`` says
        self.share = w.ToggleButton(value=entry.get("share") is True, description="client may see this as a quote",
                                    tooltip="Switch on only for words the interviewee agreed to share: only these reach "
                                            "the client's handout", layout=w.Layout(width="auto", margin="0 1em"),
                                    tabbable=False)
        self.up = w.Button(description="\u2191", tooltip="Ask earlier", layout=w.Layout(width="3em"), tabbable=False)
        self.down = w.Button(description="\u2193", tooltip="Ask later", layout=w.Layout(width="3em"), tabbable=False)
        self.skip = w.Button(layout=w.Layout(width="6em"), tabbable=False)
        self.saved = w.HTML(layout=w.Layout(margin="0 0 0 auto"))
        self.answer.observe(lambda ch: form.write(self, "answer", ch["new"]), "value")
        for button in self.tags.values():
            button.observe(self._on_tag, "value")
        self.share.observe(self._on_share, "value")
        self.up.on_click(lambda _: form.move(self, -1))
        self.down.on_click(lambda _: form.move(self, +1))
        self.skip.on_click(lambda _: form.toggle_skip(self))
        # a box that could scroll would be a Tab stop of its own in Chromium: these never scroll
        controls = w.HBox([*self.tags.values(), self.share, self.saved, self.up, self.down, self.skip],
                          layout=w.Layout(flex_flow="row wrap", align_items="center", overflow="visible"),
                          tabbable=False)
        controls.add_class("cg-controls")
        self.box = w.VBox([self.label, self.answer, controls], tabbable=False,
                          layout=w.Layout(border="1px solid #ddd", padding="2px 6px", margin="2px 0", overflow="visible"))
        self.emotion = emotion_controls(self)  # customer guide: how that part of the journey felt
        self.box.children += (self.emotion.box,) if self.emotion is not None else ()
        self.box.add_class("cg-question")
        self.box.add_class(f"cg-q-{self.question_id}")
        self.answer.add_class("cg-answer")
        self.share.add_class("cg-share")
        self.saved.add_class("cg-saved")
        for t, button in self.tags.items():
            button.add_class(f"cg-tag-{t}")
        for b, css in ((self.up, "cg-up"), (self.down, "cg-down"), (self.skip, "cg-skip")):
            b.add_class(css)
        self.show_state()

    def show_entry(self) -> None:
        """Show the entry's values again (after another editor's changes were merged in); writes nothing."""
        answer = self.entry.get("answer")
        self.answer.value = ("Yes" if answer else "No") if isinstance(answer, bool) else str(answer or "")
        for tag, button in self.tags.items():
            button.value = tag in (self.entry.get("tags") or [])
        self.share.value = self.entry.get("share") is True
        if self.emotion is not None:
            self.emotion.show()
        self.show_state()

    def _on_share(self, change: dict[str, Any]) -> None:
        self.show_share()
        self.form.write(self, "share", bool(change["new"]))

    def show_share(self) -> None:
        """The share toggle says its state in colour and with a tick."""
        self.share.button_style = "success" if self.share.value else ""
        self.share.icon = "check" if self.share.value else ""

    def _on_tag(self, change: dict[str, Any]) -> None:
        change["owner"].button_style = "info" if change["new"] else ""
        self.form.write(self, "tags", self.selected_tags())

    @property
    def skipped(self) -> bool:
        """Whether the question is skipped (its entry says ``skipped: true``)."""
        return self.entry.get("skipped") is True

    @property
    def waiting(self) -> bool:
        """An Implication question whose problem the person has not raised (and with no answer yet).

        It is not shown and not counted: an Implication question builds on a problem the person
        stated, and asking it otherwise presumes the problem. It stays in the file unanswered.
        """
        return mentioned_in(self.form.bank, self.form.answers, self.entry) == [] and not said(self.entry)

    def show_state(self) -> None:
        """Show the question (struck through when skipped) and the tag colours.

        An Implication question that builds on a problem shows what the person said about it
        ("You mentioned: ..."); while no problem it builds on was raised, the row is hidden.
        """
        head = f"<b>{html.escape(self.text)}</b>" + (" <small>(listening question)</small>" if self.listening else "")
        mentioned = mentioned_in(self.form.bank, self.form.answers, self.entry)
        if mentioned:
            head = ("<i>You mentioned: " + " / ".join(f"&ldquo;{html.escape(m)}&rdquo;" for m in mentioned)
                    + "</i><br>" + head)
        self.box.layout.display = "none" if self.waiting else None
        if self.follow_up:
            head += f"<br><i>Follow-up: {html.escape(self.follow_up)}</i>"
        self.label.value = f"<s>{head}</s> <small>(skipped)</small>" if self.skipped else head
        self.answer.disabled = self.skipped
        self.skip.description = "Restore" if self.skipped else "Skip"
        self.skip.tooltip = ("Ask this question after all" if self.skipped
                             else "Not asking this one: it stays in the file, with anything typed")
        for button in self.tags.values():
            button.button_style = "info" if button.value else ""
        self.show_share()

    def mark_saved(self) -> None:
        """Show, beside the controls, that this answer has just been written to the file."""
        self.saved.value = f"<small style='color:#2e7d32'>\u2713 saved {clock()}</small>"

    def mark_unsaved(self, reason: str | None) -> None:
        """Show, beside the controls, in red, that this answer did not reach the file."""
        self.saved.value = (f"<small class='cg-not-saved' style='color:#c62828;font-weight:bold'>NOT SAVED \u2014 "
                            f"{html.escape(reason or 'unknown error')}</small>")

    def selected_tags(self) -> list[str]:
        """Tags switched on, in the canonical order."""
        return [t for t, b in self.tags.items() if b.value]

    def close(self) -> None:
        """Close every widget of the row (when its entry leaves the form)."""
        if self.emotion is not None:
            self.emotion.close()
        for widget in (self.label, self.answer, *self.tags.values(), self.share, self.up, self.down, self.skip,
                       self.saved, *self.box.children[2:], self.box):
            widget.close()


def transcript(form: RowHost) -> str:
    """A read-only HTML view of an interview form's file as it stands (shown without a browser).

    Internal notes are not repeated here: this view is stored in the notebook's outputs.
    """
    d = form.doc.data
    head = " \u00b7 ".join(html.escape(str(x)) for x in (d.get("interviewee"), d.get("role"), d.get("team"),
                                                            d.get("level"), d.get("influence"), d.get("date")) if x)
    items = []
    for e in form.answers:
        if not isinstance(e, dict):
            continue
        text, _, spin, _ = form.describe(e)
        state = ("skipped" if e.get("skipped")
                 else ", ".join(e.get("tags") or []) + (" \u00b7 shared" if e.get("share") else ""))
        items.append(f"<li><b>{html.escape(text)}</b> "
                     f"<small>({html.escape(spin or 'unsorted')}; {html.escape(state)})</small>"
                     f"<br>{html.escape(str(e.get('answer') or DASH))}</li>")
    # the notes stay in the file only: this view is saved with the notebook's outputs
    notes = "kept in the interview file" if str(d.get("internal_notes") or "").strip() else DASH
    return (f"<div class='interview-transcript'><p><b>{head}</b> "
            f"(file: interviews/{html.escape(form.path.name)})</p>"
            f"<ol>{''.join(items)}</ol><p><i>Internal notes:</i> {notes}</p></div>")


def person_of(folder: Path, name: str) -> dict[str, Any]:
    """The entry of ``engagement.yaml`` stakeholders named ``name`` (any case), or ``{}``."""
    data, _ = read_yaml(folder / "engagement.yaml", "engagement.yaml")
    people = data.get("stakeholders") if isinstance(data, dict) else None
    for p in people if isinstance(people, list) else []:
        if isinstance(p, dict) and str(p.get("name") or "").strip().casefold() == name.strip().casefold():
            return p
    return {}
