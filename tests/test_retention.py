"""`python -m polku retention --before DAY`: clients who left before DAY lose what identifies
them, as [retention] of each project file says, and every indicator stays the same."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from models import metadata
from polku import db, metrics, users
from polku.project import retention
from polku.sample import load_sample
from tests.test_backup import run_cli
from tests.test_cli import polku
from tests.test_migrations_data import snapshot

AS_OF = date(2026, 11, 29)  # the sample's day ([demo] as_of of both project files)
BEFORE = "2026-10-01"
CLIENT_TABLES = ("client", "outcome", "bonus_grant", "status_episode", "client_target_group")


@pytest.fixture
def sample_url(area_db_url: str, project_file: Path) -> str:
    engine = db.make_engine(area_db_url)
    with db.session_scope(engine) as session:
        load_sample(session, scale=1, as_of=AS_OF, project_file=project_file)
    engine.dispose()
    return area_db_url


def _indicators(engine: sa.Engine) -> pd.DataFrame:
    """Every indicator of the region and of each municipality on the sample's day."""
    codes = [None, *metrics.municipalities(engine)["code"]]
    frames = [metrics.kpis(engine, users.SYSTEM, m, AS_OF).assign(where=m) for m in codes]
    return pd.concat(frames, ignore_index=True)


def _leavers(engine: sa.Engine) -> dict[int, dict[str, Any]]:
    with engine.connect() as conn:
        client = metadata.tables["client"]
        rows = conn.execute(
            sa.select(client).where(client.c.exit_date < date.fromisoformat(BEFORE))
        )
        return {r.id: dict(r._mapping) for r in rows}


def _texts(rows: dict) -> set[str]:
    return {v for row in rows.values() for v in row.values() if isinstance(v, str)}


def test_leavers_are_anonymised_and_every_indicator_stays_the_same(
    sample_url: str, project_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = retention(project_file)
    engine = db.make_engine(sample_url)
    with engine.begin() as conn:  # a free-text note on every outcome
        conn.execute(sa.text("UPDATE outcome SET note = 'soitettu työnantajalle'"))
    indicators = _indicators(engine)
    leavers = _leavers(engine)
    before = snapshot(engine)
    old_codes = {c["code"] for c in leavers.values()}
    assert len(leavers) > 20 and any(c["plan_goal"] for c in leavers.values())

    code, out, err = run_cli(
        capsys, "retention", "--before", BEFORE, "--force", "--database-url", sample_url
    )
    assert code == 0, err
    assert f"Anonymisoitu {len(leavers)} ennen 1.10.2026" in out.replace("\u00a0", " ")

    after = snapshot(engine)
    pd.testing.assert_frame_equal(_indicators(engine), indicators)
    for table in CLIENT_TABLES:  # no old code anywhere in the client data
        assert not _texts(after[table]) & old_codes, table
    anonymised = _leavers(engine)
    assert anonymised.keys() == leavers.keys()  # the same rows, the counts kept
    for client_id, old in anonymised.items():
        was = leavers[client_id]
        assert old["code"].startswith(rule.anonymous_code_prefix)
        assert len(old["code"]) > len(rule.anonymous_code_prefix) + 6
        assert old["plan_goal"] is None
        for same in ("entry_date", "exit_date", "plan_goal_reached", "municipality_code"):
            assert old[same] == was[same]
        age, was_age = (r["entry_date"].year - r["birth_year"] for r in (old, was))
        if rule.birth_year == "keep":
            assert old["birth_year"] == was["birth_year"]
        else:  # the same age band at entry
            assert [age >= b for b in rule.age_bands] == [was_age >= b for b in rule.age_bands]
    # Clients who had not left before the day are untouched
    stayed = [k for k in before["client"] if k[0] not in leavers]
    assert stayed and all(after["client"][k] == before["client"][k] for k in stayed)
    # Outcome notes of the leavers are gone, those of the others kept
    left_notes = [
        r for r in after["outcome"].values() if r["client_id"] in leavers and r["note"] is not None
    ]
    assert not left_notes
    assert len(after["outcome"]) == len(before["outcome"])
    others = [r for r in after["outcome"].values() if r["client_id"] not in leavers]
    assert others and all(r["note"] for r in others)
    kept_episodes = [r for r in after["status_episode"].values() if r["client_id"] in leavers]
    if rule.status_episodes == "delete":
        assert not kept_episodes
    else:
        assert len(kept_episodes) == sum(
            1 for r in before["status_episode"].values() if r["client_id"] in leavers
        )
    # The audit log: every old row as it was, one new row with counts and no code
    assert {k: after["audit_log"][k] for k in before["audit_log"]} == before["audit_log"]
    new = [r for k, r in after["audit_log"].items() if k not in before["audit_log"]]
    assert [r["action"] for r in new] == ["retention"]
    assert f"clients={len(leavers)}" in new[0]["detail"]
    assert not any(code in (new[0]["detail"] or "") for code in old_codes)

    # A second run finds no one new
    code, out, _ = run_cli(
        capsys, "retention", "--before", BEFORE, "--force", "--database-url", sample_url
    )
    assert code == 0 and "Anonymisoitu 0 " in out
    engine.dispose()


def test_a_dry_run_changes_nothing_and_counts_what_the_run_does(
    sample_url: str, project_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = db.make_engine(sample_url)
    before = snapshot(engine)
    dry = polku(
        "retention",
        "--before",
        BEFORE,
        "--dry-run",
        "--force",
        database_url=sample_url,
        project_file=project_file,
    )
    assert dry.returncode == 0, dry.stderr
    assert "Koeajo" in dry.stdout
    assert snapshot(engine) == before  # not even an audit row
    code, out, _ = run_cli(
        capsys, "retention", "--before", BEFORE, "--force", "--database-url", sample_url
    )
    assert code == 0
    # The same counts, in the same order, in both messages
    numbers = [w.strip(".,:") for w in out.split() if w.strip(".,:").isdigit()]
    dry_numbers = [w.strip(".,:") for w in dry.stdout.split() if w.strip(".,:").isdigit()]
    assert numbers == dry_numbers and int(numbers[0]) > 0
    engine.dispose()


def test_retention_is_refused_before_the_funders_period_ends_and_for_a_future_day(
    sample_url: str, project_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = db.make_engine(sample_url)
    before = snapshot(engine)
    code, _, err = run_cli(capsys, "retention", "--before", BEFORE, "--database-url", sample_url)
    assert code == 1
    years = retention(project_file).keep_years_after_project_end
    assert f"säilyttämistä {years} vuotta" in err and "--force" in err
    future = (metrics.today().replace(year=metrics.today().year + 1)).isoformat()
    code, _, err = run_cli(
        capsys, "retention", "--before", future, "--force", "--database-url", sample_url
    )
    assert code == 1 and "tulevaisuudessa" in err
    assert snapshot(engine) == before
    engine.dispose()
