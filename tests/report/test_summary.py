"""The executive summary section: stage, index with its interval, and the key findings in words."""

from __future__ import annotations

import json

import pytest

from helpers.analysis.findings import key_findings
from helpers.analysis.plan import build
from helpers.report.plan import plan as plan_section
from helpers.report.summary import plain_words, summary as summary_section
from helpers.results import results_with
from tests.conftest import FIXTURES


@pytest.fixture
def results() -> dict:
    r = json.loads((FIXTURES / "plan" / "results" / "weak_handoff.json").read_text(encoding="utf-8"))
    r["plan"] = build(r, None)
    r["findings"] = key_findings(r)
    return r


def test_summary_shows_stage_index_interval_and_findings(results):
    html = summary_section(results).html()
    assert '<h2 id="summary"' in html and "Executive summary" in html
    assert "Defined" in html and "<strong>51.3</strong>" in html and "47.9&ndash;54.6" in html
    assert "only 38% of the " in html
    assert "leads handed to sales that can be judged got a first response within the proposed 24-hour rule" in html
    assert html.count('<li>') - html.count('<li><strong>') == 6   # three findings, three 90-day measures


def test_the_clearest_problem_is_said_once(results):
    # the diagnosis quotes the first finding; the list keeps its action and evidence, not its sentence again
    html = summary_section(results).html()
    first = plain_words(results["findings"][0]["text"])
    said = first[:1].lower() + first[1:].rstrip(". ")
    assert html.count(said) == 1 and "The clearest problem: " + said in html
    assert '<li><span class="finding-above">The clearest problem, stated above.</span> <small class="finding-answer">' \
        'Action: Commit to a response time for every lead.' in html
    for later in results["findings"][1:]:  # the others are listed in full
        assert plain_words(later["text"]) in html


def test_the_brief_diagnoses_asks_three_decisions_with_owners_and_says_what_better_is(results):
    html = summary_section(results).html()
    first = html.index("brief-diagnosis")
    assert first < html.index("The money at stake") < html.index("Decisions needed") < html.index("What matters most")
    assert "The clearest problem: only 38% of the 216 leads handed to sales" in html
    assert html.count('class="brief-owner"') == 3
    assert "Owner: to be named (the head of sales)" in html  # no stakeholder list: nobody is named for the role
    assert "At least 80% of leads contacted within the proposed rule" in html
    assert "Not measured yet" in html, "without funnel.at_stake the money is said plainly to be unmeasured"


def test_the_brief_states_the_money_at_stake_when_the_funnel_gives_it(results):
    said = "Had the 56 leads never contacted been followed up, they would have brought about 41,000 EUR in bookings."
    results["funnel"]["at_stake"] = {"uncontacted": {"amount": 41000.0, "currency": "EUR", "explanation": said},
                                     "goal_gap": {"amount": None}}
    html = summary_section(results).html()
    assert said in html and "Not measured yet" not in html


def test_every_headline_finding_has_an_action_or_a_reason_for_waiting(results):
    html = summary_section(results).html()
    answers = html.count('class="finding-answer">Action: ') + html.count('class="finding-answer">Not this quarter, because')
    assert answers == len(results["findings"]) == 3
    assert 'class="finding-answer">Action: Commit to a response time for every lead.' in html


def test_no_threshold_no_homework_and_a_glossary_for_the_funnel_terms(results):
    results["discovery"]["uncovered_roles"] = ["technical"]
    results["plan"] = build(results, None)
    results["findings"] = key_findings(results)
    html = summary_section(results).html() + plan_section(results).html()
    assert results["plan"]["housekeeping"], "the engine found homework for the consultant"
    for homework in results["plan"]["housekeeping"]:
        assert homework["title"] not in html
    assert "interviewed yet" not in html and "below 55" not in html and "below 70%" not in html
    assert "SQL: sales qualified it as a real opportunity" in summary_section(results).html() or "SQL" not in summary_section(results).html()
    results["findings"][0]["text"] = "Only 31% of MQLs become SALs."
    assert "MQL: marketing judges the lead ready for sales" in summary_section(results).html()


def test_the_glossary_comes_with_the_money_when_only_the_money_says_mql(results):
    results["findings"] = [{"text": "The weakest area is “Hand-off”, scoring 31.0 on a scale of 20 to 100.", "value": 31.0,
                            "source": "survey", "signal": "dimension.handoff"}]
    html = summary_section(results).html()
    assert "MQL: marketing judges" not in html  # no term used: no glossary
    said = "15 MQLs handed over 1 June to 29 October 2026 were not contacted by the export date."
    results["funnel"]["at_stake"] = {"uncontacted": {"amount": 72000.0, "currency": "GBP", "explanation": said},
                                     "goal_gap": {"amount": None}}
    html = summary_section(results).html()
    assert said in html and "MQL: marketing judges the lead ready for sales" in html


