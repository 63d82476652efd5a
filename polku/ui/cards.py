"""Metric cards: whole numbers in the session's language (1 234), in equal-width rows."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from polku import i18n
from polku.ui.state import lang


@dataclass(frozen=True)
class Card:
    label: str
    value: int
    help: str | None = None


def metric_row(cards: list[Card]) -> None:
    """One row of bordered metric cards of equal width."""
    for column, card in zip(st.columns(len(cards)), cards, strict=True):
        with column:
            st.metric(
                card.label,
                i18n.fmt_int(card.value, lang()),
                help=card.help,
                border=True,
                height="stretch",
            )
