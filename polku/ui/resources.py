"""The database as the app sees it: one cached engine per URL, and whether it is ready.

The engine is the only cached resource (it is thread-safe and owns the pool); sessions and
connections are short-lived, opened per action by polku functions.
"""

from __future__ import annotations

import logging

import streamlit as st
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from polku import db, metrics
from polku.config import get_settings

_log = logging.getLogger(__name__)


def database_url() -> str:
    return get_settings().database_url


@st.cache_resource(show_spinner=False, on_release=lambda engine: engine.dispose())
def engine_for(url: str) -> Engine:
    """The engine of `url`, made once per process."""
    return db.make_engine(url)


def engine() -> Engine:
    """The engine of the configured database (DATABASE_URL)."""
    return engine_for(database_url())


@st.cache_resource(show_spinner=False)
def _head_revision() -> str | None:
    """The newest migration this code knows; the database must be at it."""
    return ScriptDirectory(str(db.MIGRATIONS_DIR)).get_current_head()


# Seconds a database found ready is taken to stay so (a migration or `init` restarts the
# app); a database that fails meanwhile fails the page's own reads, which say so
READY_SECONDS = 30


class _NotReady(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


@st.cache_data(ttl=READY_SECONDS, show_spinner=False)
def _ready(url: str) -> bool:
    """True when the database at `url` is ready; raises _NotReady (never cached) otherwise."""
    problem = _problem(engine_for(url))
    if problem is not None:
        raise _NotReady(problem)
    return True


def database_problem(eng: Engine) -> str | None:
    """The catalog key of what keeps the app from running on `eng`, or None when it is ready."""
    if db.missing_sqlite_file(eng):
        return "db.no_schema"  # not connected: SQLite would create an empty file at a typo
    try:
        _ready(eng.url.render_as_string(hide_password=False))
    except _NotReady as not_ready:
        return not_ready.key
    return None


def _problem(eng: Engine) -> str | None:
    try:
        revision = db.current_revision(eng)
        if revision is None:
            return "db.no_schema"
        if revision != _head_revision():
            return "db.outdated"
        if metrics.project_info(eng) is None:
            return "db.no_project"
    except (SQLAlchemyError, db.DatabaseError) as failure:
        return failure_problem(failure)
    return None


def failure_problem(failure: Exception) -> str:
    """The catalog key for a failure before the app could show a page. The log gets the
    exception's type only: its text may hold parameters, and so personal data."""
    if isinstance(failure, ArgumentError | NoSuchModuleError | ValueError):
        return "db.bad_url"
    key = db.failure_key(failure)
    if key is not None:
        return key
    if isinstance(failure, SQLAlchemyError | db.DatabaseError):
        return "db.unreachable"
    _log.error("start-up failed: %s", type(failure).__name__)
    return "db.failed"


def page_failure(failure: Exception) -> str | None:
    """The catalog key for a failure while a page ran that is the database's state (gone,
    full, read-only, unreachable), or None for anything else, which is the page's own fault."""
    key = db.failure_key(failure)
    if key is not None:
        _log.error("page failed: database %s (%s)", key, type(failure).__name__)
    return key
