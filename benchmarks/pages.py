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


ADMIN, ANALYST, DIRECTOR, COORDINATOR = "admin", "analyst", "director", "coordinator"


@dataclass(frozen=True)
class View:
    """Who looks at which page: a role's user and the sidebar's municipality (None: region)."""

    page: str
    role: str
    email: str
    municipality: str | None
    scope: str = "region"  # "municipality": a user of one; "region": of several or all

    @property
    def label(self) -> str:
        return f"{self.page.removeprefix('app_pages/').removesuffix('.py')}"


@dataclass
class Drawn:
    """What a page run drew: chart sizes (bytes, rows, title), metrics, table shapes."""

    charts: list[tuple[int, int, str]] = field(default_factory=list)
    metrics: int = 0
    tables: list[tuple[int, int]] = field(default_factory=list)
    # How many of each kind of element, widget and container the page drew (sidebar too)
    kinds: dict[str, int] = field(default_factory=dict)
    # The element tree: what the floor draws, in the same containers
    tree: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class PageTimes:
    view: View
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)  # the floor's cold run
    floor_warm: list[float] = field(default_factory=list)  # ... and its rerun
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


# A coordinator and a director of several municipalities, made by the benchmark: their
# region view (the sample's own work in one municipality each)
REGION_USERS = {
    COORDINATOR: "koordinaattori.alue@benchmark.example.fi",
    DIRECTOR: "johtaja.alue@benchmark.example.fi",
}


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


def add_region_users(url: str) -> None:
    """A coordinator and a director of every municipality of the project (idempotent)."""
    from sqlmodel import Session, select

    from models import Municipality, User, UserMunicipality
    from polku import db as polku_db

    engine = polku_db.make_engine(url)
    with Session(engine) as session:
        codes = list(session.exec(select(Municipality.code)))
        for role, email in REGION_USERS.items():
            if session.exec(select(User).where(User.email == email)).first():
                continue
            user = User(email=email, name=f"Benchmark {role}", role=role)
            session.add(user)
            session.flush()
            assert user.id is not None
            session.add_all(UserMunicipality(user_id=user.id, municipality_code=c) for c in codes)
        session.commit()
    engine.dispose()


def role_scopes(url: str) -> list[tuple[str, str, str | None, str]]:
    """(role, e-mail, sidebar municipality or None, scope) of every role and scope measured:
    admin and analyst of the region; coordinator and director of one municipality (the
    sample's) and of the region (a user of every municipality)."""
    from polku.sample import DEMO_ADMIN, DEMO_ANALYST

    add_region_users(url)
    out: list[tuple[str, str, str | None, str]] = [
        (ADMIN, DEMO_ADMIN, None, "region"),
        (ANALYST, DEMO_ANALYST, None, "region"),
    ]
    for role, (email, home) in sample_users(url).items():
        out.append((role, email, home, "municipality"))
        out.append((role, REGION_USERS[role], None, "region"))
    return out


def views(url: str) -> tuple[list[View], dict[str, dict[str, Any]]]:
    """Every page each role may open in each scope, and each user's registry (by e-mail)."""
    use_database(url)
    result, registries = [], {}
    for role, email, municipality, scope in role_scopes(url):
        if email not in registries:
            registries[email] = registry(View("app_pages/overview.py", role, email, None))
        result += [
            View(page, role, email, municipality, scope) for page in pages_of(registries[email])
        ]
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
    """What a finished run drew: charts (proto bytes, data rows, title), metrics, table shapes,
    the count of every element and widget kind, and the tree the floor redraws."""
    result = Drawn()
    roots = at._tree.children  # noqa: SLF001
    result.tree = {
        "main": _nodes(roots[0], result) if 0 in roots else [],
        "sidebar": _nodes(roots[1], result) if 1 in roots else [],
    }
    result.metrics = result.kinds.get("metric", 0)
    return result


def _nodes(block: Any, into: Drawn) -> list[dict[str, Any]]:
    return [n for child in block.children.values() if (n := _node(child, into)) is not None]


# Elements whose text the floor writes as Markdown (what each shows is a short text)
TEXTS = {"title", "header", "subheader", "markdown", "caption", "divider", "text", "page_link",
         "code", "latex", "help_info", "html", "json", "toast"}  # fmt: skip
