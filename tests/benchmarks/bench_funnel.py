"""Benchmark: funnel metrics on 1,000,000 synthetic leads (printed, not asserted).

Run ``python tests/benchmarks/bench_funnel.py [n]``; ``make bench`` calls :func:`main`.
The target from issue 5 is under 5 seconds on a 2-core machine.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from helpers.content.crm import load_crm
from helpers.engagement.funnel_dates import parse_dates
from helpers.analysis.funnel import metrics


def synthetic_funnel(n: int = 1_000_000, seed: int = 0) -> pd.DataFrame:
    """A normalised funnel frame (as :func:`helpers.funnel.read_funnel` returns) with ``n`` leads.

    Conversion probabilities roughly follow the vendor-quoted ranges; stage gaps are random hours.
    """
    rng = np.random.default_rng(seed)
    start = np.datetime64("2025-01-01T00:00")
    created = start + rng.integers(0, 365 * 24 * 60, n).astype("timedelta64[m]")
    frame = pd.DataFrame({"lead_id": pd.array(np.char.add("L", np.arange(n).astype(str)), dtype="str"),
                          "source": pd.array(rng.choice(["web", "events", "paid", "partner", "outbound"], n), dtype="str"),
                          "created_at": created})
    alive = np.ones(n, dtype=bool)
    prev = created
    for stage, p, hours in (("mql", 0.2, 48), ("sal", 0.5, 24), ("sql", 0.6, 72), ("opportunity", 0.7, 120), ("won", 0.3, 600)):
        alive &= rng.random(n) < p
        when = prev + (rng.exponential(hours, n) * 60).astype("timedelta64[m]")
        frame[f"{stage}_at"] = pd.Series(when).where(alive)
        prev = when
    mql = frame["mql_at"].notna().to_numpy()
    answered = mql & (rng.random(n) < 0.8)
    frame["first_response_at"] = (frame["mql_at"] + pd.to_timedelta(rng.exponential(30, n), unit="h")).where(answered)
    frame["lost_at"] = (frame["mql_at"] + pd.Timedelta(days=30)).where(mql & frame["won_at"].isna() & (rng.random(n) < 0.5))
    frame["amount"] = np.where(frame["won_at"].notna(), rng.normal(20000, 5000, n).round(), np.nan)
    frame["rejected"] = False
    return frame


def main(n: int = 1_000_000) -> float:
    """Build ``n`` synthetic leads, time :func:`helpers.funnel.metrics` and print the result.

    Also times :func:`helpers.funnel.parse_dates` on ``n`` creation dates written the way a
    HubSpot export writes them (the vectorised part of reading an export).
    """
    frame = synthetic_funnel(n)
    t0 = time.perf_counter()
    result = metrics(frame, {"response_hours": 24, "revenue_goal": 2_000_000})
    elapsed = time.perf_counter() - t0
    print(f"funnel metrics: {n:,} leads in {elapsed:.2f} s (target < 5 s); "
          f"MQL->SAL {result['rates'].get('mql_sal')}, within SLA {result['response']['share_within_sla']}")
    text = frame["created_at"].dt.strftime("%Y-%m-%d %H:%M").astype("str")
    t0 = time.perf_counter()
    parse_dates(text, load_crm("hubspot")[0]["date_formats"])
    print(f"date parsing: {n:,} HubSpot dates in {time.perf_counter() - t0:.2f} s")
    return elapsed


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
