"""One call for the funnel measures of issue 13: speed to lead, conversion, references, money.

Pure. :func:`measure_funnel` runs :func:`~helpers.analysis.speed_to_lead.speed_to_lead`,
:func:`~helpers.analysis.conversion.conversion_steps`,
:func:`~helpers.analysis.conversion.compare_with_reference`,
:func:`~helpers.analysis.revenue.revenue_calculator` (when the SLA sets a revenue goal),
:func:`~helpers.analysis.revenue.money_at_stake` and
:func:`~helpers.analysis.lead_sources.source_split` (when a source mapping is given) on one
export, with one export time, and returns their typed results together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TypedDict

import pandas as pd

from helpers.analysis.conversion import ConversionSummary, ReferenceComparison, compare_with_reference, conversion_steps
from helpers.analysis.funnel_frame import export_time_of, to_timestamp
from helpers.analysis.lead_sources import SourceSplit, source_split
from helpers.analysis.revenue import AtStake, Deal, RevenueCalculator, deal_size, money_at_stake, revenue_calculator
from helpers.analysis.speed_to_lead import SpeedToLead, speed_to_lead
from helpers.content.lead_sources import LeadSourceMap
from helpers.engagement.sla import Sla

__all__ = ["FunnelMeasures", "measure_funnel"]


class FunnelMeasures(TypedDict):
    """Everything :func:`measure_funnel` computes (``None`` where the export or the settings cannot give it)."""

    export_time: str
    speed_to_lead: SpeedToLead | None          # None: no first_response_at column
    conversion: ConversionSummary
    reference: ReferenceComparison
    deal: Deal
    calculator: RevenueCalculator | None       # None: no revenue_goal in the SLA
    at_stake: AtStake
    sources: SourceSplit | None                # None: no source mapping given


def measure_funnel(frame: pd.DataFrame, sla: Sla, export_time: pd.Timestamp | dt.datetime | dt.date | str | None = None,
                   *, currency: str | None = None,
                   source_mapping: LeadSourceMap | Mapping[str, str] | None = None,
                   activities: pd.DataFrame | None = None, date_only: bool | None = None) -> FunnelMeasures:
    """The issue-13 funnel measures of one export.

    Parameters
    ----------
    frame : DataFrame
        The normalised funnel frame (:func:`helpers.engagement.funnel.read_funnel`).
    sla : Sla
        The engagement's rule and clock (:func:`helpers.engagement.sla.read_sla`); its
        ``revenue_goal``, ``average_deal_size`` and ``period_months`` (default 12) drive the calculator.
    export_time : Timestamp, datetime, date or str, optional
        When the export was taken; default the latest date in the frame.
    currency : str, optional
        ``engagement.yaml`` ``currency:``, carried into every amount.
    source_mapping : LeadSourceMap or mapping of str to str, optional
        Source value -> ``marketing`` | ``sales`` | ``partner`` | ``other`` (the content's defaults
        overridden by ``engagement.yaml``).
    activities : DataFrame, optional
        One row per contact attempt (``lead_id``, ``activity_at``), for attempts within the window.
    date_only : bool, optional
        Force (or rule out) reading the response column as dates only; default: detected.
    """
    found = to_timestamp(export_time) if export_time is not None else export_time_of(frame)
    export = found if found is not None else pd.Timestamp("1970-01-01")  # no dates: the frame has no leads
    speed = speed_to_lead(frame, sla.clock, sla, export, date_only=date_only, activities=activities)
    conversion = conversion_steps(frame, export)
    deal = deal_size(frame, sla.average_deal_size, currency)
    calculator = None
    if sla.revenue_goal:
        calculator = revenue_calculator(frame, sla.revenue_goal, sla.period_months or 12, currency,
                                        sla.average_deal_size, conversion=conversion, export_time=export)
    return {"export_time": export.isoformat(), "speed_to_lead": speed, "conversion": conversion,
            "reference": compare_with_reference(conversion), "deal": deal, "calculator": calculator,
            "at_stake": money_at_stake(speed, conversion, deal, calculator),
            "sources": source_split(frame, source_mapping) if source_mapping is not None else None}
