"""End to end: a journey written by someone else and a HubSpot export dropped into a new engagement.

Loaded through helpers.engagement, computed by helpers.results, shown by the two handout
sections: the numbers must match the hand count in tests/test_funnel_crm.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture()
def engagement(tmp_path: Path) -> Path:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "engagement.yaml").write_text(
        "client: Acme Pumps\nconsultant: Test Consultant\ndate: 2026-04-01\nindustry: Manufacturing\n"
        "crm: hubspot\nsla:\n  response_hours: 24\n", encoding="utf-8")
    shutil.copy(FIXTURES / "journey_custom" / "journey.yaml", folder / "journey.yaml")
    shutil.copy(FIXTURES / "crm_hubspot" / "funnel.csv", folder / "funnel.csv")
    return folder


def test_dropped_in_files_reach_the_handout(engagement):
    from helpers.engagement.load import load
    from helpers.report.funnel import funnel
    from helpers.report.journey import journey
    from helpers.results import compute, to_json

    before = (engagement / "funnel.csv").read_bytes()
    eng, problems = load(engagement)
    assert eng is not None, problems.report()
    assert any(p.row == 8 and p.field == "mql_at" for p in problems.warnings)
    results = compute(eng)
    to_json(results)
    assert results["funnel"]["handoff"]["rejected"] == 1 and results["journey"]["stage_count"] == 8
    html = journey(results).html() + funnel(results).html()
    assert "Consideration (Marketing)</td>" in html and ">Evaluation (Sales)" in html
    assert "6 leads created between 2 March 2026 and 7 March 2026 (1 row left out" in html
    assert "sales accepted 50% of 4 marketing-qualified leads (reaching SQL), turned down 25%" in html
    assert "50% of the 4 leads handed to sales got a first response within the agreed 24 hours; 25% were never contacted" in html
    assert html.count('<img class="chart"') == 2 + 4
    assert (engagement / "funnel.csv").read_bytes() == before
