"""Sections of a page as tabs that draw only the open one (st.tabs with on_change="rerun"):
opening another tab reruns the page, so a first view reads and draws one section, not all."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from polku.ui.state import t


def lazy_tabs(parts: Mapping[str, Callable[[], None]], key: str, *, translate: bool = True) -> None:
    """A tab per catalog key of `parts` (or per label, `translate` False), drawing only the
    open tab's part; the open tab is kept in the session under `key`."""
    labels = [t(label) if translate else label for label in parts]
    tabs = st.tabs(labels, key=key, on_change="rerun")
    for tab, draw in zip(tabs, parts.values(), strict=True):
        if tab.open is not False:
            with tab:
                draw()
