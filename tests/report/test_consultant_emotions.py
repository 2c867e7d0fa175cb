"""The consultant's check of the journey map's emotions against what customers said in interviews."""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
from pathlib import Path

import pytest

from helpers.demo.generator import DEMO_ROOT
from helpers.engagement.load import load
from helpers.report.consultant import consultant, emotion_rows
from helpers.report.voice import voice
from helpers.results import Results, client_view, compute, to_json

SHARED = "Nobody who set us up knew what we had been promised in the sale."
UNSHARED = "Our controller nearly cancelled in week two over the duplicate invoices."

CUSTOMER = f"""interviewee: Priya Nair
team: other
role: Finance Director, customer
audience: customer
date: 2026-09-15
quotes_checked: true
answers:
  - question: cu_s_04
    answer: {SHARED}
    emotion: -2
    share: true
  - question: cu_s_05
    answer: {UNSHARED}
    emotion: -1
  - question: cu_s_06
    answer: The demo with our own invoices.
    emotion: 2
    stage: evaluation
  - question: cu_p_03
    answer: Waiting on the security review.
    emotion: -1
internal_notes: Met at the user group.
"""


def _text(markup: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", markup)))


@pytest.fixture(scope="module")
def with_customer(tmp_path_factory: pytest.TempPathFactory) -> Results:
    folder = tmp_path_factory.mktemp("emotions") / "quillstack"
    shutil.copytree(DEMO_ROOT / "quillstack", folder)
    (folder / "interviews" / "maria-okafor.yaml").unlink()  # the demo's own customer: counted here by hand without her
    (folder / "interviews" / "priya-nair.yaml").write_text(CUSTOMER, encoding="utf-8")
    eng, problems = load(folder)
    assert eng is not None, problems.report()
    return compute(eng)


def test_each_stage_sets_the_map_beside_what_customers_said(with_customer: Results) -> None:
    rows = {r["stage"]: r for r in emotion_rows(with_customer)["rows"]}
    onboarding = next(r for name, r in rows.items() if name.lower().startswith("onboarding"))
    # the map says +1 pleased at onboarding; the two customers' answers about it say -2 and -1
    assert onboarding["map"] == "+1 pleased"
    assert [s["label"] for s in onboarding["said"]] == ["\u22122 very unhappy", "\u22121 unhappy"]
    assert onboarding["check"] == "differs: 2 of 2 customers feel worse than what the map says"
    evaluation = next(r for name, r in rows.items() if name.lower().startswith("evaluation"))
    assert evaluation["map"] == "\u22121 unhappy" and evaluation["check"] == "differs: 1 of 1 customer feels better than what the map says"
    awareness = next(r for name, r in rows.items() if name.lower().startswith("awareness"))
    assert awareness["check"] == "no customer has spoken about this stage yet"
    # "which moment felt worst?" with no stage recorded cannot be set beside the map: listed apart
    assert [u["question_id"] for u in emotion_rows(with_customer)["unplaced"]] == ["cu_p_03"]


def test_the_consultant_sees_shared_words_only_and_the_client_never_sees_the_check(with_customer: Results) -> None:
    working = _text(consultant(with_customer).html())
    assert "Customer emotions: the journey map against the customer interviews" in working
    assert SHARED in working and "(answer not shared)" in working
    assert UNSHARED not in working
    view = client_view(with_customer)
    assert view["discovery"]["customer_emotions"] == []
    client_json = to_json(view)
    assert UNSHARED not in client_json and "customer_emotions\": []" in client_json
    handout = _text(voice(view).html())
    assert SHARED in handout          # a shared customer answer may be quoted, attributed by function
    assert UNSHARED not in handout and "Priya Nair" not in handout
    assert "very unhappy" not in handout and "The map says" not in handout


def test_without_a_customer_interview_every_stage_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "kessler"
    shutil.copytree(DEMO_ROOT / "kessler-fluid-systems", folder)  # no customer interview in this demo
    eng, _ = load(folder)
    assert eng is not None
    found = emotion_rows(compute(eng))
    assert found["interviewed"] is False and found["rows"]
    assert {r["check"] for r in found["rows"]} == {"no customer interview yet"}
    assert "No customer interview yet" in _text(consultant(compute(eng)).html())
    assert json.loads(to_json(compute(eng)))["discovery"]["customer_emotions"] == []


def test_the_quillstack_demo_customer_sets_onboarding_against_the_map() -> None:
    """maria-okafor.yaml: onboarding felt -1 where the map says +1; her words are not shared."""
    eng, _ = load(DEMO_ROOT / "quillstack")
    assert eng is not None
    rows = {r["stage"]: r for r in emotion_rows(compute(eng))["rows"]}
    onboarding = next(r for name, r in rows.items() if name.lower().startswith("onboarding"))
    assert onboarding["map"] == "+1 pleased" and onboarding["check"].startswith("differs: 1 of 1 customer feels worse")
    assert "NetSuite sync" not in to_json(client_view(compute(eng)))
