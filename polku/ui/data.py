"""Cached reads for the pages: polku results, keyed by the database, its data version and
the choices.

The data version (polku.audit.data_version) changes with every committed write, in any process
or replica, as every write adds audit rows in its transaction. It is read on every call (a
look at the audit log's primary key, well under a millisecond), so a rerun that finds the data
unchanged reads nothing else, however many clients, and one that follows a write, anyone's,
reads afresh. st.cache_data returns a copy to each caller; TTL only bounds the memory held by
versions nobody asks for any more.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, event

from polku import audit, checklists, forms, metrics, work_queue
from polku.access import Actor, Permission, check, row_scope
from polku.ui.resources import database_url, engine_for

T = TypeVar("T")

# Seconds a cached result is kept: the data version, not the clock, decides freshness
TTL = 600
# The project definition changes only when `python -m polku init` runs, which writes no audit
# row: a new definition shows within this many seconds
DEFINITION_TTL = 300

# The first part of every cache key: the database URL and its data version
Source = tuple[str, int, int]


# The version is read once per run (the router calls begin_run), and again whenever this
# process has committed anything since (a save in this run shows at once); MEMO_SECONDS bounds
# it for runs that do not pass the router (a fragment's)
MEMO_SECONDS = 1.0
_run = threading.local()
_commits = [0]


@event.listens_for(Engine, "commit")
def _committed(_connection: Any) -> None:
    _commits[0] += 1


def begin_run() -> None:
    """A new run of the app: the next read looks at the data version again."""
    _run.memo = None


def source() -> Source:
    """The configured database and its current data version."""
    url = database_url()
    memo = getattr(_run, "memo", None)
    now = time.monotonic()
    if memo is not None and memo[:2] == (url, _commits[0]) and now - memo[2] < MEMO_SECONDS:
        return memo[3]
    found: Source = (url, *audit.data_version(engine_for(url)))
    # counted after the read: opening a connection may commit (SQLite's settings)
    _run.memo = (url, _commits[0], now, found)
    return found


def engine_of(src: Source) -> Engine:
    return engine_for(src[0])


# Aggregates are the same for every viewer allowed to see them, so the cache is keyed by the
# scope, not the user; the access check runs before the cache is consulted, on every call.


@st.cache_data(ttl=TTL, show_spinner=False)
def _overview(
    src: Source, municipality: str | None, as_of: date, _actor: Actor
) -> metrics.Overview:
    return metrics.overview(engine_of(src), _actor, municipality, as_of)


def overview(actor: Actor, municipality: str | None, as_of: date) -> metrics.Overview:
    check(actor, Permission.READ_AGGREGATES, municipality)
    return _overview(source(), municipality, as_of, actor)


@st.cache_data(ttl=TTL, show_spinner=False)
def _phase_progress(src: Source, municipality: str | None, _actor: Actor) -> pd.DataFrame:
    return metrics.phase_progress(engine_of(src), _actor, municipality)


def phase_progress(actor: Actor, municipality: str | None) -> pd.DataFrame:
    check(actor, Permission.READ_AGGREGATES, municipality)
    return _phase_progress(source(), municipality, actor)


@st.cache_data(ttl=DEFINITION_TTL, show_spinner=False)
def _project_info(src: Source) -> metrics.ProjectInfo | None:
    return metrics.project_info(engine_of(src))


def project_info() -> metrics.ProjectInfo | None:
    return _project_info(source())


@st.cache_data(ttl=DEFINITION_TTL, show_spinner=False)
def _definition(src: Source, part: str) -> pd.DataFrame:
    readers = {
        "municipalities": metrics.municipalities,
        "work_plan": metrics.work_plan,
        "indicators": metrics.indicators,
        "budget": metrics.budget,
        "staff": metrics.staff,
    }
    return readers[part](engine_of(src))


def municipalities() -> pd.DataFrame:
    return _definition(source(), "municipalities")


def municipality_names() -> dict[str, str]:
    """Municipality code -> name, in alphabetical order of name."""
    frame = municipalities()
    return dict(zip(frame["code"], frame["name"], strict=True))


def work_plan() -> pd.DataFrame:
    return _definition(source(), "work_plan")


def indicators() -> pd.DataFrame:
    return _definition(source(), "indicators")


def budget() -> pd.DataFrame:
    return _definition(source(), "budget")


def staff() -> pd.DataFrame:
    return _definition(source(), "staff")


# Client rows for the pickers and the list of Asiakkaat: keyed by the scope the actor may read
# (checked on every call, before the cache), so a rerun reads nothing however many clients


def _scope(actor: Actor) -> tuple[str, ...] | None:
    scope = row_scope(actor, Permission.READ_ROWS)  # refuses a director here
    return None if scope is None else tuple(sorted(scope))


@st.cache_data(ttl=TTL, show_spinner=False)
def _clients(
    src: Source,
    scope: tuple[str, ...] | None,
    municipality: str | None,
    search: str,
    active: bool,
    limit: int,
    _actor: Actor,
) -> pd.DataFrame:
    engine = engine_of(src)
    return forms.clients(
        engine, _actor, municipality, search=search, active=active, limit=limit
    ).assign(count=forms.client_count(engine, _actor, municipality, search=search))


def clients(
    actor: Actor, municipality: str | None, *, search: str = "", active: bool = False, limit: int
) -> tuple[pd.DataFrame, int]:
    """polku.forms.clients (the newest `limit`) and how many match without the limit."""
    scope = _scope(actor)
    found = _clients(source(), scope, municipality, search.strip(), active, limit, actor)
    total = int(found["count"].iloc[0]) if len(found) else 0
    return found.drop(columns="count"), total


@st.cache_data(ttl=TTL, show_spinner=False)
def _employers(src: Source, municipality: str | None, limit: int, _actor: Actor) -> dict[str, str]:
    found = forms.employers(engine_of(src), _actor, municipality, limit)
    return {
        (business_id or name): f"{name} ({business_id})" if business_id else name
        for business_id, name in zip(found["business_id"], found["name"], strict=True)
    }


def employers(actor: Actor, municipality: str | None, *, limit: int) -> dict[str, str]:
    """The employers' pickers: the newest `limit` of the municipality's (and those of none),
    business ID (or the name of one without) -> "name (ID)", by name (employers are not
    client data: the same for every reader of rows)."""
    _scope(actor)
    return _employers(source(), municipality, limit, actor)


# The checklists (items, not people): the same for every viewer of the same role and
# municipalities; any save, in any replica, changes the data version and so the key


def _who(actor: Actor) -> tuple[str, tuple[str, ...]]:
    return actor.role, tuple(sorted(actor.municipalities or ()))


@st.cache_data(ttl=TTL, show_spinner=False)
def _checklist_part(
    src: Source, part: str, who: tuple, municipality: str | None, today: date | None, _actor: Actor
) -> Any:
    engine = engine_of(src)
    if part == "checklist":
        return checklists.read_checklist(engine, _actor, municipality)
    if part == "matrix":
        return checklists.region_matrix(engine, _actor)
    if part == "deadlines":
        return checklists.deadlines(engine, _actor, today)
    if part == "flags":
        return work_queue.checklist_flags(
            engine, _actor, municipality or "", today or metrics.today()
        )
    return checklists.recent_changes(engine, _actor, municipality or "")


def _checklist_read(
    actor: Actor, part: str, municipality: str | None = None, today: date | None = None
) -> Any:
    check(actor, Permission.READ_AGGREGATES, municipality)
    return _checklist_part(source(), part, _who(actor), municipality, today, actor)


def forget_checklists() -> None:
    """Forget the cached checklists when a save found them stale: a change made outside
    Polku's audited writes, which the data version does not see."""
    _checklist_part.clear()
    _read.clear()


