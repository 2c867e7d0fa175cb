"""Bundled CRM mappings on fixtures shaped like real HubSpot and Salesforce exports."""

from __future__ import annotations


from helpers.content.crm import load_crm
from helpers.engagement.funnel_dates import parse_dates
from helpers.engagement.funnel import read_funnel
from helpers.analysis.funnel import metrics

import pandas as pd
from tests.conftest import FIXTURES


def test_hubspot_contacts_export():
    frame, problems = read_funnel(FIXTURES / "crm/hubspot", "hubspot", {})
    assert frame is not None
    # contact 107 became an MQL a week before it was created: reported with its spreadsheet row
    assert [(p.row, p.field, p.severity) for p in problems] == [(8, "mql_at", "warning")]
    assert list(frame["lead_id"]) == ["101", "102", "103", "104", "105", "106"]
    assert frame["created_at"].iloc[0] == pd.Timestamp("2026-03-02 09:15")
    assert "sal_at" not in frame.columns  # HubSpot has no SAL date by default: not tracked
    m = metrics(frame, {"response_hours": 24})
    assert [(s["id"], s["count"]) for s in m["stages"]] == [
        ("created", 6), ("mql", 4), ("sql", 2), ("opportunity", 2), ("won", 1)]
    # export = the latest date (101 won 20 Mar 16:30). Steps ending in Won: the only won lead took
    # 15.3 d (opportunity), 17.2 d (SQL), 18.3 d (MQL), so the cohort old enough to have converted
    # is 101 alone; 102 (opportunity 6 Mar, SQL 4 Mar) is too recent, not a loss.
    assert m["rates"] == {"created_mql": 0.6667, "mql_sql": 0.5, "sql_opportunity": 1.0,
                          "opportunity_won": 1.0, "mql_won": 1.0, "sql_won": 1.0}
    assert [(s["step"], s["count_from"], s["too_recent"]) for s in m["spans"]] == [("mql_won", 1, 3), ("sql_won", 1, 1)]
    # 103 is "Unqualified" in Lead Status: rejected at the hand-off; 104 still waits
    assert (m["handoff"]["accepted"], m["handoff"]["rejected"], m["handoff"]["pending"]) == (2, 1, 1)
    assert m["handoff"]["accepted_stage"] == "sql" and m["handoff"]["label"] == "MQL \u2192 SQL"
    # "Number of Sales Activities" is a lifetime count, not dated attempts: not measured, and said why
    attempts = m["speed_to_lead"]["attempts"]
    assert attempts["measured"] is False and "lifetime count" in attempts["reason"]
    r = m["response"]  # 2 h, 18 h, 24.5 h, not contacted by 20 Mar (censored): median (18 + 24.5) / 2
    assert (r["contacted"], r["never_contacted"], r["within_sla"], r["median_hours"]) == (3, 1, 2, 21.25)
    assert r["share_within_sla"] == 0.5 and r["share_never_contacted"] == 0.25
    assert {b["source"] for b in m["by_source"]} == {"Organic Search", "Paid Search", "Direct Traffic", "Offline Sources"}
    # MQL -> SQL has no sourced range (the old 20%-42% was derived): not compared
    assert [(b["step"], b["low"], b["high"], b["status"]) for b in m["benchmarks"]] == [
        ("created_mql", 0.1, 0.25, "above"), ("sql_won", 0.2, 0.3, "within")]


def test_salesforce_lead_report_export():
    frame, problems = read_funnel(FIXTURES / "crm/salesforce", "salesforce", {})
    assert problems == [] and frame is not None
    assert frame["created_at"].iloc[2] == pd.Timestamp("2026-03-04 16:30")
    assert frame["amount"].tolist()[0] == 12000.0
    m = metrics(frame, {"response_hours": 24})
    assert [(s["id"], s["count"]) for s in m["stages"]] == [("created", 5), ("mql", 4), ("sql", 2), ("won", 1)]
    # export 30 Mar (the won Close Date); the won lead took 26 d from SQL (4 Mar), so Ed's SQL of
    # 9 Mar (closed lost 25 Mar) is too recent for the cohort: SQL -> Won 1 of 1
    assert m["rates"] == {"created_mql": 0.8, "mql_sql": 0.5, "sql_won": 1.0, "mql_won": 1.0}
    sql_won = next(s for s in m["conversions"] if s["step"] == "sql_won")
    assert (sql_won["count_from"], sql_won["too_recent"], sql_won["typical_days"]) == (1, 1, 26.0)
    # "Closed - Not Converted" is a rejection; the won deal takes its Close Date
    assert (m["handoff"]["accepted"], m["handoff"]["rejected"], m["handoff"]["pending"]) == (2, 1, 1)
    assert m["won"] == {"count": 1, "amount_total": 12000.0, "mean_amount": 12000.0}
    r = m["response"]  # 2 h (MQL date-only, clock starts at creation), 48 h, not contacted (censored), 0.5 h
    assert (r["contacted"], r["within_sla"], r["median_hours"], r["share_within_hour"]) == (3, 2, 25.0, 0.25)


