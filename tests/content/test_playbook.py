"""The bundled playbook and its loader: valid, measurable, in our own words; every mistake reported."""

from __future__ import annotations

from helpers.content.playbook import load_playbook, parse_success, read_playbook

DOMAIN_SENTENCE = "made qualifying the lead nearly 7"  # a sentence of DOMAIN.md the playbook must not copy


def test_bundled_playbook_is_valid_and_rich():
    book = load_playbook()
    assert len(book.plays) >= 30
    assert {p.owner for p in book.plays} >= {"CMO", "CSO", "both", "CIO", "RevOps"}
    stages = {p.trigger.get("equals") for p in book.plays if p.trigger.get("signal") == "stage"}
    assert {"Undefined", "Defined", "Aligned", "Integrated"} <= stages
    assert all(p.success["text"] for p in book.plays)


def test_most_plays_have_one_accountable_owner():
    """'Both' owns nothing in practice: at most half the plays may be shared."""
    plays = load_playbook().plays
    assert sum(p.owner == "both" for p in plays) <= len(plays) / 2
    assert {p.owner for p in plays} == {"CMO", "CSO", "both", "CIO", "RevOps", "CEO"}


def test_every_measured_play_says_how_far_counts_as_success():
    """'Dimension up' was unmeasurable: each signal-backed measure now has a target or a by."""
    vague = [p.id for p in load_playbook().plays
             if p.success.get("signal") and p.success.get("target") is None and p.success.get("by") is None]
    assert vague == []


def test_playbook_evidence_is_in_our_own_words():
    book, problems = read_playbook()
    assert problems == [] and book is not None
    assert not [p.id for p in book.plays if DOMAIN_SENTENCE in " ".join(p.evidence.split())]


def test_broken_playbook_lists_every_problem(tmp_path):
    (tmp_path / "playbook.yaml").write_text(
        "plays:\n"
        "  - {id: a, title: T, action: A, evidence: E, owner: BOSS, horizon: 45, effort: 4, impact: 1,\n"
        "     stages: [Aligned, Undefined], trigger: {signal: index, lower: 3}, success: S}\n"
        "  - {id: a, title: 'Call in {sla_minutes}', action: A, evidence: E, owner: CMO, horizon: 30, effort: 1,\n"
        "     impact: 1, stages: [Defined], trigger: {signal: index, below: x}, success: S}\n"
        "  - {id: b, title: T, action: A, evidence: E, owner: CMO, horizon: 30, effort: 1, impact: 1,\n"
        "     trigger: {signal: index, below: 3}, success: S}\n", encoding="utf-8")
    book, problems = read_playbook(tmp_path / "playbook.yaml")
    text = "\n".join(map(str, problems))
    assert book is None
    for part in ("owner 'BOSS' is not known", "horizon 45", "effort 4", "lower", "below needs a number",
                 "plays[a].stages: stages ['Aligned', 'Undefined'] runs backwards",
                 "unknown placeholder(s) sla_minutes", "plays[b].stages: stages None is not a stage range"):
        assert part in text


def test_every_play_carries_a_stage_range_and_no_integrated_play_reaches_the_first_stage():
    plays = {p.id: p for p in load_playbook().plays}
    assert all(p.stages for p in plays.values())
    assert plays["goals_shared_target"].stages == ("Aligned", "Integrated")
    assert plays["planning_two_year"].stages == ("Defined", "Aligned")   # a range covers the stages between
    assert "Undefined" not in plays["aligned_revenue_owner"].stages


def test_playbook_signal_typos_are_reported(tmp_path):
    play = ("  - {{id: {id}, title: T, action: A, evidence: E, owner: CMO, horizon: 30, effort: 1, impact: 1,\n"
            "     stages: [Undefined, Integrated], trigger: {trigger}, success: S}}\n")
    (tmp_path / "playbook.yaml").write_text("plays:\n" + "".join(play.format(id=i, trigger=t) for i, t in [
        ("a", "{signal: dimension.hand_off, below: 50}"),
        ("b", "{signal: indx, below: 50}"),
        ("c", "{any: [{signal: gap.widest, above: 10}, {signal: funnel.anything.at_all, below: 1}]}"),
        ("d", "{signal: team.sales, below: 50}"),
    ]), encoding="utf-8")
    book, problems = read_playbook(tmp_path / "playbook.yaml")
    text = "\n".join(map(str, problems))
    assert "'hand_off' is not a dimension" in text and "signal 'indx' is not known" in text
    assert len(problems) == 2


def test_by_is_validated():
    success, problems = parse_success({"text": "up 10", "signal": "index", "goal": "up", "by": 10}, "p.yaml", "x")
    assert success["by"] == 10 and problems == []
    _, problems = parse_success({"text": "up", "signal": "index", "goal": "up", "by": -3}, "p.yaml", "x")
    assert "by -3 is not a positive number" in str(problems[0])
    _, problems = parse_success({"text": "up", "signal": "index", "by": 5}, "p.yaml", "x")
    assert "by needs a goal" in str(problems[0])


def _fires_on_interviews_alone(trigger: dict) -> bool:
    """Whether a trigger can fire with only interview (discovery) signals true."""
    if "any" in trigger:
        return any(_fires_on_interviews_alone(t) for t in trigger["any"])
    if "all" in trigger:
        return all(_fires_on_interviews_alone(t) for t in trigger["all"])
    if "not" in trigger:
        return False
    return trigger["signal"].startswith("discovery")


def _unguarded_gaps(trigger: dict, guarded: frozenset = frozenset()) -> list[str]:
    """Gap conditions on a dimension not combined (in an ``all``) with that gap's ``.significant`` test."""
    if "all" in trigger:
        here = guarded | {t["signal"].removesuffix(".significant") for t in trigger["all"]
                          if "signal" in t and (t["signal"].endswith(".significant") or t["signal"] == "gap_significant")}
        here |= {"gap"} if any(t.get("signal") == "gap_significant" for t in trigger["all"]) else set()
        return [g for t in trigger["all"] for g in _unguarded_gaps(t, frozenset(here))]
    if "any" in trigger:
        return [g for t in trigger["any"] for g in _unguarded_gaps(t, guarded)]
    if "not" in trigger:
        return []
    name = trigger["signal"]
    is_gap = name == "gap" or (name.startswith("gap.") and not name.endswith(".significant"))
    return [name] if is_gap and name not in guarded else []


def test_no_client_play_fires_on_interview_counts_alone_and_gap_plays_need_a_real_gap():
    plays = [p for p in load_playbook().plays if not p.housekeeping]
    assert [p.id for p in plays if _fires_on_interviews_alone(p.trigger)] == []
    assert [(p.id, g) for p in plays for g in _unguarded_gaps(p.trigger)] == []


def test_seed_practices_are_in_the_playbook_with_data_triggers():
    plays = {p.id: p for p in load_playbook().plays}
    for pid in ("planning_two_year", "heads_joint_presentations", "sales_review_before_launch",
                "informal_time_together", "tech_enlist_cio", "leadership_climate"):
        play = plays[pid]
        assert play.evidence and play.stages and not play.housekeeping
        assert "discovery" not in str(play.trigger), f"{pid} must fire on survey or CRM data"
    assert "two years" in plays["planning_two_year"].action
    assert "structure" in plays["leadership_climate"].title
