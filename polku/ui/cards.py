"""Metric cards: whole numbers in the session's language (1 234), in equal-width rows; counts
of people follow the viewer's small-count rule."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from polku import present
from polku.ui.state import actor, lang


@dataclass(frozen=True)
class Card:
    label: str
    value: int
    help: str | None = None
    # A count of people: a director sees 1 to 4 as "< 5"
    people: bool = False
    # The text to show instead, as polku.privacy.protect decided it
    text: str | None = None


def parts_of_whole(whole: int, parts: list[int]) -> list[str]:
    """present.parts_of_whole for the signed-in viewer, in the session's language."""
    return present.parts_of_whole(whole, parts, actor(), lang())


def metric_row(cards: list[Card]) -> None:
    """One row of bordered metric cards of equal width."""
    for column, card in zip(st.columns(len(cards)), cards, strict=True):
        with column:
            st.metric(
                card.label,
                card.text
                if card.text is not None
                else present.count_text(card.value, actor(), lang(), people=card.people),
                help=card.help,
                border=True,
                height="stretch",
            )