ALERTS = {"info", "warning", "error", "success"}


def _node(node: Any, into: Drawn) -> dict[str, Any] | None:
    """One element or block of the page as the floor draws it; counted in `into.kinds`."""
    kind = node.type
    if kind in ("dataframe", "table") and node.proto.__class__.__name__ == "Dataframe":
        if node.proto.editing_mode:  # a data_editor: the same proto, editable
            kind = "data_editor"
    if kind == "vega_lite_chart":
        kind = "chart"
    if kind == "empty":
        return None  # an st.empty() left empty draws nothing
    into.kinds[kind] = into.kinds.get(kind, 0) + 1
    proto = getattr(node, "proto", None)
    out: dict[str, Any] = {"kind": kind}
    if hasattr(node, "children") and kind not in ("selectbox",):
        out["children"] = _nodes(node, into) if node.children else []
    if kind == "chart":
        rows = sum(_arrow_rows(d.data.data) for d in proto.datasets)
        rows += _arrow_rows(proto.data.data) if proto.HasField("data") else 0
        title = json.loads(proto.spec or "{}").get("title", "")
        title = title.get("text", "") if isinstance(title, dict) else str(title)
        into.charts.append((proto.ByteSize(), rows, title))
        out["rows"] = rows
    elif kind in ("dataframe", "data_editor", "table"):
        shape = node.value.shape
        out["shape"] = (int(shape[0]), int(shape[1]))
        into.tables.append(out["shape"])
    elif kind in ("selectbox", "multiselect", "radio", "button_group", "select_slider"):
        out["options"] = len(proto.options)
    elif kind == "tab_container":
        out["labels"] = [str(getattr(tab, "label", "")) for tab in node.children.values()]
    elif kind == "expander":
        out["label"] = proto.label
    elif kind == "popover":
        out["label"] = proto.popover.label
    elif kind in ("flex_container",):
        out["horizontal"] = proto.flex_container.direction == 2
        out["border"] = proto.flex_container.border
        out["columns"] = all(c.type == "column" for c in node.children.values()) and bool(
            node.children
        )
    elif kind == "progress":
        out["value"] = proto.value
    elif kind in TEXTS or kind in ALERTS:
        out["body"] = str(getattr(proto, "body", "") or getattr(proto, "label", "") or "")
    return out


def _arrow_rows(data: bytes) -> int:
    if not data:
        return 0
    return pa.ipc.open_stream(data).read_all().num_rows


def measure(
    view: View, registered: dict[str, Any], urls: dict[str, str], repeat: int
) -> dict[str, PageTimes]:
    """`repeat` cycles of, on each database of `urls` (by scale): a cold run (empty caches, a
    new session) and a warm rerun; then the floor of the first database's page: a cold run (a
    new AppTest) and a warm rerun. All interleaved, so each gets the same share of whatever
    else the machine is doing."""
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
        seconds, ran = _timed(floor.run)
        if ran.exception:
            raise RuntimeError(f"floor of {view.page}: {ran.exception[0].message}")
        times[first].floor_warm.append(seconds)
    return times


def floor_inputs(what: Drawn) -> dict[str, Any]:
    """The page's tree with its data made beforehand: chart data and tables of the same rows
    (and columns), option lists of the same length, so the floor only draws."""
    return floor_inputs_tree(what.tree)


