"""The user's choices that every page reads: language and municipality (both bound to the URL)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from polku import i18n

# Session-state keys, and the URL query parameters they are bound to (?kunta=...&kieli=...)
MUNICIPALITY_KEY = "kunta"
LANGUAGE_KEY = "kieli"
# The picker's value for the whole region (a selectbox serialises None as "no choice")
REGION = ""


def lang() -> i18n.Language:
    """The language of this session: Finnish unless English is picked."""
    return i18n.language(st.session_state.get(LANGUAGE_KEY))


def t(key: str, /, **values: Any) -> str:
    """The catalog string `key` in the session's language."""
    return i18n.t(key, lang(), **values)


def municipality() -> str | None:
    """The picked municipality's code, or None for the whole region."""
    return st.session_state.get(MUNICIPALITY_KEY) or None
