"""polku/ui/data.py: the data version that keys every cached read, on real databases. It is
read once per run of the app and again after this process commits anything; another
process's write (another replica) is seen at the next run."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlmodel import Session

from polku import audit, db
from polku.ui import data
from tests.test_app import _forget_settings_and_caches, _use_database  # noqa: F401

# Another process (as another replica would) adds an audit row, as every write does
OTHER_PROCESS = """
import sys
from sqlmodel import Session
from polku import audit, db
engine = db.make_engine(sys.argv[1])
with Session(engine) as session:
    audit.record(session, user_email="toinen@example.fi", action="update", entity="client")
    session.commit()
"""


def _write_elsewhere(url: str) -> None:
    subprocess.run([sys.executable, "-c", OTHER_PROCESS, url], check=True, timeout=60)


def test_the_version_is_read_once_per_run_and_again_after_a_commit_here(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_database(monkeypatch, db_url)
    monkeypatch.setattr(data, "MEMO_SECONDS", 600)  # the other process takes its time
    data.begin_run()
    first = data.source()
    _write_elsewhere(db_url)
    assert data.source() == first  # within this run: the version it started with
    data.begin_run()
    second = data.source()
    assert second != first and second[1:] == audit.data_version(db.make_engine(db_url))
    engine = db.make_engine(db_url)
    with Session(engine) as session:  # a save in this process shows in the same run
        audit.record(session, user_email="tama@example.fi", action="update", entity="client")
        session.commit()
    engine.dispose()
    third = data.source()
    assert third != second and third[1] > second[1]
