"""What analysts' notebooks start from: open a database or a Parquet snapshot, act as an
analyst, and read the data dictionary. The numbers themselves come from polku/metrics.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from polku import db
from polku.access import ANALYST, Actor


def open_source(source: str | Path) -> Engine:
    """An engine on a database URL, or on a Parquet snapshot directory (loaded into a
    temporary SQLite database, so every function of polku/metrics.py works unchanged)."""
    path = Path(str(source))
    if path.is_dir():
        from polku.exports import open_snapshot  # only snapshots need pyarrow's reader

        return open_snapshot(path)
    return db.make_engine(str(source))


def analyst(email: str | None = None) -> Actor:
    """The notebook's user: an analyst (all pseudonymous data, read-only)."""
    return Actor(email=email or os.environ.get("POLKU_USER", "analyytikko@notebook"), role=ANALYST)


def data_dictionary() -> pd.DataFrame:
    """Every table and column with its type and description (the Parquet snapshot's own)."""
    from polku.exports import data_dictionary as dictionary

    return dictionary()