def test_a_second_finding_with_the_same_action_does_not_repeat_it(results):
    results["findings"] = [{"text": "Only 11% answered in time.", "value": 0.11, "source": "funnel",
                            "signal": "funnel.within_sla_share"},
                           {"text": "25% not contacted.", "value": 0.25, "source": "funnel",
                            "signal": "funnel.never_contacted_share"}]
    html = summary_section(results).html()
    assert html.count("Action: Commit to a response time for every lead.") == 1
    assert "25% not contacted. <small class=\"finding-answer\">Action: the same.</small>" in html


def test_summary_without_survey_uses_other_findings(results):
    for key in ("index", "interval", "stage"):
        results[key] = None
    results["dimensions"], results["teams"], results["levels"], results["gap"] = {}, {}, None, None
    results["findings"] = key_findings(results)
    html = summary_section(results).html()
    assert "No survey results yet" in html and "The clearest problem: only 38% of the 216 leads handed to sales" in html


def test_summary_missing():
    section = summary_section(results_with())
    assert not section.present and "Survey both teams" in section.html()


def test_the_ninety_day_picture_promises_only_what_can_be_measured_and_holds_what_is_met():
    from helpers.report.summary import ninety_day_picture

    def play(text, signal, baseline, target, goal="up"):
        return {"success": {"text": text, "signal": signal, "goal": goal, "target": target, "baseline": baseline}}

    plays = [play("Leaders-staff gap under 5 points", "level_gap", None, 5.0, "down"),  # hidden: not measurable
             play("At least 80% of leads contacted within the SLA", "funnel.within_sla_share", 0.81, 0.8),  # met
             play("Communication dimension at least 65", "dimension.communication", 27.9, 65.0),
             play("Communication dimension up at least 10 points", "dimension.communication", 27.9, None),
             play("A weekly win note goes out", None, None, None)]
    assert ninety_day_picture(plays) == ["At least 80% of leads contacted within the SLA (today 81%; to be held)",
                                         "Communication dimension at least 65 (today 27.9)", "A weekly win note goes out"]
    stage = play("Hand-off dimension at least 40 (the Defined stage)", "dimension.handoff", 28.4, 40.0)
    assert ninety_day_picture([stage]) == ["Hand-off dimension at least 40 (the Defined stage; today 28.4)"]
    overall = play("Overall index at least 40 (the Defined stage)", "index", 28.4, 40.0)
    assert ninety_day_picture([overall]) == ["Overall index at least 40 (the Defined stage; today 28.4)"]
    # a signed gap's size is what its target bounds: -12 points is not "under 5", -3 is
    assert ninety_day_picture([play("Hand-off perception gap under 5 points", "gap.handoff", -12.0, 5.0, "down")]) == [
        "Hand-off perception gap under 5 points (today \u221212.0 points)"]
    assert ninety_day_picture([play("Hand-off perception gap under 5 points", "gap.handoff", -3.0, 5.0, "down")]) == [
        "Hand-off perception gap under 5 points (today \u22123.0 points; to be held)"]
    assert ninety_day_picture([play("Survey results available at the next wave.", "survey", 14.0, 1.0)]) == [
        "Survey results available at the next wave"]  # a presence signal has no value worth saying
    hours = play("Median first response under 24 hours", "funnel.median_response_hours", 30.25, 24.0, "down")
    assert ninety_day_picture([hours], business=True) == [
        "Median first response under 24 hours (today 30.2 working hours)"]  # on the SLA's own clock


