"""What one render produced, and what it was asked for: light types shared by render, batch and CLI.

Kept apart from :mod:`helpers.render.handout` so that ``workbook batch``'s coordinating process
(which only hands out jobs, collects results and writes the portfolio) imports no pandas,
matplotlib, IPython or nbconvert: its workers do the rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.formatting import slugify
from helpers.problems import Problem


@dataclass(frozen=True)
class Extras:
    """The files a render writes besides the handout, its notebook and results.

    Parameters
    ----------
    pdf : bool
        ``<slug>.pdf``: the handout printed with headless Chromium.
    deck : bool
        ``<slug>.pptx``: the readout deck.
    sla : bool
        ``<slug>.sla.html``: the written SLA draft.
    xlsx : bool
        ``<slug>.xlsx``: the results workbook.
    deck_template : Path or None
        A ``.pptx`` whose theme the deck uses when the engagement names none (a portfolio-wide
        setting, ``--deck-template``); ``deck: {template: ...}`` in ``engagement.yaml`` wins.
    """

    pdf: bool = False
    deck: bool = False
    sla: bool = False
    xlsx: bool = False
    deck_template: Path | None = None


class DeckTemplateUnusable(Exception):
    """The deck template passed the checks on its name and package but python-pptx cannot use it."""


#: The file kind (``OUT/<slug>.<kind>``) of each working file, in the order they are written.
EXTRA_KINDS: dict[str, str] = {"deck": "pptx", "sla": "sla.html", "xlsx": "xlsx"}


@dataclass
class RenderResult:
    """What happened to one engagement.

    Parameters
    ----------
    slug : str
        File-name-safe name of the engagement folder.
    folder : Path
        The engagement folder.
    ok : bool
        True when the handout was written.
    problems : list of Problem
        Validation errors and warnings from loading the folder.
    outputs : dict of str to Path
        Files written: ``html``, ``ipynb``, ``json`` and ``pdf``; ``failed`` for the executed
        notebook of a report that raised.
    error : str or None
        One-line reason when not ok.
    client : str
        The client's display name (the folder name until it is known).
    stale : dict or None
        When the render wrote nothing new but ``OUT`` still holds this folder's previous set:
        that set's manifest (``written``, ``files``), kept unchanged and now out of date.
    note : str or None
        Why the slug carries a hash (another engagement has the same name), for the user.
    output_error : bool
        True when the output folder could not be written (full disk, read-only, not a folder).
    """

    slug: str
    folder: Path
    ok: bool
    problems: list[Problem] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    error: str | None = None
    client: str = ""
    stale: dict[str, Any] | None = None
    note: str | None = None
    output_error: bool = False


def slug_for(folder: Path) -> str:
    """The folder's name made safe for a file name (``"Acme & Co" -> "acme-co"``), before any
    collision hash (see :func:`helpers.render.outputs.assign_slugs`)."""
    return slugify(Path(folder).expanduser().resolve().name, "engagement")
