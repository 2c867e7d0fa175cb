"""Key findings: the few plain sentences, each with its number and source, that open the handout."""

from __future__ import annotations

import json

import pytest

from helpers.analysis.findings import key_findings
from helpers.analysis.plan import build
from helpers.results import results_with
from tests.conftest import FIXTURES


@pytest.fixture
def weak() -> dict:
    """Synthetic results: weak hand-off, slow lead response, CIO (technical buyer) not interviewed."""
    return json.loads((FIXTURES / "plan" / "results" / "weak_handoff.json").read_text(encoding="utf-8"))


def test_key_findings_are_plain_words_with_numbers(weak):
    found = key_findings(weak)
    assert len(found) == 3
    assert [f["source"] for f in found] == ["funnel", "funnel", "survey"], "measured funnel facts lead"
    assert not any("interviewed yet" in f["text"] for f in found), "the consultant's homework is no finding"
    assert found[0]["text"].startswith("Only 38% of the ")
    assert "leads handed to sales that can be judged got a first response within the proposed 24-hour rule" in found[0]["text"]
    assert all(set(f) >= {"text", "value", "source"} for f in found)


def test_handed_to_sales_wording_in_findings(weak):
    found = key_findings(weak)
    speed = next(f for f in found if f["signal"] == "funnel.within_sla_share")
    # the saved results carry no rule status: a rule is never called agreed unless it says so
    assert speed["text"] == ("Only 38% of the 216 leads handed to sales that can be judged got a first response within "
                             "the proposed 24-hour rule, counted in calendar hours (median wait, counting leads not yet answered: 31.5 hours).")
    never = next(f for f in found if f["signal"] == "funnel.never_contacted_share")
    assert never["text"] == "12% of the leads handed to sales were not contacted by the export date."


def test_agreed_business_hours_rule_is_named_as_agreed(weak):
    agreed = json.loads(json.dumps(weak))
    agreed["funnel"]["sla"].update({"status": "agreed", "response_hours": 4.0, "clock": "business",
                                    "rule_words": "4 working hours"})
    speed = next(f for f in key_findings(agreed) if f["signal"] == "funnel.within_sla_share")
    assert speed["text"] == ("Only 38% of the 216 leads handed to sales that can be judged got a first response within "
                             "the agreed rule of 4 working hours (median wait, counting leads not yet answered: "
                             "31.5 working hours).")


def test_key_findings_survey_only():
    results = {**results_with(), "index": 55.0, "gap": -7.5, "stage": "Defined",
               "dimensions": {"handoff": {"label": "Hand-off", "index": 41.0, "sales": 42.5, "marketing": 39.5,
                                          "gap": 3.0, "significant": None},
                              "goals": {"label": "Goals", "index": 62.0, "sales": 54.0, "marketing": 70.0,
                                        "gap": -16.0, "significant": True}}}
    found = key_findings(results)
    texts = " ".join(f["text"] for f in found)
    assert "The weakest area is “Hand-off”, scoring 41.0 on a scale of 20 to 100." in texts
    assert "Marketing rate “Goals” 16.0 points higher than sales do" in texts
    assert len(found) == 2, "at most two findings from one source"


def test_key_findings_empty():
    assert key_findings(results_with()) == []


def test_key_findings_tolerate_absent_sections(weak):
    """A section whose data is absent is None (the results are typed): findings come from the rest."""
    for section in ("discovery", "journey", "funnel"):
        results = {**weak, section: None}
        assert all(f["source"] != section for f in key_findings(results))
        build(results, None)


def test_a_survey_flag_never_outranks_a_funnel_fact_and_noise_is_no_finding(weak):
    weak["dimensions"]["handoff"]["index"] = 21.0                       # a very weak survey score
    weak["funnel"]["response"]["share_within_sla"] = 0.78                # a mild funnel miss
    weak["dimensions"]["goals"]["significant"] = False                   # the 14-point gap is within noise
    found = key_findings(weak, n=5)
    sources = [f["source"] for f in found]
    assert sources.index("survey") > max(i for i, s in enumerate(sources) if s == "funnel")
    assert not any(f["signal"] == "gap.goals" for f in found)


def test_a_dimension_whose_statements_do_not_hang_together_is_no_headline():
    dims = {"handoff": {"label": "Hand-off", "index": 31.0, "gap": 0.0, "significant": None,
                        "alpha": -0.4, "reliable": False},
            "goals": {"label": "Goals", "index": 48.0, "gap": 0.0, "significant": None,
                      "alpha": 0.74, "reliable": True}}
    statements = [{"dimension": "handoff", "mean": m, "scale": "scored"} for m in (1.2, 2.9, 1.4)]
    texts = [f["text"] for f in key_findings({**results_with(), "index": 50.0, "dimensions": dims,
                                              "statements": statements})]
    assert "The weakest area is “Goals”, scoring 48.0 on a scale of 20 to 100." in texts
    assert not any("Hand-off" in t for t in texts)
    # everyone low on every hand-off statement: alpha is low only because people barely differ
    statements = [{"dimension": "handoff", "mean": m, "scale": "scored"} for m in (1.6, 1.4, 1.6)]
    texts = [f["text"] for f in key_findings({**results_with(), "index": 50.0, "dimensions": dims,
                                              "statements": statements})]
    assert "The weakest area is “Hand-off”, scoring 31.0 on a scale of 20 to 100." in texts
