"""Page furniture: the not-ready notice."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from polku.ui.state import t

# What to do about each problem; the rest are fixed by `python -m polku init` (db.how_to_fix)
_FIXES = {
    "db.unreachable": "db.unreachable_fix",
    "db.bad_url": "db.unreachable_fix",
    "db.read_only": "db.unreachable_fix",
    "db.vanished": "db.vanished_fix",
    "db.failed": "db.failed_fix",
}


def not_ready_page(problem: str) -> StreamlitPage:
    """The only page while the database cannot serve the app: why, and what to run.

    `problem` is the catalog key from polku.ui.resources.database_problem().
    """

    def not_ready() -> None:
        st.title(t("db.not_ready.title"))
        st.error(t(problem), icon=":material/database:")
        fix = _FIXES.get(problem, "db.how_to_fix")
        st.info(t(fix), icon=":material/terminal:")

    return st.Page(not_ready, title=t("db.not_ready.title"), icon=":material/database:")
