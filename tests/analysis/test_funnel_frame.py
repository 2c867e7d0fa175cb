"""Reading the normalised funnel frame: stages reached, entry dates, date-only columns, shares."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis.funnel_frame import (closed, date_only_values, entered_at, export_time_of, months_between,
                                           proportion, reached, tracked_stages)


def frame() -> pd.DataFrame:
    """L1 skipped SAL (SQL on 10 Jan); L2 stopped at MQL and was lost; L3 only created."""
    ts = pd.to_datetime
    return pd.DataFrame({
        "lead_id": ["L1", "L2", "L3"],
        "created_at": ts(["2026-01-05 09:00", "2026-01-06 10:00", "2026-01-07 11:00"]),
        "mql_at": ts(["2026-01-05 12:00", "2026-01-06 12:00", None]),
        "sal_at": ts([None, None, None]),
        "sql_at": ts(["2026-01-10 09:00", None, None]),
        "lost_at": ts([None, "2026-01-20", None]),
    })


def test_a_skipped_stage_counts_as_reached_no_later_than_the_next_date() -> None:
    f = frame()
    assert tracked_stages(f) == ["created", "mql", "sal", "sql"]
    assert reached(f).sum().to_dict() == {"created": 3, "mql": 2, "sal": 1, "sql": 1}
    entry = entered_at(f)
    assert entry.loc[0, "sal"] == pd.Timestamp("2026-01-10 09:00")
    assert pd.isna(entry.loc[1, "sal"]) and pd.isna(entry.loc[2, "mql"])
    assert closed(f).tolist() == [False, True, False]


def test_date_only_means_every_value_at_midnight() -> None:
    assert date_only_values(pd.Series(pd.to_datetime(["2026-03-02", None, "2026-03-04"])))
    assert not date_only_values(pd.Series(pd.to_datetime(["2026-03-02 00:00", "2026-03-04 09:30"])))
    assert not date_only_values(pd.Series(pd.to_datetime([None, None])))


def test_export_time_period_and_shares() -> None:
    assert export_time_of(frame()) == pd.Timestamp("2026-01-20")
    assert months_between(pd.Timestamp("2026-01-01"), pd.Timestamp("2026-01-01") + pd.Timedelta(days=30.4375)) == 1.0
    assert proportion(0, 0) == {"count": 0, "n": 0, "share": None, "low": None, "high": None}
    share = proportion(2, 4)
    assert (share["share"], share["low"], share["high"]) == (0.5, 0.15, 0.85)
    assert np.isclose(proportion(4, 4)["high"] or 0, 1.0)
