"""Vocabulary of survey answers: Likert labels, "no answer" words, team and level spellings.

Used by :mod:`helpers.engagement.survey` to turn what respondents typed or clicked into ratings
(1-5), teams (``sales``/``marketing``) and levels (``leader``/``staff``), in English, German,
French, Spanish and Dutch. "Don't know" answers are recognised and kept as missing (never
scored). Pure functions on pandas Series; nothing here reads or writes files.
"""

from __future__ import annotations
import re
import unicodedata
from typing import Any
import numpy as np
import pandas as pd


RATING_HINT = ("use a whole number from 1 (strongly disagree) to 5 (strongly agree), "
               "a label such as 'Agree', or leave the cell blank")


#: Likert labels (normalised) and their ratings.
LABELS: dict[str, int] = {
    "strongly disagree": 1, "completely disagree": 1, "totally disagree": 1,
    "disagree": 2, "somewhat disagree": 2, "mostly disagree": 2, "tend to disagree": 2,
    "slightly disagree": 2,
    "neither agree nor disagree": 3, "neither disagree nor agree": 3, "neutral": 3, "neither": 3,
    "undecided": 3,
    "agree": 4, "somewhat agree": 4, "mostly agree": 4, "tend to agree": 4, "slightly agree": 4,
    "strongly agree": 5, "completely agree": 5, "totally agree": 5,
    "neither agree or disagree": 3, "neither disagree or agree": 3,
    "agree strongly": 5, "disagree strongly": 1,
}


#: The 5-point agreement scale in German, French, Spanish and Dutch, as survey tools and
#: translated questionnaires write it (accents and apostrophes are dropped by :func:`norm`).
FOREIGN_LABELS: dict[str, int] = {
    # German
    "stimme überhaupt nicht zu": 1, "stimme gar nicht zu": 1, "trifft überhaupt nicht zu": 1,
    "lehne voll und ganz ab": 1, "lehne völlig ab": 1, "stimme nicht zu": 2, "trifft nicht zu": 2,
    "stimme eher nicht zu": 2, "trifft eher nicht zu": 2, "lehne eher ab": 2, "lehne ab": 2,
    "weder noch": 3, "teils teils": 3, "teils/teils": 3, "unentschieden": 3,
    "weder zustimmung noch ablehnung": 3, "stimme weder zu noch lehne ich ab": 3,
    "trifft teilweise zu": 3, "stimme zu": 4, "trifft zu": 4, "stimme eher zu": 4,
    "trifft eher zu": 4, "stimme voll zu": 5, "stimme voll und ganz zu": 5, "stimme völlig zu": 5,
    "trifft voll zu": 5, "trifft voll und ganz zu": 5, "stimme vollkommen zu": 5,
    # French
    "pas du tout d'accord": 1, "tout à fait en désaccord": 1, "fortement en désaccord": 1,
    "totalement en désaccord": 1, "pas d'accord": 2, "en désaccord": 2, "plutôt pas d'accord": 2,
    "plutôt en désaccord": 2, "ni d'accord ni pas d'accord": 3, "ni d'accord ni en désaccord": 3,
    "ni en accord ni en désaccord": 3, "neutre": 3, "d'accord": 4, "plutôt d'accord": 4,
    "tout à fait d'accord": 5, "fortement d'accord": 5, "entièrement d'accord": 5,
    "totalement d'accord": 5,
    # Spanish
    "totalmente en desacuerdo": 1, "muy en desacuerdo": 1, "completamente en desacuerdo": 1,
    "en desacuerdo": 2, "algo en desacuerdo": 2, "ni de acuerdo ni en desacuerdo": 3,
    "ni en acuerdo ni en desacuerdo": 3, "indiferente": 3, "de acuerdo": 4, "algo de acuerdo": 4,
    "totalmente de acuerdo": 5, "muy de acuerdo": 5, "completamente de acuerdo": 5,
    # Dutch
    "helemaal oneens": 1, "zeer oneens": 1, "volledig oneens": 1, "oneens": 2, "enigszins oneens": 2,
    "niet eens niet oneens": 3, "niet eens en niet oneens": 3, "noch eens noch oneens": 3,
    "neutraal": 3, "eens": 4, "enigszins eens": 4, "helemaal eens": 5, "zeer eens": 5,
    "volledig eens": 5,
}


