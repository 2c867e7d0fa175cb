"""Benchmark: speed to lead (business clock) + censoring-aware conversion on 1,000,000 leads.

Printed, not asserted. Run ``python -m tests.benchmarks.bench_speed_conversion [n]``; the target
(issue 13) is under 2 seconds for both together on 1,000,000 leads. Building the data and
importing scipy.stats (a one-off cost per process) are not timed.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import pandas as pd

from helpers.analysis.conversion import conversion_steps
from helpers.analysis.sla_clock import censored_median
from helpers.engagement.sla import SlaClock
from helpers.analysis.speed_to_lead import speed_to_lead
from tests.benchmarks.bench_funnel import synthetic_funnel

#: The clock timed: 08:00-18:00, Mon-Fri, London time, two holidays plus England's bank holidays.
CLOCK = SlaClock(clock="business", working_hours="08:00-18:00", holidays=(dt.date(2025, 12, 25), dt.date(2025, 12, 26)),
                 holiday_country="GB-ENG", timezone="Europe/London")
RULE = {"response_hours": 4, "attempts": 4, "attempt_days": 10, "status": "agreed"}


def timings(n: int = 1_000_000, seed: int = 0) -> dict[str, float]:
    """Seconds for :func:`speed_to_lead` and :func:`conversion_steps` on ``n`` synthetic leads.

    Returns
    -------
    dict
        ``{"speed_to_lead": s, "conversion_steps": s, "total": s}``.
    """
    frame = synthetic_funnel(n, seed)
    export = pd.Timestamp("2026-01-15 09:00")
    censored_median([1.0, 2.0], [True, False])  # import scipy.stats and build the clock's caches outside the timing
    t0 = time.perf_counter()
    speed_to_lead(frame, CLOCK, RULE, export)
    t1 = time.perf_counter()
    conversion_steps(frame, export)
    t2 = time.perf_counter()
    return {"speed_to_lead": t1 - t0, "conversion_steps": t2 - t1, "total": t2 - t0}


def main(n: int = 1_000_000) -> float:
    """Print the timings for ``n`` leads and return the total in seconds."""
    result = timings(n)
    print(f"speed to lead + conversion: {n:,} leads in {result['total']:.2f} s (target < 2 s; speed to lead "
          f"{result['speed_to_lead']:.2f} s, conversion {result['conversion_steps']:.2f} s)")
    return result["total"]


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
