"""Common Ground: a Jupyter workbook for aligning a client's Sales and Marketing teams.

The package holds all logic; the notebooks in ``notebooks/`` only call it and display.
Data flows one way: engagement folder -> :mod:`helpers.engagement` (load, validate) ->
analyses (:mod:`helpers.survey`, :mod:`helpers.discovery`, :mod:`helpers.journey`,
:mod:`helpers.funnel`, :mod:`helpers.plan`, :mod:`helpers.waves`) -> :mod:`helpers.results`
(one JSON-serialisable results dict) -> :mod:`helpers.charts` / :mod:`helpers.report` ->
:mod:`helpers.render` (papermill + nbconvert) -> :mod:`helpers.cli`.
"""

from __future__ import annotations

import time
from pathlib import Path

__version__ = "0.1.0"

#: When this process imported the package: source files changed after it are not the code running.
IMPORTED_AT = time.time()

#: Root of the project checkout (the folder holding ``templates/`` and ``notebooks/``).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Editable content: instrument, question bank, playbook, journey template, handout template, demos.
TEMPLATES = PROJECT_ROOT / "templates"
#: The workflow notebooks.
NOTEBOOKS = PROJECT_ROOT / "notebooks"
