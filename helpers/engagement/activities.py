"""Read an activity export (``activities.csv`` / ``activities.xlsx``): one row per contact attempt.

A funnel export says when a lead was created, qualified and answered; how persistently sales
followed up is in the CRM's activity log (calls, emails, meetings, tasks), exported separately.
With it, :func:`helpers.analysis.speed_to_lead.speed_to_lead` counts the attempts each lead got
inside the SLA's attempt window, from each attempt's own date. Without it, a lifetime
"number of activities" column says nothing about the window, and the handout says attempts are
not measured.

The layout (which headers hold the lead id, the date, the status and the type) is content:
``templates/activities.yaml``, with the engagement's ``activities: {columns: {...}}`` on top.
Rows whose status says the activity did not happen (a task not started, a cancelled meeting)
are left out; with ``activities: {types: [Call, Email]}`` only those types count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.content.activities import ACTIVITY_COLUMNS, REQUIRED_ACTIVITY_COLUMNS, load_activity_layout
from helpers.engagement.funnel_dates import (date_problems, day_month_order, ordered_formats, parse_dates,
                                              unread_cells)
from helpers.engagement.funnel_table import read_export_table
from helpers.problems import Problem, warning

ACTIVITY_FILES = ("activities.csv", "activities.xlsx")

#: Separators between several lead ids in one cell (HubSpot's associated contacts).
ID_SEPARATORS = r"\s*[;,|]\s*"


@dataclass(frozen=True)
class ActivitySettings:
    """``activities:`` in ``engagement.yaml``.

    Attributes
    ----------
    columns : dict of str to str
        Their header -> our column (``lead_id``, ``activity_at``, ``status``, ``type``), on top of
        the bundled layout.
    types : tuple of str
        Activity types that count as contact attempts (compared without case); empty: all.
    """

    columns: dict[str, str] = field(default_factory=dict)
    types: tuple[str, ...] = ()


def _choose_columns(headers: list[str], settings: ActivitySettings) -> dict[str, str]:
    """Our column -> the file's header that holds it (own mapping first, then the layout's order)."""
    layout = load_activity_layout()
    by_lower = {h.strip().lower(): h for h in headers}
    chosen: dict[str, str] = {}
    for theirs, ours in settings.columns.items():
        if theirs.strip().lower() in by_lower and ours not in chosen:
            chosen[ours] = by_lower[theirs.strip().lower()]
    for ours in ACTIVITY_COLUMNS:
        if ours in chosen:
            continue
        found = next((by_lower[name] for name in layout.columns[ours] if name in by_lower), None)
        if found is not None:
            chosen[ours] = found
    return chosen


def read_activities(folder: Path, settings: ActivitySettings | None = None,
                    lead_ids: pd.Series | None = None) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read the engagement's activity export.

    Parameters
    ----------
    folder : Path
        The engagement folder.
    settings : ActivitySettings, optional
        The engagement's own column names and counted types.
    lead_ids : Series, optional
        The funnel export's lead ids, as :func:`helpers.engagement.funnel.read_funnel` returns them
        (text without surrounding spaces): activities naming none of them are left out with one warning.

    Returns
    -------
    (frame, problems)
        ``(None, [])`` without an activity file. Otherwise one row per carried-out attempt:
        ``lead_id`` (str) and ``activity_at`` (datetime64, NaT never), plus ``type`` when the
        export has it; ``frame.attrs`` holds ``file``, ``columns`` (ours -> their header),
        ``left_out`` ({reason: rows}) and ``date_only`` (no cell has a time of day). Unreadable
        dates and missing columns are errors (frame None), all reported at once.
    """
    settings = settings or ActivitySettings()
    path = next((Path(folder) / n for n in ACTIVITY_FILES if (Path(folder) / n).exists()), None)
    if path is None:
        return None, []
    rel = path.name
    layout = load_activity_layout()
    names = {n for names in layout.columns.values() for n in names} | {k.strip().lower() for k in settings.columns}
    raw, problems, _info = read_export_table(path, rel, names)
    if raw is None:
        return None, problems or [Problem(rel, "the file is empty", "export the activities again or delete the file")]
    chosen = _choose_columns([str(c) for c in raw.columns], settings)
    unknown_ours = sorted(set(settings.columns.values()) - set(ACTIVITY_COLUMNS))
    for ours in unknown_ours:
        problems.append(Problem("engagement.yaml", f"activities column '{ours}' is not one of ours",
                                f"map their headers onto {', '.join(ACTIVITY_COLUMNS)}", field="activities.columns"))
    for ours in REQUIRED_ACTIVITY_COLUMNS:
        if ours not in chosen:
            known = ", ".join(f"'{n}'" for n in layout.columns[ours][1:5])
            what = "the lead or contact each activity belongs to" if ours == "lead_id" else "when each activity happened"
            problems.append(Problem(rel, f"no column gives {what}",
                                    f"export that column too (e.g. {known}), or name yours in engagement.yaml: "
                                    f"`activities: {{columns: {{Your header: {ours}}}}}`", field=ours))
    if any(p.is_error for p in problems):
        return None, problems

    cells = raw[chosen["activity_at"]].astype(str)
    ids = raw[chosen["lead_id"]].astype(str).str.strip()
    order, examples = day_month_order({chosen["activity_at"]: cells[~cells.str.match(r"^\s*\d{4}-")]})
    if order is None and len(examples) > 1:
        (_, at_day, cell_day), (_, at_month, cell_month) = examples["day"], examples["month"]
        problems.append(Problem(rel, f"dates are written day first in row {int(at_day) + 2} ('{cell_day}') and "
                                     f"month first in row {int(at_month) + 2} ('{cell_month}')",
                                "export again with one date format", field=chosen["activity_at"]))
        return None, problems
    parsed = parse_dates(cells.where(cells.str.strip().ne(""), ""), ordered_formats(list(layout.date_formats), order))
    bad = unread_cells(cells, parsed)
    if bad.any():
        problems += date_problems(cells, bad, rel, chosen["activity_at"], None, "2026-03-15 14:05")
        return None, problems

    left_out: dict[str, int] = {}
    keep = pd.Series(True, index=raw.index)
    no_id, no_date = ids.eq(""), parsed.isna()
    for reason, mask in (("no lead id", no_id), ("no date", no_date & ~no_id)):
        if mask.any():
            left_out[reason] = int(mask.sum())
            keep &= ~mask
    if "status" in chosen:
        status = raw[chosen["status"]].astype(str).str.strip().str.lower()
        planned = status.isin(layout.not_done) & keep
        if planned.any():
            left_out["not carried out (status)"] = int(planned.sum())
            keep &= ~planned
    types = {t.strip().lower() for t in settings.types}
    if types:
        if "type" not in chosen:
            problems.append(Problem(rel, "engagement.yaml lists the activity types that count, but the export "
                                         "has no type column", "export the activity type too, or remove "
                                         "`activities: types:` to count every activity", field="type"))
            return None, problems
        kind = raw[chosen["type"]].astype(str).str.strip().str.lower()
        other = ~kind.isin(types) & keep
        if other.any():
            left_out["another activity type"] = int(other.sum())
            keep &= ~other

    frame = pd.DataFrame({"lead_id": ids[keep], "activity_at": parsed[keep]})
    if "type" in chosen:
        frame["type"] = raw.loc[keep, chosen["type"]].astype(str).str.strip()
    split = frame["lead_id"].str.split(ID_SEPARATORS, regex=True)
    if bool(split.map(len).gt(1).any()):  # one call logged against two contacts is an attempt on each
        frame = frame.assign(lead_id=split).explode("lead_id", ignore_index=False)
        frame = frame[frame["lead_id"].ne("")]
    if lead_ids is not None:
        # which of the few ids the activities name the funnel has: one pass over a million funnel
        # ids against a small set (their hashes are cached), not a hash table of the million
        named = set(frame["lead_id"].unique().tolist()).intersection(lead_ids.to_numpy(dtype=object))
        stray = ~frame["lead_id"].isin(list(named))
        if stray.any():
            left_out["lead not in the funnel export"] = int(stray.sum())
            sample = ", ".join(f"'{v}'" for v in frame.loc[stray, "lead_id"].drop_duplicates().head(3))
            problems.append(warning(rel, f"{int(stray.sum())} activities name a lead the funnel export does not have "
                                         f"(e.g. {sample}); they are left out",
                                    "export activities and leads from the same CRM and period; the lead id must "
                                    "be the same in both files", field=chosen["lead_id"]))
            frame = frame[~stray]
    for reason in ("no lead id", "no date", "not carried out (status)", "another activity type"):
        if reason in left_out:
            problems.append(warning(rel, f"{left_out[reason]} rows left out: {reason}",
                                    "nothing to fix if that is right; only carried-out activities count as attempts"))
    stamps = frame["activity_at"]
    frame.attrs.update({"file": rel, "columns": chosen, "left_out": left_out,
                        "date_only": bool(len(stamps)) and bool(np.all(stamps.dt.normalize() == stamps))})
    return frame.reset_index(drop=True), problems
