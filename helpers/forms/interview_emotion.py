"""The customer guide's emotion field: how the customer said a part of the journey felt.

Part of the interview form (:mod:`helpers.forms.interview`). A question of the customer interview
guide that asks for it (``emotion: true`` in the question bank), and any question of an interview
with a customer, gets a picker on the journey map's scale (-2 very unhappy .. +2 delighted); a
question that names no journey stage of its own ("which moment felt best?") also gets a stage
picker. Both write through the form, so the value lands in the interview file at once, as
``emotion:`` and ``stage:`` of the answer, where :mod:`helpers.engagement.interviews` checks it.
"""

from __future__ import annotations

from typing import Any, Protocol

import ipywidgets as w

from helpers.content.question_bank import CUSTOMER_AUDIENCE, QuestionBank, journey_stage_ids
from helpers.forms.common import AutosaveDocument
from helpers.vocabulary import EMOTION_LABELS, emotion_label


class _Form(Protocol):
    """What the pickers need of the interview form: its bank, its file, and how it writes."""

    @property
    def bank(self) -> QuestionBank: ...

    @property
    def doc(self) -> AutosaveDocument: ...

    def write(self, row: Any, key: str, value: Any) -> None: ...


class EmotionRow(Protocol):
    """What the pickers need of a question row (:class:`helpers.forms.interview_widgets.QuestionRow`)."""

    @property
    def form(self) -> _Form: ...

    @property
    def entry(self) -> dict[str, Any]: ...

    @property
    def question_id(self) -> str: ...

#: The picker's choices: the journey map's scale in words, and "not recorded".
EMOTION_CHOICES: tuple[tuple[str, int | None], ...] = (("not recorded", None),
                                                       *((emotion_label(k), k) for k in EMOTION_LABELS))


def wants_emotion(row: EmotionRow) -> bool:
    """Whether a question row records the customer's emotion.

    True for a question of the bank marked ``emotion: true``, for any question of an interview
    with a customer (the consultant's own questions included), and for an answer whose file
    already holds an emotion.
    """
    q = row.form.bank.questions.get(row.question_id)
    return bool((q is not None and q.emotion) or row.form.doc.data.get("audience") == CUSTOMER_AUDIENCE
                or row.entry.get("emotion") is not None)


class EmotionControls:
    """The emotion picker (and, where the question names no stage, the stage picker) of one row.

    Parameters
    ----------
    row : EmotionRow
        The question row the pickers belong to; they write through its form.

    Attributes
    ----------
    emotion : ipywidgets.Dropdown
        The customer's emotion on the journey map's scale, or "not recorded".
    stage : ipywidgets.Dropdown
        The journey stage the answer is about; hidden when the question names its own stage.
    box : ipywidgets.HBox
        What the row shows under its controls.
    """

    def __init__(self, row: EmotionRow) -> None:
        self.row = row
        q = row.form.bank.questions.get(row.question_id)
        self.own_stage = q.journey_stage if q is not None else None
        stages = list(journey_stage_ids())
        recorded = row.entry.get("stage")
        if isinstance(recorded, str) and recorded and recorded not in stages:
            stages.append(recorded)  # a stage the engagement's own journey map adds
        self.emotion = w.Dropdown(options=list(EMOTION_CHOICES), description="Customer felt",
                                  layout=w.Layout(width="18em"))
        self.stage = w.Dropdown(options=[("which stage?", None), *((s.replace("_", " "), s) for s in stages)],
                                description="about", layout=w.Layout(width="16em"))
        hint = (f"stage: {self.own_stage.replace('_', ' ')}" if self.own_stage
                else "pick the stage the customer was talking about")
        self.note = w.HTML(f"<small>{hint}; saved with the answer and set beside the journey map</small>")
        self.stage.layout.display = "none" if self.own_stage else None
        self.box = w.HBox([self.emotion, self.stage, self.note],
                          layout=w.Layout(flex_flow="row wrap", align_items="center"))
        self.box.add_class("cg-emotion")
        self.emotion.add_class("cg-emotion-value")
        self.stage.add_class("cg-emotion-stage")
        self.show()
        self.emotion.observe(lambda ch: self._write("emotion", ch["new"]), "value")
        self.stage.observe(lambda ch: self._write("stage", ch["new"]), "value")

    def show(self) -> None:
        """Show the entry's emotion and stage (after a reload or another editor's change); writes nothing."""
        value = self.row.entry.get("emotion")
        self.emotion.value = value if value in EMOTION_LABELS and not isinstance(value, bool) else None
        stage = self.row.entry.get("stage")
        self.stage.value = stage if stage in [v for _, v in self.stage.options] else None

    def _write(self, key: str, value: Any) -> None:
        if value == self.row.entry.get(key) or (value is None and key not in self.row.entry):
            return  # showing the file's own value is not a change
        self.row.form.write(self.row, key, value)

    def close(self) -> None:
        """Close the pickers (when their row leaves the form)."""
        for widget in (self.emotion, self.stage, self.note, self.box):
            widget.close()


def emotion_controls(row: EmotionRow) -> EmotionControls | None:
    """The emotion pickers for a row that records the customer's emotion (see :func:`wants_emotion`), else None."""
    return EmotionControls(row) if wants_emotion(row) else None