def floor_inputs_tree(tree: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """floor_inputs of a tree as `drawn` records it (e.g. read back from JSON)."""

    def prepared(node: dict[str, Any]) -> dict[str, Any]:
        out = dict(node)
        if "rows" in node:
            rows = node["rows"]
            out["frame"] = pd.DataFrame(
                {
                    "day": pd.date_range("2026-03-01", periods=rows, freq="D"),
                    "value": range(rows),
                    "series": [("a", "b")[i % 2] for i in range(rows)],
                }
            )
        if "shape" in node:
            rows, columns = node["shape"]
            out["frame"] = pd.DataFrame(
                {f"c{j}": [f"{i},{j}" for i in range(rows)] for j in range(columns)}
            )
        if "options" in node:
            out["choices"] = [f"Vaihtoehto {i}" for i in range(node["options"])]
        if "children" in node:
            out["children"] = [prepared(child) for child in node["children"]]
        return out

    return {
        "main": [prepared(n) for n in tree.get("main", [])],
        "sidebar": [prepared(n) for n in tree.get("sidebar", [])],
    }


def floor_page(main: list, sidebar: list) -> None:
    """The floor: a bare page drawing, from memory, the elements the page drew, in the same
    containers: as many metrics, charts of as many rows, tables and data editors of as many
    rows and columns, and input widgets of each kind (with as many options)."""
    import altair as alt
    import streamlit as st

    counter = iter(range(1_000_000))

    def key() -> str:
        return f"floor_{next(counter)}"

    def draw(nodes: list, in_form: bool = False) -> None:
        for node in nodes:
            one(node, in_form)

    def one(node: dict, in_form: bool) -> None:  # noqa: C901, PLR0912
        kind, children = node["kind"], node.get("children", [])
        choices = node.get("choices", [])
        if kind == "metric":
            st.metric("Mittari", "1 234", "+5")
        elif kind == "chart":
            chart = (
                alt.Chart(node["frame"])
                .mark_line()
                .encode(x="day:T", y="value:Q", color="series:N")
            )
            st.altair_chart(chart, width="stretch")
        elif kind == "dataframe":
            st.dataframe(node["frame"], hide_index=True)
        elif kind == "table":
            st.table(node["frame"])
        elif kind == "data_editor":
            st.data_editor(node["frame"], hide_index=True, key=key())
        elif kind == "selectbox":
            st.selectbox("Valinta", choices, index=None, key=key())
        elif kind == "multiselect":
            st.multiselect("Valinnat", choices, key=key())
        elif kind == "radio":
            st.radio("Valinta", choices or ["a"], key=key())
        elif kind == "button_group":
            st.segmented_control("Valinta", choices or ["a"], key=key())
        elif kind == "select_slider":
            st.select_slider("Valinta", choices or ["a", "b"], key=key())
        elif kind == "text_input":
            st.text_input("Teksti", key=key())
        elif kind == "text_area":
            st.text_area("Teksti", key=key())
        elif kind == "number_input":
            st.number_input("Luku", key=key())
        elif kind == "date_input":
            st.date_input("Päivä", value=None, key=key())
        elif kind == "time_input":
            st.time_input("Aika", value=None, key=key())
        elif kind == "slider":
            st.slider("Luku", key=key())
        elif kind == "checkbox":
            st.checkbox("Valinta", key=key())
        elif kind == "toggle":
            st.toggle("Valinta", key=key())
        elif kind == "file_uploader":
            st.file_uploader("Tiedosto", key=key())
        elif kind == "button":
            if in_form:
                st.form_submit_button("Tallenna", key=key())
            else:
                st.button("Painike", key=key())
        elif kind == "download_button":
            st.download_button("Lataa", b"floor", file_name="floor.txt", key=key())
        elif kind == "progress":
            st.progress(float(node.get("value", 0)) / 100)
        elif kind in ("info", "warning", "error", "success"):
            getattr(st, kind)(node.get("body") or kind)
        elif kind == "form":
            with st.form(key(), enter_to_submit=False):
                draw(children, True)
        elif kind == "tab_container":
            labels = node.get("labels") or [f"{i}" for i in range(len(children))]
            for tab, child in zip(st.tabs(labels), children, strict=False):
                with tab:
                    draw(child.get("children", []), in_form)
        elif kind == "expander":
            with st.expander(node.get("label") or "Lisää"):
                draw(children, in_form)
        elif kind == "popover":  # its content is drawn in the browser only when opened
            with st.popover(node.get("label") or "Lisää"):
                draw(children, in_form)
        elif kind == "flex_container" and node.get("columns"):
            for column, child in zip(st.columns(len(children)), children, strict=True):
                with column:
                    draw(child.get("children", []), in_form)
        elif children or kind in ("flex_container", "column", "tab"):
            horizontal = bool(node.get("horizontal"))
            with st.container(border=bool(node.get("border")), horizontal=horizontal):
                draw(children, in_form)
        else:  # titles, captions, Markdown, links: their text
            st.markdown(node.get("body") or " ")

    draw(main)
    with st.sidebar:
        draw(sidebar)
