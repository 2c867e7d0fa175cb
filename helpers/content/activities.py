"""Loader of the activity-export layout (``templates/activities.yaml``).

An activity export has one row per call, email, meeting or task logged against a lead. The
template lists, for each of our columns (``lead_id``, ``activity_at``, ``status``, ``type``), the
header names the bundled CRMs use, the status values that mean "not carried out" and the date
formats tried. :func:`read_activity_layout` validates it like client data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import TEMPLATES
from helpers.content.errors import cached_loader
from helpers.fileio import read_yaml
from helpers.problems import Problem

DEFAULT_ACTIVITY_LAYOUT = TEMPLATES / "activities.yaml"

#: Our columns of an activity export; the first two are required in every export.
ACTIVITY_COLUMNS = ("lead_id", "activity_at", "status", "type")
REQUIRED_ACTIVITY_COLUMNS = ("lead_id", "activity_at")


@dataclass(frozen=True)
class ActivityLayout:
    """How activity exports are read.

    Attributes
    ----------
    columns : dict of str to tuple of str
        Our column -> header names that hold it (lower case, in order of preference).
    not_done : frozenset of str
        Status values (lower case) of activities that did not happen (yet).
    date_formats : tuple of str
        strptime formats tried on the date cells.
    """

    columns: dict[str, tuple[str, ...]]
    not_done: frozenset[str]
    date_formats: tuple[str, ...]


def _texts(value: Any, rel: str, where: str, problems: list[Problem]) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, (str, int)) for v in value):
        problems.append(Problem(rel, f"'{where}' must be a non-empty list of texts",
                                "write it as `[First name, Second name]`", field=where))
        return []
    return [str(v).strip() for v in value]


def read_activity_layout(path: Path) -> tuple[ActivityLayout | None, list[Problem]]:
    """Read and validate an activity layout file.

    Parameters
    ----------
    path : Path
        ``templates/activities.yaml`` or a replacement with the same shape.

    Returns
    -------
    (layout, problems)
        ``layout`` is None when any problem is an error.
    """
    rel = f"templates/{Path(path).name}"
    data, problems = read_yaml(Path(path), rel)
    if data is None:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(rel, "must be a mapping with columns, not_done and date_formats",
                              "restore the bundled file from the repository")]
    for key in data:
        if key not in ("columns", "not_done", "date_formats"):
            problems.append(Problem(rel, f"unknown key '{key}'", "keep columns, not_done and date_formats",
                                    field=str(key)))
    columns_in = data.get("columns")
    columns: dict[str, tuple[str, ...]] = {}
    if not isinstance(columns_in, dict):
        problems.append(Problem(rel, "'columns' must map each of our columns to header names",
                                f"give {', '.join(ACTIVITY_COLUMNS)}", field="columns"))
    else:
        for ours in ACTIVITY_COLUMNS:
            if ours not in columns_in:
                problems.append(Problem(rel, f"column '{ours}' has no header names",
                                        "list the headers that hold it", field=f"columns.{ours}"))
                continue
            columns[ours] = tuple(n.lower() for n in _texts(columns_in[ours], rel, f"columns.{ours}", problems))
        for ours in columns_in:
            if ours not in ACTIVITY_COLUMNS:
                problems.append(Problem(rel, f"unknown column '{ours}'", f"use {', '.join(ACTIVITY_COLUMNS)}",
                                        field=f"columns.{ours}"))
        seen: dict[str, str] = {}
        for ours, names in columns.items():
            for name in names:
                if name in seen and seen[name] != ours:
                    problems.append(Problem(rel, f"header '{name}' is listed for both {seen[name]} and {ours}",
                                            "list each header under one column", field=f"columns.{ours}"))
                seen.setdefault(name, ours)
    not_done = _texts(data.get("not_done"), rel, "not_done", problems)
    formats = _texts(data.get("date_formats"), rel, "date_formats", problems)
    if any(p.is_error for p in problems):
        return None, problems
    return ActivityLayout(columns=columns, not_done=frozenset(v.lower() for v in not_done),
                          date_formats=tuple(formats)), problems


#: The bundled layout, cached until the file changes.
load_activity_layout = cached_loader(read_activity_layout, DEFAULT_ACTIVITY_LAYOUT)
