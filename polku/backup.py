"""Backup and restore of the whole database, for the IT person who runs Polku.

SQLite: SQLite's online backup API copies a consistent snapshot while the app goes on writing;
the backup is one self-contained SQLite file. A restore copies it into a temporary file next to
the database and renames it over the database in one step, so the database is always either the
old one or the restored one; the running app refuses the replaced file until it is restarted
(polku.db watches the file).

PostgreSQL: `pg_dump --format=custom` (a consistent snapshot, the app may run) and
`pg_restore --clean --if-exists --single-transaction` (all or nothing). The password goes to
the tools in the PGPASSWORD environment variable, never on their command line.

A restore refuses a file of the other backend and a file that is not a Polku backup. Both
commands add one row to the audit log (the backend, the file's name and size: no personal data).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url

from polku import audit, db, users
from polku.access import Actor

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"  # the first bytes of pg_dump's custom format
PG_BIN_DIRS = ("/usr/lib/postgresql/*/bin",)


class BackupError(users.UserError):
    """A backup or restore that cannot be done; the message says why, in the user's language."""


@dataclass(frozen=True)
class Result:
    backend: str  # "sqlite" or "postgresql"
    path: Path
    size: int


def backend_of(engine: Engine) -> str:
    return "sqlite" if engine.dialect.name == "sqlite" else "postgresql"


def kind_of_file(path: Path) -> str | None:
    """Which backend's backup `path` looks like by its first bytes: "sqlite", "postgresql" or
    None (not a backup of either)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError("backup.error.missing", file=str(path)) from None
    except OSError as exc:
        raise BackupError(
            "backup.error.unreadable", file=str(path), reason=str(exc.strerror)
        ) from None
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    return None


def backup(engine: Engine, actor: Actor, target: Path) -> Result:
    """Write a backup of `engine`'s database to `target` (replaced if it exists, only once the
    backup is complete) and audit it."""
    target = Path(target)
    if target.parent and not target.parent.is_dir():
        raise BackupError("backup.error.no_directory", file=str(target))
    partial = _temporary_next_to(target)
    try:
        if backend_of(engine) == "sqlite":
            _sqlite_backup(engine, partial)
        else:
            _pg_run("pg_dump", engine.url, ["--format=custom", "--file", str(partial)])
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    result = Result(backend_of(engine), target, target.stat().st_size)
    _audit(engine, actor, "backup", result)
    return result


def restore(engine: Engine, actor: Actor, source: Path) -> Result:
    """Replace `engine`'s database with the backup `source` and audit it (in the restored
    database). Refuses another backend's backup and a file that is no Polku backup."""
    source = Path(source)
    backend = backend_of(engine)
    kind = kind_of_file(source)
    if kind is None:
        raise BackupError("backup.error.not_backup", file=str(source))
    if kind != backend:
        raise BackupError(
            "backup.error.other_backend", file=str(source), found=kind, expected=backend
        )
    if backend == "sqlite":
        _sqlite_restore(engine, source)
    else:
        _pg_check_dump(engine.url, source)
        _pg_run(
            "pg_restore",
            engine.url,
            ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(source)],
            database_flag=True,
        )
    result = Result(backend, source, source.stat().st_size)
    restored = db.make_engine(engine.url.render_as_string(hide_password=False))
    try:
        _audit(restored, actor, "restore", result)
    finally:
        restored.dispose()
    return result


def _audit(engine: Engine, actor: Actor, action: str, result: Result) -> None:
    with db.session_scope(engine) as session:
        audit.record(
            session,
            user_email=actor.email,
            action=action,
            entity="database",
            detail=f"{result.backend} {result.path.name} {result.size} bytes",
        )


def _temporary_next_to(path: Path) -> Path:
    """A new empty file in `path`'s directory (a rename within one file system is atomic)."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    return Path(name)


# --- SQLite ---


def _sqlite_file(engine: Engine) -> Path:
    path = db.sqlite_path(engine.url.database, uri="uri" in engine.url.query)
    if path is None:
        raise BackupError("backup.error.memory")
    return path


def _sqlite_backup(engine: Engine, target: Path) -> None:
    path = _sqlite_file(engine)
    if not path.exists():
        raise BackupError("backup.error.missing", file=str(path))
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one consistent read snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
        source.close()


def _check_sqlite_backup(path: Path) -> None:
    """A readable, intact SQLite file with Polku's tables, or BackupError."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            intact = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise BackupError("backup.error.not_backup", file=str(path)) from None
    if not {"alembic_version", "client", "audit_log"} <= tables:
        raise BackupError("backup.error.not_backup", file=str(path))
    if not intact:
        raise BackupError("backup.error.damaged", file=str(path))


def _sqlite_restore(engine: Engine, source: Path) -> None:
    _check_sqlite_backup(source)
    path = _sqlite_file(engine)
    path.parent.mkdir(parents=True, exist_ok=True)
    incoming = _temporary_next_to(path)
    try:
        _sqlite_copy(source, incoming)
        if path.exists():
            # Empty the old database's write-ahead log, so no old page can reach the new file
            old = sqlite3.connect(path, timeout=30)
            try:
                old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                old.close()
        os.replace(incoming, path)
    finally:
        incoming.unlink(missing_ok=True)
    for leftover in ("-wal", "-shm"):  # the old file's log and index: never the new one's
        Path(f"{path}{leftover}").unlink(missing_ok=True)


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        dst.commit()
    finally:
        dst.close()
        src.close()
    with target.open("rb") as handle:  # on disk before the rename makes it the database
        os.fsync(handle.fileno())


# --- PostgreSQL ---


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client tool: the newest of Debian's versioned directories,
    else the PATH; BackupError when it is not installed."""
    from glob import glob

    candidates = sorted(
        (Path(d) / name for pattern in PG_BIN_DIRS for d in glob(pattern)),
        key=lambda p: [int(x) for x in p.parent.parent.name.split(".") if x.isdigit()],
    )
    for candidate in reversed(candidates):
        if os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError("backup.error.no_tool", tool=name)
    return found


def _pg_env(url: URL) -> dict[str, str]:
    """The connection for libpq's environment variables: the password never on a command line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": url.query.get("sslmode"),
    }
    env.update({k: str(v) for k, v in values.items() if v})
    return env


def _pg_run(tool: str, url: URL, args: list[str], *, database_flag: bool = False) -> str:
    url = make_url(str(url.render_as_string(hide_password=False)))
    command = [pg_tool(tool), *(["--dbname", url.database or ""] if database_flag else []), *args]
    try:
        done = subprocess.run(command, env=_pg_env(url), capture_output=True, text=True)
    except OSError as exc:
        raise BackupError("backup.error.tool_failed", tool=tool, reason=str(exc)) from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        raise BackupError("backup.error.tool_failed", tool=tool, reason=reason)
    return done.stdout


def _pg_check_dump(url: URL, source: Path) -> None:
    """The dump's table of contents must hold Polku's tables."""
    try:
        listing = _pg_run("pg_restore", url, ["--list", str(source)])
    except BackupError as exc:
        if exc.key == "backup.error.no_tool":
            raise
        raise BackupError("backup.error.not_backup", file=str(source)) from None
    names = {line.split()[-2] for line in listing.splitlines() if " TABLE " in line}
    if not {"alembic_version", "client", "audit_log"} <= names:
        raise BackupError("backup.error.not_backup", file=str(source))
