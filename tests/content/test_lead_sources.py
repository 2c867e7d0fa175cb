"""The default lead-source mapping (templates/lead_sources.yaml) as a consultant relies on it."""

from __future__ import annotations

import textwrap

import pytest

from helpers.content.errors import ContentInvalid
from helpers.content.lead_sources import load_lead_sources, read_lead_sources, source_key

HUBSPOT = ["ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "REFERRALS", "OTHER_CAMPAIGNS",
           "DIRECT_TRAFFIC", "OFFLINE", "PAID_SOCIAL", "Organic Search", "Paid Search", "Email Marketing",
           "Social Media", "Organic Social", "Referrals", "Other Campaigns", "Direct Traffic", "Offline Sources",
           "Paid Social"]
SALESFORCE = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other", "Advertisement",
              "Employee Referral", "External Referral", "Trade Show", "Word of mouth", "Seminar - Internal",
              "Seminar - Partner"]


def test_the_bundled_mapping_is_valid_and_covers_both_crms_standard_values() -> None:
    mapping, problems = read_lead_sources()
    assert problems == []
    assert mapping is not None
    assert [v for v in HUBSPOT + SALESFORCE if mapping.kind_of(v) is None] == []
    assert {v: mapping.kind_of(v) for v in ("OFFLINE", "Offline Sources", "Partner Referral", "Seminar - Partner",
                                            "Purchased List", "Employee Referral", "Cold Call")} == {
        "OFFLINE": "other", "Offline Sources": "other", "Partner Referral": "partner", "Seminar - Partner": "partner",
        "Purchased List": "marketing", "Employee Referral": "other", "Cold Call": "sales"}
    assert load_lead_sources() == mapping


def test_values_match_whatever_the_case_spaces_underscores_and_hyphens() -> None:
    assert source_key("ORGANIC_SEARCH") == source_key(" organic-search ") == source_key("Organic  Search") == \
        "organic search"
    assert source_key("Seminar - Internal") == source_key("SEMINAR_INTERNAL") == "seminar internal"


def test_one_value_with_two_meanings_in_the_template_is_refused(tmp_path) -> None:
    path = tmp_path / "lead_sources.yaml"
    path.write_text(textwrap.dedent("""\
        hubspot:
          OFFLINE: other
        mine:
          Offline: sales
          Web: inbound
        """))
    mapping, problems = read_lead_sources(path)
    assert mapping is None
    assert [str(p) for p in problems] == [
        "lead_sources.yaml: mine.Web: 'inbound' is not one of marketing, sales, partner, other; "
        "write e.g. `Web: marketing`",
        "lead_sources.yaml: mine.Offline: 'Offline' is sales here but other under hubspot; keep one of the two lines",
    ]
    with pytest.raises(ContentInvalid, match="is sales here but other under hubspot"):
        load_lead_sources(path)
