"""The journey summary in the results: hand-offs, owners, pain points, KPIs and evidence, counted by hand."""

from __future__ import annotations

import json

from helpers.analysis.journey import summarize
from helpers.engagement.journey import read_journey
from tests.conftest import FIXTURES


def test_summary_of_a_journey_written_by_someone_else():
    journey, _ = read_journey(FIXTURES / "journey" / "custom")
    s = summarize(journey)
    json.dumps(s, allow_nan=False)
    assert s["stage_count"] == 8
    hand = [(h["journey"], h["from_stage"], h["to_stage"], h["declared"], h["owner_change"]) for h in s["handoffs"]]
    assert hand == [("new", "consideration", "evaluation", True, True),
                    ("existing", "purchase", "onboarding", True, True),
                    ("existing", "adoption", "expansion", False, True),
                    ("existing", "expansion", "advocacy", True, True)]
    assert s["undeclared_handoffs"] == 1
    assert s["owners"] == {"marketing": ["Awareness", "Consideration", "Advocacy"], "sales": ["Evaluation", "Purchase",
                           "Expansion or renewal"], "customer_success": ["Onboarding", "Adoption"]}
    assert s["owner_counts"] == {"marketing": 3, "sales": 3, "customer_success": 2}
    assert s["pain_point_count"] == 4
    assert [p["stage"] for p in s["pain_points"]] == ["consideration", "evaluation", "evaluation", "onboarding"]
    assert [k["stage"] for k in s["stages_without_kpi"]] == ["evaluation", "adoption"]
    assert len(s["kpis"]) == 6
    assert s["evidence"] == {"assumed": 3, "anecdotal": 3, "measured": 2, "share_measured": 0.25, "share_assumed": 0.375}
    assert s["emotion_low"] == {"journey": "new", "stage": "evaluation", "name": "Evaluation", "emotion": -2}
    assert s["journeys"][1]["persona"] is None
    assert s["journeys"][0]["stages"][2]["pain_points"] == ["Nobody calls back for three days",
                                                            "Asked the same questions twice"]
