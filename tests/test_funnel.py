"""Funnel metrics against values counted by hand on tests/fixtures/funnel_small.

The fixture has 12 leads; L12 has an MQL date before its creation date and is left out, so 11
leads are used. Reached stages (a later stage counts the earlier ones as reached, so L11 with
only an SQL date counts as MQL and SAL too):
created 11, MQL 8 (L1-L7, L11), SAL 3 (L1, L6, L11), SQL 3, Opportunity 2 (L1, L6), Won 2.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.analysis.funnel import leads_needed, metrics
from helpers.engagement.funnel import read_funnel

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "funnel_small"
SLA = {"response_hours": 24, "attempts": 5, "attempt_days": 14, "revenue_goal": 120000, "average_deal_size": 10000}


@pytest.fixture(scope="module")
def small() -> dict:
    frame, problems = read_funnel(SMALL, None, {})
    assert frame is not None, problems
    return {"frame": frame, "problems": problems, "m": metrics(frame, SLA)}


def test_impossible_date_is_reported_with_its_row_and_left_out(small):
    (p,) = small["problems"]
    assert p.severity == "warning" and p.row == 13 and p.field == "mql_at" and p.file == "funnel.csv"
    assert "before the lead was created" in p.message
    assert "(2026-01-18 09:00 is before the creation date 2026-01-20 09:00)" in p.message
    assert "L12" not in set(small["frame"]["lead_id"])
    assert small["m"]["leads"] == 11 and small["m"]["excluded_rows"] == 1


def test_stage_counts_and_consecutive_rates(small):
    m = small["m"]
    assert [(s["id"], s["count"]) for s in m["stages"]] == [
        ("created", 11), ("mql", 8), ("sal", 3), ("sql", 3), ("opportunity", 2), ("won", 2)]
    assert m["rates"] == {"created_mql": 0.7273, "mql_sal": 0.375, "sal_sql": 1.0,
                          "sql_opportunity": 0.6667, "opportunity_won": 1.0, "sql_won": 0.6667}
    assert m["period"] == {"start": "2026-01-05", "end": "2026-01-15"}


def test_time_in_stage_median_and_p90(small):
    t = small["m"]["time_in_stage"]
    # created->MQL hours: 1, 0, 0, 0, 0, 24, 24 (L11 has no MQL date)
    assert t["created"] == {"median_hours": 0.0, "p90_hours": 24.0, "n": 7}
    assert t["mql"] == {"median_hours": 1.5, "p90_hours": 1.9, "n": 2}          # 2 h, 1 h
    assert t["sal"] == {"median_hours": 46.5, "p90_hours": 46.9, "n": 2}        # 46 h, 47 h
    assert t["sql"] == {"median_hours": 60.0, "p90_hours": 69.6, "n": 2}        # 72 h, 48 h
    assert t["opportunity"] == {"median_hours": 384.0, "p90_hours": 499.2, "n": 2}  # 528 h, 240 h


def test_by_source(small):
    rows = {r["source"]: r for r in small["m"]["by_source"]}
    assert [r["source"] for r in small["m"]["by_source"]] == ["web", "events"]
    assert rows["web"]["counts"] == {"created": 7, "mql": 5, "sal": 1, "sql": 1, "opportunity": 1, "won": 1}
    assert rows["web"]["rates"]["mql_sal"] == 0.2
    assert rows["events"]["rates"]["created_mql"] == 0.75 and rows["events"]["rates"]["mql_sal"] == 0.6667


def test_speed_to_first_response(small):
    r = small["m"]["response"]
    # hours from MQL (or creation, whichever is later) to first response: 1, 4, 24, 48, -, 0.5, 1, 0.5
    assert r == {"population": "mql", "n": 8, "contacted": 7, "never_contacted": 1,
                 "share_never_contacted": 0.125, "still_open": 0, "median_hours": 1.0, "p90_hours": 33.6, "mean_hours": 11.3,
                 "sla_hours": 24.0, "within_sla": 6, "share_within_sla": 0.75, "within_hour": 4,
                 "share_within_hour": 0.5}


def test_sla_hours_change_the_share_within(small):
    r = metrics(small["frame"], {"response_hours": 4})["response"]
    assert r["within_sla"] == 5 and r["share_within_sla"] == 0.625


def test_handoff_acceptance_and_rejection(small):
    h = small["m"]["handoff"]
    # accepted: L1, L6, L11; rejected: L2 (lost), L3 (rejected_at), L4 (lost); pending: L5, L7
    assert h == {"mqls": 8, "accepted": 3, "rejected": 3, "pending": 2, "accepted_stage": "sal",
                 "acceptance_rate": 0.375, "rejection_rate": 0.375, "median_hours_to_accept": 1.5,
                 "attempts": None}


def test_biggest_leak_against_labelled_reference(small):
    m = small["m"]
    status = {b["step"]: b["status"] for b in m["benchmarks"]}
    assert status == {"created_mql": "above", "mql_sal": "below", "sal_sql": "above", "sql_won": "above"}
    assert m["biggest_leak"] == {"step": "mql_sal", "label": "MQL \u2192 SAL", "rate": 0.375, "low": 0.4,
                                 "high": 0.6, "shortfall": 0.025, "below_reference": True}
    assert "vendor" in m["benchmark_source"]


def test_won_amounts_and_calculator(small):
    m = small["m"]
    assert m["won"] == {"count": 2, "amount_total": 30000.0, "median_amount": 15000.0}
    c = m["calculator"]
    # 120000 / 10000 = 12 customers; / 0.6667 = 18 SQLs = 18 SALs; / 0.375 = 48 MQLs; / 0.7273 = 66 leads
    assert (c["customers"], c["sqls"], c["sals"], c["mqls"], c["leads"]) == (12, 18, 18, 48, 66)
    assert c["per_month"] == {"customers": 1, "sqls": 2, "sals": 2, "mqls": 4, "leads": 6}


def test_calculator_by_hand_and_reference_fallback():
    c = leads_needed(1_200_000, 20_000, {"sql_won": 0.25, "sal_sql": 0.5, "mql_sal": 0.5, "created_mql": 0.2})
    assert (c["customers"], c["sqls"], c["sals"], c["mqls"], c["leads"]) == (60, 240, 480, 960, 4800)
    assert c["per_month"]["leads"] == 400 and c["assumed"] == []
    fallback = leads_needed(100_000, 10_000, {}, months=10)
    assert fallback["assumed"] == ["sql_won", "sal_sql", "mql_sal", "created_mql"]
    assert fallback["rates_used"]["mql_sal"] == 0.5


def test_no_calculator_without_revenue_goal(small):
    assert metrics(small["frame"], {})["calculator"] is None


def test_no_funnel_file_is_not_a_problem(tmp_path):
    assert read_funnel(tmp_path, None, {}) == (None, [])


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "funnel.csv").write_text(text, encoding="utf-8")
    return folder


def test_unparsable_dates_and_missing_columns_are_errors(tmp_path):
    f = _write(tmp_path / "a", "lead_id,created_at,mql_at\nA,2026-01-02,2026-01-03\nB,yesterday,\nC,2026-01-05,31.02.2026\n")
    frame, problems = read_funnel(f, None, {})
    assert frame is None
    assert [(p.row, p.field, p.severity) for p in problems] == [(3, "created_at", "error"), (4, "mql_at", "error")]
    assert problems[0].message == "not a date I can read ('yesterday')" and "YYYY-MM-DD" in problems[0].hint
    f = _write(tmp_path / "b", "id,created\n1,2026-01-02\n")
    frame, problems = read_funnel(f, None, {})
    assert frame is None
    assert {p.field for p in problems} == {"lead_id", "created_at"}
    assert all("missing" in p.message and "columns:" in p.hint for p in problems)


def test_own_column_mapping_and_unknown_targets(tmp_path):
    f = _write(tmp_path / "c", "Id,Created,Channel\n1,2026-01-02,web\n2,2026-01-03,\n")
    frame, problems = read_funnel(f, None, {"Id": "lead_id", "Created": "created_at", "Channel": "source"})
    assert problems == [] and list(frame["source"]) == ["web", "unknown"]
    frame, problems = read_funnel(f, None, {"Id": "lead_id", "Created": "created_at", "Nope": "source",
                                            "Channel": "channel"})
    assert frame is None
    messages = " | ".join(p.message for p in problems)
    assert "'Nope' is not a column of funnel.csv" in messages and "unknown column 'channel'" in messages


def test_unknown_crm_is_a_problem(tmp_path):
    f = _write(tmp_path / "d", "lead_id,created_at\n1,2026-01-02\n")
    frame, problems = read_funnel(f, "pipedrive", {})
    assert frame is None and problems[0].field == "crm" and "hubspot" in problems[0].hint


def test_many_bad_rows_are_summarised(tmp_path):
    rows = "\n".join(f"{i},not a date" for i in range(30))
    frame, problems = read_funnel(_write(tmp_path / "e", "lead_id,created_at\n" + rows + "\n"), None, {})
    assert frame is None and len(problems) == 11 and "20 more rows" in problems[-1].message


def test_duplicates_and_blank_creation_are_left_out(tmp_path):
    f = _write(tmp_path / "f", "lead_id,created_at\n1,2026-01-02\n1,2026-01-02\n2,\n3,2026-01-04\n")
    frame, problems = read_funnel(f, None, {})
    assert list(frame["lead_id"]) == ["1", "3"] and frame.attrs["excluded_rows"] == 2
    assert sorted((p.row, p.field) for p in problems) == [(3, "lead_id"), (4, "created_at")]
    m = metrics(frame, {})
    assert m["stages"] == [{"id": "created", "label": "Inquiry", "count": 2}]
    assert m["response"] is None and m["handoff"] is None and m["biggest_leak"] is None


def test_metrics_is_json_serialisable(small):
    import json

    json.dumps(small["m"], allow_nan=False)


def test_input_file_is_not_modified(tmp_path):
    before = (SMALL / "funnel.csv").read_bytes()
    read_funnel(SMALL, None, {})
    assert (SMALL / "funnel.csv").read_bytes() == before


def test_metrics_accepts_a_frame_without_optional_columns():
    frame = pd.DataFrame({"lead_id": ["a", "b"], "source": ["x", "y"],
                          "created_at": pd.to_datetime(["2026-01-01", "2026-01-02"]),
                          "mql_at": pd.to_datetime(["2026-01-01", None])})
    m = metrics(frame, {"response_hours": 24})
    assert m["rates"] == {"created_mql": 0.5} and m["handoff"] is None


def test_a_lead_handed_over_just_before_the_export_is_not_yet_never_contacted() -> None:
    import pandas as pd

    from helpers.analysis.funnel import metrics

    t = pd.Timestamp
    frame = pd.DataFrame({
        "lead_id": ["A", "B", "C"], "source": ["web"] * 3,
        "created_at": [t("2026-03-01 09:00"), t("2026-03-01 09:00"), t("2026-03-09 20:00")],
        "mql_at": [t("2026-03-01 10:00"), t("2026-03-02 10:00"), t("2026-03-09 21:00")],
        "first_response_at": [t("2026-03-01 12:00"), pd.NaT, pd.NaT],
        "sql_at": [t("2026-03-10 08:00"), pd.NaT, pd.NaT],  # the export's latest date
    })
    r = metrics(frame, {"response_hours": 24})["response"]
    # C reached MQL 11 h before the latest date in the file: its 24-hour window is still open.
    assert (r["n"], r["still_open"], r["never_contacted"], r["within_sla"]) == (2, 1, 1, 1)
