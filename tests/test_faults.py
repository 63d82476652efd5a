"""Faults (issue 18.1), on SQLite and PostgreSQL: an import, a checklist save and a form save
killed with SIGKILL at random moments leave the database intact and each write wholly there or
wholly absent; PostgreSQL stopped and started under the running app; a missing, read-only or
full database gives one clear message in the user's language, never a traceback.

The killed writers are processes forked from a forkserver that has imported this module (and
polku) once: a fresh `python -m polku` spends seconds on imports before its first write, which
would put the kills where nothing happens. The import's children are forked from a "zygote"
that read the 50 000-row file once, as the page's commit is given the table its check read.
Each is killed by SIGKILL at a moment drawn by a seeded generator over a measured run.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, func, insert, select, text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from benchmarks.imports import write_clients_csv
from models import metadata
from polku import checklists, cli, db, forms, i18n, ingest, metrics
from polku.access import Actor
from polku.config import get_settings
from polku.ui import imports as ui_imports
from polku.users import SYSTEM
from tests.conftest import PG_SCRIPT, Backend
from tests.test_app import (
    ADMIN_EMAIL,
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    _use_database,
    add_user,
    signed_in_app,
)

SEED = 18
KILLS = 20
IMPORT_ROWS = 50_000
BEFORE_ROWS = 1_000  # clients already there, so "wholly absent" is not just "empty"
_context = multiprocessing.get_context("forkserver")
# The children's code is this module's: preloaded, a child does not import it (and Streamlit's
# test tools, which it imports) again before its first write
_context.set_forkserver_preload(["tests.test_faults"])


# --- the killed processes ----------------------------------------------------------------------


def _import_zygote(path: str, pipe: Any) -> None:
    """A forked process that reads the file once, as the page's check does (the commit is
    given the table it read: polku/ui/imports.py), then for each database URL it is sent forks
    the import of that table: the child reports its pid, "ready" and its progress through the
    same pipe (each message is one write under PIPE_BUF, so a kill leaves no half message), and
    the zygote reports the child's end."""
    table = ingest.read_table(Path(path).read_bytes(), Path(path).name, "clients")
    while (url := pipe.recv()) is not None:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                engine = db.make_engine(url)
                with engine.connect():  # the driver's first connection is not the import's work
                    pass
                pipe.send(("ready", 0.0))
                report = ingest.import_file(
                    engine, SYSTEM, "clients", b"", Path(path).name, table=table,
                    progress=lambda share: pipe.send(("at", share)),
                )  # fmt: skip
                pipe.send(("done", float(report.ok)))
                code = 0
            finally:
                os._exit(code)
        pipe.send(("pid", float(pid)))
        _, status = os.waitpid(pid, 0)
        pipe.send(("end", float(status)))


def _start(target: Callable[..., None], *args: Any) -> tuple[Any, Any]:
    """`target(*args, pipe)` in a child forked by the forkserver; the parent's end of the pipe."""
    ours, theirs = _context.Pipe(duplex=False)
    with ui_imports._without_main_script():  # the forkserver needs polku, not pytest's main
        child = _context.Process(target=target, args=(*args, theirs), daemon=True)
        child.start()
    theirs.close()
    return child, ours


SAVER = Actor(email="k.joensuu@example.fi", role="coordinator", municipalities=frozenset({"167"}))
_ITEM = metadata.tables["checklist_item"]
_CLIENT = metadata.tables["client"]
_AUDIT = metadata.tables["audit_log"]
_STATUS = "career_coaching"


def _checklist_state(conn: Connection) -> tuple[list[int], int]:
    """Joensuu's items and the round of the last checklist save ("round K" in every note)."""
    rows = conn.execute(
        select(_ITEM.c.id, _ITEM.c.note)
        .where(_ITEM.c.municipality_code == "167")
        .order_by(_ITEM.c.id)
    ).all()
    notes = {note for _, note in rows}
    assert len(notes) == 1, f"a checklist save written in part: {sorted(map(str, notes))}"
    (note,) = notes
    return [i for i, _ in rows], int(note.split()[1]) if note else 0


def _form_clients(conn: Connection) -> int:
    codes = conn.execute(select(_CLIENT.c.code).where(_CLIENT.c.code.like("FORM-%"))).scalars()
    return len(list(codes))


