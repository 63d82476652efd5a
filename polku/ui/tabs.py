"""Parts of a page drawn only while open (st.tabs and st.expander with on_change="rerun"):
opening a tab or an expander reruns the page, so a first view reads and draws one section, and
a closed expander's widgets are neither built nor loaded by the browser."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

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


def lazy_expander(label: str, key: str, *, icon: str | None = None) -> DeltaGenerator | None:
    """An expander whose content is drawn only while it is open (kept in the session under
    `key`): the container to draw into, or None while it is closed."""
    box = st.expander(label, icon=icon, key=key, on_change="rerun")
    return box if box.open else None
