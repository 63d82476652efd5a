"""Engine factory (SQLite: WAL, foreign keys, busy timeout; PostgreSQL: psycopg 3), sessions
and schema migration through Alembic."""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Table, create_engine, event, insert, inspect
from sqlalchemy.engine import make_url
from sqlmodel import Session

from polku.config import ROOT, get_settings

MIGRATIONS_DIR = ROOT / "migrations"


class DatabaseError(RuntimeError):
    """The database cannot be reached or prepared; the message is safe to show."""


class DatabaseVanished(DatabaseError):
    """The SQLite file was deleted or replaced under a running app: its open connections
    would go on writing into the unlinked file, and every save would look successful but be
    lost."""


# Writes refused by the database itself: PostgreSQL's read-only transaction and disk full,
# SQLite's read-only file (any variant) and full disk
_UNWRITABLE_STATES = {"25006", "53100"}
_UNWRITABLE_SQLITE = ("SQLITE_READONLY", "SQLITE_FULL")


def is_unwritable(failure: BaseException) -> bool:
    """Whether `failure` is the database refusing writes (read-only or full)."""
    orig = getattr(failure, "orig", failure)
    if getattr(orig, "sqlstate", None) in _UNWRITABLE_STATES:
        return True
    return str(getattr(orig, "sqlite_errorname", "")).startswith(_UNWRITABLE_SQLITE)


# SQLite's error names that are the database's state (a file that cannot be opened, read or
# trusted, a lock never released), not a fault of the statement
_NO_DATABASE = re.compile(r'FATAL: +database ".*" does not exist')
_UNREACHABLE_SQLITE = ("SQLITE_BUSY", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_CORRUPT")


def failure_key(failure: BaseException) -> str | None:
    """The catalog key (db.*) of a failure that is the database's state rather than the code's:
    gone, full, read-only, missing or unreachable; None for anything else (a bug, a conflict).
    Names nothing from the failure's text, which may hold the statement's parameters."""
    if isinstance(failure, DatabaseVanished):
        return "db.vanished"
    cause = failure.__cause__ if isinstance(failure, DatabaseError) else None
    orig = getattr(failure, "orig", None) or getattr(cause, "orig", None) or cause or failure
    state = getattr(orig, "sqlstate", None)
    name = str(getattr(orig, "sqlite_errorname", ""))
    # SQLite: a write found no room, or a first connection could not enlarge its -shm file
    if state == "53100" or name.startswith(("SQLITE_FULL", "SQLITE_IOERR_SHMSIZE")):
        return "db.full"
    if is_unwritable(orig):
        return "db.read_only"
    # PostgreSQL: the database named in the URL does not exist (a refused connection carries no
    # SQLSTATE, only the server's text, in English unless the server's lc_messages says else)
    if state == "3D000" or _NO_DATABASE.search(str(orig)):
        return "db.missing"
    if name.startswith(_UNREACHABLE_SQLITE):
        return "db.unreachable"
    if isinstance(failure, DatabaseError) or getattr(failure, "connection_invalidated", False):
        return "db.unreachable"
    # PostgreSQL: the connection failed or was lost (08*), the server shuts down (57P*)
    if not name and state is None and type(orig).__name__ in ("OperationalError", "InterfaceError"):
        return "db.unreachable"  # a connection that failed before the server said anything
    if state is not None and str(state).startswith(("08", "57P")):
        return "db.unreachable"
    return None


def normalise_url(url: str) -> str:
    """Accept the URL forms people paste (postgres://, postgresql://) and pick psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for `url` (default: the DATABASE_URL setting), tuned per backend."""
    url = normalise_url(url or get_settings().database_url)
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        path = sqlite_path(sa_url.database, uri="uri" in sa_url.query)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        if path is not None:
            _watch_sqlite_file(engine, path)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def sqlite_path(database: str | None, *, uri: bool = False) -> Path | None:
    """The file of a SQLite URL's database part (`file:` URIs too), None for memory."""
    if uri and database and database.startswith("file:"):
        database = database.removeprefix("file:").split("?")[0]
    if not database or database == ":memory:":
        return None
    return Path(database)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite leaves foreign keys off by default; WAL lets readers work during a write
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


# The file each watched engine first opened (none yet: an empty list)
_OPENED: weakref.WeakKeyDictionary[Engine, list[tuple[int, int] | None]] = (
    weakref.WeakKeyDictionary()
)


def missing_sqlite_file(engine: Engine) -> bool:
    """Whether `engine`'s SQLite file does not exist and the engine never opened one (a file
    removed under a running app is DatabaseVanished, found when the engine connects)."""
    path = sqlite_path(engine.url.database, uri="uri" in engine.url.query)
    if engine.dialect.name != "sqlite" or path is None or path.exists():
        return False
    return not _OPENED.get(engine)


def _watch_sqlite_file(engine: Engine, path: Path) -> None:
    """The engine remembers the file it first opened; before every connection and checkout
    the file at `path` must still be that one. A deleted or replaced file is refused for the
    engine's life: the pooled connections would write into a file nobody reads, a new one
    would silently start an empty database, and closing an old one removes the -wal file by
    name under whatever file now stands there. Restarting the app opens the new file."""
    opened: list[tuple[int, int] | None] = []
    _OPENED[engine] = opened

    def _still_there(*_args: Any) -> None:
        if opened and _file_identity(path) != opened[0]:
            raise DatabaseVanished(f"the database file {path.name} was removed or replaced")

    @event.listens_for(engine, "connect")
    def _remember(*_args: Any) -> None:
        if not opened:
            opened.append(_file_identity(path))

    event.listen(engine, "do_connect", _still_there)  # before SQLite creates a missing file
    event.listen(engine, "checkout", _still_there)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(engine: Engine) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema to `revision`; does nothing when already there."""
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as exc:  # the driver's own error types differ per backend
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseError(f"cannot reach the database {where}: {reason}") from exc
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def bulk_insert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (mappings with the same keys; a "_row" key is left out) in the caller's
    transaction, the fastest way the backend has: COPY on PostgreSQL, one executemany of the
    driver's own statement on SQLite (SQLAlchemy's per-row parameter handling would cost as much
    as SQLite's own work). Values go through the columns' bind processors; columns left out get
    their server defaults, so a row must name every column with a Python-side default."""
    if not rows:
        return
    columns = [name for name in rows[0] if name != "_row"]
    dialect = conn.dialect
    if dialect.name not in ("sqlite", "postgresql"):
        conn.execute(insert(table), [{name: r[name] for name in columns} for r in rows])
        return
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
    ]
    converters = [(i, p) for i, p in enumerate(processors) if p is not None]

    def values(row: Mapping[str, Any]) -> tuple[Any, ...]:
        out = [row[name] for name in columns]
        for i, process in converters:
            if out[i] is not None:
                out[i] = process(out[i])
        return tuple(out)

    if dialect.name == "postgresql":
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        driver = conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(values(row))
        return
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', [values(r) for r in rows]
    )
