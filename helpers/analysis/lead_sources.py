"""Where leads come from: marketing-, sales-, partner- and other-sourced leads, pipeline and won revenue.

Pure and vectorised. Entry point: :func:`source_split`. Which CRM source values belong to which
kind is an input: the content's :class:`~helpers.content.lead_sources.LeadSourceMap` (defaults
for HubSpot's and Salesforce's values, overridden by ``engagement.yaml``) or a plain mapping.
Values are matched the way :func:`~helpers.content.lead_sources.source_key` matches them (case,
spaces, underscores and hyphens do not matter). A value the mapping does not name is not
guessed: its leads are counted as ``not_mapped`` and the values are listed in ``unmapped`` so the
consultant can add them; leads with no source value are ``not_mapped`` too (counted in ``blank``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypedDict

import numpy as np
import pandas as pd

from helpers.analysis.funnel_frame import as_float_array, reached
from helpers.content.lead_sources import LeadSourceMap, source_key
from helpers.vocabulary import LEAD_SOURCE_KINDS

__all__ = ["SOURCE_GROUPS", "SourceGroup", "SourceGroupName", "SourceSplit", "UnmappedSource", "source_split"]

SourceGroupName = Literal["marketing", "sales", "partner", "other", "not_mapped"]
#: The rows of a split: the four kinds of ``LEAD_SOURCE_KINDS``, then leads whose source is not mapped.
SOURCE_GROUPS: tuple[SourceGroupName, ...] = ("marketing", "sales", "partner", "other", "not_mapped")
#: Source cells (as :func:`source_key` gives them) that say nothing about where a lead came from.
_BLANK = ("", "unknown", "none", "n/a", "-")


class SourceGroup(TypedDict):
    """One group's leads, pipeline and won revenue (shares are fractions of all leads' totals)."""

    group: SourceGroupName
    sources: list[str]            # source values seen in this group, most leads first
    leads: int
    lead_share: float | None
    opportunities: int | None     # None: the export has no opportunity stage
    opportunity_share: float | None
    pipeline_amount: float | None # amounts of the group's opportunities (won ones included); None: no amounts
    won: int | None               # None: the export has no won stage
    won_revenue: float | None
    won_revenue_share: float | None


class UnmappedSource(TypedDict):
    source: str
    leads: int


class SourceSplit(TypedDict):
    """Result of :func:`source_split`."""

    available: bool
    reason: str | None
    groups: list[SourceGroup]     # marketing, sales, partner, other, not_mapped
    unmapped: list[UnmappedSource]  # values the mapping does not name (in not_mapped), most leads first
    blank: int                    # leads with no source value (in not_mapped)


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def source_split(frame: pd.DataFrame, mapping: LeadSourceMap | Mapping[str, str]) -> SourceSplit:
    """Leads, opportunities (pipeline) and won revenue by who sourced the lead.

    Parameters
    ----------
    frame : DataFrame
        The normalised funnel frame (``source``: the CRM's source value; ``"unknown"`` when blank).
    mapping : LeadSourceMap or mapping of str to str
        Source value -> ``marketing`` | ``sales`` | ``partner`` | ``other``.

    Returns
    -------
    SourceSplit
        ``available`` False with a ``reason`` when the export has no source values, or none of
        them is mapped to marketing, sales or partner.

    Raises
    ------
    ValueError
        When ``mapping`` names a kind other than the four (the readers validate user input).
    """
    lookup = dict(mapping.kinds) if isinstance(mapping, LeadSourceMap) else \
        {source_key(k): str(v) for k, v in mapping.items()}
    wrong = sorted(set(lookup.values()) - set(LEAD_SOURCE_KINDS))
    if wrong:
        raise ValueError(f"source kinds must be one of {LEAD_SOURCE_KINDS}, got {wrong}")
    empty: SourceSplit = {"available": False, "reason": None, "groups": [], "unmapped": [], "blank": 0}
    if "source" not in frame.columns:
        empty["reason"] = "the export has no source column"
        return empty
    # each distinct source value is stripped, keyed and mapped once; rows take their value's answers
    codes, variants = pd.factorize(frame["source"].fillna("").astype(str).to_numpy(dtype=object), use_na_sentinel=False)
    label_codes, found = pd.factorize(pd.Series(variants, dtype=object).str.strip().to_numpy(dtype=object),
                                      use_na_sentinel=False)
    labels = np.asarray(found, dtype=object)  # the stripped values, in the order they first appear
    row_label = np.asarray(label_codes)[codes]
    leads = np.bincount(row_label, minlength=len(labels))
    keys = pd.Series([source_key(u) for u in labels], dtype=object)
    blank_label = keys.isin(_BLANK).to_numpy()
    if blank_label.all():
        empty["reason"] = "no lead in the export has a source value"
        return empty
    mapped_label = keys.map(lookup).where(~blank_label)
    group_label = mapped_label.fillna("not_mapped").to_numpy(dtype=object)
    unmapped_label = (mapped_label.isna() & ~blank_label).to_numpy()
    blank = int(leads[blank_label].sum())
    if not np.isin(group_label, ["marketing", "sales", "partner"]).any():
        empty["reason"] = "no source value in the export is mapped to marketing, sales or partner"
        empty["unmapped"] = _unmapped(labels, leads, unmapped_label)
        empty["blank"] = blank
        return empty
    group = pd.Series(group_label[row_label], index=frame.index)
    reach = reached(frame)
    amount = pd.Series(as_float_array(frame["amount"]), index=frame.index) if "amount" in frame.columns \
        else pd.Series(float("nan"), index=frame.index)
    has_opp, has_won = "opportunity" in reach.columns, "won" in reach.columns
    has_amount = bool(amount.notna().any())  # no amounts in the export: amounts unknown, not 0
    opp = reach["opportunity"] if has_opp else pd.Series(False, index=frame.index)
    won = reach["won"] if has_won else pd.Series(False, index=frame.index)
    table = pd.DataFrame({"group": group, "lead": 1, "opp": opp.astype(int), "won": won.astype(int),
                          "pipeline": amount.where(opp, 0.0).fillna(0.0),
                          "revenue": amount.where(won, 0.0).fillna(0.0)})
    sums = table.groupby("group").sum(numeric_only=True).reindex(list(SOURCE_GROUPS), fill_value=0)
    rows: dict[str, dict[str, float]] = {str(g): {str(k): float(v) for k, v in r.items()}
                                         for g, r in sums.astype(float).to_dict(orient="index").items()}
    totals = {k: sum(r[k] for r in rows.values()) for k in ("lead", "opp", "revenue")}
    pairs = pd.DataFrame({"group": group_label, "source": np.where(blank_label, "", labels), "leads": leads})
    # what DataFrame.value_counts gives on the rows: (group, source) pairs sorted, then by leads, most first
    counts = pairs.groupby(["group", "source"])["leads"].sum().sort_values(ascending=False)
    groups: list[SourceGroup] = []
    for name in SOURCE_GROUPS:
        row = rows[name]
        seen = [str(src) for (g, src) in counts.index if g == name and src]
        groups.append({"group": name, "sources": seen, "leads": int(row["lead"]),
                       "lead_share": _share(row["lead"], totals["lead"]),
                       "opportunities": int(row["opp"]) if has_opp else None,
                       "opportunity_share": _share(row["opp"], totals["opp"]) if has_opp else None,
                       "pipeline_amount": round(float(row["pipeline"]), 2) if has_opp and has_amount else None,
                       "won": int(row["won"]) if has_won else None,
                       "won_revenue": round(float(row["revenue"]), 2) if has_won and has_amount else None,
                       "won_revenue_share": (_share(row["revenue"], totals["revenue"]) if has_won and has_amount
                                             else None)})
    return {"available": True, "reason": None, "groups": groups,
            "unmapped": _unmapped(labels, leads, unmapped_label), "blank": blank}


def _unmapped(labels: np.ndarray, leads: np.ndarray, mask: np.ndarray) -> list[UnmappedSource]:
    """The source values in ``mask`` with their leads, most first (ties: first seen first, as ``value_counts``)."""
    counts = pd.Series(leads[mask], index=pd.Index(labels[mask], dtype=object), name="count").sort_values(ascending=False)
    return [{"source": str(src), "leads": int(n)} for src, n in counts.items()]
