"""Who is this person? Asked in the interview form before any question for someone not on the stakeholder list.

Part of :mod:`helpers.forms.interview`. The question bank has a question set per audience
(sales leader, salesperson, marketer, customer success, technical buyer, customer, executive,
...). For a person on ``engagement.yaml``'s stakeholder list the set follows from their team and
level; for anyone else the form asks, so nobody silently gets the questions for a salesperson.
The choice is saved in the interview file (``audience``), with the team and level it implies.
"""

from __future__ import annotations

import html
from typing import Any, Callable

import ipywidgets as w

from helpers.content.question_bank import QuestionBank
from helpers.forms.common import AutosaveDocument
from helpers.vocabulary import LEVELS

#: Team and level that go with an audience chosen for someone not on the stakeholder list.
AUDIENCE_TEAMS: dict[str, tuple[str, str | None]] = {
    "sales_leader": ("sales", "leader"), "salesperson": ("sales", "staff"),
    "marketing_leader": ("marketing", "leader"), "marketer": ("marketing", "staff"),
    "executive": ("executive", "leader"), "customer_success": ("other", None),
    "technical_buyer": ("other", None), "customer": ("other", None)}


def needs_audience(data: dict[str, Any], bank: QuestionBank) -> bool:
    """Whether an interview must first be told who the person is: no known audience and no questions yet."""
    answers = data.get("answers")
    return data.get("audience") not in bank.audiences and not any(
        isinstance(e, dict) for e in (answers if isinstance(answers, list) else []))


class AudienceQuestion:
    """The "who is this person?" panel: one radio button per audience of the question bank.

    Parameters
    ----------
    bank : QuestionBank
        Its audiences are the choices, with the bank's labels.
    on_choice : callable
        Called with the audience id the consultant picks.

    Attributes
    ----------
    choice : ipywidgets.RadioButtons
        The audiences (no choice until the consultant picks one).
    box : ipywidgets.VBox
        What the form shows (hidden once an audience is known).
    """

    def __init__(self, bank: QuestionBank, on_choice: Callable[[str], None]) -> None:
        self.bank = bank
        self.choice = w.RadioButtons(options=[(v, k) for k, v in bank.audiences.items()], value=None,
                                     layout=w.Layout(width="auto"))
        self.text = w.HTML()
        self.box = w.VBox([self.text, self.choice],
                          layout=w.Layout(border="2px solid #1565c0", padding="4px 8px", margin="4px 0"))
        self.box.add_class("cg-ask-audience")
        self.quiet = False
        self.choice.observe(lambda ch: None if self.quiet or ch["new"] is None else on_choice(ch["new"]), "value")

    def show(self, data: dict[str, Any], hide: tuple[w.Widget, ...]) -> bool:
        """Show the panel (hiding ``hide``: the questions) while the person's audience is unknown; whether shown."""
        ask = needs_audience(data, self.bank)
        if ask:
            name = html.escape(str(data.get("interviewee") or "This person"))
            self.text.value = (f"<b>{name} is not on the stakeholder list</b> of engagement.yaml. Who is this "
                               "person? The questions follow from your choice, which is saved in the "
                               "interview file.")
        else:
            self.quiet = True
            try:
                self.choice.value = None
            finally:
                self.quiet = False
        self.box.layout.display = None if ask else "none"
        for part in hide:
            part.layout.display = "none" if ask else None
        return ask

    @staticmethod
    def record(doc: AutosaveDocument, audience: str) -> None:
        """Write the team and level the chosen audience implies, unless the consultant already set them."""
        team, level = AUDIENCE_TEAMS.get(audience, ("other", None))

        def mutate(data: dict[str, Any]) -> None:
            if data.get("team") in (None, "", "other"):  # a team the consultant chose stays
                data["team"] = team
            if data.get("level") not in LEVELS:  # so does a level
                data["level"] = level
        doc.update(mutate)
