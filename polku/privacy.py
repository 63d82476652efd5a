"""Privacy rules: small-count suppression for directors, and personal-identity-code
(henkilötunnus) detection in free text.

Directors see aggregates only, and any count from 1 to 4 is shown as "< 5" in charts, tables
and exports alike (the product brief). Suppression happens where a number meets its viewer,
so the metrics stay true for analysts and for the checks that compare them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from stdnum.fi import hetu

from polku import i18n
from polku.access import Actor

# Counts from 1 to SMALL_COUNT_LIMIT - 1 are hidden; zero is not a small group of people
SMALL_COUNT_LIMIT = 5


def is_small(count: int) -> bool:
    return 0 < count < SMALL_COUNT_LIMIT


def suppressed_label(lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    return i18n.t("privacy.small_count", lang, limit=SMALL_COUNT_LIMIT)


def fmt_count(count: int, actor: Actor | None, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """The count as the viewer may see it: "< 5" for a director's small count."""
    if (actor is None or actor.suppresses_small_counts) and is_small(int(count)):
        return suppressed_label(lang)
    return i18n.fmt_int(count, lang)


def label_counts(
    frame: pd.DataFrame,
    column: str,
    actor: Actor | None,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """A copy for a chart: `column` loses the counts the viewer may not see (a director's 1 to
    4 become empty, so no bar or point shows them) and `<column>_label` holds the text to
    show instead ("< 5", or the count in the viewer's format)."""
    out = frame.copy()
    values = [int(v) for v in out[column].fillna(0)]
    out[f"{column}_label"] = [fmt_count(v, actor, lang) for v in values]
    hidden = [(actor is None or actor.suppresses_small_counts) and is_small(v) for v in values]
    out[column] = [None if h else v for v, h in zip(values, hidden, strict=True)]
    return out


def suppress_frame(
    frame: pd.DataFrame,
    columns: Iterable[str],
    actor: Actor | None,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """A copy with the count `columns` as text, small counts as "< 5" for a director."""
    out = frame.copy()
    for column in columns:
        out[column] = [fmt_count(int(value), actor, lang) for value in out[column]]
    return out


# ---------------------------------------------------------------------------------------------
# Personal identity codes (henkilötunnus) in free text (domain-research.md §5)

# DDMMYY, century sign, individual number NNN, check character = DDMMYYNNN mod 31 looked up here
HETU_CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
# Dashes people paste instead of the hyphen-minus (hyphen, non-breaking hyphen, en/em dash, minus)
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
# Letters may touch a code ("HETU010594Y9021"); digits may not, so longer numbers stay numbers
HETU_PATTERN = re.compile(
    r"(?<![0-9])"
    r"(?P<day>0[1-9]|[12]\d|3[01])(?P<month>0[1-9]|1[0-2])(?P<year>\d{2})"
    rf"\s?(?P<sign>[-+A-FU-Y{_DASHES}]|\s)\s?"
    r"(?P<number>\d{3})(?P<check>[0-9A-FHJ-NPR-Y])"
    r"(?![0-9])",
    re.IGNORECASE,
)
# What the audit log holds instead of a code
HETU_MASK = "[hetu]"


@dataclass(frozen=True)
class HetuMatch:
    """Where text looks like a henkilötunnus, and whether it is a valid one (check character,
    real date, individual number 002–999) or only has its shape (a typo, or not one at all)."""

    start: int
    end: int
    valid: bool


def hetu_check_character(digits: str) -> str:
    """The check character of the nine digits DDMMYYNNN."""
    return HETU_CHECK_CHARACTERS[int(digits) % 31]


def _is_valid(match: re.Match[str]) -> bool:
    sign = match["sign"].upper()
    sign = "-" if sign in _DASHES or sign.isspace() else sign
    code = f"{match['day']}{match['month']}{match['year']}{sign}{match['number']}{match['check']}"
    # Temporary codes (individual number 900–999) are personal data too
    return hetu.is_valid(code.upper(), allow_temporary=True)


def find_hetus(text: str | None) -> list[HetuMatch]:
    """Every place in `text` shaped like a henkilötunnus, with its validity."""
    if not text:
        return []
    return [HetuMatch(m.start(), m.end(), _is_valid(m)) for m in HETU_PATTERN.finditer(text)]


def is_valid_hetu(code: str) -> bool:
    """Whether `code` is exactly one valid henkilötunnus (surrounding spaces ignored)."""
    found = find_hetus(code.strip())
    return len(found) == 1 and found[0].valid and found[0].end - found[0].start == len(code.strip())


def hetu_verdict(text: str | None) -> str | None:
    """ "refuse" when `text` holds a valid henkilötunnus, "warn" when something only has its
    shape, None when nothing looks like one."""
    found = find_hetus(text)
    if any(m.valid for m in found):
        return "refuse"
    return "warn" if found else None


def has_hetu(text: str | None) -> bool:
    """Whether `text` holds a valid henkilötunnus."""
    return hetu_verdict(text) == "refuse"


def mask_hetus(text: str) -> str:
    """`text` with every valid henkilötunnus replaced by HETU_MASK (look-alikes stay)."""
    for found in reversed(find_hetus(text)):
        if found.valid:
            text = text[: found.start] + HETU_MASK + text[found.end :]
    return text
