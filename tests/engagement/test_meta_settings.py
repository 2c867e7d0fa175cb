"""``lead_sources:``, ``survey:``, ``confidentiality:`` and ``logo:`` in engagement.yaml: typed values and messages."""

from __future__ import annotations

import base64
import textwrap
from pathlib import Path

import pytest

from helpers.engagement.load import load
from helpers.engagement.meta import Confidentiality, SurveySettings, read_meta
from helpers.render.handout import logo_data_uri

HEAD = "client: Acme\nconsultant: Priya Raman\ndate: 2026-10-05\nindustry: Logistics\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def folder_with(tmp_path: Path, body: str, name: str = "acme") -> Path:
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    (folder / "engagement.yaml").write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return folder


def shown(problems) -> list[str]:
    return [f"{p.severity}: {p}" for p in problems]


# --------------------------------------------------------------------------------------------
# lead_sources


def test_hubspot_and_salesforce_source_values_are_mapped_by_default(tmp_path) -> None:
    meta, problems = read_meta(folder_with(tmp_path, ""))
    assert problems == []
    assert meta is not None
    kind = meta.lead_sources.kind_of
    assert [kind(v) for v in ("ORGANIC_SEARCH", "Organic Search", "Paid Social", "Referrals", "OFFLINE",
                              "Offline Sources")] == ["marketing"] * 4 + ["other"] * 2
    assert [kind(v) for v in ("Web", "Partner Referral", "Word of mouth", "Seminar - Partner", "Trade Show")] == \
        ["marketing", "partner", "other", "partner", "marketing"]
    assert kind("Client referral") is None  # not guessed
    assert meta.lead_sources.own == frozenset()


def test_the_engagement_overrides_and_adds_source_values(tmp_path) -> None:
    meta, problems = read_meta(folder_with(tmp_path, """\
        lead_sources:
          Offline Sources: sales
          Client referral: Other
          Breakfast seminar: marketing
        """))
    assert problems == []
    assert meta is not None
    kind = meta.lead_sources.kind_of
    assert (kind("OFFLINE"), kind("offline sources"), kind("CLIENT_REFERRAL"), kind("Breakfast Seminar")) == \
        ("other", "sales", "other", "marketing")
    assert kind("ORGANIC_SEARCH") == "marketing"  # the defaults stay
    assert meta.lead_sources.own == frozenset({"offline sources", "client referral", "breakfast seminar"})
    assert meta.lead_sources.unmapped(["Webinar", "LinkedIn", "linkedin", None, "Client referral"]) == ["LinkedIn"]


@pytest.mark.parametrize("body, expected", [
    ("lead_sources:\n  Offline Sources: inbound\n",
     ["error: engagement.yaml: lead_sources.Offline Sources: 'inbound' is not one of marketing, sales, partner, "
      "other; write e.g. `Offline Sources: marketing`"]),
    ("lead_sources:\n  PAID_SEARCH: marketing\n  Paid Search: sales\n",
     ["error: engagement.yaml: lead_sources.Paid Search: 'PAID_SEARCH' and 'Paid Search' are the same value "
      "(case, spaces and underscores do not count) but say marketing and sales; keep one of the two lines"]),
    ("lead_sources: [Web, Phone Inquiry]\n",
     ["error: engagement.yaml: lead_sources: 'lead_sources' must map source values to marketing, sales, partner, "
      "other; write e.g. `lead_sources:` then an indented `Offline Sources: sales`"]),
])
def test_a_wrong_lead_source_mapping_says_what_to_write(tmp_path, body, expected) -> None:
    meta, problems = read_meta(folder_with(tmp_path, body))
    assert shown(problems) == expected
    assert meta is not None and meta.lead_sources.kind_of("Web") == "marketing"


# --------------------------------------------------------------------------------------------
# survey.invited


def test_invited_counts_are_typed_per_team(tmp_path) -> None:
    meta, problems = read_meta(folder_with(tmp_path, "survey:\n  invited: {sales: 20, Marketing: 12}\n"))
    assert problems == []
    assert meta is not None
    assert meta.survey == SurveySettings(invited={"sales": 20, "marketing": 12})
    assert all(type(n) is int for n in meta.survey.invited.values())