#: Labels that sit between "agree"/"disagree" and the neutral point on a 7-point scale, each
#: with the plain label it clashes with when both occur in one file.
SEVEN_POINT_PAIRS: dict[str, str] = {
    **{f"{w} disagree": "disagree" for w in ("somewhat", "mostly", "tend to", "slightly")},
    **{f"{w} agree": "agree" for w in ("somewhat", "mostly", "tend to", "slightly")},
    "stimme eher nicht zu": "stimme nicht zu", "stimme eher zu": "stimme zu",
    "trifft eher nicht zu": "trifft nicht zu", "trifft eher zu": "trifft zu",
    "plutot pas daccord": "pas daccord", "plutot daccord": "daccord",
    "algo en desacuerdo": "en desacuerdo", "algo de acuerdo": "de acuerdo",
    "enigszins oneens": "oneens", "enigszins eens": "eens",
}


SEVEN_POINT = set(SEVEN_POINT_PAIRS)


#: Answers that mean "I cannot judge this" (normalised), in English, German, French, Spanish and
#: Dutch: kept as missing (not scored) and counted per respondent.
DONT_KNOW = {"dont know", "do not know", "i dont know", "not sure", "cant say", "cannot say",
             "cannot judge", "weiss nicht", "weiss ich nicht", "kann ich nicht beurteilen",
             "kann ich nicht sagen", "je ne sais pas", "ne sais pas", "ne sait pas", "sans avis",
             "no se", "no lo se", "ns nc", "no sabe", "weet ik niet", "weet niet", "geen idee",
             # the instrument's own answer (version 2) and its short forms
             "dont know cant judge", "dont know cannot judge", "do not know cannot judge", "cant judge", "dk"}


#: Answers that mean "no answer" (left blank in the scores), "don't know" included.
NO_ANSWER = {"", "na", "n a", "not applicable", "prefer not to say", "no answer", "skip", "skipped",
             "keine angabe", "k a", "nicht zutreffend", "sans reponse", "non applicable",
             "sin respuesta", "no aplica", "geen antwoord", "niet van toepassing", *DONT_KNOW}


TEAM_WORDS: dict[str, str] = {
    "sales": "sales", "sale": "sales", "sales rep": "sales", "salesperson": "sales",
    "sales people": "sales", "business development": "sales", "bdr": "sales", "sdr": "sales",
    "inside sales": "sales", "field sales": "sales", "account management": "sales",
    "marketing": "marketing", "mktg": "marketing", "mkt": "marketing", "marketer": "marketing",
    "demand generation": "marketing", "demand gen": "marketing", "product marketing": "marketing",
    # German, French, Spanish, Dutch
    "vertrieb": "sales", "verkauf": "sales", "vertriebsteam": "sales", "außendienst": "sales",
    "innendienst": "sales", "ventes": "sales", "vente": "sales", "commercial": "sales",
    "commerciale": "sales", "equipe commerciale": "sales", "ventas": "sales", "comercial": "sales",
    "verkoop": "sales", "verkoopteam": "sales", "mercadeo": "marketing", "mercadotecnia": "marketing",
    "marketingteam": "marketing", "marketingabteilung": "marketing",
}


LEVEL_WORDS: dict[str, str] = {
    "leader": "leader", "leadership": "leader", "manager": "leader", "management": "leader",
    "head": "leader", "director": "leader", "executive": "leader", "exec": "leader", "vp": "leader",
    "vice president": "leader", "lead": "leader", "senior leader": "leader", "c level": "leader",
    "team lead": "leader", "team leader": "leader", "supervisor": "leader",
    "staff": "staff", "staff member": "staff", "individual contributor": "staff", "ic": "staff",
    "team member": "staff", "employee": "staff", "member": "staff", "specialist": "staff",
    "associate": "staff", "non manager": "staff", "not a manager": "staff",
    # job titles that contain a leader word but name individual contributors in sales
    "account executive": "staff", "sales executive": "staff", "account manager": "staff",
    "key account manager": "staff", "account lead": "staff",
    # German, French, Spanish, Dutch
    "führungskraft": "leader", "fuhrungskraft": "leader", "leitung": "leader", "teamleiter": "leader",
    "teamleiterin": "leader", "abteilungsleiter": "leader", "abteilungsleiterin": "leader",
    "geschäftsführung": "leader", "mitarbeiter": "staff", "mitarbeiterin": "staff",
    "mitarbeitende": "staff", "angestellte": "staff", "angestellter": "staff",
    "ohne führungsverantwortung": "staff", "mit führungsverantwortung": "leader",
    "responsable": "leader", "directeur": "leader", "directrice": "leader", "cadre dirigeant": "leader",
    "chef d equipe": "leader", "collaborateur": "staff", "collaboratrice": "staff", "employe": "staff",
    "salarie": "staff", "directivo": "leader", "directiva": "leader",
    "gerente": "leader", "jefe": "leader", "jefa": "leader", "jefe de equipo": "leader",
    "empleado": "staff", "empleada": "staff", "colaborador": "staff", "colaboradora": "staff",
    "leidinggevende": "leader", "teamleider": "leader", "medewerker": "staff",
    "medewerkster": "staff",
}


