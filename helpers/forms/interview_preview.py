"""What the handout's "Voice of the teams" section would show from the interviews on file so far.

Shown under the interview form of notebook 01 (re-run the cell to refresh it). Never writes.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import ipywidgets as w

from helpers.fileio import read_yaml


def preview(engagement: str | os.PathLike[str]) -> Any:
    """The handout's "Voice of the teams" section from the interviews on file so far.

    Returns the :class:`~helpers.report.Section` (shared answers only), or an HTML widget listing
    the problems that stop the interviews from loading.
    """
    from helpers.engagement.interviews import read_interviews
    from helpers.analysis.discovery import synthesize
    from helpers.report.voice import voice
    from helpers.results import results_with

    folder = Path(engagement)
    if not folder.is_dir():  # the form above already named the wrong path
        return w.HTML("<i>No preview: see the message about the engagement folder above.</i>")
    interviews, problems = read_interviews(folder)
    errors = [p for p in problems if p.is_error]
    if errors:
        lines = "".join(f"<li>{html.escape(str(p))}</li>" for p in errors)
        return w.HTML(f"<b>Some interview files need fixing before the preview:</b><ul>{lines}</ul>")
    data, _ = read_yaml(folder / "engagement.yaml", "engagement.yaml")
    people = data.get("stakeholders") if isinstance(data, dict) else None
    return voice(results_with(discovery=synthesize(interviews, people if isinstance(people, list) else [])))
