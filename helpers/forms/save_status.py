"""The save indicator at the top of every capture form, with a front end that watches the kernel.

Python knows whether a write reached the file (``saving…``, ``saved 14:02:31``, ``NOT SAVED —
<reason>``, see :meth:`helpers.forms.common.AutosaveDocument.status_html`). Only the browser
knows whether the kernel still hears it: after a kernel restart the form still looks alive and
every keystroke goes nowhere. :class:`SaveStatus` is an `anywidget <https://anywidget.dev>`_
whose ES module (``static/save_status.js``) pings the kernel every two seconds through the
widget's comm and

* shows a red **NOT SAVED — kernel not answering** when no answer comes;
* keeps every text typed into the form in the browser (``localStorage``, keyed by the
  engagement file) until the kernel confirms that the form holds exactly that text and that
  it is written to the file;
* when the form is shown again (the notebook is run again after a restart), sends what was
  kept back to the kernel, which puts it into the same fields, where it is saved as usual;
  text that fits no field of the new form is offered for copying, never dropped;
* stamps every edit of a bound text box with the value it was typed on and keeps the box from
  taking another tab's text while its own edit is on its way (:mod:`helpers.forms.text_fields`),
  so the kernel merges an edit made on an older value instead of saving it over newer words.

Forms name their text fields with :meth:`SaveStatus.bind` (a ``cg-field-<id>`` class; a
:class:`~helpers.forms.text_fields.TrackedField` box is also listed in ``field_models``). The
widget also carries the forms' style sheet (``static/forms.css``): every form shows this widget
at its top, so the laptop layout (compact interview rows, the journey grid's frozen lane labels)
comes with it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, Callable

import anywidget
import ipywidgets as w
import traitlets

from helpers.forms.common import AutosaveDocument, Debouncer, clock
from helpers.forms.merge import Conflict, both_texts, extends
from helpers.forms.text_fields import TrackedField

STATIC = Path(__file__).parent / "static"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def field_id(*parts: Any) -> str:
    """A field name usable in a CSS class (``answer``, ``p1`` -> ``answer--p1``)."""
    return "--".join(_UNSAFE.sub("_", str(p)) for p in parts)


class SaveStatus(anywidget.AnyWidget):
    """Save state of one form's file, kernel watch and keystroke keeping in the browser.

    Parameters
    ----------
    doc : AutosaveDocument
        The document whose saves are shown.
    where : str
        The file as the consultant knows it (``interviews/ana-ruiz.yaml``).
    new, resumed : str, optional
        What to say before the first save (file not there yet / file read).

    Attributes
    ----------
    value : str
        The HTML shown (save state, then ``note``).
    note : str
        Extra HTML a form shows under the save state (hints, other files of the same name).
    storage_key : str
        The browser-side key of the kept keystrokes (the file's absolute path).
    on_sync : callable or None
        Called after another editor's saved changes were taken in, so the form shows them.
    """

    _esm = STATIC / "save_status.js"
    #: The laptop layout of every capture form (compact interview rows, the journey grid's frozen labels).
    _css = STATIC / "forms.css"
    value = traitlets.Unicode("").tag(sync=True)
    state = traitlets.Unicode("new").tag(sync=True)
    storage_key = traitlets.Unicode("").tag(sync=True)
    #: field id -> model id of each bound :class:`TrackedField` (the front end stamps their edits)
    field_models = traitlets.Dict().tag(sync=True)

    def __init__(self, doc: AutosaveDocument, where: str, new: str | None = None,
                 resumed: str | None = None) -> None:
        super().__init__()
        self.doc, self.where, self.new, self.resumed = doc, where, new, resumed
        self.note = ""
        self.fields: dict[str, w.Widget] = {}
        #: fields whose box was closed with nothing in its place (a removed journey stage's cells)
        self.gone: set[str] = set()
        self.on_sync: Callable[[], None] | None = None
        self.debouncer: Debouncer | None = None
        #: Names a field both editors changed in the form's words (a question, a stage's KPI), not its file path.
        self.field_name: Callable[[Conflict], str] | None = None
        self.add_class("cg-status")
        self.on_msg(self._on_msg)
        self.attach(doc)

    def attach(self, doc: AutosaveDocument, where: str | None = None) -> None:
        """Show the state of ``doc`` (a form that switches to another file calls this)."""
        if self.refresh_from in getattr(self, "doc", doc).listeners:
            self.doc.listeners.remove(self.refresh_from)
        self.doc, self.where = doc, where or self.where
        self.storage_key = str(doc.path.resolve())
        doc.listeners.append(self.refresh_from)
        self.refresh()

    def refresh_from(self, doc: AutosaveDocument) -> None:
        """Listener of the document: show its new state."""
        self.refresh()

    def refresh(self) -> None:
        """Redraw the indicator from the document's state and the form's note."""
        d = self.doc
        if self.debouncer is not None and self.debouncer.busy and d.state != "error":
            text = f"<span class='cg-saving'>saving\u2026</span> <code>{html.escape(self.where)}</code>"
        elif d.state == "new" and self.new:
            text = self.new
        elif d.state == "resumed" and self.resumed and d.merged is None:
            text = self.resumed
        else:
            text = d.status_html(self.where, self.field_name)
        self.state = d.state
        self.value = text + (f"<br>{self.note}" if self.note else "")

    def watch(self, debouncer: Debouncer) -> None:
        """Show "saving…" while ``debouncer`` holds a write back until typing pauses."""
        self.debouncer = debouncer
        debouncer.on_change = self.refresh

    def say(self, note: str) -> None:
        """Show ``note`` (HTML) under the save state until the next note."""
        self.note = note
        self.refresh()

    def bind(self, widget: w.Widget, *parts: Any) -> str:
        """Name a text widget of the form (its typing is kept in the browser until saved); its field id."""
        fid = field_id(*parts)
        for css in list(getattr(widget, "_dom_classes", ())):
            if css.startswith("cg-field-"):
                widget.remove_class(css)
        widget.add_class(f"cg-field-{fid}")
        old = self.fields.get(fid)
        if isinstance(old, TrackedField) and isinstance(widget, TrackedField):
            old.replaced_by(widget)  # an edit still on its way to the old box lands in this one
        self.fields[fid] = widget
        self.gone.discard(fid)
        if isinstance(widget, TrackedField) and self.field_models.get(fid) != widget.model_id:
            self.field_models = {**self.field_models, fid: widget.model_id}
        return fid

    def forget_closed(self) -> list[str]:
        """Forget the fields whose box was closed (a form removed them); their field ids.

        Text the browser still keeps for such a field (an edit that was on its way when the
        field was removed) is answered as *missing* at the next ping, so the browser offers it
        for copying instead of writing it anywhere.
        """
        closed = [fid for fid, widget in self.fields.items() if getattr(widget, "comm", None) is None]
        for fid in closed:
            del self.fields[fid]
        self.gone.update(closed)
        if any(fid in self.field_models for fid in closed):
            self.field_models = {fid: mid for fid, mid in self.field_models.items() if fid not in closed}
        return closed

    # ------------------------------------------------------------------ messages from the browser
    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("type") != "ping":
            return
        if self.debouncer is not None:
            self.debouncer.flush()  # typing waiting for its pause is written (and merged) before another tab's text comes in
        if self.doc.sync() and self.on_sync is not None:
            self.on_sync()
        raw = content.get("fields")
        sent: dict[str, Any] = raw if isinstance(raw, dict) else {}
        restore = set(content.get("restore") or []) & set(sent)
        missing: list[str] = sorted(self.gone & set(sent))
        placed: dict[str, str] = {}
        for fid in restore:
            widget = self.fields.get(fid)
            if widget is None or getattr(widget, "comm", None) is None:
                missing.append(fid)
                continue
            current, kept = str(widget.value or ""), str(sent[fid])
            if current != kept:
                widget.value = kept if extends(kept, current) else both_texts(current, kept, clock())
            placed[fid] = str(widget.value or "")
        clean = not self.doc.dirty and not (self.debouncer is not None and self.debouncer.busy)
        confirmed = {fid: text for fid, text in sent.items()
                     if clean and fid in self.fields and str(self.fields[fid].value or "") == str(text)}
        self.send({"type": "pong", "t": content.get("t"), "confirmed": confirmed, "missing": sorted(set(missing)),
                   "placed": placed, "state": self.doc.state})
