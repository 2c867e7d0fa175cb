"""The response rule (SLA) form of notebook 04: the ``sla:`` block of ``engagement.yaml``.

The fields are the ones :func:`helpers.engagement.sla.read_sla` reads: whether the rule is agreed or
only proposed, the response time, the clock it is counted on (calendar, or working hours on
working days, with a country's public holidays), and the attempts sales commits to. "Save rule"
checks the fields with the same reader the handout uses; with a problem, the messages appear under
the form and nothing is written. Saving rewrites only the ``sla:`` block, atomically: the rest of
``engagement.yaml``, its comments included, stays as the consultant wrote it.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

import ipywidgets as w

from helpers.engagement.sla import read_sla
from helpers.fileio import atomic_write_text, dump_yaml, read_text, read_yaml
from helpers.forms.common import wrong_engagement

FILE = "engagement.yaml"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: The ``sla:`` keys this form edits; any other key in the block is kept as written.
FIELDS = ("status", "response_hours", "clock", "working_hours", "working_days", "holiday_country", "attempts",
          "attempt_days")
#: How to fix each field on the form (the reader's hints speak the file's language: "write response_hours: 24").
FORM_HINTS = {"status": "choose proposed or agreed", "response_hours": "type the hours, e.g. 24",
              "clock": "choose calendar hours or working hours",
              "working_hours": "type them as from-to, e.g. 08:00-18:00", "working_days": "select at least one day",
              "holiday_country": "type a country code such as US, GB-ENG or DE, or leave it blank",
              "attempts": "type a whole number, e.g. 5", "attempt_days": "type the days, e.g. 14"}
#: The top-level ``sla:`` key and every indented, blank or comment line under it.
BLOCK = re.compile(r"^sla:[^\n]*\n(?:(?:[ \t]+[^\n]*|[ \t]*#[^\n]*|[ \t]*)\n)*", re.M)


def replace_block(text: str, block: str) -> str:
    """``text`` with its top-level ``sla:`` block replaced by ``block`` (appended when there is none)."""
    if not text.endswith("\n"):
        text += "\n"
    match = BLOCK.search(text)
    if match is None:
        return text + block
    return text[:match.start()] + block + text[match.end():]


class SlaForm:
    """Widgets for the ``sla:`` block; :meth:`save` checks and writes it."""

    def __init__(self, folder: Path, current: dict[str, Any]) -> None:
        self.folder = folder
        clock = current.get("clock") or "calendar"
        self.status = w.Dropdown(options=[("proposed (not yet agreed by both heads)", "proposed"),
                                          ("agreed by both heads", "agreed")],
                                 value="agreed" if current.get("status") == "agreed" else "proposed",
                                 description="Status")
        self.hours = w.FloatText(value=float(current.get("response_hours") or 24), description="Respond within (h)")
        self.clock = w.Dropdown(options=[("calendar hours (nights and weekends count)", "calendar"),
                                         ("working hours on working days", "business")],
                                value="business" if clock == "business" else "calendar", description="Clock")
        self.working_hours = w.Text(value=str(current.get("working_hours") or "08:00-18:00"),
                                    description="Working hours")
        days = current.get("working_days") or list(DAYS[:5])
        self.days = w.SelectMultiple(options=DAYS, value=tuple(d for d in days if d in DAYS),
                                     description="Working days", rows=7)
        self.country = w.Text(value=str(current.get("holiday_country") or ""), description="Holidays of",
                              placeholder="e.g. US, GB-ENG, DE (blank: none)")
        self.attempts = w.IntText(value=int(current.get("attempts") or 5), description="Attempts")
        self.attempt_days = w.IntText(value=int(current.get("attempt_days") or 14), description="within (days)")
        self.button = w.Button(description="Save rule", button_style="primary")
        self.message = w.HTML()
        self.button.on_click(lambda _: self.save())
        self.clock.observe(lambda _: self._show_business(), names="value")
        self.extra = {k: v for k, v in current.items() if k not in FIELDS}
        self.fields_shown = {"status": self.status, "response_hours": self.hours, "clock": self.clock,
                             "working_hours": self.working_hours, "working_days": self.days,
                             "holiday_country": self.country, "attempts": self.attempts, "attempt_days": self.attempt_days}
        #: One message line beside each field (empty until a save finds something wrong with it).
        self.notes = {key: w.HTML() for key in FIELDS}
        parts: list[w.Widget] = [w.HTML("<b>Response rule (SLA)</b>")]
        for key, widget in self.fields_shown.items():
            widget.style.description_width = "10em"  # whole labels and choices at 1280 px
            widget.layout.width = "34em"
            self.notes[key].add_class("cg-field-note")
            parts.append(w.HBox([widget, self.notes[key]], layout=w.Layout(align_items="center")))
        self.widget = w.VBox(parts + [w.HBox([self.button, self.message])])
        self._show_business()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        return self.widget._repr_mimebundle_(include=include, exclude=exclude)

    def _show_business(self) -> None:
        business = self.clock.value == "business"
        shown = "flex" if business else "none"
        for key in ("working_hours", "working_days", "holiday_country"):
            self.fields_shown[key].layout.display = shown
            self.notes[key].layout.display = shown
        # the numbers are counted on the clock: "within 14" means 14 working days (almost three weeks) on it
        self.hours.description = "Respond in (work h)" if business else "Respond within (h)"
        self.attempt_days.description = "within (work days)" if business else "within (days)"

    def fields(self) -> dict[str, Any]:
        """The ``sla:`` mapping the widgets describe (business-clock fields only on that clock)."""
        out: dict[str, Any] = {"status": self.status.value, "response_hours": self.hours.value,
                               "clock": self.clock.value}
        if self.clock.value == "business":
            out["working_hours"] = self.working_hours.value.strip()
            out["working_days"] = list(self.days.value)
            if self.country.value.strip():
                out["holiday_country"] = self.country.value.strip()
        out["attempts"] = self.attempts.value
        out["attempt_days"] = self.attempt_days.value
        return out

    def save(self) -> bool:
        """Check the fields as the handout would read them; write the block when they hold. True if written."""
        data = {**self.extra, **self.fields()}
        if float(data["response_hours"]).is_integer():
            data["response_hours"] = int(data["response_hours"])
        _, problems = read_sla(data)
        errors = [p for p in problems if p.is_error]
        for note in self.notes.values():
            note.value = ""
        if errors:
            loose = []
            for p in errors:  # beside the field it concerns, in the form's words
                key = str(p.field or "").removeprefix("sla.")
                if key in self.notes:
                    self.notes[key].value += (f"<span style='color:#b00020'>{html.escape(p.message)}; "
                                              f"{html.escape(FORM_HINTS[key])}</span> ")
                else:
                    loose.append(f"<li>{html.escape(p.message)}; {html.escape(p.hint)}</li>")
            self.message.value = ("<span style='color:#b00020'><b>Not saved:</b> see the message beside the "
                                  "field.</span>" + (f"<ul>{''.join(loose)}</ul>" if loose else ""))
            return False
        path = self.folder / FILE
        text, read_problems = read_text(path, FILE)
        if text is None:
            self.message.value = "<b>Not saved:</b> " + html.escape("; ".join(str(p) for p in read_problems))
            return False
        block = "# The response rule between marketing and sales, and the clock it is counted on.\n" + \
            dump_yaml({"sla": data})
        atomic_write_text(path, replace_block(text, block))
        words = "agreed" if data["status"] == "agreed" else "proposed (not yet agreed)"
        self.message.value = f"Saved: the rule is {words}; re-render the handout to measure against it."
        return True


def open_form(engagement: str | os.PathLike[str]) -> Any:
    """The SLA form for an engagement folder, or a message naming a wrong path (nothing is created)."""
    wrong = wrong_engagement(engagement)
    if wrong is not None:
        return wrong
    folder = Path(engagement)
    data, problems = read_yaml(folder / FILE, FILE)
    if not isinstance(data, dict):
        lines = "".join(f"<li>{html.escape(str(p))}</li>" for p in problems)
        return w.HTML(f"<b>Fix engagement.yaml before setting the rule (nothing was changed):</b><ul>{lines}</ul>")
    sla = data.get("sla")
    return SlaForm(folder, sla if isinstance(sla, dict) else {})
