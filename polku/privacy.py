"""Privacy rules: small-count suppression for directors, and (later) personal-identity-code
detection in text.

Directors see aggregates only, and any count from 1 to 4 is shown as "< 5" in charts, tables
and exports alike (the product brief). Suppression happens where a number meets its viewer,
so the metrics stay true for analysts and for the checks that compare them.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

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