def test_each_headline_claim_shows_the_three_lenses_once_per_topic():
    from helpers.report.summary import context
    from helpers.results import results_with

    results = {**results_with(
        discovery={"interviews": 4, "team_interviews": 4, "pain_dimensions": {"handoff": {"answers": 6, "interviews": 3, "share": 0.75,
                                                                   "sales": 4, "marketing": 2, "executive": 0,
                                                                   "other": 0}}},  # type: ignore[typeddict-item]
        funnel={"response": {"n": 228, "share_within_sla": 0.11, "never_contacted": 56}}),  # type: ignore[typeddict-item]
        "dimensions": {"handoff": {"label": "Hand-off", "index": 31.0, "sales": 28.0, "marketing": 34.0,
                                "gap": -6.0, "verdict": "within noise", "significant": False},
                    "technology": {"label": "Technology", "index": 25.0, "gap": None, "verdict": None}},
        "findings": [{"text": "Only 11% answered in time.", "value": 0.11, "source": "funnel",
                   "signal": "funnel.within_sla_share"},
                  {"text": "25% not contacted.", "value": 0.25, "source": "funnel",
                   "signal": "funnel.never_contacted_share"},
                  {"text": "Technology is weakest.", "value": 25.0, "source": "survey",
                   "signal": "dimension.technology"}]}
    first, second, third = context(results)["findings"]
    assert first["lenses"] == {
        "survey": "“Hand-off” scores 31.0 (sales 6.0 points below marketing, within noise)",
        "interviews": "raised as a pain in 3 of 4 team interviews (answers: sales 4, marketing 2)",
        "crm": "11% of 228 judged leads answered within the rule; 56 not contacted by the export date"}
    assert second["lenses"] is None  # same topic: not repeated
    assert third["lenses"] == {"survey": "“Technology” scores 25.0", "interviews": "not raised as a pain in the 4 team interviews",
                               "crm": "no CRM measure of this topic"}


def test_an_empty_ninety_day_picture_says_so_instead_of_an_empty_list():
    from helpers.report.section import render_template
    from helpers.report.summary import context
    from helpers.results import results_with

    results = results_with()
    results["plan"]["plays"] = [{"title": "Listen to staff", "owner": "both", "owner_name": "the two heads",
                                 "status": "proposed", "horizon": 30, "triggers": [],
                                 "success": {"text": "Leaders-staff gap under 5 points", "signal": "levels.gap",
                                             "goal": "down", "target": 5.0, "baseline": None}}]
    ctx = context(results)
    assert ctx["better"] == []  # hidden under the minimum group: nothing to promise
    html = render_template("summary.html.j2", **ctx)
    body = html.split("What better looks like", 1)[1].split("</ul>", 1)[0]
    assert "None of these three actions has a measure today&rsquo;s data can track yet" in body  # never a heading over nothing


def test_the_brief_gives_the_goal_gap_in_one_short_sentence():
    from helpers.report.summary import goal_gap_line

    gap = {"amount": 792706.0, "currency": "USD", "period": "12 months", "explanation": "long workings ...",
           "inputs": {"goal_per_month": 200000.0, "won_per_month_today": 96102.0, "won_per_month_matured": 133941.0}}
    assert goal_gap_line(gap) == ("The revenue goal needs 200,000 USD a month; the export shows about 134,000 USD a "
                                  "month won from leads old enough to have closed, about 793,000 USD short over 12 months.")
    floor_only = {**gap, "inputs": {**gap["inputs"], "won_per_month_matured": None}, "amount": -24000.0}
    assert "96,100 USD a month won today (a floor" in goal_gap_line(floor_only) and "24,000 USD ahead" in goal_gap_line(floor_only)


def test_a_decision_whose_work_starts_later_says_when_under_a_heading_that_does_not_say_this_month(results):
    """The brief asks for decisions now; an action answering a finding may start in days 31-60, and says so."""
    later = next(p for p in results["plan"]["plays"] if p["status"] != "done")
    later["horizon"] = 60
    html = summary_section(results).html()
    assert "Decisions needed from the leadership now" in html and "this month" not in html
    item = html[html.index(later["title"]):]
    assert item[:item.index("</li>")].count("(work starts in days 31 to 60)") == 1
    assert html.count("work starts in days") == 1  # the first-30-days actions carry no start line


def test_an_action_carried_over_says_it_was_agreed_last_time_not_when_it_starts(results):
    carried = next(p for p in results["plan"]["plays"] if p["status"] != "done")
    carried["horizon"], carried["carried_over"], carried["due"] = 60, True, "2026-01-31"
    results["date"] = "2026-03-01"
    html = summary_section(results).html()
    item = html[html.index(carried["title"]):]
    item = item[:item.index("</li>")]
    assert "agreed last time, was due 31 January 2026, not done yet" in item and "work starts" not in item


def test_an_action_marked_done_is_said_as_taken_and_an_open_one_comes_first(results):
    speed = next(p for p in results["plan"]["plays"] if p["title"] == "Commit to a response time for every lead")
    speed["status"] = "done"
    html = summary_section(results).html()
    assert "Action: Commit to a response time for every lead." not in html  # never asked for again
    assert ("Action taken: Commit to a response time for every lead (marked done in the plan; the re-measure "
            "shows what it changed).") in html
    later = {**speed, "status": "proposed", "title": "Answer the best leads within 1 hour"}
    results["plan"]["plays"].append(later)  # an open action on the same measure answers instead
    html = summary_section(results).html()
    assert "Action: Answer the best leads within 1 hour." in html and "Action taken" not in html
