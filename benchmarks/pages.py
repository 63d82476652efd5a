"""Each page's server-side run through AppTest from the entrypoint, as a signed-in user, cold
(every Streamlit cache empty) and warm, and its floor: a bare page drawing as many charts,
metrics and tables from DataFrames already in memory."""

from __future__ import annotations

import json
import logging
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit.testing.v1 import AppTest

from benchmarks.databases import ROOT
from polku.config import get_settings

# AppTest outside a server warns of a missing runtime on every run; errors still show
logging.disable(logging.WARNING)

ENTRYPOINT = str(ROOT / "streamlit_app.py")
TIMEOUT = 120
# Sign-in configured as Streamlit documents it; AppTest's `user` stands for the provider
AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "benchmark-cookie-secret",
    "client_id": "polku",
    "client_secret": "secret",
    "server_metadata_url": "http://localhost:1/.well-known/openid-configuration",
}


DIRECTOR, COORDINATOR = "director", "coordinator"
# Pages whose content does not depend on the sidebar's municipality: measured once
ONE_VIEW = {"app_pages/project.py"}


@dataclass(frozen=True)
class View:
    """Who looks at which page: a role's user and the sidebar's municipality (None: region)."""

    page: str
    role: str
    email: str
    municipality: str | None

    @property
    def label(self) -> str:
        return f"{self.page.removeprefix('app_pages/').removesuffix('.py')}"


@dataclass
class Drawn:
    """What a page run drew: chart sizes (bytes, rows, title), metrics, table shapes."""

    charts: list[tuple[int, int, str]] = field(default_factory=list)
    metrics: int = 0
    tables: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class PageTimes:
    view: View
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    drawn: Drawn | None = None

    @staticmethod
    def median(values: list[float]) -> float | None:
        return statistics.median(values) if values else None


def use_database(url: str) -> None:
    """Point the app at `url` and forget everything cached for the previous one."""
    os.environ["DATABASE_URL"] = url
    clear_caches()


def clear_caches() -> None:
    get_settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()  # disposes the engines: a cold run connects anew


def _app(view: View, registry: dict[str, Any] | None) -> AppTest:
    at = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {"is_logged_in": True, "email": view.email}
    if view.municipality:
        at.query_params["kunta"] = view.municipality
    if registry is not None:
        # The pages st.navigation registered for this role in an earlier run: switch_page
        # needs them to open a page by its file before this session's first run
        at._registered_pages = dict(registry)  # noqa: SLF001
        at.switch_page(view.page)
    return at


def registry(view: View) -> dict[str, Any]:
    """The role's pages as st.navigation registers them (one run of the default page)."""
    at = _app(view, None).run()
    _check(at, view)
    return dict(at._registered_pages)  # noqa: SLF001


def sample_users(url: str) -> dict[str, tuple[str, str]]:
    """The sample's director and coordinator: e-mail and their municipality's name."""
    from sqlmodel import Session, select

    from models import Municipality, User, UserMunicipality
    from polku import db as polku_db
    from polku.sample import DEMO_COORDINATOR, DEMO_DIRECTOR

    engine = polku_db.make_engine(url)
    found = {}
    with Session(engine) as session:
        for role, email in ((DIRECTOR, DEMO_DIRECTOR), (COORDINATOR, DEMO_COORDINATOR)):
            name = session.exec(
                select(Municipality.name)
                .join(UserMunicipality, UserMunicipality.municipality_code == Municipality.code)
                .join(User, User.id == UserMunicipality.user_id)
                .where(User.email == email)
            ).first()
            found[role] = (email, name or "")
    engine.dispose()
    return found


def views(url: str) -> tuple[list[View], dict[str, dict[str, Any]]]:
    """Every page each role may open, in each view that applies, and each role's registry."""
    use_database(url)
    result, registries = [], {}
    for role, (email, home) in sample_users(url).items():
        registries[role] = registry(View("app_pages/overview.py", role, email, None))
        for page in pages_of(registries[role]):
            if role == DIRECTOR:
                scopes = [None] if page in ONE_VIEW else [home, None]
            else:
                scopes = [home]
            result += [View(page, role, email, scope) for scope in scopes]
    return result, registries


