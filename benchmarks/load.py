"""`make load` (`python -m benchmarks.load`): many people using one app process at once.

Builds the sample data at scale 10 on a throwaway PostgreSQL server (as `make bench` does),
adds the load's users with `python -m polku user add`, starts the app as one `streamlit run`
process in demo mode and drives --sessions concurrent sessions over Streamlit's own websocket
(`/_stcore/stream`) for --seconds. Each session speaks the browser's protocol: BackMsg
`rerun_script` with the widget states and the page, ForwardMsg deltas back until
`script_finished`. A session acts as one user, picked in demo mode's "act as" box:

- admins and directors switch pages and the sidebar's municipality filter;
- coordinators (several per municipality, at once) switch pages and save checklist items on
  Vaihelistat: a cell edit sent as the data editor's state, then the Save button; some of
  their items are their own, some shared with the municipality's other coordinators, so the
  app's version check refuses stale saves (the user is told; the edit is discarded).

Afterwards the database is compared with what each session was told: every save told
"saved" is in the audit log once and the item holds the last one; no refused save was
written. Reported: requests (script runs), errors (exceptions, error messages nobody asked
for, timeouts, lost connections), lost / duplicated / unreported writes, refused saves and the
p50/p95 time to a drawn page (from sending the rerun to `script_finished`). Writes
benchmarks/results/load.json; the exit status is 1 when an error or a lost or duplicated
write was seen.

Why a protocol client and not 25 headless Chromium contexts: see the README's "Load" part.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import io
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import websockets
from sqlalchemy import create_engine, select, text
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.Dataframe_pb2 import Dataframe
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks.databases import ROOT, Backend, build_sample, postgres_server
from models import ChecklistItem

RESULTS = ROOT / "benchmarks" / "results" / "load.json"
LANG = "fi"
SCALE = 10.0
THINK = 2.0  # seconds a person pauses between actions, on average (a brisk user)
RUN_TIMEOUT = 120.0  # seconds for one script run before it counts as an error
STARTUP_TIMEOUT = 120.0
FINISHED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
DEMO_KEY, MUNICIPALITY_KEY, CHECKLISTS = "demo_user", "kunta", "vaihelistat"
NOTE = "note"
_items = ChecklistItem.__table__  # type: ignore[attr-defined]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- who uses the app -------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadUser:
    email: str
    name: str
    role: str
    municipalities: tuple[str, ...] = ()
    slot: int = 0  # a coordinator's place among its municipality's coordinators


def users(sessions: int) -> list[LoadUser]:
    """One user per session: about a tenth admins, a quarter directors, the rest coordinators
    of three municipalities (at least three each when there are enough sessions)."""
    admins = max(1, sessions // 10)
    directors = max(1, sessions // 4) if sessions >= 3 else 0
    coordinators = max(0, sessions - admins - directors)
    places = ("167", "426", "422")  # Joensuu, Liperi, Lieksa
    people = [
        LoadUser(f"admin{i}@load.example", f"Kuorma Pääkäyttäjä {i}", "admin")
        for i in range(admins)
    ]
    # Directors see several municipalities each, so they have filters to switch between
    people += [
        LoadUser(
            f"johtaja{i}@load.example",
            f"Kuorma Johtaja {i}",
            "director",
            (places[i % 3], places[(i + 1) % 3], "541"),
        )
        for i in range(directors)
    ]
    per_place = Counter[str]()
    for i in range(coordinators):
        code = places[i % len(places)] if coordinators >= 3 * len(places) else places[0]
        people.append(
            LoadUser(
                f"koordinaattori{i}@load.example",
                f"Kuorma Koordinaattori {i}",
                "coordinator",
                (code,),
                per_place[code],
            )
        )
        per_place[code] += 1
    return people


def add_users(url: str, people: list[LoadUser]) -> None:
    """`python -m polku user add` for each, in this process (the command line's own code)."""
    from polku import cli

    for person in people:
        places = [arg for code in person.municipalities for arg in ("--municipality", code)]
        args = ["user", "add", person.email, "--role", person.role, "--name", person.name]
        with contextlib.redirect_stdout(io.StringIO()):
            code = cli.main([*args, *places, "--database-url", url])
        if code != 0:
            raise RuntimeError(f"polku user add {person.email}: exit {code}")


# --- the app ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("", 0))
        return sock.getsockname()[1]


@dataclass
class App:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def cpu_seconds(pid: int) -> float:
    """A process's CPU time so far (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_app(database_url: str, workdir: Path) -> App:
    """`streamlit run streamlit_app.py` in demo mode on a free port, until /_stcore/health."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STREAMLIT_", "POLKU_")) and k != "DATABASE_URL"
    }
    env.update(DATABASE_URL=database_url, POLKU_DEMO="1", POLKU_LANGUAGE=LANG)
    env["PYTHONUNBUFFERED"] = "1"
    port = free_port()
    secrets_file = workdir / "secrets.toml"
    secrets_file.write_text("")
    log_file = workdir / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py"]
    command += ["--server.headless", "true", "--server.port", str(port)]
    command += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    command += ["--secrets.files", str(secrets_file)]
    with log_file.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    app = App(port, process, log_file)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit run exited: {log_file.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{app.url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return app
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    app.stop()
    raise RuntimeError(f"streamlit run did not answer within {STARTUP_TIMEOUT:.0f} s")


# --- one session over the websocket -----------------------------------------------------------


def widget_key(element_id: str) -> str:
    """The user's key of a widget id ("$$ID-<hash>-<key>"), or "" for one without a key."""
    parts = element_id.split("-", 2)
    return parts[2] if element_id.startswith("$$ID-") and len(parts) == 3 else ""


@dataclass
class Drawn:
    """What one rerun drew: the elements and alerts of its last run (a save reruns the script
    to show its message: what the user sees in the end), the exceptions of all its runs, and
    how long it took."""

    seconds: float
    elements: list[Element] = field(default_factory=list)
    alerts: list[tuple[int, str]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)

    def widget(self, key: str) -> Element | None:
        return next((e for e in self.elements if widget_key(_id(e)) == key), None)

    def said(self, kind: int, start: str) -> bool:
        return any(f == kind and body.startswith(start) for f, body in self.alerts)


def _id(element: Element) -> str:
    kind = element.WhichOneof("type")
    return str(getattr(getattr(element, kind), "id", "")) if kind else ""


class ProtocolError(Exception):
    """The app did not answer as a browser expects (a timeout, a lost connection)."""


class Session:
    """One browser tab's websocket session: the page it is on, the widgets it has set."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws: Any = None
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page = ""
        self.query = ""
        self.widgets: dict[str, WidgetState] = {}
        self.last: Drawn | None = None

    async def __aenter__(self) -> Session:
        self.ws = await websockets.connect(
            self.url, subprotocols=[websockets.Subprotocol("streamlit")], max_size=None
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def rerun(
        self, page: str | None = None, triggers: tuple[str, ...] = (), query: str | None = None
    ) -> Drawn:
        """Rerun the script as the browser does: every widget's state, the page, the URL's
        query; `triggers` are buttons clicked (ids); waits for the run to finish."""
        if page is not None:
            self.page = page
        if query is not None:
            self.query = query
        state = ClientState(
            query_string=self.query,
            page_script_hash=self.pages.get(self.page, ""),
            context_info=ContextInfo(timezone="Europe/Helsinki", locale="fi-FI"),
        )
        state.widget_states.widgets.extend(self.widgets.values())
        for trigger in triggers:
            state.widget_states.widgets.append(WidgetState(id=trigger, trigger_value=True))
        message = BackMsg()
        message.rerun_script.CopyFrom(state)
        started = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        try:
            drawn = await asyncio.wait_for(self._until_finished(started), RUN_TIMEOUT)
        except TimeoutError as late:
            raise ProtocolError(f"no script_finished within {RUN_TIMEOUT:.0f} s") from late
        except websockets.ConnectionClosed as closed:
            raise ProtocolError(f"connection closed: {closed}") from closed
        self.last = drawn
        return drawn

    async def _until_finished(self, started: float) -> Drawn:
        drawn = Drawn(0.0)
        elements: dict[tuple[int, ...], Element] = {}
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "new_session":  # a script run starts: the screen is drawn afresh
                elements, drawn.alerts = {}, []
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            elif kind == "page_not_found":
                drawn.exceptions.append(f"page not found: {msg.page_not_found.page_name}")
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                elements[tuple(msg.metadata.delta_path)] = element
                if element.WhichOneof("type") == "alert":
                    drawn.alerts.append((element.alert.format, element.alert.body))
                elif element.WhichOneof("type") == "exception":
                    exc = element.exception
                    drawn.exceptions.append(f"{exc.type}: {exc.message[:300]}")
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    drawn.exceptions.append("script compile error")
                if msg.script_finished in FINISHED or drawn.exceptions:
                    drawn.seconds = time.perf_counter() - started
                    drawn.elements = [elements[k] for k in sorted(elements)]
                    return drawn

    def set_widget(self, key: str, value: str) -> None:
        """Set a keyed widget's string value (a selectbox's option as shown, an editor's
        edits as JSON), as the browser does when the user changes it."""
        assert self.last is not None
        element = self.last.widget(key)
        if element is None:
            raise ProtocolError(f"no widget {key!r} on the page")
        self.widgets[_id(element)] = WidgetState(id=_id(element), string_value=value)

    def forget(self, prefix: str) -> None:
        for wid in [w for w in self.widgets if widget_key(w).startswith(prefix)]:
            del self.widgets[wid]


# --- what the sessions do ---------------------------------------------------------------------


@dataclass
class Tally:
    """Everything the sessions saw, gathered for the report."""

    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    saved: list[tuple[int, str, str]] = field(default_factory=list)  # item, value, who
    refused: list[tuple[int, str, str]] = field(default_factory=list)
    edits_shared: int = 0

    pages: dict[str, list[float]] = field(default_factory=dict)

    def timed(self, kind: str, drawn: Drawn, page: str) -> Drawn:
        self.times.setdefault(kind, []).append(drawn.seconds)
        self.pages.setdefault(page or "yleiskatsaus", []).append(drawn.seconds)
        return drawn


ROLE_PAGES = {
    "admin": ["", "tehtavat", "mittarit", "talous", "raportit", CHECKLISTS, "asiakkaat"],
    "director": ["", "mittarit", "talous", CHECKLISTS, "hanke"],
    "coordinator": ["", "tehtavat", "mittarit", "talous", CHECKLISTS, "asiakkaat"],
}
ROLE_PAGES["admin"] += ["asiakaskortti", "tuonti", "vienti", "hanke", "kayttajat"]
ROLE_PAGES["coordinator"] += ["asiakaskortti", "tuonti", "vienti", "hanke"]
for _pages in ROLE_PAGES.values():  # the accessibility statement: everyone's
    _pages.append("saavutettavuus")


class Actor:
    """One simulated person: signs in (demo mode's "act as"), then acts until `until`."""

    def __init__(
        self,
        person: LoadUser,
        app_url: str,
        tally: Tally,
        names: dict[str, str],
        tag: str,
        think: float,
        sharers: int,
        seed: int,
    ) -> None:
        self.person, self.app_url, self.tally, self.names = person, app_url, tally, names
        self.tag, self.think, self.sharers = tag, think, sharers
        self.random = random.Random(seed)
        self.count = 0

    def _check(self, drawn: Drawn, what: str, expected_errors: tuple[str, ...] = ()) -> None:
        for problem in drawn.exceptions:
            self.tally.errors.append(f"{self.person.email} {what}: {problem}")
        for kind, body in drawn.alerts:
            if kind == Alert.ERROR and not body.startswith(expected_errors):
                self.tally.errors.append(f"{self.person.email} {what}: error shown: {body[:200]}")

    async def _run(self, kind: str, session: Session, **how: Any) -> Drawn:
        expected = how.pop("expected", ())
        drawn = self.tally.timed(kind, await session.rerun(**how), session.page)
        self._check(drawn, kind, expected)
        return drawn

    async def act(self, until: float) -> None:
        try:
            async with Session(self.app_url) as session:
                await self._sign_in(session)
                while True:  # every session acts at least once, however short the run
                    await asyncio.sleep(self.random.uniform(0.5, 1.5) * self.think)
                    await self._step(session)
                    if time.monotonic() >= until:
                        break
        except (ProtocolError, OSError, websockets.WebSocketException) as failure:
            self.tally.errors.append(f"{self.person.email}: {type(failure).__name__}: {failure}")

    async def _sign_in(self, session: Session) -> None:
        first = await self._run("first page", session)
        box = first.widget(DEMO_KEY)
        assert box is not None, "demo mode's user picker is missing"
        label = next(o for o in box.selectbox.options if o.startswith(f"{self.person.name} · "))
        session.set_widget(DEMO_KEY, label)
        await self._run("sign in", session)
        expected = {p or "" for p in ROLE_PAGES[self.person.role]}
        if set(session.pages) != expected:  # demo mode did not switch to this user
            raise ProtocolError(f"signed in with the pages {sorted(session.pages)}")
        if self.person.role == "coordinator":
            await self._filter(session, self.person.municipalities[0])

    async def _filter(self, session: Session, code: str | None) -> Drawn:
        name = self.names[code] if code else ""
        session.set_widget(MUNICIPALITY_KEY, name or self.names[""])
        query = f"kunta={urllib.parse.quote(name)}" if name else ""
        return await self._run("filter", session, query=query)

    async def _step(self, session: Session) -> None:
        person, pick = self.person, self.random.random()
        # A coordinator's first step is a save, so even a short run saves something
        if person.role == "coordinator" and (pick < 0.45 or self.count == 0):
            await self._save(session)
        elif person.role == "director" and pick < 0.5:
            await self._filter(session, self.random.choice([None, *person.municipalities]))
        elif person.role == "admin" and pick < 0.2:
            await self._filter(session, self.random.choice([None, "167", "426", "276"]))
        else:
            pages = [p for p in ROLE_PAGES[person.role] if p != session.page]
            await self._run("page switch", session, page=self.random.choice(pages))

    async def _save(self, session: Session) -> None:
        """Edit one item's note on Vaihelistat and save; a stale save is refused and told."""
        code = self.person.municipalities[0]
        if session.page != CHECKLISTS:
            await self._run("page switch", session, page=CHECKLISTS)
        assert session.last is not None
        editors = [
            e
            for e in session.last.elements
            if e.WhichOneof("type") == "dataframe"
            and e.dataframe.editing_mode != Dataframe.READ_ONLY
            and widget_key(e.dataframe.id).startswith(f"vaihelista_{code}_")
        ]
        if not editors:
            self.tally.errors.append(f"{self.person.email}: no checklist table to edit")
            return
        first = editors[0]
        # Shared items (the first table's first two rows) draw conflicts; the rest are split
        # between the municipality's coordinators, so each of them saves its own items too
        shared = self.random.random() < 0.4
        if shared:
            editor = first
            rows = _item_ids(editor)[:2]
            position = self.random.randrange(len(rows))
        else:
            editor = self.random.choice(editors[1:] or editors)
            rows = _item_ids(editor)
            mine = [i for i, item in enumerate(rows) if item % self.sharers == self.person.slot]
            position = self.random.choice(mine or list(range(len(rows))))
        item = rows[position]
        self.count += 1
        value = f"load-{self.tag}-{self.person.email.split('@')[0]}-{self.count}"
        key = widget_key(editor.dataframe.id)
        edits = {
            "edited_rows": {str(position): {NOTE: value}},
            "added_rows": [],
            "deleted_rows": [],
        }
        session.set_widget(key, json.dumps(edits))
        await self._run("cell edit", session)
        await asyncio.sleep(self.random.uniform(0.2, 0.6) * self.think)
        save_id = _id(session.last.widget(f"vaihelista_save_{code}") or Element())
        conflict = _catalog("checklists.conflict.title")
        drawn = await self._run("save", session, triggers=(save_id,), expected=(conflict,))
        self.tally.edits_shared += shared
        if drawn.said(Alert.SUCCESS, _catalog("checklists.saved", count="1")):
            self.tally.saved.append((item, value, self.person.email))
            session.forget(f"vaihelista_{code}_")
        elif drawn.said(Alert.ERROR, conflict):
            self.tally.refused.append((item, value, self.person.email))
            discard = _id(drawn.widget(f"vaihelista_reload_{code}") or Element())
            session.forget(f"vaihelista_{code}_")
            await self._run("discard", session, triggers=(discard,))
        else:
            said = "; ".join(body[:80] for _, body in drawn.alerts)
            self.tally.errors.append(f"{self.person.email}: a save said neither: {said}")
            session.forget(f"vaihelista_{code}_")


def _item_ids(editor: Element) -> list[int]:
    """The checklist item ids of a data editor's rows (the frame's index), in row order."""
    table = pa.ipc.open_stream(editor.dataframe.arrow_data.data).read_all().to_pandas()
    return [int(i) for i in table.index]


def _catalog(key: str, **values: str) -> str:
    from polku import i18n

    return i18n.t(key, LANG, **values)


# --- after the run: the database against what the sessions were told ------------------------


def check_writes(database_url: str, tally: Tally, tag: str) -> dict[str, int]:
    """Every save told "saved" is in the audit log exactly once, in an unbroken chain (each
    write's old value the previous write's new one), and the item holds the last; nothing was
    written that nobody was told was saved."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT entity_id, old_value, new_value FROM audit_log WHERE entity = "
                "'checklist_item' AND field = :f AND new_value LIKE :tag ORDER BY id"
            ),
            {"f": NOTE, "tag": f"load-{tag}-%"},
        ).all()
        touched = sorted({int(r.entity_id) for r in rows} | {i for i, _, _ in tally.saved})
        notes = {
            int(i): note
            for i, note in conn.execute(
                select(_items.c.id, _items.c.note).where(_items.c.id.in_(touched))
            )
        }
    engine.dispose()
    written = Counter(r.new_value for r in rows)
    told = {value: item for item, value, _ in tally.saved}
    refused = {value for _, value, _ in tally.refused}
    history: dict[int, list[Any]] = {}
    for r in rows:
        history.setdefault(int(r.entity_id), []).append(r)
    breaks = sum(
        1
        for writes in history.values()
        for before, after in zip(writes, writes[1:], strict=False)
        if after.old_value != before.new_value
    )
    not_last = sum(1 for item, writes in history.items() if notes.get(item) != writes[-1].new_value)
    return {
        "saves_told_saved": len(told),
        "lost": sum(1 for v in told if written[v] == 0) + breaks + not_last,
        "duplicated": sum(1 for v in written if written[v] > 1),
        "unreported": sum(1 for v in written if v not in told and v not in refused),
        "refused_but_written": sum(1 for v in refused if written[v]),
        "chain_breaks": breaks,
        "items_not_holding_last_save": not_last,
        "items_written": len(history),
    }


# --- the run ----------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def municipality_names(database_url: str) -> dict[str, str]:
    """Code -> name as the sidebar's picker shows them ("" the whole region)."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT code, name FROM municipality")).all()
    engine.dispose()
    return {"": _catalog("app.region"), **{str(code): str(name) for code, name in rows}}


async def drive(
    app_url: str, people: list[LoadUser], names: dict[str, str], seconds: float, think: float,
    tag: str,
) -> Tally:  # fmt: skip
    """All the people at once, each in their own session, until `seconds` have passed."""
    tally = Tally()
    sharers = Counter(p.municipalities[0] for p in people if p.role == "coordinator")
    until = time.monotonic() + seconds
    actors = [
        Actor(p, app_url, tally, names, tag, think, sharers[p.municipalities[0]] or 1, seed=i)
        if p.role == "coordinator"
        else Actor(p, app_url, tally, names, tag, think, 1, seed=i)
        for i, p in enumerate(people)
    ]
    await asyncio.gather(*(a.act(until) for a in actors))
    return tally


def _run(coroutine: Any) -> Any:
    """asyncio.run, in a thread of its own when this thread already runs an event loop (as in
    pytest after a Playwright test, whose sync API keeps one)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def measure(
    database_url: str,
    workdir: Path,
    sessions: int,
    seconds: float,
    think: float,
    warm: bool = True,
) -> dict[str, Any]:
    """Users added, the app started, `sessions` sessions for `seconds`; the figures. `warm`:
    one session's first run before the load, so that the imports it pays are not measured."""
    people = users(sessions)
    add_users(database_url, people)
    names = municipality_names(database_url)
    app = start_app(database_url, workdir)
    tag = uuid.uuid4().hex[:6]
    try:
        if warm:
            log(f"app on {app.url}; warming it up (the first run pays the imports)")
            warmed = _run(drive(app.url, people[:1], names, 0.0, think, f"{tag}w"))
            if warmed.errors:
                raise RuntimeError(f"the app failed before the load: {warmed.errors[0]}")
        load_before = os.getloadavg()
        log(f"{len(people)} sessions for {seconds:.0f} s")
        started, cpu = time.monotonic(), time.process_time()
        app_cpu = cpu_seconds(app.process.pid)
        tally = _run(drive(app.url, people, names, seconds, think, tag))
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
        app_cpu = cpu_seconds(app.process.pid) - app_cpu
        load_after = os.getloadavg()
    finally:
        app.stop()
    writes = check_writes(database_url, tally, tag)
    every = [s for times in tally.times.values() for s in times]
    return {
        "sessions": len(people),
        "roles": dict(Counter(p.role for p in people)),
        "coordinators_per_municipality": dict(
            Counter(p.municipalities[0] for p in people if p.role == "coordinator")
        ),
        "duration_s": seconds,  # actions start until then; the last one finishes later
        "seconds": round(elapsed, 1),
        "think_s": think,
        "requests": len(every),
        "requests_by_kind": {k: len(v) for k, v in sorted(tally.times.items())},
        "errors": len(tally.errors),
        "error_samples": tally.errors[:10],
        "saves": {
            "saved": len(tally.saved),
            "refused_stale": len(tally.refused),
            "on_shared_items": tally.edits_shared,
        },
        "writes": writes,
        "lost_writes": writes["lost"],
        "duplicated_writes": writes["duplicated"]
        + writes["unreported"]
        + writes["refused_but_written"],
        "p50_s": round(statistics.median(every), 3) if every else None,
        "p95_s": round(percentile(every, 0.95), 3) if every else None,
        "by_kind": {
            k: {"p50_s": round(statistics.median(v), 3), "p95_s": round(percentile(v, 0.95), 3)}
            for k, v in sorted(tally.times.items())
        },
        "by_page": {
            page: {
                "requests": len(v),
                "p50_s": round(statistics.median(v), 3),
                "p95_s": round(percentile(v, 0.95), 3),
            }
            for page, v in sorted(tally.pages.items())
        },  # fmt: skip
        # The app's CPU time over the run (one process: its script threads share one GIL) and
        # the driver's own (what the sessions' "browsers" cost the machine)
        "app_cpu_s": round(app_cpu, 1),
        "driver_cpu_s": round(cpu, 1),
        "load_average": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in load_after],
        },
    }


