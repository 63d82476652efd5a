"""Page furniture: the not-ready notice, a database failure while a page runs, and the one
piece of CSS Polku adds (a focus ring)."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from polku.ui.state import lang, t

# WCAG 2.4.7: a focus ring a keyboard user sees on every control, in the theme's primary
# colour (Streamlit's own ring is faint or missing on the sidebar's links and on tabs). The
# only CSS Polku adds: keep it here, small, and tied to no Streamlit class name.
FOCUS_CSS = """<style>
:is(a, button, summary, [role="tab"], [role="option"], [role="button"], [tabindex="0"]):focus-visible,
:is([data-baseweb="input"], [data-baseweb="textarea"], [data-baseweb="select"]):focus-within {
  outline: 3px solid %(colour)s !important;
  outline-offset: 2px !important;
}
</style>"""  # noqa: E501


def accessibility_style() -> None:
    """The focus ring, and the page's language for screen readers (WCAG 3.1.1: Streamlit's
    page says lang="en" whatever the interface language). Call it from the router, on every
    run, after the language switch."""
    colour = st.get_option("theme.primaryColor") or "#1F5F8B"
    st.html(FOCUS_CSS % {"colour": colour})
    with st.sidebar:
        # The language code comes from i18n.LANGUAGES only: no user input reaches the script
        st.html(
            f'<script>document.documentElement.lang = "{lang()}";</script>',
            unsafe_allow_javascript=True,
        )


def document_title(title: str) -> None:
    """The browser tab's title names the page (WCAG 2.4.2): "Mittarit · Polku"."""
    st.set_page_config(page_title=f"{title} · Polku")


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
