"""The user's choices that every page reads: language and municipality (both bound to the URL)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from polku import i18n
from polku.access import AccessDenied, Actor, Permission

# Session-state keys, and the URL query parameters they are bound to (?kunta=...&kieli=...)
MUNICIPALITY_KEY = "kunta"
LANGUAGE_KEY = "kieli"
# The signed-in user, set by the router on every run before the page runs
ACTOR_KEY = "_polku_actor"
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


def set_actor(actor: Actor) -> None:
    st.session_state[ACTOR_KEY] = actor


def actor() -> Actor:
    """The signed-in user of this run; a page run without one is refused."""
    current = st.session_state.get(ACTOR_KEY)
    if not isinstance(current, Actor):
        raise AccessDenied(None, Permission.READ_AGGREGATES, None)
    return current
