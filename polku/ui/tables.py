"""Helpers for showing polku's DataFrames: names in the session's language, numbers as text."""

from __future__ import annotations

import pandas as pd

from polku import i18n
from polku.ui.state import lang


def names(frame: pd.DataFrame, prefix: str = "name") -> list[str]:
    """`<prefix>_fi` or `<prefix>_en` of each row, Finnish where English is missing."""
    return [
        i18n.localized_name({"name_fi": fi, "name_en": en}, lang())
        for fi, en in zip(frame[f"{prefix}_fi"], frame[f"{prefix}_en"], strict=True)
    ]