def test_engagement_columns_override_the_bundled_mapping(tmp_path):
    (tmp_path / "funnel.csv").write_text(
        "Record ID,Create Date,SAL Date,Original Source\n1,2026-03-02 09:00,2026-03-03 09:00,Paid Search\n"
        "2,2026-03-02 10:00,,Organic Search\n", encoding="utf-8")
    frame, problems = read_funnel(tmp_path, "hubspot", {"SAL Date": "sal_at"})
    assert problems == [] and frame["sal_at"].notna().sum() == 1


def test_hubspot_export_without_required_column(tmp_path):
    (tmp_path / "funnel.csv").write_text("Record ID,Email\n1,a@example.com\n", encoding="utf-8")
    frame, problems = read_funnel(tmp_path, "hubspot", {})
    assert frame is None
    (p,) = problems
    assert p.field == "created_at" and "the HubSpot mapping looks for 'Create Date'" in p.hint


def test_bundled_mappings_target_known_columns():
    from helpers.engagement.funnel import COLUMNS

    for name in ("hubspot", "salesforce"):
        spec, problems = load_crm(name)
        assert problems == []
        assert set(spec["columns"].values()) <= set(COLUMNS)
        assert spec["date_formats"]


def test_date_formats_as_the_tools_write_them():
    spec, _ = load_crm("salesforce")
    got = parse_dates(pd.Series(["3/15/2026, 2:07 PM", "3/15/2026 2:07 PM", "3/15/2026", "2026-03-15T14:07:00.000Z", ""],
                                dtype="str"), spec["date_formats"])
    assert got.iloc[:2].tolist() == [pd.Timestamp("2026-03-15 14:07")] * 2
    assert got.iloc[2] == pd.Timestamp("2026-03-15") and got.iloc[3] == pd.Timestamp("2026-03-15 14:07")
    assert pd.isna(got.iloc[4])
    spec, _ = load_crm("hubspot")
    got = parse_dates(pd.Series(["2026-03-15 14:07", "03/15/2026 14:07", "2026-03-15"], dtype="str"), spec["date_formats"])
    assert got.tolist() == [pd.Timestamp("2026-03-15 14:07")] * 2 + [pd.Timestamp("2026-03-15")]


def test_dates_keep_their_row_labels_when_only_some_rows_are_read():
    """The leftover cells of a column (row labels with gaps, as the reader passes them) each get their own date."""
    cells = pd.Series(["15/03/2026", " 2026-03-16 09:30 UTC ", "", "not a date", "2026-03-17T08:00:00+01:00"] * 60,
                      index=[7 + 3 * i for i in range(300)], dtype=object)
    got = parse_dates(cells, ["%Y-%m-%d %H:%M", "%d/%m/%Y"])
    assert got.index.equals(cells.index)
    assert got.loc[7] == pd.Timestamp("2026-03-15") and got.loc[10] == pd.Timestamp("2026-03-16 09:30")
    assert pd.isna(got.loc[13]) and pd.isna(got.loc[16])
    assert got.loc[19] == pd.Timestamp("2026-03-17 07:00")  # an offset is read as UTC
    assert got.iloc[5:10].tolist() == got.iloc[:5].tolist()


def test_padded_and_zoned_dates_and_blank_cells(tmp_path):
    (tmp_path / "funnel.csv").write_text(
        'lead_id,created_at,mql_at\n1," 2026-03-02 09:00 ",   \n2,2026-03-02 10:00 UTC,2026-03-03\n', encoding="utf-8")
    frame, problems = read_funnel(tmp_path, None, {})
    assert problems == []
    assert frame["created_at"].tolist() == [pd.Timestamp("2026-03-02 09:00"), pd.Timestamp("2026-03-02 10:00")]
    assert pd.isna(frame["mql_at"].iloc[0]) and frame["mql_at"].iloc[1] == pd.Timestamp("2026-03-03")


def test_hubspot_xlsx_export_with_real_date_cells(tmp_path):
    export = pd.read_csv(FIXTURES / "crm/hubspot" / "funnel.csv", dtype=str, keep_default_na=False)
    for col in [c for c in export.columns if "Date" in c or c == "Date of first engagement"]:
        export[col] = pd.to_datetime(export[col].replace("", None))
    export.to_excel(tmp_path / "funnel.xlsx", index=False)
    frame, problems = read_funnel(tmp_path, "hubspot", {})
    assert [(p.file, p.row) for p in problems] == [("funnel.xlsx", 8)]
    assert metrics(frame, {})["rates"]["created_mql"] == 0.6667
