"""polku/db.py and the migrations: Alembic owns the schema, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

import models
from polku import db


def test_migrations_create_every_table_without_drift(empty_db_url: str) -> None:
    engine = db.make_engine(empty_db_url)
    assert db.current_revision(engine) is None
    db.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(models.metadata.tables) <= tables
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, models.metadata) == []
    engine.dispose()


def test_upgrade_twice_is_a_no_op_and_downgrade_removes_everything(empty_db_url: str) -> None:
    engine = db.make_engine(empty_db_url)
    db.upgrade(engine)
    head = db.current_revision(engine)
    db.upgrade(engine)
    assert db.current_revision(engine) == head
    from alembic import command

    command.downgrade(db.alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_audit_log_is_append_only(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (action) VALUES ('test')"))
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET action = 'changed'"))
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT action FROM audit_log")).scalars().all() == ["test"]


def test_audit_log_cannot_be_rewritten_by_replace_upsert_or_truncate(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (action) VALUES ('original')"))
        first = conn.execute(text("SELECT id FROM audit_log")).scalar_one()
    sqlite = engine.dialect.name == "sqlite"
    rewrites = [
        # SQLite's REPLACE deletes the old row without firing DELETE triggers
        f"INSERT OR REPLACE INTO audit_log (id, action) VALUES ({first}, 'forged')"
        if sqlite
        # PostgreSQL's TRUNCATE fires no row trigger
        else "TRUNCATE audit_log",
        f"REPLACE INTO audit_log (id, action) VALUES ({first}, 'forged')"
        if sqlite
        else "TRUNCATE audit_log RESTART IDENTITY CASCADE",
        f"INSERT INTO audit_log (id, action) VALUES ({first}, 'forged') "
        "ON CONFLICT (id) DO UPDATE SET action = excluded.action",
    ]
    for statement in rewrites:
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.begin() as conn:  # new rows still go in
        conn.execute(text("INSERT INTO audit_log (action) VALUES ('next')"))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT action FROM audit_log ORDER BY id")).scalars().all()
    assert rows == ["original", "next"]


def test_database_enforces_foreign_keys_and_checks(engine) -> None:
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO client (code, municipality_code, birth_year, entry_date, created_at,"
                " updated_at) VALUES ('X1', '999', 1990, '2026-04-01', CURRENT_TIMESTAMP,"
                " CURRENT_TIMESTAMP)"
            )
        )
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO client (code, municipality_code, birth_year, entry_date, exit_date,"
                " created_at, updated_at) VALUES ('X2', '167', 1990, '2026-04-01', '2026-03-01',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )


def test_unreachable_database_is_a_clear_error() -> None:
    engine = db.make_engine("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(db.DatabaseError, match="cannot reach the database"):
        db.upgrade(engine)


def test_postgres_urls_are_normalised_to_psycopg() -> None:
    assert db.normalise_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert db.normalise_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert db.normalise_url("sqlite:///x.db") == "sqlite:///x.db"
