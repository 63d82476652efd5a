"""`python -m polku backup FILE` and `restore FILE`: a round trip keeps every row of every
table, on SQLite and PostgreSQL, also for a backup taken while another connection writes."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from models import AuditLog
from polku import cli, db
from polku.sample import load_sample
from tests.test_cli import polku
from tests.test_migrations_data import Snapshot, snapshot


def _with_sample(url: str) -> sa.Engine:
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        load_sample(session, scale=1)
    return engine


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command line in this process (a subprocess costs seconds: used once per backend)."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _audit_actions(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(AuditLog.action).order_by(AuditLog.id)).scalars())


def _same_apart_from_new_audit_rows(before: Snapshot, after: Snapshot, *actions: str) -> None:
    """`after` is `before` with the audit rows of `actions` added, nothing else."""
    assert after.keys() == before.keys()
    for name in before:
        if name == "audit_log":
            added = [after[name][k] for k in after[name].keys() - before[name].keys()]
            assert sorted(r["action"] for r in added) == sorted(actions)
            assert {k: after[name][k] for k in before[name]} == before[name]
        else:
            assert after[name] == before[name], name


def test_a_backup_restores_every_row_into_another_database_and_into_its_own(
    backend, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = _with_sample(db_url)
    before = snapshot(engine)
    assert len(before["client"]) > 1000 and before["bonus_grant"] and before["audit_log"] == {}
    file = tmp_path / "polku.backup"

    made = polku("backup", str(file), database_url=db_url)
    assert made.returncode == 0, made.stderr
    assert "Varmuuskopio tallennettu" in made.stdout and file.stat().st_size > 0
    assert _audit_actions(engine) == ["backup"]
    detail = snapshot(engine)["audit_log"].popitem()[1]["detail"]
    assert file.name in detail and "PK-" not in detail  # the file, no client codes

    other = backend.prepared()  # holds the project definition, to be replaced
    restored = polku("restore", str(file), database_url=other)
    assert restored.returncode == 0, restored.stderr
    assert "Käynnistä Polku uudelleen" in restored.stdout
    other_engine = db.make_engine(other)
    _same_apart_from_new_audit_rows(before, snapshot(other_engine), "restore")
    other_engine.dispose()

    # Changes after the backup are undone by restoring it into the same database
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM bonus_payment"))
        conn.execute(sa.text("UPDATE client SET plan_goal = 'changed'"))
    engine.dispose()
    code, _, err = run_cli(capsys, "restore", str(file), "--database-url", db_url)
    assert code == 0, err
    engine = db.make_engine(db_url)
    _same_apart_from_new_audit_rows(before, snapshot(engine), "restore")
    engine.dispose()


def test_a_backup_taken_while_another_connection_writes_is_a_consistent_snapshot(
    backend, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = _with_sample(db_url)
    written: list[int] = []
    stop = threading.Event()
    started = threading.Event()

    def write() -> None:  # one committed row after another, each with its number
        writer = db.make_engine(db_url)
        n = 0
        while not stop.is_set():
            with writer.begin() as conn:
                conn.execute(sa.insert(AuditLog).values(action="test", detail=f"w{n}"))
            written.append(n)
            n += 1
            if n >= 20:
                started.set()
        writer.dispose()

    thread = threading.Thread(target=write)
    thread.start()
    assert started.wait(60)
    committed_before = len(written)
    file = tmp_path / "during.backup"
    made = run_cli(capsys, "backup", str(file), "--database-url", db_url)
    committed_after = len(written)
    stop.set()
    thread.join()
    assert made[0] == 0, made[2]
    assert committed_after > committed_before + 1  # the writer went on during the backup

    other = backend.prepared()
    restored = run_cli(capsys, "restore", str(file), "--database-url", other)
    assert restored[0] == 0, restored[2]
    copy = db.make_engine(other)
    with copy.connect() as conn:
        marks = conn.execute(
            sa.select(AuditLog.detail).where(AuditLog.action == "test").order_by(AuditLog.id)
        ).scalars()
        numbers = [int(m[1:]) for m in marks]
        clients = conn.execute(sa.text("SELECT COUNT(*) FROM client")).scalar_one()
    copy.dispose()
    # Every write committed before the backup began is in it, and what is in it is a prefix
    assert numbers == list(range(len(numbers)))
    assert committed_before <= len(numbers) <= committed_after + 1
    with engine.connect() as conn:
        assert clients == conn.execute(sa.text("SELECT COUNT(*) FROM client")).scalar_one()
    engine.dispose()


def test_restore_refuses_another_backends_backup_and_a_file_that_is_no_backup(
    backend, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = _with_sample(db_url)
    before = snapshot(engine)
    engine.dispose()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a backup\n")
    foreign_sqlite = tmp_path / "other.db"
    sqlite3.connect(foreign_sqlite).execute("CREATE TABLE t (x)").connection.commit()
    pg_dump_like = tmp_path / "pg.dump"
    pg_dump_like.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(200))
    sqlite_backup = tmp_path / "sqlite.backup"
    sqlite3.connect(foreign_sqlite).backup(sqlite3.connect(sqlite_backup))

    other_kind = pg_dump_like if backend.name == "sqlite" else sqlite_backup
    cases = [
        (text_file, "ei ole Polun varmuuskopio"),
        (tmp_path / "missing.backup", "ei löydy"),
        (other_kind, "tietokannan varmuuskopio, mutta tietokanta on"),
    ]
    if backend.name == "sqlite":
        cases.append((foreign_sqlite, "ei ole Polun varmuuskopio"))
    else:
        cases.append((pg_dump_like, "ei ole Polun varmuuskopio"))
    for file, message in cases:
        code, out, err = run_cli(capsys, "restore", str(file), "--database-url", db_url)
        assert code == 1, (file, out)
        assert message in err and str(file) in err, err
        assert len(err.strip().splitlines()) == 1
    engine = db.make_engine(db_url)
    assert snapshot(engine) == before  # nothing changed, nothing audited
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_sqlite_restore_replaces_the_file_under_a_running_app_which_must_restart(
    backend, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = _with_sample(db_url)  # the running app's engine, with pooled connections
    with app.connect() as conn:
        clients = conn.execute(sa.text("SELECT COUNT(*) FROM client")).scalar_one()
    file = tmp_path / "app.backup"
    assert run_cli(capsys, "backup", str(file), "--database-url", db_url)[0] == 0
    with app.begin() as conn:
        conn.execute(sa.text("DELETE FROM client_target_group"))
    code, out, err = run_cli(capsys, "restore", str(file), "--database-url", db_url)
    assert code == 0, err
    assert "Käynnistä Polku uudelleen" in out
    path = Path(make_url(db_url).database or "")
    assert not list(path.parent.glob(f".{path.name}.*.part"))  # no temporary file left
    with pytest.raises(db.DatabaseVanished):  # the old app refuses the replaced file
        with app.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    app.dispose()
    restarted = db.make_engine(db_url)
    with restarted.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM client")).scalar_one() == clients
        assert conn.execute(sa.text("SELECT COUNT(*) FROM client_target_group")).scalar_one()
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
    restarted.dispose()


def test_a_missing_postgresql_tool_gives_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from polku import backup

    monkeypatch.setattr(backup, "PG_BIN_DIRS", ())
    monkeypatch.setenv("PATH", "")
    with pytest.raises(backup.BackupError) as refused:
        backup.pg_tool("pg_dump")
    assert "pg_dump" in refused.value.text("fi") and "postgresql-client" in refused.value.text("en")
