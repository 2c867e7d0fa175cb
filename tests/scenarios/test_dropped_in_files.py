"""End to end: a journey written by someone else and a HubSpot export dropped into a new engagement.

Loaded through helpers.engagement, computed by helpers.results, shown by the two handout
sections: the numbers must match the hand count in tests/engagement/test_funnel_crm.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.conftest import FIXTURES


@pytest.fixture()
def engagement(tmp_path: Path) -> Path:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "engagement.yaml").write_text(
        "client: Acme Pumps\nconsultant: Test Consultant\ndate: 2026-04-01\nindustry: Manufacturing\n"
        "crm: hubspot\nsla:\n  response_hours: 24\n", encoding="utf-8")
    shutil.copy(FIXTURES / "journey/custom" / "journey.yaml", folder / "journey.yaml")
    shutil.copy(FIXTURES / "crm/hubspot" / "funnel.csv", folder / "funnel.csv")
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
    # HubSpot has no SAL stage: the hand-off is the step to SQL (101, 102 of the 4 MQLs), never "accepted"
    assert ("of the 4 marketing-qualified leads old enough to judge, 2 reached SQL: 50% (95% interval 15%–85%); "
            "the export has no sales-accepted stage") in html
    # 2 h and 18 h within 24 h, 24.5 h late, 104 not answered by 20 March; the rule has no status: proposed
    assert ("Against the proposed 24-hour rule (not yet agreed by both teams; counted in calendar hours): "
            "50% (95% interval 15%–85%) of the 4 leads handed to sales that can be judged got a first response "
            "within it; 25% (1) was not contacted by the export date.") in html
    assert "agreed 24" not in html and "never contacted" not in html
    # the export has no amounts: pipeline and won revenue are not shown as 0
    assert "0 (currency not set)" not in html
    assert html.count('<img class="chart"') == 2 + 4
    assert (engagement / "funnel.csv").read_bytes() == before
