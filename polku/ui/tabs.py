"""Sections of a page as tabs that draw only the open one (st.tabs with on_change="rerun"):
opening another tab reruns the page, so a first view reads and draws one section, not all."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from polku.ui.state import t


def lazy_tabs(parts: dict[str, Callable[[], None]], key: str) -> None:
    """A tab per catalog key of `parts` (its label), drawing only the open tab's part; the
    open tab is kept in the session under `key`."""
    tabs = st.tabs([t(label) for label in parts], key=key, on_change="rerun")
    for tab, draw in zip(tabs, parts.values(), strict=True):
        if tab.open is not False:
            with tab:
                draw()
