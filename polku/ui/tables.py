"""Helpers for showing polku's DataFrames: names in the session's language, numbers as text."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from polku import i18n, present
from polku.ui.state import lang


def names(frame: pd.DataFrame, prefix: str = "name") -> list[str]:
    """present.names in the session's language."""
    return present.names(frame, lang(), prefix)


def shown_table(frame: pd.DataFrame, columns: dict[str, str], kind: str = "count") -> pd.DataFrame:
    """A chart's data as the viewer reads it (its table and CSV): the chosen columns under
    their headers, every value as text in the session's language — dates 29.11.2026, whole
    numbers 1 234, rates 70 % (`kind` "rate": `expected` and `target` are shares); labels
    (`*_label`, already "< 5" where hidden) and names as they are."""
    language = lang()
    out = {}
    for column, header in columns.items():
        values = list(frame[column])
        if column in ("month_end", "day", "date"):
            out[header] = [i18n.fmt_date(pd.Timestamp(v).date(), language) for v in values]
        elif column in ("expected", "target") and kind == "rate":
            out[header] = [i18n.fmt_percent(float(v), 0, language) for v in values]
        elif pd.api.types.is_numeric_dtype(frame[column]) and not column.endswith("_label"):
            out[header] = [i18n.fmt_int(round(float(v)), language) for v in values]
        else:
            out[header] = [str(v) for v in values]
    return pd.DataFrame(out, columns=list(columns.values()))


def text_table(frame: pd.DataFrame, labels: dict[str, str], numeric: tuple[str, ...] = ()) -> None:
    """A read-only table whose values arrive as text; the `numeric` columns right-aligned."""
    st.dataframe(
        frame,
        hide_index=True,
        height="content",
        column_config={
            column: st.column_config.TextColumn(
                label, alignment="right" if column in numeric else None
            )
            for column, label in labels.items()
        },
    )
