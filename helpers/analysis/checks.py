"""Checks for the consultant before a handout goes out (consultant-only warnings, pure).

* :func:`quoted_numbers` - shared quotes that give a number the CRM export can confirm or contradict;
* :func:`unnamed_owners` - planned actions whose owner nobody at the client fits yet;
* :func:`activities_after_export` - an activity log that runs past the funnel export.

Each returns plain sentences for ``results["warnings"]``; nothing here reaches the client.
"""

from __future__ import annotations

import re

import pandas as pd

from helpers.analysis.discovery import DiscoverySynthesis
from helpers.analysis.funnel import FunnelMetrics
from helpers.analysis.plan import PlanResult

__all__ = ["COUNTED", "activities_after_export", "quoted_numbers", "unnamed_owners"]


def unnamed_owners(plan: PlanResult) -> list[str]:
    """A consultant warning per planned action whose owner nobody at the client fits yet."""
    return [f"Name an owner for \u201c{p['title']}\u201d: no stakeholder's title in engagement.yaml fits "
            f"{p.get('owner_name')}; the handout says \u201cto be named\u201d until you pick someone in notebook 04 "
            "(Plan, Owner) or add the person to `stakeholders:`"
            for p in plan["plays"] if p.get("owner_found") is False]


#: A number next to a word the CRM export also counts: a claim to check against the export.
COUNTED = re.compile(r"(\d[\d,.]*\s*(?:%|percent|per ?cent)|\d[\d,.]*\s+(?:\w+\s+){0,2}?"
                     r"(?:leads?|MQLs?|SQLs?|SALs?|opportunit(?:y|ies)|deals?|customers?|scans?|enquiries|inquiries|"
                     r"calls?|demos?|days?|hours?)\b)", re.I)


def quoted_numbers(discovery: DiscoverySynthesis, funnel: FunnelMetrics) -> list[str]:
    """Shared quotes that give a number the export can confirm or contradict (consultant only).

    The handout prints the quote as said; the consultant checks it against the export's own counts
    (shown beside it) so a client does not read "412 badge scans" next to a table of 193 leads.
    """
    period = funnel["period"]
    counts = ", ".join(f"{s['count']:,} {s['label']}" for s in funnel["stages"])
    seen: set[str] = set()
    out = []
    for quote in [q for qs in discovery["quotes"].values() for q in qs] + discovery["implications"] + discovery["needs"]:
        hit = COUNTED.search(quote["text"])
        if hit is None or quote["text"] in seen:
            continue
        seen.add(quote["text"])
        out.append(f"A shared quote ({quote['team']}) gives a number to check against the data before the handout "
                   f"goes out: \u201c{hit.group(0)}\u201d in \u201c{quote['text'][:120]}\u201d. The export "
                   f"({period['start']} to {period['end']}) has {counts}.")
    return out


def activities_after_export(activities: pd.DataFrame | None, funnel: FunnelMetrics) -> list[str]:
    """A warning when the activity log holds activities dated after the funnel export's time.

    The two files were then exported at different times: attempts after the funnel's export time
    are outside every window counted, and leads created since are missing from the funnel. A date
    without a time of day counts as after only from the next day.
    """
    if activities is None or activities.empty or "activity_at" not in activities.columns:
        return []
    export = pd.Timestamp(funnel["export_time"]["at"])
    at = pd.to_datetime(activities["activity_at"])
    if at.dt.tz is not None and export.tzinfo is None:
        at = at.dt.tz_localize(None)
    date_only = bool(((at - at.dt.normalize()) == pd.Timedelta(0)).all())
    later = at[at.dt.normalize() > export.normalize()] if date_only else at[at > export]
    if later.empty:
        return []
    n = len(later)
    file = str(activities.attrs.get("file") or "the activity export")
    basis = "its latest date" if funnel["export_time"]["basis"] == "latest_date" else "set in engagement.yaml"
    return [f"{file}: {n} activit{'ies are' if n != 1 else 'y is'} dated after {export.strftime('%-d %B %Y')}, "
            f"the funnel export's time ({basis}), the latest on {later.max().strftime('%-d %B %Y')}: the two files "
            "were exported at different times. Attempts after the funnel's export time are not counted, and leads "
            "created since are not in the funnel. Export both files on the same day."]
