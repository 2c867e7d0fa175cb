"""The "Add a question" panel of the interview form: the consultant's own question, or one of the bank.

Part of :mod:`helpers.forms.interview`. An own question goes to the SPIN tab that is open unless
another SPIN type is chosen; its topic is optional. A question of the bank (any audience) goes to
the end of its SPIN tab. Both are written to the interview file at once.
"""

from __future__ import annotations

from typing import Any, Protocol

import ipywidgets as w

from helpers.content.question_bank import QuestionBank
from helpers.forms.common import AutosaveDocument, chosen, prompt_options
from helpers.forms.interview_widgets import QuestionRow, entry_for
from helpers.forms.save_status import SaveStatus


class AdderHost(Protocol):
    """What the panel needs of the interview form."""

    @property
    def doc(self) -> AutosaveDocument: ...

    @property
    def bank(self) -> QuestionBank: ...

    @property
    def answers(self) -> list[Any]: ...

    @property
    def tabs(self) -> w.Tab: ...

    @property
    def tab_spins(self) -> list[str | None]: ...

    @property
    def status(self) -> SaveStatus: ...

    def rebuild(self) -> None: ...

    def row(self, question_id: str) -> QuestionRow: ...


class QuestionAdder:
    """Widgets and actions of the "Add a question" panel (``box`` is what the form shows)."""

    def __init__(self, form: AdderHost) -> None:
        self.form = form
        bank = form.bank
        self.new_question = w.Text(description="Question", layout=w.Layout(width="50%"))
        self.new_spin = w.Dropdown(options=[(v, k) for k, v in bank.spin_types.items()], value="problem",
                                   layout=w.Layout(width="12em"))
        self.new_dimension = w.Dropdown(options=prompt_options("topic (optional)",
                                                               [(v, k) for k, v in bank.dimensions.items()]),
                                        layout=w.Layout(width="16em"))
        self.add_button = w.Button(description="Add question")
        self.bank_choice = w.Dropdown(description="From bank", layout=w.Layout(width="70%"))
        self.add_bank_button = w.Button(description="Add")
        self.add_button.on_click(lambda _: self.add_own())
        self.add_bank_button.on_click(lambda _: self.add_from_bank(chosen(self.bank_choice.value)))
        self.box = w.VBox([
            w.HTML("<b>Add a question</b>"),
            w.HBox([self.new_question, self.new_spin, self.new_dimension, self.add_button],
                   layout=w.Layout(flex_flow="row wrap")),
            w.HBox([self.bank_choice, self.add_bank_button])])

    def offer_bank(self) -> None:
        """Offer every question of the bank not asked yet, after a visible prompt."""
        asked = {str(e.get("question")) for e in self.form.answers if isinstance(e, dict)}
        self.bank_choice.options = prompt_options("\u2014 pick a question of the bank \u2014", [
            (q.text[:90], q.id) for q in self.form.bank.questions.values() if q.id not in asked])

    def follow_tab(self, change: dict[str, Any]) -> None:
        """A question added while a tab is open goes to that tab unless another SPIN type is chosen."""
        index = change["new"]
        if index is not None and index < len(self.form.tab_spins) and self.form.tab_spins[index]:
            self.new_spin.value = self.form.tab_spins[index]

    def add_own(self) -> QuestionRow | None:
        """Add the consultant's own question from ``new_question`` (with its SPIN type and topic)."""
        form = self.form
        text = self.new_question.value.strip()
        if not text:
            form.status.say("<b>Type your question first, then click Add question.</b>")
            return None
        taken = {str(e.get("question")) for e in form.answers if isinstance(e, dict)}
        n = 1
        while f"custom_{n}" in taken:
            n += 1
        qid, topic = f"custom_{n}", chosen(self.new_dimension.value)
        form.doc.update(lambda data: data.setdefault("answers", []).append(
            entry_for(qid, text, spin=self.new_spin.value, **({"dimension": topic} if topic else {}))))
        self.new_question.value = ""
        form.rebuild()
        form.tabs.selected_index = form.tab_spins.index(self.new_spin.value)
        return form.row(qid)

    def add_from_bank(self, question_id: str | None) -> None:
        """Add a question of the bank (any audience) at the end of its SPIN tab."""
        if question_id and question_id in self.form.bank.questions:
            self.form.doc.update(lambda data: data.setdefault("answers", []).append(entry_for(question_id)))
            self.form.rebuild()
