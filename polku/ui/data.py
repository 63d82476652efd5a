"""Cached reads for the pages: polku.metrics results, keyed by the database and the choices.

st.cache_data returns a copy to each caller and expires after TTL seconds, so a number is at
most that old; code that writes calls `clear()` so its own change shows at once.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from polku import forms, metrics
from polku.access import Actor, Permission, check, row_scope
from polku.ui.resources import database_url, engine_for

# Seconds an aggregate may be reused; writes clear the cache sooner
TTL = 60
# The project definition changes only when `python -m polku init` runs
DEFINITION_TTL = 300


def clear() -> None:
    """Forget every cached aggregate, e.g. after saving a change."""
    st.cache_data.clear()


# Aggregates are the same for every viewer allowed to see them, so the cache is keyed by the
# scope, not the user; the access check runs before the cache is consulted, on every call.


@st.cache_data(ttl=TTL, show_spinner=False)
def _overview(url: str, municipality: str | None, as_of: date, _actor: Actor) -> metrics.Overview:
    return metrics.overview(engine_for(url), _actor, municipality, as_of)


def overview(actor: Actor, municipality: str | None, as_of: date) -> metrics.Overview:
    check(actor, Permission.READ_AGGREGATES, municipality)
    return _overview(database_url(), municipality, as_of, actor)


@st.cache_data(ttl=TTL, show_spinner=False)
def _phase_progress(url: str, municipality: str | None, _actor: Actor) -> pd.DataFrame:
    return metrics.phase_progress(engine_for(url), _actor, municipality)


def phase_progress(actor: Actor, municipality: str | None) -> pd.DataFrame:
    check(actor, Permission.READ_AGGREGATES, municipality)
    return _phase_progress(database_url(), municipality, actor)


@st.cache_data(ttl=DEFINITION_TTL, show_spinner=False)
def _project_info(url: str) -> metrics.ProjectInfo | None:
    return metrics.project_info(engine_for(url))


def project_info() -> metrics.ProjectInfo | None:
    return _project_info(database_url())


@st.cache_data(ttl=DEFINITION_TTL, show_spinner=False)
def _definition(url: str, part: str) -> pd.DataFrame:
    readers = {
        "municipalities": metrics.municipalities,
        "work_plan": metrics.work_plan,
        "indicators": metrics.indicators,
        "budget": metrics.budget,
        "staff": metrics.staff,
    }
    return readers[part](engine_for(url))


def municipalities() -> pd.DataFrame:
    return _definition(database_url(), "municipalities")


def municipality_names() -> dict[str, str]:
    """Municipality code -> name, in alphabetical order of name."""
    frame = municipalities()
    return dict(zip(frame["code"], frame["name"], strict=True))


def work_plan() -> pd.DataFrame:
    return _definition(database_url(), "work_plan")


def indicators() -> pd.DataFrame:
    return _definition(database_url(), "indicators")


def budget() -> pd.DataFrame:
    return _definition(database_url(), "budget")


def staff() -> pd.DataFrame:
    return _definition(database_url(), "staff")


# Client rows for the pickers and the list of Asiakkaat: keyed by the scope the actor may read
# (checked on every call, before the cache), so a rerun reads nothing however many clients


def _scope(actor: Actor) -> tuple[str, ...] | None:
    scope = row_scope(actor, Permission.READ_ROWS)  # refuses a director here
    return None if scope is None else tuple(sorted(scope))


@st.cache_data(ttl=TTL, show_spinner=False)
def _clients(
    url: str,
    scope: tuple[str, ...] | None,
    municipality: str | None,
    search: str,
    active: bool,
    limit: int,
    _actor: Actor,
) -> pd.DataFrame:
    engine = engine_for(url)
    return forms.clients(
        engine, _actor, municipality, search=search, active=active, limit=limit
    ).assign(count=forms.client_count(engine, _actor, municipality, search=search))


def clients(
    actor: Actor, municipality: str | None, *, search: str = "", active: bool = False, limit: int
) -> tuple[pd.DataFrame, int]:
    """polku.forms.clients (the newest `limit`) and how many match without the limit."""
    scope = _scope(actor)
    found = _clients(database_url(), scope, municipality, search.strip(), active, limit, actor)
    total = int(found["count"].iloc[0]) if len(found) else 0
    return found.drop(columns="count"), total


@st.cache_data(ttl=TTL, show_spinner=False)
def _employers(url: str, _actor: Actor) -> dict[str, str]:
    found = forms.employers(engine_for(url), _actor)
    return {
        (business_id or name): f"{name} ({business_id})" if business_id else name
        for business_id, name in zip(found["business_id"], found["name"], strict=True)
    }


def employers(actor: Actor) -> dict[str, str]:
    """The employers' pickers: business ID (or the name of one without) -> "name (ID)", by
    name (employers are not client data: the same for every reader of rows)."""
    _scope(actor)
    return _employers(database_url(), actor)