def test_without_invited_counts_there_is_no_response_rate_to_give(tmp_path) -> None:
    meta, problems = read_meta(folder_with(tmp_path, ""))
    assert problems == [] and meta is not None
    assert meta.survey.invited == {}


@pytest.mark.parametrize("invited, expected", [
    ("{sales: 0, marketing: 12}", "survey.invited.sales: 0 is not a positive whole number; write how many people "
                                  "were asked to answer, e.g. sales: 20"),
    ("{sales: -4}", "survey.invited.sales: -4 is not a positive whole number; write how many people were asked to "
                    "answer, e.g. sales: 20"),
    ("{sales: 12.5}", "survey.invited.sales: 12.5 is not a positive whole number; write how many people were "
                      "asked to answer, e.g. sales: 20"),
    ("{marketing: true}", "survey.invited.marketing: True is not a positive whole number; write how many people "
                          "were asked to answer, e.g. marketing: 20"),
    ("{sales: twenty}", "survey.invited.sales: 'twenty' is not a positive whole number; write how many people "
                        "were asked to answer, e.g. sales: 20"),
    ("{sellers: 20}", "survey.invited.sellers: 'sellers' is not a survey team; give the number invited per team: "
                      "sales, marketing"),
    ("32", "survey.invited: 'survey.invited' must be a mapping; write e.g. `invited: {sales: 20, marketing: 12}`"),
])
def test_wrong_invited_counts_are_errors_naming_the_team(tmp_path, invited, expected) -> None:
    meta, problems = read_meta(folder_with(tmp_path, f"survey:\n  invited: {invited}\n"))
    assert shown(problems) == [f"error: engagement.yaml: {expected}"]
    assert meta is not None
    assert 0 not in meta.survey.invited.values()


def test_an_unknown_survey_key_is_a_warning(tmp_path) -> None:
    meta, problems = read_meta(folder_with(tmp_path, "survey:\n  invitees: 30\n"))
    assert shown(problems) == ["warning: engagement.yaml: survey.invitees: unknown key 'invitees' is ignored; "
                               "known keys: invited"]


# --------------------------------------------------------------------------------------------
# confidentiality.min_group


def test_the_minimum_group_defaults_to_five(tmp_path) -> None:
    meta, _ = read_meta(folder_with(tmp_path, ""))
    assert meta is not None and meta.confidentiality == Confidentiality(min_group=5)


@pytest.mark.parametrize("written, value", [("3", 3), ("7", 7), ("10.0", 10)])
def test_the_minimum_group_can_be_raised_or_lowered_to_three(tmp_path, written, value) -> None:
    meta, problems = read_meta(folder_with(tmp_path, f"confidentiality:\n  min_group: {written}\n"))
    assert problems == []
    assert meta is not None and meta.confidentiality.min_group == value


@pytest.mark.parametrize("written, expected", [
    ("2", "confidentiality.min_group: 2 is below 3: in a smaller group a person can work out a colleague's "
          "answers from the group's result; write min_group: 3 or more (5 is the usual setting)"),
    ("1", "confidentiality.min_group: 1 is below 3: in a smaller group a person can work out a colleague's "
          "answers from the group's result; write min_group: 3 or more (5 is the usual setting)"),
    ("five", "confidentiality.min_group: 'five' is not a whole number; write e.g. min_group: 5"),
    ("4.5", "confidentiality.min_group: 4.5 is not a whole number; write e.g. min_group: 5"),
])
def test_a_minimum_group_below_three_is_an_error_saying_why(tmp_path, written, expected) -> None:
    folder = folder_with(tmp_path, f"confidentiality:\n  min_group: {written}\n")
    meta, problems = read_meta(folder)
    assert shown(problems) == [f"error: engagement.yaml: {expected}"]
    assert meta is not None and meta.confidentiality.min_group == 5
    assert load(folder)[0] is None  # nothing is rendered with a threshold that exposes people


