"""Activity exports: contact attempts counted inside the SLA window from each attempt's own date.

Hand-counted engagement (calendar clock, agreed rule: 3 attempts within 5 days). Every lead is
created and handed over (MQL) at the same moment and moved no further:

    L1  Mon 2 Mar 09:00   window to Sat 7 Mar 09:00
    L2  Tue 3 Mar 09:00   window to Sun 8 Mar 09:00
    L3  Wed 4 Mar 09:00   window to Mon 9 Mar 09:00
    L4  Thu 5 Mar 09:00   window to Tue 10 Mar 09:00
    L5  Fri 20 Mar 09:00  window to Wed 25 Mar 09:00: still open at the export (too recent)
    L6  Sun 22 Mar 09:00  created only; the latest date in the export, so the export time

HubSpot calls export (activities.csv):
    L1  2 Mar completed, 3 Mar no answer, 5 Mar busy          3 (a busy line is still an attempt)
    L2  4 Mar, 6 Mar completed; 7 Mar queued                  2 (a queued call has not happened)
    L3  one call logged against "L3;L4" on 5 Mar              1
    L4  5 Mar, 6 Mar, the shared call; 12 Mar is too late     3
    X99 a contact the funnel export does not have              left out, with a warning
Judged 4 (L1-L4), too recent 1 (L5); met 2 of 4 (L1, L4); median of 3, 2, 1, 3 = 2.5.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.engagement.activities import read_activities
from helpers.engagement.load import load
from helpers.results import compute

ENGAGEMENT = """\
client: Brightwater Analytics
consultant: Priya Raman
date: 2026-03-23
industry: B2B software
sla:
  status: agreed
  response_hours: 24
  attempts: 3
  attempt_days: 5