def _child_saves(url: str, out: Any) -> None:
    """A forked child that saves without pause, by turns a checklist save of all Joensuu's
    items (note "round K", K the stored round + 1) and a form's new client FORM-K; it reports
    each save done."""
    engine = db.make_engine(url)
    actor = SAVER
    with engine.connect() as conn:
        ids, round_ = _checklist_state(conn)
        clients = _form_clients(conn)
        group = conn.execute(select(metadata.tables["target_group"].c.code)).scalars().first()
    out.send(("ready", 0.0))
    while True:
        with engine.connect() as conn:
            versions = dict(
                conn.execute(select(_ITEM.c.id, _ITEM.c.version).where(_ITEM.c.id.in_(ids))).all()
            )
        round_ += 1
        edits = [checklists.ItemEdit(i, versions[i], {"note": f"round {round_}"}) for i in ids]
        checklists.save_items(engine, actor, edits)
        out.send(("checklist", float(round_)))
        clients += 1
        entry = forms.ClientEntry(
            code=f"FORM-{clients:05d}", municipality="167", birth_year=1990,
            entry_date=date(2026, 9, 1), status=_STATUS, target_groups=[group],
        )  # fmt: skip
        forms.record_client(engine, actor, entry, today=date(2026, 11, 1))
        out.send(("form", float(clients)))


# --- what must hold after every kill ------------------------------------------------------------


def _counts(url: str) -> dict[str, int]:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        counts = {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }
    engine.dispose()
    return counts


def _intact(url: str) -> None:
    """The database's own checks: SQLite's integrity and foreign key checks; PostgreSQL's
    amcheck on every table's heap and every B-tree index (with every heap tuple looked up)."""
    engine = db.make_engine(url)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        else:
            heap = conn.execute(
                text(
                    "SELECT c.relname, v.* FROM pg_class c, verify_heapam(c.oid) v"
                    " WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace"
                )
            ).all()
            assert heap == []
            indexes = conn.execute(
                text(
                    "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                    " JOIN pg_am am ON am.oid = c.relam WHERE am.amname = 'btree'"
                    " AND c.relnamespace = 'public'::regnamespace"
                )
            ).scalars()
            checked = [
                conn.execute(text("SELECT bt_index_check(:i, true)"), {"i": i}) for i in indexes
            ]
            assert len(checked) >= len(metadata.tables)  # a primary key each, at least
    engine.dispose()


def _with_amcheck(url: str) -> str:
    if url.startswith("postgresql"):
        engine = db.make_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
        engine.dispose()
    return url