def count_clients(database_url: str) -> int:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        count = int(conn.execute(text("SELECT count(*) FROM client")).scalar_one())
    engine.dispose()
    return count


def passed(result: dict[str, Any]) -> bool:
    """No error, no lost or duplicated write: what the issue requires of a load run."""
    return result["errors"] == result["lost_writes"] == result["duplicated_writes"] == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=THINK, help="mean pause between actions (s)")
    parser.add_argument("--scale", type=float, default=SCALE)
    parser.add_argument("--postgres-url", help="a server to use instead of a throwaway one")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="polku-load-"))
    with postgres_server(args.postgres_url) as admin_url:
        if admin_url is None:
            log("PostgreSQL is needed for the load test")
            return 1
        url = Backend("postgresql", workdir, admin_url).fresh("load")
        log(f"building the sample at scale {args.scale:g} on PostgreSQL")
        built = build_sample(url, args.scale)
        log(f"built in {built.seconds:.0f} s")
        result = measure(url, workdir, args.sessions, args.seconds, args.think)
        result["clients"] = count_clients(url)
    shutil.rmtree(workdir, ignore_errors=True)
    result.update(
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        backend="postgresql",
        scale=args.scale,
        machine={"cpus": os.cpu_count(), "python": platform.python_version()},
        run_seconds=round(time.monotonic() - started),
    )
    args.results.write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    shown = ("requests", "errors", "lost_writes", "duplicated_writes", "p50_s", "p95_s")
    log(json.dumps({k: result[k] for k in shown}))
    return 0 if passed(result) else 1


if __name__ == "__main__":
    sys.exit(main())