"""

FUNNEL = """\
lead_id,source,created_at,mql_at,first_response_at
L1,web,2026-03-02 09:00,2026-03-02 09:00,2026-03-02 10:00
L2,web,2026-03-03 09:00,2026-03-03 09:00,2026-03-04 09:00
L3,web,2026-03-04 09:00,2026-03-04 09:00,
L4,web,2026-03-05 09:00,2026-03-05 09:00,2026-03-05 12:00
L5,web,2026-03-20 09:00,2026-03-20 09:00,
L6,web,2026-03-22 09:00,,
"""

HUBSPOT_CALLS = """\
Record ID,Call Title,Activity date,Call status,Associated Contact IDs
9001,Intro,2026-03-02 10:00,COMPLETED,L1
9002,Retry,2026-03-03 10:00,NO_ANSWER,L1
9003,Retry,2026-03-05 10:00,BUSY,L1
9004,Intro,2026-03-04 09:00,COMPLETED,L2
9005,Follow-up,2026-03-06 09:00,COMPLETED,L2
9006,Follow-up,2026-03-07 09:00,QUEUED,L2
9007,Joint call,2026-03-05 13:00,COMPLETED,L3;L4
9008,Intro,2026-03-05 12:00,COMPLETED,L4
9009,Follow-up,2026-03-06 12:00,COMPLETED,L4
9010,Late,2026-03-12 12:00,COMPLETED,L4
9011,Intro,2026-03-06 12:00,COMPLETED,X99
"""


@pytest.fixture
def folder(make_engagement) -> Path:
    return make_engagement({"engagement.yaml": ENGAGEMENT, "funnel.csv": FUNNEL, "activities.csv": HUBSPOT_CALLS})


def test_attempts_in_the_window_reach_the_results(folder: Path) -> None:
    engagement, problems = load(folder)
    assert engagement is not None, problems.errors
    attempts = compute(engagement)["funnel"]["speed_to_lead"]["attempts"]
    assert attempts["measured"] is True
    assert (attempts["leads"], attempts["too_recent"]) == (5, 1)
    assert (attempts["met"]["count"], attempts["met"]["n"]) == (2, 4)
    assert attempts["median_attempts"] == 2.5


def test_a_call_against_two_contacts_counts_for_each_and_strays_are_named(folder: Path) -> None:
    frame, problems = read_activities(folder, lead_ids=None)
    assert frame is not None
    assert sorted(frame["lead_id"].value_counts().items()) == [("L1", 3), ("L2", 2), ("L3", 1), ("L4", 4), ("X99", 1)]
    assert frame.attrs["left_out"] == {"not carried out (status)": 1}
    _, problems = load(folder)
    stray = [p for p in problems if "funnel export does not have" in p.message]
    assert len(stray) == 1 and not stray[0].is_error and "'X99'" in stray[0].message


def test_the_handout_states_the_attempts_instead_of_not_measured(folder: Path, tmp_path: Path) -> None:
    engagement, _ = load(folder)
    funnel = compute(engagement)["funnel"]
    text = json.dumps(funnel["speed_to_lead"]["attempts"])
    assert "lifetime" not in text and "no record" not in text


def test_without_an_activity_file_attempts_are_not_measured(make_engagement) -> None:
    engagement, _ = load(make_engagement({"engagement.yaml": ENGAGEMENT, "funnel.csv": FUNNEL}))
    attempts = compute(engagement)["funnel"]["speed_to_lead"]["attempts"]
    assert attempts["measured"] is False and attempts["reason"] == "the export has no record of contact attempts"


SALESFORCE_TASKS = """\
Subject,Lead ID,Activity Date,Status,Type
Call,L1,3/2/2026,Completed,Call
Call,L1,3/3/2026,Completed,Call
Email,L1,3/4/2026,Completed,Email
Call,L1,3/7/2026,Completed,Call
Call,L2,3/4/2026,Not Started,Call
Call,L4,3/5/2026,Completed,Call
Call,L4,3/9/2026,Completed,Call
Call,L4,3/10/2026,Completed,Call
"""


def test_salesforce_tasks_with_dates_only_and_counted_types(make_engagement) -> None:
    """Dates without a time count for their whole day (L1's 7 Mar call is on the window's last day);
    with `types: [Call]` the email is left out: L1 3 calls (2, 3, 7 Mar), L2 0 (not started),
    L3 0, L4 3 (5, 9, 10 Mar; 10 Mar is the last day of its window). Met 2 of 4."""
    folder = make_engagement({"engagement.yaml": ENGAGEMENT + "activities:\n  types: [Call]\n",
                              "funnel.csv": FUNNEL, "activities.csv": SALESFORCE_TASKS})
    frame, problems = read_activities(folder, load(folder)[0].meta.activities)
    assert frame is not None and frame.attrs["date_only"] is True
    assert frame.attrs["left_out"] == {"not carried out (status)": 1, "another activity type": 1}
    engagement, _ = load(folder)
    attempts = compute(engagement)["funnel"]["speed_to_lead"]["attempts"]
    assert (attempts["met"]["count"], attempts["met"]["n"]) == (2, 4)


def test_own_header_names_from_engagement_yaml(make_engagement) -> None:
    text = "Related contact,When\nL1,2026-03-02 10:00\n"
    folder = make_engagement({"engagement.yaml": ENGAGEMENT + "activities:\n  columns: {Related contact: lead_id, When: activity_at}\n",
                              "funnel.csv": FUNNEL, "activities.csv": text})
    engagement, problems = load(folder)
    assert engagement is not None, problems.errors
    assert len(engagement.activities) == 1


def test_missing_columns_and_bad_dates_are_reported_together_with_the_fix(make_engagement) -> None:
    folder = make_engagement({"engagement.yaml": ENGAGEMENT, "funnel.csv": FUNNEL,
                              "activities.csv": "Lead ID,Subject\nL1,Call\n"})
    engagement, problems = load(folder)
    assert engagement is None
    [error] = [p for p in problems.errors if p.file == "activities.csv"]
    assert "when each activity happened" in error.message and "activity_at" in error.hint

    folder = make_engagement({"engagement.yaml": ENGAGEMENT, "funnel.csv": FUNNEL,
                              "activities.csv": "Lead ID,Activity Date\nL1,2026-03-02\nL2,next tuesday\nL3,2026-02-30\n"},
                             name="bad-dates")
    engagement, problems = load(folder)
    assert engagement is None
    found = {(p.row, p.message.split(" (")[0]) for p in problems.errors if p.file == "activities.csv"}
    assert found == {(3, "not a date I can read"), (4, "no such day in the calendar")}


def test_check_command_reads_the_activity_export_without_a_traceback(make_engagement, capsys) -> None:
    from helpers.cli import main

    folder = make_engagement({"engagement.yaml": ENGAGEMENT, "funnel.csv": FUNNEL,
                              "activities.csv": "Lead ID,Activity Date\nL1,soon\n"})
    code = main(["check", str(folder)])
    out = capsys.readouterr()
    assert code != 0
    assert "activities.csv" in out.out + out.err and "Traceback" not in out.out + out.err