def checklist(actor: Actor, municipality: str | None) -> checklists.Checklist:
    """polku.checklists.read_checklist."""
    return _checklist_read(actor, "checklist", municipality)


def checklist_matrix(actor: Actor) -> pd.DataFrame:
    """polku.checklists.region_matrix."""
    return _checklist_read(actor, "matrix")


def checklist_deadlines(actor: Actor, today: date) -> pd.DataFrame:
    """polku.checklists.deadlines."""
    return _checklist_read(actor, "deadlines", None, today)


def checklist_flags(actor: Actor, municipality: str, today: date) -> dict[int, int]:
    """polku.work_queue.checklist_flags."""
    return _checklist_read(actor, "flags", municipality, today)


def checklist_changes(actor: Actor, municipality: str) -> pd.DataFrame:
    """polku.checklists.recent_changes."""
    return _checklist_read(actor, "changes", municipality)


# Any other read of polku's: one cache for the functions that take (engine, actor, ...) or
# (engine, ...), keyed by the function's name, the data version, the actor's role and
# municipalities (what access and suppression depend on) and the arguments


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=2000)
def _read(src: Source, name: str, who: tuple | None, args: tuple, _actor: Actor | None) -> Any:
    module, qualname = name.split(":")
    function = getattr(importlib.import_module(module), qualname)
    if who is None:
        return function(engine_of(src), *args)
    return function(engine_of(src), _actor, *args)


def read(function: Callable[..., T], actor: Actor | None, *args: Any, personal: bool = False) -> T:
    """`function(engine, actor, *args)`, or `function(engine, *args)` when actor is None: a
    module-level read of polku, cached. The function checks access itself when its result is
    not cached; a cached one was computed for a call with the same role, municipalities and
    arguments, which that check let through, and a refusal is never cached (it raises).
    `personal`: the result is the user's own (a setting), so it is kept per user."""
    if not function.__module__.startswith("polku."):
        raise ValueError(f"not a polku read: {function.__module__}")
    name = f"{function.__module__}:{function.__qualname__}"
    who: tuple | None = None if actor is None else _who(actor)
    if personal and who is not None and actor is not None:
        who = (*who, actor.email.lower())
    return _read(source(), name, who, args, actor)
