"""Marketing- vs sales- vs partner-sourced leads on tests/fixtures/funnel_hand/business_hours.

Mapping web, Webinar -> marketing; outbound -> sales; partner -> partner ("referral" is not
mapped, N9 has no source: both not_mapped, never guessed as "other").

    marketing  web M1 M2 M5 M7 M9 M11 M13 M15 N1 N2 N5 N7 N8 (13) + webinar M3 M8 M12 N3 (4) = 17
               opportunities M1, M2, M3 = 3; pipeline 12,000 + 18,000 + 8,000 = 38,000;
               won M1, M2 = 2, 30,000
    sales      outbound M4 M10 N6 = 3; no opportunity
    partner    M6 M14 = 2; opportunity M6, won 30,000
    other      none
    not_mapped N4 (referral), N9 (blank) = 2
Shares: leads 17/24 = 0.7083, 3/24 = 0.125, 2/24 = 0.0833, 0, 0.0833; opportunities 3/4, 0, 1/4;
won revenue 30,000 / 60,000 = 0.5 marketing, 0.5 partner.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.analysis.lead_sources import source_split
from helpers.content.lead_sources import parse_lead_sources
from helpers.engagement.funnel import read_funnel
from tests.conftest import FIXTURES

MAPPING = {"web": "marketing", "Webinar": "marketing", "outbound": "sales", "partner": "partner"}


@pytest.fixture(scope="module")
def business() -> pd.DataFrame:
    frame, problems = read_funnel(FIXTURES / "funnel_hand" / "business_hours", None, {})
    assert frame is not None and not problems, problems
    return frame


def test_split_by_source_group(business: pd.DataFrame) -> None:
    split = source_split(business, MAPPING)
    assert split["available"]
    groups = {g["group"]: g for g in split["groups"]}
    assert [g["group"] for g in split["groups"]] == ["marketing", "sales", "partner", "other", "not_mapped"]
    assert [groups[g]["leads"] for g in groups] == [17, 3, 2, 0, 2]
    assert [groups[g]["lead_share"] for g in groups] == [0.7083, 0.125, 0.0833, 0.0, 0.0833]
    assert [groups[g]["opportunities"] for g in groups] == [3, 0, 1, 0, 0]
    assert [groups[g]["opportunity_share"] for g in groups] == [0.75, 0.0, 0.25, 0.0, 0.0]
    assert [groups[g]["pipeline_amount"] for g in groups] == [38000.0, 0.0, 30000.0, 0.0, 0.0]
    assert [groups[g]["won"] for g in groups] == [2, 0, 1, 0, 0]
    assert [groups[g]["won_revenue"] for g in groups] == [30000.0, 0.0, 30000.0, 0.0, 0.0]
    assert [groups[g]["won_revenue_share"] for g in groups] == [0.5, 0.0, 0.5, 0.0, 0.0]
    assert groups["marketing"]["sources"] == ["web", "webinar"]
    assert groups["not_mapped"]["sources"] == ["referral"]
    assert split["unmapped"] == [{"source": "referral", "leads": 1}]
    assert split["blank"] == 1


def test_no_usable_source_says_why(business: pd.DataFrame) -> None:
    blank = source_split(business.assign(source="unknown"), MAPPING)
    assert not blank["available"] and blank["reason"] == "no lead in the export has a source value"
    unmapped = source_split(business, {"trade show": "marketing"})
    assert not unmapped["available"] and "mapped" in (unmapped["reason"] or "")
    assert not source_split(business.drop(columns=["source"]), MAPPING)["available"]


def test_values_match_like_the_content_mapping_and_accept_its_model(business: pd.DataFrame) -> None:
    """HubSpot writes PAID_SEARCH internally and "Paid Search" on screen: one value. N4 and N9 as above."""
    renamed = business.assign(source=business["source"].replace({"web": "PAID_SEARCH",
                                                                 "outbound": "Sales-Prospecting"}))
    model, problems = parse_lead_sources({"Paid Search": "marketing", "webinar": "marketing",
                                          "sales prospecting": "sales", "partner": "partner",
                                          "referral": "other"}, "engagement.yaml", "lead_sources")
    assert not problems
    split = source_split(renamed, model)
    groups = {g["group"]: g for g in split["groups"]}
    assert [groups[g]["leads"] for g in groups] == [17, 3, 2, 1, 1]
    assert groups["marketing"]["sources"] == ["PAID_SEARCH", "webinar"]
    assert split["unmapped"] == [] and split["blank"] == 1


def test_an_unknown_group_is_a_bug_not_a_silent_other(business: pd.DataFrame) -> None:
    with pytest.raises(ValueError):
        source_split(business, {"web": "marketting"})


def test_export_without_amounts_gives_no_amounts_not_zero(business: pd.DataFrame) -> None:
    # the same leads with the amount column dropped: counts stay, amounts are unknown (never "0")
    split = source_split(business.drop(columns=["amount"]), MAPPING)
    marketing = next(g for g in split["groups"] if g["group"] == "marketing")
    assert (marketing["opportunities"], marketing["won"]) == (3, 2)
    assert (marketing["pipeline_amount"], marketing["won_revenue"], marketing["won_revenue_share"]) == (None, None, None)


def test_spellings_with_spaces_count_as_one_value_and_ties_keep_the_order_leads_came_in() -> None:
    """Each distinct value is mapped once: ' web ' is web; unmapped values most leads first, ties first seen first."""
    created = pd.Timestamp("2026-03-02 09:00")
    frame = pd.DataFrame({"lead_id": [f"L{i}" for i in range(9)],
                          "source": ["fair", " web ", "web", "podcast", "fair", "podcast", "", "cold call", None],
                          "created_at": [created] * 9})
    split = source_split(frame, MAPPING)
    marketing = next(g for g in split["groups"] if g["group"] == "marketing")
    assert marketing["leads"] == 2 and marketing["sources"] == ["web"]
    assert split["unmapped"] == [{"source": "fair", "leads": 2}, {"source": "podcast", "leads": 2},
                                 {"source": "cold call", "leads": 1}]
    assert split["blank"] == 2
    not_mapped = next(g for g in split["groups"] if g["group"] == "not_mapped")
    assert not_mapped["leads"] == 7 and not_mapped["sources"] == ["fair", "podcast", "cold call"]
