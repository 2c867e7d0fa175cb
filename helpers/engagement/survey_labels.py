"""Vocabulary of survey answers: Likert labels, "no answer" words, team and level spellings.

Used by :mod:`helpers.survey_import` to turn what respondents typed or clicked into ratings
(1-5), teams (``sales``/``marketing``) and levels (``leader``/``staff``). Pure functions on
pandas Series; nothing here reads or writes files.
"""

from __future__ import annotations
import re
import unicodedata
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


#: Labels that sit between "agree"/"disagree" and the neutral point on a 7-point scale.
SEVEN_POINT = {"somewhat disagree", "mostly disagree", "tend to disagree", "slightly disagree",
               "somewhat agree", "mostly agree", "tend to agree", "slightly agree"}


#: Answers that mean "no answer" (left blank in the scores).
NO_ANSWER = {"", "na", "n a", "not applicable", "dont know", "do not know", "prefer not to say",
             "no answer", "skip", "skipped"}


TEAM_WORDS: dict[str, str] = {
    "sales": "sales", "sale": "sales", "sales rep": "sales", "salesperson": "sales",
    "sales people": "sales", "business development": "sales", "bdr": "sales", "sdr": "sales",
    "inside sales": "sales", "field sales": "sales", "account management": "sales",
    "marketing": "marketing", "mktg": "marketing", "mkt": "marketing", "marketer": "marketing",
    "demand generation": "marketing", "demand gen": "marketing", "product marketing": "marketing",
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
}


_FILLER = r"\b(the|team|department|dept|function|org|division|unit|group)\b"


def norm(text: object) -> str:
    """Lower-case ``text`` without accents, punctuation or repeated whitespace."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[\u2019']", "", s.lower())
    return " ".join(re.sub(r"[^a-z0-9#]+", " ", s).split())


def norm_series(s: pd.Series) -> pd.Series:
    """:func:`norm` applied to every cell of ``s`` (vectorised)."""
    out = s.astype(str).str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    out = out.str.lower().str.replace(r"[\u2019']", "", regex=True)
    out = out.str.replace(r"[^a-z0-9#]+", " ", regex=True).str.strip()
    return out.str.replace(r"\s+", " ", regex=True)


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
    raw = cells.astype(str).str.strip()
    key = norm_series(raw)
    number = pd.to_numeric(raw.str.replace(",", ".", regex=False), errors="coerce")
    labelled = key.map(LABELS).astype(float)
    lead = pd.to_numeric(raw.str.extract(r"^(\d+)\s*[-\u2013(:.)]\s*[A-Za-z]", expand=False),
                         errors="coerce")
    trail = pd.to_numeric(raw.str.extract(r"[A-Za-z]\s*\(\s*(\d+)\s*\)$", expand=False),
                          errors="coerce")
    value = number.fillna(lead).fillna(trail).fillna(labelled)
    blank = key.isin(NO_ANSWER) | raw.isin(["-", "\u2013", "\u2014"])
    reason = pd.Series("", index=cells.index, dtype=object)
    reason[value.isna() & ~blank] = "not_a_rating"
    reason[value.notna() & (value != value.round())] = "fraction"
    reason[value.notna() & (value == value.round()) & ((value < 1) | (value > 5))] = "range"
    value = value.where(reason == "", np.nan).where(~blank, np.nan)
    return value.astype(float), reason


def seven_point_labels(cells: pd.Series) -> list[str]:
    """Labels showing a 7-point scale: both "agree" and "somewhat agree" (or the disagree pair).

    A 5-point survey uses one label per point; when the same file holds "Agree" *and*
    "Somewhat agree", they cannot both be 4, so the answers were given on another scale.
    Returns the clashing labels as typed (empty when the scale is a 5-point one).
    """
    cells = cells.reset_index(drop=True)
    key = norm_series(cells)
    seen = set(key)
    clash = [k for k in seen & SEVEN_POINT if ("disagree" if "disagree" in k else "agree") in seen]
    if not clash:
        return []
    plain = {"disagree" if "disagree" in k else "agree" for k in clash}
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
    base = norm_series(cells.astype(str).str.replace(r"\([^)]*\)", " ", regex=True))
    key = base.str.replace(_FILLER, " ", regex=True).str.split().str.join(" ")
    exact = key.map(words).fillna(base.map(words))
    todo = exact.isna() & (base != "")
    if not partial or not todo.any():
        return exact
    work = " " + base[todo] + " "
    hits = pd.DataFrame(False, index=work.index, columns=sorted(set(words.values())))
    for phrase in sorted(words, key=len, reverse=True):
        pat = f" {phrase} "
        hit = work.str.contains(pat, regex=False)
        hits[words[phrase]] |= hit
        work = work.str.replace(pat, " | ", regex=False)
    one = hits.sum(axis=1) == 1
    # pandas-stubs type idxmax(axis=1) as Series[int]; it gives the column labels (str) here
    exact.loc[one[one].index] = hits[one].idxmax(axis=1)  # type: ignore[assignment]
    return exact
