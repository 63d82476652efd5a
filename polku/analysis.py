"""What analysts' notebooks start from: open a database or a Parquet snapshot, act as an
analyst, and read the data dictionary. The numbers themselves come from polku/metrics.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from polku import access, db
from polku.access import ANALYST, Actor
from polku.config import get_settings


class SourceUnavailable(RuntimeError):
    """The notebook's data source is missing or not a Polku database; says what to run."""


def open_source(source: str | Path | None = None) -> Engine:
    """An engine on a database URL, or on a Parquet snapshot directory (loaded into a
    temporary SQLite database, so every function of polku/metrics.py works unchanged).
    None is the app's own database: DATABASE_URL (or .env), else data/polku.db."""
    source = source or get_settings().database_url
    path = Path(str(source))
    if path.is_dir():
        from polku.exports import open_snapshot  # only snapshots need pyarrow's reader

        snapshot = open_snapshot(path)
        _audit_refusals(snapshot)
        return snapshot
    url = make_url(db.normalise_url(str(source)))
    file = db.sqlite_path(url.database, uri="uri" in url.query)
    if url.get_backend_name() == "sqlite" and file is not None and not file.exists():
        raise SourceUnavailable(_NO_DATABASE.format(where=file))
    engine = db.make_engine(str(source))
    try:
        revision = db.current_revision(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        where = url.render_as_string(hide_password=True)
        raise SourceUnavailable(_NO_DATABASE.format(where=where)) from exc
    if revision is None:
        engine.dispose()
        raise SourceUnavailable(_NO_DATABASE.format(where=url.render_as_string(True)))
    _audit_refusals(engine)
    return engine


def _audit_refusals(engine: Engine) -> None:
    """A notebook's refusals go to the audit log of the database it opened last."""
    from polku import audit

    access.audit_refusals_to(audit.refusal_writer(engine), whole_process=True)


_NO_DATABASE = (
    "No Polku database at {where}. Create one with `python -m polku init --sample` (or "
    "`make db`), point DATABASE_URL at the app's database, or set SOURCE to a database URL "
    "or a snapshot made with `python -m polku export --format parquet DIR`."
)


def analyst(email: str | None = None) -> Actor:
    """The notebook's user: an analyst (all pseudonymous data, read-only)."""
    return Actor(email=email or os.environ.get("POLKU_USER", "analyytikko@notebook"), role=ANALYST)


def data_dictionary() -> pd.DataFrame:
    """Every table and column with its type and description (the Parquet snapshot's own)."""
    from polku.exports import data_dictionary as dictionary

    return dictionary()
