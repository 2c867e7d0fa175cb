"""Before and after on the bundled demo whose engagement.yaml names a previous wave."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from helpers import TEMPLATES
from helpers.engagement.load import load
from helpers.report.progress import progress as progress_section
from helpers.results import compute

DEMO = TEMPLATES / "demo" / "hartwell-orme"
FIRST = TEMPLATES / "demo" / "hartwell-orme-2026-08"


def _shared_index(folder, statements: dict[str, bool]) -> float:
    """The index on the given statements (id -> reverse-keyed), worked out with pandas alone.

    Each person's index is 20 x the mean of their scored answers (6 - r when reverse-keyed; blanks
    and "dk" left out); a team's index is its people's mean; the index is the mean of the teams'.
    """
    answers = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    ratings = answers[list(statements)].apply(pd.to_numeric, errors="coerce")
    for sid, reverse in statements.items():
        if reverse:
            ratings[sid] = 6 - ratings[sid]
    person = 20 * ratings.mean(axis=1)
    return float(person.groupby(answers["team"]).mean().mean())


@pytest.fixture(scope="module")
def results() -> dict:
    if not (DEMO / "engagement.yaml").exists():
        pytest.skip("the two-wave demo is not bundled")
    eng, problems = load(DEMO)
    assert eng is not None, problems.report()
    return compute(eng)


def test_demo_second_wave_shows_the_change(results):
    prog = results["progress"]
    assert prog is not None
    # the first wave was answered on instrument version 1, this one on version 2: the change rests on
    # the statements both versions ask (a v2 statement naming its v1 twin), and no dimension is compared
    v2 = yaml.safe_load((TEMPLATES / "instrument.yaml").read_text(encoding="utf-8"))["statements"]
    shared = {s["id"]: bool(s["reverse"]) for s in v2 if s.get("v1")}
    assert all(s["v1"] == s["id"] for s in v2 if s.get("v1")) and len(shared) == 13
    assert prog["basis"] == {"versions": [1, 2], "statements": 13, "dimensions_compared": False}
    assert prog["dimensions"] == []
    before, after = _shared_index(FIRST, shared), _shared_index(DEMO, shared)
    assert prog["index"]["before"] == pytest.approx(before, abs=0.05)
    assert prog["index"]["after"] == pytest.approx(after, abs=0.05)
    assert prog["index"]["change"] == pytest.approx(prog["index"]["after"] - prog["index"]["before"], abs=0.05)
    # the improvement the plan was meant to bring is told apart from noise, and the stage moved up
    assert prog["index"]["change"] >= 8 and prog["index"]["verdict"] == "larger than noise"
    low, high = prog["index"]["interval"]
    assert 0 < low < prog["index"]["change"] < high
    assert prog["stage"] == {"before": "Defined", "after": "Aligned", "moved": "up"}
    assert len(prog["history"]) >= 2


def test_demo_previous_plan_is_followed_up(results):
    plays = {p["id"]: p for p in results["progress"]["plays"]}
    done = [p for p in plays.values() if p["done"]]
    assert done, "the first wave's plan.yaml marks plays done"
    assert all(p["verdict"] in {"target met", "improved", "worsened", "unchanged", "now measured", "not measured",
                                "measure moved, action not done", "not comparable"}
               for p in plays.values())
    assert not any(p["status"] == "rejected" for p in plays.values())
    assert not any(p["verdict"] in {"target met", "improved"} and not p["done"] for p in plays.values())
    # August asked instrument v1, November v2: a dimension's score then and now rests on different
    # statements, so no dimension measure gets a verdict; the funnel measure does
    for p in plays.values():
        if (p["signal"] or "").startswith(("dimension.", "gap.")):
            assert (p["verdict"], p["before"], p["after"]) == ("not comparable", None, None), p
    assert plays["sla_speed_to_lead"]["verdict"] == "target met"
    assert plays["sla_speed_to_lead"]["before"] is not None and plays["sla_speed_to_lead"]["after"] is not None


def test_demo_progress_section_renders(results):
    html = " ".join(progress_section(results).html().split())
    assert "Progress since the last wave" in html
    assert "compared only on the 13 statements both versions ask" in html
    assert "The dimensions are not compared" in html and "progress-dimensions" not in html
    assert "The previous plan: what was done, and did it work?" in html
    assert "Slipped because" not in html and "No IT budget" not in html


def test_a_carried_over_action_keeps_its_due_date_and_is_late_only_after_it(results):
    """Hartwell's August plan: the content audit is due 30 Nov, the rejected-leads review 31 Oct.
    On 10 Nov the first is not late; the second is."""
    from helpers.report.plan import plan as plan_section

    plays = {p["id"]: p for p in results["plan"]["plays"] if p.get("carried_over")}
    assert plays["enablement_content_audit"]["due"] == "2026-11-30"
    assert plays["handoff_rejection_review"]["due"] == "2026-10-31"
    html = plan_section(results).html()
    assert "Agreed at the last assessment; due 30 November 2026." in html
    assert html.count("Agreed at the last assessment and not done yet.") == 1
