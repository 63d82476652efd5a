"""Shared fixtures: real databases for every test.

Every test that takes `db_url` or `engine` runs twice: on a SQLite file and on a real
PostgreSQL server that this test session starts (scripts/pg-test-server) and stops. Each test
gets its own fresh database, migrated by Alembic and holding the project definition, copied
from a template made once per session. POLKU_TEST_BACKENDS=sqlite limits a local run to
SQLite; under CI every backend is required and a missing one is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from polku import db
from polku.config import get_settings
from polku.project import load_project

ROOT = Path(__file__).resolve().parents[1]
PG_SCRIPT = ROOT / "scripts" / "pg-test-server"
BACKENDS = [b for b in os.environ.get("POLKU_TEST_BACKENDS", "sqlite,postgres").split(",") if b]
if os.environ.get("CI") and set(BACKENDS) != {"sqlite", "postgres"}:
    raise RuntimeError("CI runs every backend: unset POLKU_TEST_BACKENDS")


# The project files the app must run on: North Karelia's and a made-up second area
PROJECT_FILE = ROOT / "data" / "project.toml"
OTHER_PROJECT_FILE = ROOT / "tests" / "projects" / "lakeside.toml"
PROJECT_FILES = [PROJECT_FILE, OTHER_PROJECT_FILE]


def _prepare(url: str, project_file: Path | None = None) -> None:
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        load_project(session, project_file)
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL server for this test session; yields the admin URL."""
    url = os.environ.get("POLKU_TEST_POSTGRES_URL")
    if url:  # an already running server, e.g. a developer's own
        yield url
        return
    # pytest's own temp dirs are private to root; the server runs as `postgres`
    parent = Path(tempfile.mkdtemp(prefix="polku-pg-"))
    parent.chmod(0o755)
    data_dir = parent / "data"
    port = str(56000 + os.getpid() % 1000)
    started = subprocess.run(
        [str(PG_SCRIPT), "start", str(data_dir), port], capture_output=True, text=True
    )
    if started.returncode != 0:
        pytest.fail(f"PostgreSQL did not start: {started.stderr.strip()}", pytrace=False)
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(PG_SCRIPT), "stop", str(data_dir)], check=False)
        shutil.rmtree(parent, ignore_errors=True)


class Backend:
    """Makes fresh databases on one backend, each a copy of a prepared template."""

    def __init__(self, name: str, workdir: Path, admin_url: str | None = None) -> None:
        self.name = name
        self.workdir = workdir
        self.admin_url = admin_url
        self._templates: dict[Path, str] = {}

    def _admin(self) -> Engine:
        assert self.admin_url
        return db.make_engine(self.admin_url, isolation_level="AUTOCOMMIT")

    def empty(self) -> str:
        """The URL of a new empty database."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        if self.name == "sqlite":
            return f"sqlite:///{self.workdir / (name + '.db')}"
        admin = self._admin()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return (
            make_url(db.normalise_url(self.admin_url or ""))
            .set(database=name)
            .render_as_string(hide_password=False)
        )

    def prepared(self, project_file: Path | None = None) -> str:
        """The URL of a new database with the schema and the project definition (of
        `project_file`, default data/project.toml)."""
        project_file = project_file or PROJECT_FILE
        if project_file not in self._templates:
            self._templates[project_file] = self.empty()
            _prepare(self._templates[project_file], project_file)
        prepared = self._templates[project_file]
        if self.name == "sqlite":
            target = self.empty()
            shutil.copyfile(make_url(prepared).database or "", make_url(target).database or "")
            return target
        name = f"t_{uuid.uuid4().hex[:12]}"
        template = make_url(prepared).database
        admin = self._admin()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        admin.dispose()
        return make_url(prepared).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_backend(tmp_path_factory: pytest.TempPathFactory) -> Backend:
    return Backend("sqlite", tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_backend(postgres_server: str, tmp_path_factory: pytest.TempPathFactory) -> Backend:
    return Backend("postgres", tmp_path_factory.mktemp("pgwork"), postgres_server)


def _backend_params() -> list:
    return [
        pytest.param(b, marks=[pytest.mark.postgres] if b == "postgres" else []) for b in BACKENDS
    ]


@pytest.fixture(params=_backend_params())
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each backend in turn; PostgreSQL is started only when a test asks for it."""
    return request.getfixturevalue(f"{request.param}_backend")


@pytest.fixture
def db_url(backend: Backend) -> str:
    """A fresh database with the schema and the project definition, on each backend."""
    return backend.prepared()


@pytest.fixture(params=PROJECT_FILES, ids=["north_karelia", "lakeside"])
def project_file(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each project file in turn, configured as POLKU_PROJECT_FILE (the CLI, the sample and
    the app read it from there)."""
    monkeypatch.setenv("POLKU_PROJECT_FILE", str(request.param))
    get_settings.cache_clear()
    yield request.param
    get_settings.cache_clear()


@pytest.fixture
def area_db_url(backend: Backend, project_file: Path) -> str:
    """A fresh database with the schema and the definition of each project file in turn."""
    return backend.prepared(project_file)


@pytest.fixture
def empty_db_url(backend: Backend) -> str:
    """A fresh empty database (no schema), on each backend."""
    return backend.empty()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = db.make_engine(db_url)
    yield eng
    eng.dispose()
