"""`workbook new` offers every engagement.yaml setting with its default, and the file passes `workbook check`."""

from __future__ import annotations

import datetime as dt

import yaml

from helpers.cli import main
from helpers.engagement.meta import read_meta
from helpers.engagement.scaffold import scaffold


def test_a_new_engagement_has_the_settings_with_their_defaults_and_comments(tmp_path) -> None:
    folder = tmp_path / "acme"
    scaffold(folder, "Acme: \"North\" Ltd", consultant="Priya Raman", industry="Logistics", date=dt.date(2026, 11, 2))
    text = (folder / "engagement.yaml").read_text(encoding="utf-8")
    meta, problems = read_meta(folder)
    assert problems == []
    assert meta is not None
    assert (meta.client, meta.date) == ('Acme: "North" Ltd', dt.date(2026, 11, 2))
    assert (meta.sla_rule.status, meta.sla_rule.clock.clock, meta.sla) == (
        "proposed", "calendar", {"response_hours": 24.0, "attempts": 5, "attempt_days": 14.0})
    assert (meta.currency, meta.confidentiality.min_group, meta.survey.invited, meta.logo) == (None, 5, {}, None)
    data = yaml.safe_load(text)
    assert set(data) == {"client", "consultant", "date", "industry", "sla", "confidentiality", "stakeholders"}
    # each offered setting carries a one-line explanation; the unknown ones are examples to un-comment
    lines = text.splitlines()
    for setting in ("  status: proposed ", "  clock: calendar ", "  min_group: 5 "):
        assert any(line.startswith(setting) and "# " in line for line in lines), setting
    for example in ("# currency: EUR", "#   invited: {sales: 20, marketing: 12}", "# lead_sources:",
                    '  # working_hours: "08:00-18:00"', "  # timezone: Europe/London", "# logo: logo.png"):
        assert any(line.startswith(example) for line in lines), example


def test_a_currency_given_to_new_is_written_as_its_code(tmp_path) -> None:
    folder = tmp_path / "acme"
    scaffold(folder, "Acme", currency="gbp")
    meta, problems = read_meta(folder)
    assert meta is not None and meta.currency == "GBP"
    assert [p for p in problems if p.field != "consultant" and p.field != "industry"] == []


def test_new_then_check_reports_no_problem_with_the_new_settings(tmp_path, capsys) -> None:
    folder = tmp_path / "acme"
    assert main(["new", str(folder), "--client", "Acme", "--consultant", "P", "--industry", "X"]) == 0
    capsys.readouterr()
    code = main(["check", str(folder)])
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "acme: usable" in out
    assert "engagement.yaml" not in out  # no problem, not even a warning, in the new file
    assert code == 0, out
