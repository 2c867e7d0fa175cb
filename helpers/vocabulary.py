"""The shared words of the workbook: teams, levels, dimensions, stages, roles, SLA defaults, currencies.

Every module that needs one of these lists imports it from here, so a word is defined once.
"""

from __future__ import annotations

import re
from typing import Any

# ------------------------------------------------------------------------------------- people
#: Teams a person can belong to (interviews, stakeholders).
TEAMS: tuple[str, ...] = ("sales", "marketing", "executive", "other")
#: The two teams a survey compares.
SURVEY_TEAMS: tuple[str, ...] = ("sales", "marketing")
TEAM_LABELS: dict[str, str] = {"sales": "Sales", "marketing": "Marketing", "executive": "Executive", "other": "Other"}
#: Accepted spellings of teams besides the ids.
TEAM_ALIASES: dict[str, str] = {"exec": "executive", "leadership": "executive", "management": "executive"}
LEVELS: tuple[str, ...] = ("leader", "staff")

#: Buying-influence roles (Miller Heiman); consultant-only vocabulary.
INFLUENCES: tuple[str, ...] = ("economic", "user", "technical", "coach")
INFLUENCE_LABELS: dict[str, str] = {"economic": "Economic buyer", "user": "User buyer",
                                    "technical": "Technical buyer", "coach": "Coach"}
#: Accepted spellings besides the ids (after lower-casing and turning spaces into ``_``).
INFLUENCE_ALIASES: dict[str, str] = {f"{r}_buyer": r for r in ("economic", "user", "technical")}

# ------------------------------------------------------------------------------------- survey
#: The eight alignment dimensions, in display order.
DIMENSIONS: tuple[str, ...] = ("goals", "handoff", "communication", "customer", "planning", "enablement",
                               "technology", "culture")
#: HBR 2006 relationship stages, lowest first.
STAGES: tuple[str, ...] = ("Undefined", "Defined", "Aligned", "Integrated")
#: Lowest and highest alignment index (20 statements rated 1-5, scaled to 100), and how a score is said with it.
INDEX_RANGE: tuple[int, int] = (20, 100)
SCALE_WORDS = f"on a scale of {INDEX_RANGE[0]} to {INDEX_RANGE[1]}"
#: Upper bound (exclusive) of each stage on the 20-100 index.
STAGE_BANDS: tuple[tuple[float, str], ...] = ((40.0, "Undefined"), (60.0, "Defined"), (80.0, "Aligned"),
                                              (float("inf"), "Integrated"))

# ------------------------------------------------------------------------------------- interviews
#: The journey map's emotion scale (``templates/journey.yaml``, the journey reader), with its words;
#: a customer interview records the same scale per answer.
EMOTION_LABELS: dict[int, str] = {-2: "very unhappy", -1: "unhappy", 0: "neutral", 1: "pleased", 2: "delighted"}


def emotion_label(value: int | None) -> str:
    """An emotion of the journey map's scale in words (``"\u22121 unhappy"``); ``"not set"`` for None."""
    if value is None:
        return "not set"
    sign = "+" if value > 0 else "\u2212" if value < 0 else ""
    return f"{sign}{abs(value)} {EMOTION_LABELS[value]}"


SPIN_TYPES: tuple[str, ...] = ("situation", "problem", "implication", "need_payoff")
TAGS: tuple[str, ...] = ("pain", "implication", "need", "quote")
#: Question-bank audiences; the last three are in the version-2 bank only (customer: the journey guide).
AUDIENCES: tuple[str, ...] = ("sales_leader", "salesperson", "marketing_leader", "marketer", "executive",
                              "customer_success", "technical_buyer", "customer")

# ------------------------------------------------------------------------------------- journey and funnel
#: Who can own a journey stage.
OWNERS: tuple[str, ...] = ("marketing", "sales", "shared", "customer_success")
OWNER_LABELS: dict[str, str] = {"marketing": "Marketing", "sales": "Sales", "shared": "Shared",
                                "customer_success": "Customer success"}
#: Funnel stages in order; "created" is the inquiry (every lead has it).
#: The funnel reader's own column names for dates (an export may already use them).
FUNNEL_DATE_COLUMNS: tuple[str, ...] = ("created_at", "mql_at", "sal_at", "sql_at", "opportunity_at", "won_at",
                                        "lost_at", "first_response_at", "rejected_at", "closed_at")
#: Every column the funnel reader knows by its own name.
FUNNEL_COLUMNS_OWN: tuple[str, ...] = ("lead_id", "source", *FUNNEL_DATE_COLUMNS, "amount", "attempts", "status",
                                       "outcome")
