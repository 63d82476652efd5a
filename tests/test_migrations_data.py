"""Migrations on populated databases: no row lost, no value changed, every step reversible.

How a database is populated at an old revision: the sample generator writes only the current
schema, so the sample is loaded once into a database at head and its rows are kept in memory.
A database at revision R is then made by Alembic, its tables are reflected (`MetaData.reflect`,
the schema as it really was at R) and the sample's rows are written into it, column by column
where the names match; a NOT NULL column the head sample no longer has gets a value generated
from its type. So every revision gets realistic data that satisfies its own constraints and
foreign keys, and no fixture has to be written by hand for a new migration.

Which migrations are tested: every revision Alembic's ScriptDirectory knows is a parameter of
the tests below, so a new migration is exercised as soon as its file exists; a migration that
drops, changes or loses a row of an existing table, or cannot be downgraded on populated data,
fails. Values are compared as the database driver returns them (stored values, not ORM
objects), table by table, keyed by primary key.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from polku import db
from polku.project import load_project
from polku.sample import load_sample

FIRST_REVISION = "892e263675e5"
SAMPLE_SCALE = 0.1  # the project today × 0.1: every table has rows, the tests stay quick
Rows = dict[str, list[dict[str, Any]]]
Snapshot = dict[str, dict[tuple, dict[str, Any]]]


def _scripts() -> ScriptDirectory:
    engine = db.make_engine("sqlite://")
    scripts = ScriptDirectory.from_config(db.alembic_config(engine))
    engine.dispose()
    return scripts


def _chain() -> list[str]:
    """Every revision from the first to head, oldest first."""
    scripts = _scripts()
    return [s.revision for s in reversed(list(scripts.walk_revisions("base", "heads")))]


CHAIN = _chain()
DOWN = {s.revision: s.down_revision for s in _scripts().walk_revisions("base", "heads")}


def test_the_chain_is_one_line_from_the_first_revision() -> None:
    scripts = _scripts()
    assert scripts.get_heads() == [CHAIN[-1]]
    assert scripts.get_bases() == [FIRST_REVISION] == CHAIN[:1]
    for older, newer in zip(CHAIN, CHAIN[1:], strict=False):
        assert DOWN[newer] == older


@pytest.fixture(scope="module")
def head_rows(tmp_path_factory: pytest.TempPathFactory) -> Rows:
    """The sample's rows (every table at head), as Python values, made once."""
    url = f"sqlite:///{tmp_path_factory.mktemp('head') / 'head.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        load_project(session)
    with db.session_scope(engine) as session:
        load_sample(session, scale=SAMPLE_SCALE)
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        rows = {
            name: [dict(r._mapping) for r in conn.execute(sa.select(table))]
            for name, table in meta.tables.items()
            if name != "alembic_version"
        }
    engine.dispose()
    return rows


def _generated(column: sa.Column, n: int) -> Any:
    """A value for a NOT NULL column the head sample does not have, from its type."""
    python_type = column.type.python_type
    if python_type is bool:
        return False
    if python_type in (int, decimal.Decimal, float):
        return python_type(1)
    if python_type is dt.datetime:
        return dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    if python_type is dt.date:
        return dt.date(2026, 3, 1)
    return f"x{n}"


def _populate(engine: Engine, rows: Rows) -> None:
    """Write the sample's rows into the empty tables as they are at the database's revision."""
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        for table in meta.sorted_tables:
            if not rows.get(table.name):
                continue
            if conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one():
                continue
            fill = [
                c
                for c in table.columns
                if c.name not in rows[table.name][0] and not c.nullable and c.server_default is None
            ]
            values = [
                {
                    **{c.name: r[c.name] for c in table.columns if c.name in r},
                    **{c.name: _generated(c, i) for c in fill},
                }
                for i, r in enumerate(rows[table.name])
            ]
            conn.execute(table.insert(), values)


def snapshot(engine: Engine) -> Snapshot:
    """Every row of every table as the driver returns it, keyed by primary key."""
    meta = sa.MetaData()
    meta.reflect(engine)
    out: Snapshot = {}
    with engine.connect() as conn:
        for name, table in meta.tables.items():
            if name == "alembic_version":
                continue
            key = [c.name for c in table.primary_key.columns] or [c.name for c in table.columns]
            columns = ", ".join(f'"{c.name}"' for c in table.columns)
            result = conn.exec_driver_sql(f'SELECT {columns} FROM "{name}"')
            rows = [dict(zip(result.keys(), r, strict=True)) for r in result]
            out[name] = {tuple(r[k] for k in key): r for r in rows}
    return out


def _assert_kept(before: Snapshot, after: Snapshot, where: str) -> None:
    """Every table of `before` is in `after` with every row and every old column's value."""
    for name, rows in before.items():
        assert name in after, f"{where}: the table {name} is gone"
        assert after[name].keys() == rows.keys(), (
            f"{where}: {name} had {len(rows)} rows, now {len(after[name])}"
        )
        for key, row in rows.items():
            now = after[name][key]
            changed = {
                c: (v, now.get(c, "<column dropped>"))
                for c, v in row.items()
                if now.get(c, object()) != v
            }
            assert not changed, f"{where}: {name} {key}: {changed}"


@pytest.fixture
def migrated(backend, empty_db_url: str) -> Iterator[Engine]:
    engine = db.make_engine(empty_db_url)
    yield engine
    engine.dispose()


def test_a_database_populated_at_the_first_revision_upgrades_to_head_keeping_every_row(
    migrated: Engine, head_rows: Rows
) -> None:
    db.upgrade(migrated, FIRST_REVISION)
    _populate(migrated, head_rows)
    before = snapshot(migrated)
    assert sum(len(rows) for rows in before.values()) > 500
    assert all(before[name] for name in ("client", "outcome", "bonus_grant", "status_episode"))
    for revision in CHAIN[1:]:  # one step at a time: the step that loses data is named
        db.upgrade(migrated, revision)
        _assert_kept(before, snapshot(migrated), f"upgrade to {revision}")
    assert db.current_revision(migrated) == CHAIN[-1]


@pytest.mark.parametrize("revision", CHAIN)
def test_each_migration_upgrades_and_downgrades_a_database_populated_at_its_own_revision(
    migrated: Engine, head_rows: Rows, revision: str
) -> None:
    """Populated at the revision before `revision` (columns of every earlier migration filled
    too): upgrading keeps every row; then the tables `revision` made are filled as well, one step
    down keeps every row of the tables that stay, and up again keeps them."""
    cfg = db.alembic_config(migrated)
    older = DOWN[revision]
    if older is not None:
        db.upgrade(migrated, str(older))
        _populate(migrated, head_rows)
        before = snapshot(migrated)
        db.upgrade(migrated, revision)
        _assert_kept(before, snapshot(migrated), f"upgrade {older} → {revision}")
        _populate(migrated, head_rows)  # the new tables too: the downgrade meets data there
        command.downgrade(cfg, str(older))
        _assert_kept(before, snapshot(migrated), f"downgrade {revision} → {older}")
        db.upgrade(migrated, revision)
        _assert_kept(before, snapshot(migrated), f"upgrade again to {revision}")
        return
    db.upgrade(migrated, revision)
    _populate(migrated, head_rows)
    assert snapshot(migrated)["client"]
    command.downgrade(cfg, "base")  # the first migration's downgrade drops every table
    assert sa.inspect(migrated).get_table_names() in ([], ["alembic_version"])
    db.upgrade(migrated, revision)
    _populate(migrated, head_rows)
    assert snapshot(migrated)["client"]
