"""Helpers for showing polku's DataFrames: names in the session's language, numbers as text."""

from __future__ import annotations

import re

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


# What Markdown (and Streamlit's own syntax: :color[...], :emoji:, $math$) would read as markup
# inside a table cell; a backslash makes any of these plain text
_MARKUP = re.compile(r"([\\`*_\[\]<>$:~|])")
# A cell that reads as a number: 1 234, 12,5 %, 3 400 €, < 5, −2
_NUMBER = re.compile(r"[<>≈~+\-−]?\s*\d[\d\s.,]*\s*[%€]?")


def _cell(value: object) -> str:
    text = re.sub(r"\s*[\r\n]+\s*", " ", str(value)).strip()  # one line; no-break spaces kept
    return _MARKUP.sub(r"\\\1", text) or " "


def markdown_table(frame: pd.DataFrame) -> str:
    """`frame` as a Markdown table: its columns' names as the header, every value as plain
    text, and a column whose every value is a number right-aligned."""
    columns = [str(c) for c in frame.columns]
    numeric = [
        bool(len(frame)) and all(_NUMBER.fullmatch(str(v).strip()) for v in frame.iloc[:, i])
        for i in range(len(columns))
    ]
    lines = [
        "| " + " | ".join(_cell(c) for c in columns) + " |",
        "|" + "|".join("---:" if right else "---" for right in numeric) + "|",
        *("| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(False)),
    ]
    return "\n".join(lines)


def plain_table(frame: pd.DataFrame) -> None:
    """A small read-only table of text as a plain HTML table, not the data grid: screen readers
    read it as a table, it prints and copies into Excel as one, and a page without a grid does
    not load the grid's code (about 0,2 s of its first draw in the browser)."""
    st.markdown(markdown_table(frame))