FUNNEL_STAGES: tuple[str, ...] = ("created", "mql", "sal", "sql", "opportunity", "won")
FUNNEL_STAGE_LABELS: dict[str, str] = {"created": "Inquiry", "mql": "MQL", "sal": "SAL", "sql": "SQL",
                                       "opportunity": "Opportunity", "won": "Won"}
#: Who can own a play of the plan, and how the handout names them.
PLAY_OWNERS: tuple[str, ...] = ("CMO", "CSO", "both", "CIO", "RevOps")
PLAY_OWNER_LABELS: dict[str, str] = {"CMO": "Head of marketing", "CSO": "Head of sales",
                                     "both": "Heads of sales and marketing", "CIO": "Head of IT",
                                     "RevOps": "Revenue operations"}
#: The speed-to-lead rule when ``engagement.yaml`` gives none (HubSpot's: 24 h, 5 attempts in 14 days).
SLA_DEFAULTS: dict[str, float] = {"response_hours": 24.0, "attempts": 5, "attempt_days": 14}
#: Whether both heads have agreed the SLA or it is only proposed (the default: never call a rule agreed unless it is).
SLA_STATUSES: tuple[str, ...] = ("proposed", "agreed")
#: Who sourced a lead: what ``lead_sources`` maps an export's source values to.
LEAD_SOURCE_KINDS: tuple[str, ...] = ("marketing", "sales", "partner", "other")
LEAD_SOURCE_LABELS: dict[str, str] = {"marketing": "Marketing-sourced", "sales": "Sales-sourced",
                                      "partner": "Partner-sourced", "other": "Other sources"}

# ------------------------------------------------------------------------------------- confidentiality
#: Smallest group shown to a client unless ``engagement.yaml`` sets another (survey platforms' usual default).
MIN_GROUP_DEFAULT = 5
#: No setting may go below this: with fewer, people can work out each other's answers.
MIN_GROUP_FLOOR = 3

# ------------------------------------------------------------------------------------- money
#: ISO 4217 codes of the currencies in use (``currency:`` in engagement.yaml).
CURRENCIES: frozenset[str] = frozenset("""
AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP
CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG
HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL
MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
""".split())
#: Unambiguous currency symbols a consultant may type instead of the code (used to suggest the code).
CURRENCY_SYMBOLS: dict[str, str] = {"€": "EUR", "£": "GBP", "₹": "INR", "US$": "USD", "A$": "AUD", "C$": "CAD"}


def speaker(team: str | None, level: str | None) -> str:
    """How the handout attributes a quote by default: by function, never by name or job title."""
    if team == "sales":
        return "A sales leader" if level == "leader" else "A seller"
    if team == "marketing":
        return "A marketing leader" if level == "leader" else "A marketer"
    if team == "executive":
        return "A member of the leadership team"
    return "A colleague"


#: Interviewees of one function (team and level) needed before a quote names the function; with
#: fewer, the quote names the team only ("Someone in sales"), as a reader who knows who was
#: interviewed could otherwise tell whose words they are.
QUOTE_GROUP = 3

TEAM_SPEAKER = {"sales": "Someone in sales", "marketing": "Someone in marketing",
                "executive": "A member of the leadership team"}


def quote_speaker(team: str | None, level: str | None, at_level: int) -> str:
    """A quote's attribution: the function when ``at_level`` people of it were interviewed, else the team."""
    if at_level >= QUOTE_GROUP or team == "executive":
        return speaker(team, level)
    return TEAM_SPEAKER.get(team or "", "A colleague")


def default_audience(team: str | None, level: str | None) -> str:
    """The question-bank audience that fits a team and level (``sales`` + ``leader`` -> ``sales_leader``)."""
    if team == "sales":
        return "sales_leader" if level == "leader" else "salesperson"
    if team == "marketing":
        return "marketing_leader" if level == "leader" else "marketer"
    return "executive"


def text_of(value: Any) -> str:
    """A YAML value as stripped text; None becomes ``""``."""
    return "" if value is None else str(value).strip()


def choice_of(value: Any, allowed: tuple[str, ...], aliases: dict[str, str] | None = None) -> str | None:
    """Normalise a choice (case, spaces, ``economic buyer``); None when blank; ``"?<raw>"`` when unknown."""
    raw = text_of(value)
    if not raw:
        return None
    key = re.sub(r"[\s-]+", "_", raw.lower())
    key = (aliases or {}).get(key, key)
    return key if key in allowed else "?" + raw