#: Yes and no in the five languages: the answers to "Do you manage people?" and the like.
YES_NO: dict[str, str] = {"yes": "leader", "y": "leader", "ja": "leader", "oui": "leader",
                          "si": "leader", "sí": "leader", "no": "staff", "n": "staff",
                          "nein": "staff", "non": "staff", "nee": "staff"}


#: Header words of a question asking whether the respondent leads people (normalised, matched
#: as a substring), e.g. "Do you manage people?", "Führungskraft?", "Avez-vous une équipe ?".
MANAGES_PEOPLE = ("manage people", "manage a team", "manage others", "people manager",
                  "line manager", "direct report", "lead a team", "leader", "fuhrungskraft",
                  "fuhrungsverantwortung", "personalverantwortung", "encadr", "equipe a gerer",
                  "gerez une equipe", "gestiona personas", "personas a cargo", "personal a cargo",
                  "leidinggevende", "geeft u leiding", "geef je leiding", "leiding geven")


_FILLER = r"\b(the|team|department|dept|function|org|division|unit|group)\b"


def norm(text: object) -> str:
    """Lower-case ``text`` without accents, punctuation or repeated whitespace."""
    s = unicodedata.normalize("NFKD", str(text).replace("\u00df", "ss")).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[\u2019']", "", s.lower())
    return " ".join(re.sub(r"[^a-z0-9#]+", " ", s).split())


def norm_series(s: pd.Series) -> pd.Series:
    """:func:`norm` applied to every cell of ``s`` (each distinct answer normalised once)."""
    text = s.astype(str)
    return text.map({u: norm(u) for u in text.unique()}).astype(object)


LABELS.update({norm(k): v for k, v in FOREIGN_LABELS.items()})
TEAM_WORDS = {norm(k): v for k, v in TEAM_WORDS.items()}
LEVEL_WORDS = {norm(k): v for k, v in LEVEL_WORDS.items()}
YES_NO = {norm(k): v for k, v in YES_NO.items()}


#: The languages whose answer labels are read (named in messages about labels not recognised).
KNOWN_LANGUAGES = "English, German, French, Spanish or Dutch"


def dont_know_cells(block: pd.DataFrame) -> pd.DataFrame:
    """True where an answer says "don't know" in one of the five languages (not a rating).

    For every cell of a table at once: each distinct answer is normalised once.
    """
    text = block.astype(str)
    said = [u for u in pd.unique(text.to_numpy().ravel()) if norm(u) in DONT_KNOW]
    return text.isin(said)


def parse_ratings(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Ratings and why a cell is not one.

    Parameters
    ----------
    cells : pandas.Series
        Raw answers as text: numbers, labels ("Agree", any case and spacing), "4 - Agree",
        "Agree (4)", or a blank / "N/A".

    Returns
    -------
    (value, reason)
        ``value`` is float (NaN for no answer or a bad cell); ``reason`` is ``""`` when fine,
        else ``"not_a_rating"``, ``"fraction"`` or ``"range"``.
    """
    codes, distinct = pd.factorize(cells.astype(str).to_numpy(dtype=object), use_na_sentinel=False)
    value, reason = _distinct_ratings([str(u) for u in distinct])  # answers repeat: each read once
    return (pd.Series(value[codes], index=cells.index, dtype=float, name=cells.name),
            pd.Series(reason[codes], index=cells.index, dtype=object, name=cells.name))


_LEAD_NUMBER = re.compile(r"^(\d+)\s*[-\u2013(:.)]\s*[A-Za-z]")  # "4 - Agree", "4 (Agree)"
_TRAIL_NUMBER = re.compile(r"[A-Za-z]\s*\(\s*(\d+)\s*\)$")  # "Agree (4)"
_DASHES = {"-", "\u2013", "\u2014"}


def _distinct_ratings(answers: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`parse_ratings` of distinct answers: ``(value, reason)`` arrays, one item per answer.

    A number is read as pandas reads it (``pd.to_numeric``, a decimal comma taken as a point),
    else the number before or after a label ("4 - Agree", "Agree (4)"), else the label itself.
    """
    raw = [a.strip() for a in answers]
    key = [norm(r) for r in raw]

    def numbers(texts: list[str | None]) -> np.ndarray:
        return pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").to_numpy(dtype=float)

    def group(pattern: re.Pattern[str], text: str) -> str | None:
        found = pattern.search(text)
        return found.group(1) if found else None

    value = numbers([r.replace(",", ".") for r in raw])
    for fallback in (numbers([group(_LEAD_NUMBER, r) for r in raw]), numbers([group(_TRAIL_NUMBER, r) for r in raw]),
                     np.array([LABELS.get(k, np.nan) for k in key], dtype=float)):
        value = np.where(np.isnan(value), fallback, value)
    blank = np.array([k in NO_ANSWER or r in _DASHES for k, r in zip(key, raw)], dtype=bool)
    known = ~np.isnan(value)
    with np.errstate(invalid="ignore"):
        whole = known & (value == np.round(value))
        reason = np.full(len(raw), "", dtype=object)
        reason[~known & ~blank] = "not_a_rating"
        reason[known & ~whole] = "fraction"
        reason[whole & ((value < 1) | (value > 5))] = "range"
    value = np.where((reason == "") & ~blank, value, np.nan)
    return value, reason


def seven_point_labels(cells: pd.Series) -> list[str]:
    """Labels showing a 7-point scale: both "agree" and "somewhat agree" (or the disagree pair).

    A 5-point survey uses one label per point; when the same file holds "Agree" *and*
    "Somewhat agree", they cannot both be 4, so the answers were given on another scale.
    Returns the clashing labels as typed (empty when the scale is a 5-point one).
    """
    cells = cells.reset_index(drop=True)
    key = norm_series(cells)
    seen = set(key)
    clash = [k for k in seen & SEVEN_POINT if SEVEN_POINT_PAIRS[k] in seen]
    if not clash:
        return []
    plain = {SEVEN_POINT_PAIRS[k] for k in clash}
    typed = cells.astype(str).str.strip()[key.isin(set(clash) | plain)]
    first = typed.groupby(key[typed.index]).first()  # one spelling per label, as typed
    return [first[k] for k in sorted(first.index, key=lambda k: (k.split()[-1], len(k)))]


def map_words(cells: pd.Series, words: dict[str, str], *, partial: bool = True) -> pd.Series:
    """Map free answers onto canonical values (``words``: spelling -> value); NaN when unknown.

    An answer matches when, without brackets, punctuation, case and filler words such as
    "team" or "department", it is a known spelling ("Sales Dept" -> sales), or when every known
    spelling it contains points to the same value, longest first ("Manager / team lead" ->
    leader, "Non-manager" -> staff). An answer naming both values ("Sales & marketing") is NaN.
    With ``partial=False`` only the first rule applies.
    """
    text = cells.astype(str)
    phrases = sorted(words, key=len, reverse=True) if partial else []
    mapped = {u: _word_value(u, words, phrases) for u in text.unique()}  # each distinct answer once
    return text.map(mapped).astype(object)


def _word_value(text: str, words: dict[str, str], phrases: list[str]) -> Any:
    """:func:`map_words` for one answer; ``phrases`` are the spellings to look for inside it (longest first)."""
    base = norm(re.sub(r"\([^)]*\)", " ", text))
    key = " ".join(re.sub(_FILLER, " ", base).split())
    exact = words.get(key, words.get(base))
    if exact is not None or not phrases or not base:
        return np.nan if exact is None else exact
    work = f" {base} "
    hits = set()
    for phrase in phrases:
        pattern = f" {phrase} "
        if pattern in work:
            hits.add(words[phrase])
            work = work.replace(pattern, " | ")
    return next(iter(hits)) if len(hits) == 1 else np.nan