# --------------------------------------------------------------------------------------------
# logo


def test_a_logo_inside_the_folder_is_kept_and_embeds_on_the_cover(tmp_path) -> None:
    folder = folder_with(tmp_path, "logo: images/logo.png\n")
    (folder / "images").mkdir()
    (folder / "images" / "logo.png").write_bytes(PNG)
    meta, problems = read_meta(folder)
    assert problems == []
    assert meta is not None and meta.logo == (folder / "images" / "logo.png").resolve()
    assert logo_data_uri(meta.logo) == "data:image/png;base64," + base64.b64encode(PNG).decode("ascii")


def test_a_logo_linking_to_another_clients_file_is_refused(tmp_path) -> None:
    other = tmp_path / "other-client"
    other.mkdir()
    (other / "logo.png").write_bytes(PNG)
    folder = folder_with(tmp_path, "logo: logo.png\n")
    (folder / "logo.png").symlink_to(other / "logo.png")
    meta, problems = read_meta(folder)
    assert shown(problems) == [
        "error: engagement.yaml: logo: 'logo.png' is a link to a file outside the engagement folder; "
        "copy the image itself into the engagement folder instead of linking to it"]
    assert meta is not None and meta.logo is None
    assert load(folder)[0] is None


@pytest.mark.parametrize("written, expected", [
    ("/etc/passwd", "'/etc/passwd' is an absolute path; only files inside the engagement folder are used; "
                    "put the image in the engagement folder and write its name, e.g. logo: logo.png"),
    ("../other-client/logo.png", "'../other-client/logo.png' points outside the engagement folder (..); "
                                 "put the image in the engagement folder and write its name, e.g. logo: logo.png"),
    ("missing.png", "'missing.png' was not found in the engagement folder; check the file name (and its "
                    "capitals), or remove the field"),
    ("notes.png", "'notes.png' is not a PNG, JPEG, GIF or WebP image (its content is not an image, whatever its "
                  "name); export the logo as PNG and name that file instead"),
    ("logo.svg", "'logo.svg' is an SVG image, which is not accepted (it can carry scripts); export the logo as "
                 "PNG and name that file instead"),
    ("[a, b]", "['a', 'b'] is not a file name; write the image's file name, e.g. logo: logo.png"),
])
def test_a_logo_that_is_not_a_real_image_in_the_folder_is_an_error_naming_the_field(tmp_path, written,
                                                                                       expected) -> None:
    folder = folder_with(tmp_path, f"logo: {written}\n")
    (folder / "notes.png").write_text("meeting notes, not an image")
    (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    meta, problems = read_meta(folder)
    assert shown(problems) == [f"error: engagement.yaml: logo: {expected}"]
    assert meta is not None and meta.logo is None


def test_an_oversized_logo_is_refused(tmp_path) -> None:
    folder = folder_with(tmp_path, "logo: logo.png\n")
    (folder / "logo.png").write_bytes(PNG + b"\x00" * (2 * 1024 * 1024))
    meta, problems = read_meta(folder)
    assert shown(problems) == ["error: engagement.yaml: logo: 'logo.png' is over the 2 MB limit for an image; "
                               "save a smaller version (a logo needs no more than about 600 pixels wide)"]
    assert meta is not None and meta.logo is None


# --------------------------------------------------------------------------------------------
# the whole file


def test_new_keys_are_known_not_warned_about(tmp_path) -> None:
    folder = folder_with(tmp_path, """\
        currency: EUR
        lead_sources: {Offline Sources: sales}
        survey: {invited: {sales: 20, marketing: 12}}
        confidentiality: {min_group: 5}
        """)
    meta, problems = read_meta(folder)
    assert problems == []
    assert meta is not None and meta.currency == "EUR"


def test_columns_naming_a_crm_is_read_as_crm(tmp_path) -> None:
    meta, problems = read_meta(folder_with(tmp_path, "columns: HubSpot\n"))
    assert shown(problems) == [] and meta is not None
    assert meta.crm == "hubspot" and meta.columns == {}