def pages_of(registered: dict[str, Any]) -> list[str]:
    """The page files a role may open, relative to the entrypoint, in menu order."""
    paths = [str(info.get("script_path") or "") for info in registered.values()]
    return [os.path.relpath(p, ROOT) for p in paths if p.endswith(".py")]


def open_page(view: View, registered: dict[str, Any]) -> AppTest:
    """One run of the page in a new session; fails on an exception in the page."""
    at = _app(view, registered).run()
    _check(at, view)
    return at


def _check(at: AppTest, view: View) -> None:
    if at.exception:
        raise RuntimeError(f"{view.page} as {view.role}: {at.exception[0].message}")


def _timed(run: Callable[[], AppTest]) -> tuple[float, AppTest]:
    started = time.perf_counter()
    at = run()
    return time.perf_counter() - started, at


def drawn(at: AppTest) -> Drawn:
    """The charts (proto bytes, data rows, title), metrics and tables of a finished run."""
    result = Drawn(metrics=len(at.metric))
    for chart in at.get("vega_lite_chart"):
        proto = chart.proto
        rows = sum(_arrow_rows(d.data.data) for d in proto.datasets)
        rows += _arrow_rows(proto.data.data) if proto.HasField("data") else 0
        title = json.loads(proto.spec or "{}").get("title", "")
        title = title.get("text", "") if isinstance(title, dict) else str(title)
        result.charts.append((proto.ByteSize(), rows, title))
    for table in at.dataframe:
        shape = table.value.shape
        result.tables.append((int(shape[0]), int(shape[1])))
    return result


def _arrow_rows(data: bytes) -> int:
    if not data:
        return 0
    return pa.ipc.open_stream(data).read_all().num_rows


def measure(
    view: View, registered: dict[str, Any], urls: dict[str, str], repeat: int
) -> dict[str, PageTimes]:
    """`repeat` cycles of, on each database of `urls` (by scale): a cold run (empty caches, a
    new session) and a warm rerun; then one floor run for the first database's page. All
    interleaved, so each gets the same share of whatever else the machine is doing."""
    times = {label: PageTimes(view) for label in urls}
    first = next(iter(urls))
    floor_args: dict[str, Any] | None = None
    for _ in range(repeat):
        for label, url in urls.items():
            use_database(url)
            seconds, at = _timed(lambda: _app(view, registered).run())
            _check(at, view)
            times[label].cold.append(seconds)
            if times[label].drawn is None:
                times[label].drawn = drawn(at)
            seconds, at = _timed(at.run)
            _check(at, view)
            times[label].warm.append(seconds)
        if floor_args is None:
            floor_args = floor_inputs(times[first].drawn or Drawn())
        floor = AppTest.from_function(floor_page, kwargs=floor_args, default_timeout=TIMEOUT)
        seconds, _ = _timed(floor.run)
        times[first].floor.append(seconds)
    return times


def floor_inputs(what: Drawn) -> dict[str, Any]:
    """DataFrames shaped like the page's chart data and tables, made before the floor runs."""
    charts = [
        pd.DataFrame(
            {
                "day": pd.date_range("2026-03-01", periods=rows, freq="D"),
                "value": range(rows),
                "series": [("a", "b")[i % 2] for i in range(rows)],
            }
        )
        for _, rows, _ in what.charts
    ]
    tables = [
        pd.DataFrame({f"c{j}": [f"{i},{j}" for i in range(rows)] for j in range(columns)})
        for rows, columns in what.tables
    ]
    return {"charts": charts, "metrics": what.metrics, "tables": tables}


def floor_page(charts: list, metrics: int, tables: list) -> None:
    """The floor: a bare page drawing the same number of charts, metrics and tables."""
    import altair as alt
    import streamlit as st

    for i in range(metrics):
        st.metric(f"Mittari {i}", f"{1234 + i}")
    for frame in charts:
        chart = alt.Chart(frame).mark_line().encode(x="day:T", y="value:Q", color="series:N")
        st.altair_chart(chart, width="stretch")
    for frame in tables:
        st.dataframe(frame, hide_index=True)
