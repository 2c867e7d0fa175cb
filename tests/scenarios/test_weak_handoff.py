"""The issue's check, end to end: an engagement with weak hand-off scores, a slow lead response
and no CIO interviewed gets the fitting plays with their numbers; the second wave shows the change."""

from __future__ import annotations


import pytest

from helpers.engagement.load import load
from helpers.report.plan import plan as plan_section
from helpers.report.progress import progress as progress_section
from helpers.report.summary import summary as summary_section
from helpers.results import compute
from tests.conftest import FIXTURES


def results_of(name: str) -> dict:
    eng, problems = load(FIXTURES / name)
    assert eng is not None, problems.report()
    return compute(eng)


@pytest.fixture(scope="module")
def wave1() -> dict:
    return results_of("engagements/weak_handoff/wave1")


@pytest.fixture(scope="module")
def wave2() -> dict:
    return results_of("engagements/weak_handoff/wave2")


def test_first_wave_plan_names_the_fitting_plays_with_numbers(wave1):
    plays = {p["id"]: p for p in wave1["plan"]["plays"]}
    speed, lead, cio = plays["sla_speed_to_lead"], plays["lead_definition"], plays["tech_enlist_cio"]
    share = wave1["funnel"]["response"]["share_within_sla"]
    assert f"Leads contacted within the response rule: {100 * share:.0f}% (CRM export)" in speed["why"]
    handoff = wave1["dimensions"]["handoff"]["index"]
    assert lead["why"] == f"“Shared definitions and hand-off SLA” score: {handoff:.1f} (survey)"  # no raw threshold
    technology = wave1["dimensions"]["technology"]["index"]
    # the CIO is brought in on data evidence, not because nobody interviewed one
    assert cio["why"].startswith(f"“Technology and data” score: {technology:.1f} (survey)")
    assert "discovery" not in cio["why"]
    assert (speed["status"], speed["owner"], lead["status"], cio["status"]) == ("done", "CSO", "done", "accepted")
    assert all(p["horizon"] == 30 for p in (speed, lead, cio))


def test_first_wave_handout_sections(wave1):
    summary = summary_section(wave1).html()
    assert "leads handed to sales that can be judged got a first response within the proposed 24-hour rule" in summary
    assert "SLA (median" not in summary and "never contacted" not in summary
    html = plan_section(wave1).html()
    assert "Commit to a response time for every lead" in html
    assert "Make the head of IT the two heads&#39; ally for customer data" in html
    assert "PLAN-FIXTURE-INTERNAL-NOTE" not in html + summary
    assert "Agreed on 20 September 2026" in html


def test_second_wave_shows_the_change(wave1, wave2):
    prog = wave2["progress"]
    assert {k: prog["index"][k] for k in ("before", "after", "change")} == {
        "before": wave1["index"], "after": wave2["index"], "change": round(wave2["index"] - wave1["index"], 1)}
    low, high = prog["index"]["interval"]
    assert 0 < low < prog["index"]["change"] < high and prog["index"]["verdict"] == "larger than noise"
    dims = {d["id"]: d for d in prog["dimensions"]}
    assert dims["handoff"]["before"] == wave1["dimensions"]["handoff"]["index"]
    assert dims["handoff"]["change"] > 5
    plays = {p["id"]: p for p in prog["plays"]}
    assert set(plays) == {"sla_speed_to_lead", "lead_definition", "tech_enlist_cio"}
    assert plays["sla_speed_to_lead"]["done"] and plays["sla_speed_to_lead"]["verdict"] in ("improved", "target met")
    # agreed, not done: its measure moved, and the action gets no credit for it
    assert plays["tech_enlist_cio"]["verdict"] == "measure moved, action not done"
    assert prog["done"] == 2
    html = progress_section(wave2).html()
    assert "Of the 3 actions in the previous plan, 2 were done" in html
    assert "PLAN-FIXTURE-INTERNAL-NOTE" not in html