class Copies:
    """Fresh copies of one database: a file copy on SQLite, a template copy on PostgreSQL."""

    def __init__(self, backend: Backend, base: str) -> None:
        self.backend, self.base = backend, base

    def new(self) -> str:
        if self.backend.name == "sqlite":
            target = self.backend.empty()
            shutil.copyfile(make_url(self.base).database or "", make_url(target).database or "")
            return target
        name = f"t_{uuid.uuid4().hex[:12]}"
        admin = db.make_engine(self.backend.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(
                f'CREATE DATABASE "{name}" TEMPLATE "{make_url(self.base).database}"'
            )
        admin.dispose()
        return make_url(self.base).set(database=name).render_as_string(hide_password=False)


# --- the import killed at 20 random moments ----------------------------------------------------


@pytest.fixture(scope="module")
def import_files(
    sqlite_backend: Backend, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    """The benchmark's office-format client file (benchmarks.imports.write_clients_csv), made
    from a database of 51 000 made-up clients: the first 1 000 rows, and the 50 000 after."""
    workdir = tmp_path_factory.mktemp("import_files")
    source = sqlite_backend.prepared()
    engine = db.make_engine(source)
    rng = random.Random(SEED)
    start = date(2026, 3, 1)
    total = BEFORE_ROWS + IMPORT_ROWS
    with engine.begin() as conn:
        groups = conn.execute(select(metadata.tables["target_group"].c.code)).scalars().all()
        places = conn.execute(select(metadata.tables["municipality"].c.code)).scalars().all()
        db.bulk_insert(
            conn,
            metadata.tables["client"],
            [
                {
                    "id": i + 1,
                    "code": f"KILL-{i:06d}",
                    "municipality_code": rng.choice(places),
                    "birth_year": rng.randint(1960, 2005),
                    "gender": rng.choice(["female", "male"]),
                    "education_level": rng.choice(["isced_0_2", "isced_3_4", "isced_5_8"]),
                    "labour_status_at_entry": "unemployed",
                    "unemployment_months": rng.randint(0, 60),
                    "entry_date": start + timedelta(days=rng.randint(0, 270)),
                    "plan_goal": "Työllistyminen",
                    "version": 1,
                }
                for i in range(total)
            ],
        )
        db.bulk_insert(
            conn,
            metadata.tables["client_target_group"],
            [{"client_id": i + 1, "target_group_code": rng.choice(groups)} for i in range(total)],
        )
    engine.dispose()
    whole = workdir / "all.csv"
    assert write_clients_csv(source, whole, total) == total
    lines = whole.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    before, big = workdir / "before.csv", workdir / "clients.csv"
    before.write_text("".join(lines[: 1 + BEFORE_ROWS]), encoding="utf-8-sig")
    big.write_text(lines[0] + "".join(lines[1 + BEFORE_ROWS :]), encoding="utf-8-sig")
    return before, big


@dataclass
class Timing:
    """A whole import as measured: from the child's "ready" to the writing (share 0.5), and
    from there to done (committed)."""

    checking: float
    writing: float


def _run_import(zygote: Any, url: str, kill: tuple[str, float] | None = None) -> tuple[str, Timing]:
    """The import into `url`, forked by the zygote; killed when `kill` says: ("checking", s) s
    seconds after the child is ready, ("writing", s) s seconds after it started writing (so
    that a machine slower than when measured does not move the kill out of the writing).
    Returns the last stage the child reported before its end or the kill, and the timing."""
    zygote.send(url)
    pid = ready = wrote = deadline = None
    last = "forked"
    while True:
        if deadline is not None and time.monotonic() >= deadline:
            assert pid is not None
            os.kill(pid, signal.SIGKILL)
            deadline = None
        wait = 60.0 if deadline is None else max(0.0, deadline - time.monotonic())
        if not zygote.poll(wait):
            assert deadline is not None, f"the import child went silent after {last}"
            continue
        stage, value = zygote.recv()
        now = time.monotonic()
        if stage == "pid":
            pid = int(value)
        elif stage == "end":
            status = int(value)
            killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            assert killed or (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0), status
            if kill is None:
                assert last == "done 1.00", f"the import ended at {last}"
                assert ready is not None and wrote is not None
                return last, Timing(wrote - ready, now - wrote)
            return last, Timing(0.0, 0.0)
        else:
            last = f"{stage} {value:.2f}"
            if stage == "ready":
                ready = now
                if kill and kill[0] == "checking":
                    deadline = now + kill[1]
            elif stage == "at" and value >= 0.5 and wrote is None:
                wrote = now
                if kill and kill[0] == "writing":
                    deadline = now + kill[1]


@contextlib.contextmanager
def _zygote(path: Path) -> Iterator[Any]:
    ours, theirs = _context.Pipe()
    with ui_imports._without_main_script():  # the forkserver needs polku, not pytest's main
        process = _context.Process(target=_import_zygote, args=(str(path), theirs), daemon=True)
        process.start()
    theirs.close()
    try:
        yield ours
    finally:
        ours.send(None)
        process.join(30)


def _moments(timing: Timing) -> list[tuple[str, float]]:
    """KILLS moments drawn uniformly over the measured run, each named by its phase."""
    rng = random.Random(SEED)
    total = timing.checking + timing.writing
    moments = [rng.uniform(0, total) for _ in range(KILLS)]
    return [
        ("checking", t) if t < timing.checking else ("writing", t - timing.checking)
        for t in moments
    ]


@pytest.mark.slow
def test_an_import_killed_at_random_moments_is_wholly_there_or_wholly_absent(
    backend: Backend, import_files: tuple[Path, Path]
) -> None:
    before_file, big = import_files
    base = _with_amcheck(backend.prepared())
    engine = db.make_engine(base)
    assert ingest.import_file(engine, SYSTEM, "clients", before_file.read_bytes(), "b.csv").ok
    engine.dispose()
    copies = Copies(backend, base)
    before = _counts(base)
    with _zygote(big) as zygote:
        # One whole run, unkilled: its duration, and the counts of a completed import
        measured = copies.new()
        _, timing = _run_import(zygote, measured)
        after = _counts(measured)
        assert after["client"] == before["client"] + IMPORT_ROWS
        url = copies.new()
        landed = []
        for moment in _moments(timing):
            last, _ = _run_import(zygote, url, kill=moment)
            landed.append(f"{moment[0]} +{moment[1]:.2f} s: {last}")
            _intact(url)
            counts = _counts(url)
            assert counts in (before, after), f"{moment}: a partial import ({last})"
            if counts == after:  # committed before the kill: the next kill gets a fresh copy
                url = copies.new()
        print(f"\n{backend.name}: {timing}; kills:", *landed, sep="\n  ")
        # No lock left behind: the same import, unkilled, goes through
        last, _ = _run_import(zygote, url)
    assert _counts(url) == after
    _intact(url)


# --- checklist and form saves killed at 20 random moments ------------------------------------

SAVE_SPAN = 1.5  # seconds of saving after the child is ready, over which the kills are drawn


def _saves_whole(url: str, first_versions: dict[int, int], said: dict[str, int]) -> None:
    """Every checklist save and every form save wholly there or wholly absent: one round in
    every note, versions and audit rows that count the same rounds, and each recorded client
    whole (its first status and its target group); none lost that the child reported saved."""
    engine = db.make_engine(url)
    episode, group = (metadata.tables[t] for t in ("status_episode", "client_target_group"))
    with engine.connect() as conn:
        ids, round_ = _checklist_state(conn)
        assert said["checklist"] <= round_ <= said["checklist"] + 1
        versions = dict(
            conn.execute(select(_ITEM.c.id, _ITEM.c.version).where(_ITEM.c.id.in_(ids))).all()
        )
        assert versions == {i: first_versions[i] + round_ for i in ids}
        notes_audited = dict(
            conn.execute(
                select(_AUDIT.c.entity_id, func.count())
                .where(_AUDIT.c.entity == checklists.ITEM_ENTITY, _AUDIT.c.field == "note")
                .group_by(_AUDIT.c.entity_id)
            ).all()
        )
        assert notes_audited == ({str(i): round_ for i in ids} if round_ else {})
        codes = sorted(
            conn.execute(select(_CLIENT.c.code).where(_CLIENT.c.code.like("FORM-%"))).scalars()
        )
        assert codes == [f"FORM-{k:05d}" for k in range(1, len(codes) + 1)]
        assert said["form"] <= len(codes) <= said["form"] + 1
        for table in (episode, group):
            whole = conn.execute(
                select(func.count())
                .select_from(table.join(_CLIENT))
                .where(_CLIENT.c.code.like("FORM-%"))
            ).scalar_one()
            assert whole == len(codes), f"{table.name}: a client recorded in part"
    engine.dispose()


@pytest.mark.slow
def test_checklist_and_form_saves_killed_at_random_moments_are_whole_or_absent(
    backend: Backend,
) -> None:
    url = _with_amcheck(backend.prepared())
    engine = db.make_engine(url)
    with engine.connect() as conn:
        first_versions = dict(
            conn.execute(
                select(_ITEM.c.id, _ITEM.c.version).where(_ITEM.c.municipality_code == "167")
            ).all()
        )
    engine.dispose()
    rng = random.Random(SEED)
    said = {"checklist": 0, "form": 0}
    landed = []
    for moment in sorted(rng.uniform(0, SAVE_SPAN) for _ in range(KILLS)):
        child, pipe = _start(_child_saves, url)
        assert pipe.poll(60) and pipe.recv()[0] == "ready"
        deadline = time.monotonic() + moment
        while (left := deadline - time.monotonic()) > 0:
            if pipe.poll(left):
                kind, value = pipe.recv()
                said[kind] = int(value)
        os.kill(child.pid, signal.SIGKILL)
        child.join(30)
        assert child.exitcode == -signal.SIGKILL
        with contextlib.suppress(EOFError):  # what it reported just before the kill
            while pipe.poll():
                kind, value = pipe.recv()
                said[kind] = int(value)
        _intact(url)
        _saves_whole(url, first_versions, said)
        landed.append(f"+{moment:.2f} s: {said}")
    print(f"\n{backend.name}: kills:", *landed, sep="\n  ")
    assert said["checklist"] >= KILLS and said["form"] >= KILLS  # the kills fell amid saves


# --- PostgreSQL stopped and started under the running app ------------------------------------


@dataclass
class Server:
    """A throwaway PostgreSQL server of its own (scripts/pg-test-server), to be stopped."""

    data_dir: Path
    port: str
    admin_url: str

    def stop(self) -> None:
        subprocess.run([str(PG_SCRIPT), "stop", str(self.data_dir)], check=True)

    def start(self) -> None:
        subprocess.run(
            [str(PG_SCRIPT), "start", str(self.data_dir), self.port],
            check=True,
            capture_output=True,
        )


@pytest.fixture(scope="module")
def own_server() -> Iterator[Server]:
    """A second server, so that stopping it disturbs no other test's databases."""
    parent = Path(tempfile.mkdtemp(prefix="polku-pg-faults-"))
    parent.chmod(0o755)
    port = str(57000 + os.getpid() % 1000)
    started = subprocess.run(
        [str(PG_SCRIPT), "start", str(parent / "data"), port], capture_output=True, text=True
    )
    if started.returncode != 0:
        pytest.fail(f"PostgreSQL did not start: {started.stderr.strip()}", pytrace=False)
    try:
        yield Server(parent / "data", port, started.stdout.strip())
    finally:
        subprocess.run([str(PG_SCRIPT), "stop", str(parent / "data")], check=False)
        shutil.rmtree(parent, ignore_errors=True)


def _texts(at: AppTest) -> str:
    """Everything the page shows as text, for looking for what must not be there."""
    parts = [
        e.value
        for kind in ("title", "error", "info", "warning", "markdown", "success")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def _one_message(at: AppTest, key: str, lang: str = "fi") -> None:
    """The page shows the message of `key` once, in `lang`, and no traceback or driver text."""
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert errors == [i18n.t(key, lang)], errors
    shown = _texts(at)
    for word in ("Traceback", "OperationalError", "psycopg", "sqlite3", "SQLSTATE"):
        assert word not in shown


@pytest.mark.postgres
def test_postgresql_stopped_and_started_while_the_app_runs(
    own_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = Backend("postgres", tmp_path, own_server.admin_url).prepared()
    _use_database(monkeypatch, url)
    add_user(url, ADMIN_EMAIL, "admin")
    at = signed_in_app().run()
    assert [t.value for t in at.title] == [i18n.t("page.overview", "fi")]
    own_server.stop()
    try:
        at.run()
        _one_message(at, "db.unreachable")
        at.segmented_control(key="kieli").set_value("en").run()
        _one_message(at, "db.unreachable", "en")
    finally:
        own_server.start()
    at.run()  # the same app process: its pooled connections died with the server
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [i18n.t("page.overview", "en")]


# --- a save refused by the database while the app runs -----------------------------------------

COORDINATOR = "koordinaattori@joensuu.example"


def _with_client(url: str) -> None:
    """A coordinator of Joensuu (the app's signed-in user) and one active client, T-1."""
    add_user(url, COORDINATOR, "coordinator", "167")
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            insert(metadata.tables["client"]),
            [{"code": "T-1", "municipality_code": "167", "birth_year": 1990,
              "entry_date": metrics.today() - timedelta(days=60), "version": 1}],
        )  # fmt: skip
    engine.dispose()


def _status_form(lang: str = "fi") -> AppTest:
    """The Asiakkaat page with its status change for T-1 filled in, not yet saved."""
    at = signed_in_app(COORDINATOR)
    at.query_params["kunta"] = "Joensuu"
    at.run()
    if lang != "fi":
        at.segmented_control(key="kieli").set_value(lang).run()
    at.switch_page("app_pages/clients.py").run()
    assert not at.exception, at.exception
    _fill(at, lang)
    return at


def _fill(at: AppTest, lang: str = "fi") -> None:
    at.session_state["asiakkaat_tab"] = i18n.t("forms.tab.status", lang)
    at.run()
    at.selectbox(key="status_client_code_0").select("T-1")
    at.selectbox(key="status_status_0").select("career_coaching")
    at.date_input(key="status_start_date_0").set_value(metrics.today() - timedelta(days=5))


def _save_status(at: AppTest, lang: str = "fi") -> None:
    at.button(key=f"FormSubmitter:status_form_0-{i18n.t('forms.save', lang)}").click().run()


def _episodes(url: str) -> int:
    return _counts(url)["status_episode"]


def _saved(at: AppTest, lang: str = "fi") -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.success, "no confirmation of the save"


@pytest.mark.postgres
def test_a_save_while_postgresql_is_down_is_refused_whole_and_goes_through_after_the_restart(
    own_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = Backend("postgres", tmp_path, own_server.admin_url).prepared()
    _use_database(monkeypatch, url)
    _with_client(url)
    at = _status_form()
    own_server.stop()
    try:
        _save_status(at)
        _one_message(at, "db.unreachable")
    finally:
        own_server.start()
    assert _episodes(url) == 0
    _fill(at)  # the same app and session, after the restart
    _save_status(at)
    _saved(at)
    assert _episodes(url) == 1


@pytest.mark.postgres
def test_a_database_made_read_only_under_the_app_refuses_a_save_with_a_message(
    postgres_backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database set read-only (as a standby is) while the app runs; its sessions end, so
    the app's next connection is read-only. (SQLite's read-only file at start-up:
    test_router_failures.py; a file cannot turn read-only under root, who ignores modes.)"""
    url = postgres_backend.prepared()
    _with_client(url)
    _use_database(monkeypatch, url)
    at = _status_form("en")
    name = make_url(url).database
    admin = db.make_engine(postgres_backend.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
    admin.dispose()
    _save_status(at, "en")
    _one_message(at, "db.read_only", "en")
    assert _episodes(url) == 0


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A directory on a 16 MB tmpfs of its own (the tests run as root, who may mount)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)], check=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill_up(disk: Path, url: str) -> None:
    """Fold the WAL into the file and fill the disk's every free block, so the database's next
    write (appended to the WAL) finds no space: ENOSPC, SQLITE_FULL."""
    engine = db.make_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    filler = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 16, 1):  # big blocks, then the last bytes
            with contextlib.suppress(OSError):
                while os.write(filler, b"\0" * size):
                    pass
    finally:
        os.close(filler)


def test_a_full_disk_refuses_a_save_with_a_message(
    sqlite_backend: Backend, full_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared = sqlite_backend.prepared()
    url = f"sqlite:///{full_disk / 'polku.db'}"
    shutil.copyfile(make_url(prepared).database or "", full_disk / "polku.db")
    _with_client(url)
    _use_database(monkeypatch, url)
    at = _status_form()  # the app holds its connections: the -wal and -shm files stay
    _fill_up(full_disk, url)
    _save_status(at)
    _one_message(at, "db.full")
    (full_disk / "filler").unlink()
    assert _episodes(url) == 0
    _fill(at)
    _save_status(at)
    _saved(at)
    assert _episodes(url) == 1


# --- a missing database; the command line --------------------------------------------------------


def test_a_missing_sqlite_file_asks_for_init_and_is_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "typo" / "polku.db"
    _use_database(monkeypatch, f"sqlite:///{path}")
    at = signed_in_app().run()
    _one_message(at, "db.no_schema")
    assert "python -m polku init" in at.info[0].value
    assert not path.exists()  # a typo in DATABASE_URL makes no empty database


@pytest.mark.postgres
def test_a_missing_postgresql_database_says_so(
    postgres_backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_url(db.normalise_url(postgres_backend.admin_url or "")).set(database="no_such_db")
    _use_database(monkeypatch, url.render_as_string(hide_password=False))
    at = signed_in_app().run()
    _one_message(at, "db.missing")
    assert "createdb" in at.info[0].value


def _polku(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """`python -m polku ARGS` in this process; its one line of error output."""
    assert cli.main(list(args)) == cli.EXIT_FAILURE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


SAMPLE_CLIENTS = Path(__file__).resolve().parents[1] / "data" / "sample" / "clients.csv"


def test_the_command_line_on_a_full_disk_says_so_in_one_line(
    sqlite_backend: Backend, full_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copyfile(make_url(sqlite_backend.prepared()).database or "", full_disk / "polku.db")
    url = f"sqlite:///{full_disk / 'polku.db'}"
    _fill_up(full_disk, url)
    err = _polku(capsys, "import", "clients", str(SAMPLE_CLIENTS), "--database-url", url)
    assert err.startswith(f"polku: {i18n.t('db.full', 'fi')} (")
    (full_disk / "filler").unlink()
    assert _counts(url)["client"] == 0
    _intact(url)


@pytest.mark.postgres
def test_the_command_line_on_a_read_only_or_missing_database_says_so_in_english(
    postgres_backend: Backend, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLKU_LANGUAGE", "en")
    get_settings.cache_clear()
    url = postgres_backend.prepared()
    name = make_url(url).database
    admin = db.make_engine(postgres_backend.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    admin.dispose()
    err = _polku(capsys, "import", "clients", str(SAMPLE_CLIENTS), "--database-url", url)
    assert err.startswith(f"polku: {i18n.t('db.read_only', 'en')} (")
    missing = make_url(url).set(database="no_such_db").render_as_string(hide_password=False)
    err = _polku(capsys, "kpis", "--database-url", missing)
    assert err.startswith(f"polku: {i18n.t('db.missing', 'en')} (")
