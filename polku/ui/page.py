"""Page furniture: the not-ready notice, and a database failure while a page runs."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from polku.ui.state import t

# What to do about each problem; the rest are fixed by `python -m polku init` (db.how_to_fix)
_FIXES = {
    "db.unreachable": "db.unreachable_fix",
    "db.bad_url": "db.unreachable_fix",
    "db.read_only": "db.unreachable_fix",
    "db.full": "db.full_fix",
    "db.missing": "db.missing_fix",
    "db.vanished": "db.vanished_fix",
    "db.failed": "db.failed_fix",
}


def not_ready_page(problem: str) -> StreamlitPage:
    """The only page while the database cannot serve the app: why, and what to run.

    `problem` is the catalog key from polku.ui.resources.database_problem().
    """

    def not_ready() -> None:
        st.title(t("db.not_ready.title"))
        database_failed(problem)

    return st.Page(not_ready, title=t("db.not_ready.title"), icon=":material/database:")


def database_failed(problem: str) -> None:
    """Why the database could not serve the page (catalog key `problem`) and what to do."""
    st.error(t(problem), icon=":material/database:")
    st.info(t(_FIXES.get(problem, "db.how_to_fix")), icon=":material/terminal:")
