"""Directors never receive a small count (issue 12.1), on today's sample (`python -m polku init
--sample`): every chart's Arrow data, every table and every download (CSV, PNG, SVG) of every
page a director may open, for one municipality and for the region, decoded as the browser
gets them, hold no count of people from 1 to 4, no rate of an unsafe cell, and nothing hidden
that follows from what the same view shows; analysts keep the true numbers."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from PIL import Image
from sqlmodel import Session
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from polku import db, i18n, metrics, privacy, sample
from polku.access import Actor
from polku.ui import finance
from polku.ui.indicator_charts import SECTION_TAB_KEY
from tests.test_app import (
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    app_db,  # noqa: F401  (fixture)
    each_tab,
    shown_tables,
    signed_in_app,
)
from tests.test_dashboards import every_tab

DIRECTOR = sample.DEMO_DIRECTOR  # the sample's director of Lieksa
ANALYST = sample.DEMO_ANALYST
LIEKSA = "Lieksa"
DIRECTOR_PAGES = ["app_pages/overview.py", "app_pages/indicators.py", "app_pages/checklists.py"]
DIRECTOR_PAGES += ["app_pages/finance.py", "app_pages/project.py", "app_pages/accessibility.py"]
SMALL = {"1", "2", "3", "4"}
NOT_PEOPLE = (metrics.PARTNER_COMPANIES, metrics.BONUS_EMPLOYERS)


def fi(key: str, **values: Any) -> str:
    return i18n.t(key, "fi", **values)


@pytest.fixture
def today_sample(app_db: str) -> str:  # noqa: F811
    """The database as `python -m polku init --sample` leaves it (its users included)."""
    engine = db.make_engine(app_db)
    with Session(engine) as session:
        sample.load_sample(session)
        session.commit()
    engine.dispose()
    return app_db


@dataclass
class Seen:
    """What one page sent to the browser: chart datasets (by the chart's title), tables,
    downloads (file name -> bytes), metric cards (label -> value) and captions."""

    charts: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    tables: list[pd.DataFrame] = field(default_factory=list)
    downloads: dict[str, bytes] = field(default_factory=dict)
    cards: dict[str, str] = field(default_factory=dict)
    captions: list[str] = field(default_factory=list)
    progress_bars: int = 0


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[Callable[[], Any], str]]:
    """Every deferred download the app registers: file id -> (its callable, its file name)."""
    registered: dict[str, tuple[Callable[[], Any], str]] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self: MediaFileManager, data_callable: Any, *args: Any, **kw: Any) -> str:
        file_id = original(self, data_callable, *args, **kw)
        name = kw.get("file_name", args[2] if len(args) > 2 else "")
        registered[file_id] = (data_callable, str(name))
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return registered


def _arrow(buffer: bytes) -> pd.DataFrame:
    return pa.ipc.open_stream(buffer).read_all().to_pandas()


def _title(spec: dict[str, Any]) -> str:
    title = spec.get("title", "")
    return title["text"] if isinstance(title, dict) else str(title)


def collect(at: AppTest, deferred: dict[str, tuple[Callable[[], Any], str]]) -> Seen:
    seen = Seen()
    for chart in at.get("vega_lite_chart"):
        proto = chart.proto
        spec = json.loads(proto.spec)
        title = _title(spec)
        frames = [_arrow(d.data.data) for d in proto.datasets if d.data.data]
        if proto.data.data:
            frames.append(_arrow(proto.data.data))
        for values in spec.get("datasets", {}).values():  # any inline JSON data
            frames.append(pd.DataFrame(values))
        seen.charts += [(title, frame) for frame in frames]
    seen.tables = shown_tables(at)
    for button in at.get("download_button"):
        file_id = button.proto.deferred_file_id
        if file_id:
            make, name = deferred[file_id]
            data = make()
            seen.downloads[name] = data if isinstance(data, bytes) else str(data).encode()
    seen.cards = {m.label: m.value for m in at.metric}
    seen.captions = [c.value for c in at.caption]
    seen.progress_bars = len(at.get("progress"))
    return seen


def open_page(email: str, page: str, municipality: str | None) -> AppTest:
    at = signed_in_app(email)
    if municipality:
        at.query_params["kunta"] = municipality
    at.run()
    at.switch_page(page).run()
    assert not at.exception, page
    return at


def views(
    url: str,
    email: str,
    municipality: str | None,
    deferred: dict[str, tuple[Callable[[], Any], str]],
) -> Iterator[tuple[str, str | None, Seen]]:
    """Every page the director may open, and on Mittarit's region view every indicator of the
    municipalities side by side: (page, the indicator compared, what was sent)."""
    engine = db.make_engine(url)
    codes = list(metrics.indicators(engine)["code"])
    engine.dispose()
    side_by_side = fi("dash.municipalities")
    for page in DIRECTOR_PAGES:
        at = open_page(email, page, municipality)
        if page == "app_pages/finance.py":
            for _ in each_tab(at, finance.SECTION_TAB_KEY):  # each section in turn
                yield page, None, collect(at, deferred)
            continue
        if page != "app_pages/indicators.py":
            yield page, None, collect(at, deferred)
            continue
        for section in every_tab(at):  # each section and each indicator's tab
            if section != side_by_side:
                yield page, None, collect(at, deferred)
                continue
            for code in codes:
                at.selectbox(key="vertailu").set_value(code).run()
                assert not at.exception
                yield page, code, collect(at, deferred)


def _people_chart(title: str, compared: str | None) -> bool:
    """Whether a chart (by its title) counts people: not the employer charts, nor the
    trajectories of the employer indicators, nor the side by side of one of them."""
    engine_free = [
        fi("chart.employers.title", scope=""),
        fi("chart.euros.title", scope=""),
    ]
    if any(title.startswith(t.rstrip(", ")) for t in engine_free):
        return False
    if title.startswith(fi("chart.against_target.title")[:10]):
        return compared not in NOT_PEOPLE
    return not any(title.startswith(f"{name}:") for name in _names(NOT_PEOPLE))


def _names(codes: tuple[str, ...]) -> list[str]:
    import tomllib
    from pathlib import Path

    plan = tomllib.loads((Path(__file__).parents[1] / "data" / "project.toml").read_text())
    found = [i for i in plan["indicators"] if i["code"] in codes]
    return [i["name_fi"] for i in found]


def _people_file(name: str) -> bool:
    return not name.startswith(
        ("tyonantajat_", "myonnetyt_eurot_", *(f"{c}_" for c in NOT_PEOPLE),
         *(f"kunnat_{c}." for c in NOT_PEOPLE))
    )  # fmt: skip


def _small_cells(frame: pd.DataFrame, columns: list[str]) -> list[Any]:
    found = []
    for column in columns:
        if column not in frame:
            continue
        for value in frame[column]:
            if isinstance(value, str):
                if value.strip() in SMALL:
                    found.append((column, value))
            elif value is not None and not pd.isna(value) and float(value) in (1, 2, 3, 4):
                found.append((column, value))
    return found


@pytest.mark.parametrize("municipality", [LIEKSA, None], ids=["lieksa", "region"])
def test_a_director_receives_no_small_count_anywhere(
    today_sample: str, deferred: dict[str, tuple[Callable[[], Any], str]], municipality: str | None
) -> None:
    engine = db.make_engine(today_sample)
    truth = metrics.municipality_comparison(engine, Actor("x@y.fi", "analyst"), metrics.today())
    engine.dispose()
    hidden_somewhere = False
    for page, compared, seen in views(today_sample, DIRECTOR, municipality, deferred):
        where = f"{page} {compared or ''}"
        for title, frame in seen.charts:
            # No parts of a rate, no client-level columns: only what the chart draws
            assert not {"numerator", "denominator", "code", "client_id"} & set(frame), (
                where,
                title,
            )
            if _people_chart(title, compared):
                people = [c for c in frame if c in ("clients", "clients_label", "actual",
                                                    "actual_label") or c == "value"]  # fmt: skip
                if "series" in frame:  # a trajectory: only its actual is a count
                    frame = frame[frame["series"] == fi("chart.actual")]
                assert not _small_cells(frame, people), (where, title)
                hidden_somewhere |= bool(
                    frame.filter(like="_label").isin([privacy.suppressed_label("fi")]).any().any()
                )
        people_headers = [fi("chart.actual"), fi("chart.clients")]
        if page == "app_pages/indicators.py":
            # Each chart's table comes before its downloads: paired by order with its CSV
            csv_names = [n for n in seen.downloads if n.endswith(".csv")]
            assert len(csv_names) == len(seen.tables)
            for name, table in zip(csv_names, seen.tables, strict=True):
                if _people_file(name):
                    assert not _small_cells(table, people_headers), (where, name)
        for name, data in seen.downloads.items():
            if name.endswith(".csv"):
                csv = pd.read_csv(io.BytesIO(data), sep=";", dtype=str, encoding="utf-8-sig")
                if _people_file(name):
                    assert not _small_cells(csv, people_headers), (where, name)
            elif name.endswith(".png"):
                image = Image.open(io.BytesIO(data))
                assert image.width >= 2000, name  # print size
                assert len(set(image.convert("L").getdata())) > 2, name  # not an empty image
            elif name.endswith(".svg"):
                # Vega writes each mark's data into its aria-label: no small count of people
                labels = re.findall(r'aria-label="([^"]*)"', data.decode())
                if _people_file(name):
                    fields = "|".join([*people_headers, "value", "clients", "actual"])
                    for text in labels:
                        if f"series: {fi('chart.expected')}" in text:
                            continue  # the target trajectory is not a count of people
                        small = re.search(rf"\b({fields}): [1-4](?![\d,.\u00a0])", text)
                        assert not small, (name, text)
        if page == "app_pages/indicators.py" and compared == metrics.PLAN_GOAL_REACHED:
            _no_unsafe_rate(seen, truth)
        if page == "app_pages/overview.py":
            _no_part_follows_from_the_whole(seen)
    assert hidden_somewhere  # today's sample has small cells: the test looks at them


def _no_unsafe_rate(seen: Seen, truth: pd.DataFrame) -> None:
    """The plan-goal rate of a municipality whose cell is unsafe is nowhere as a number."""
    rates = truth[truth["indicator"] == metrics.PLAN_GOAL_REACHED]
    unsafe = {
        row["name"]
        for row in rates.to_dict("records")
        if not _rate_is_safe(row["numerator"], row["denominator"])
    }
    assert unsafe  # the sample's small municipalities have such cells
    side = [f for t, f in seen.charts if "name" in f]
    assert side
    for frame in side:
        for row in frame.to_dict("records"):
            if row["name"] in unsafe:
                assert row["actual"] is None or pd.isna(row["actual"]), row
                assert "%" not in row["actual_label"], row
    (csv,) = [d for n, d in seen.downloads.items() if n.startswith("kunnat_") and n.endswith("csv")]
    table = pd.read_csv(io.BytesIO(csv), sep=";", dtype=str, encoding="utf-8-sig")
    for row in table.to_dict("records"):
        if row[fi("chart.municipality")] in unsafe:
            assert "%" not in row[fi("chart.actual")], row


def _rate_is_safe(numerator: int, denominator: int) -> bool:
    """The brief's rule, written out here: denominator 5+, neither part 1 to 4."""
    return (
        denominator >= 5
        and numerator not in (1, 2, 3, 4)
        and denominator - numerator not in (1, 2, 3, 4)
    )


def _count(text: str) -> int | None:
    return int(text.replace(" ", "")) if text.replace(" ", "").isdigit() else None


def _no_part_follows_from_the_whole(seen: Seen) -> None:
    """Entered = active + exited: a hidden part is not the shown whole less the shown part."""
    entered, active, exited = (
        _count(seen.cards[fi(f"overview.clients.{k}")]) for k in ("entered", "active", "exited")
    )
    if entered is not None and active is not None and exited is None:
        assert not privacy.is_small(entered - active)
    if entered is not None and exited is not None and active is None:
        assert not privacy.is_small(entered - exited)


def test_the_directors_status_chart_keeps_every_month(
    today_sample: str, deferred: dict[str, tuple[Callable[[], Any], str]]
) -> None:
    """Lieksa's clients by status: months with a small status stay, drawn from their data."""
    at = open_page(DIRECTOR, "app_pages/indicators.py", LIEKSA)
    at.session_state[SECTION_TAB_KEY] = fi("dash.clients")
    at.run()
    title = fi("chart.active_by_status.title", scope="Lieksa")
    (chart,) = [c for c in at.get("vega_lite_chart") if _title(json.loads(c.proto.spec)) == title]
    spec = json.loads(chart.proto.spec)
    data = pd.concat([_arrow(d.data.data) for d in chart.proto.datasets])
    project = metrics.project_info(db.make_engine(today_sample))
    assert project is not None
    months = metrics.month_ends(project.start_date, metrics.today())
    labels = [f"{m.month}/{m.year}" for m in months]
    assert spec["encoding"]["x"]["scale"]["domain"] == labels
    drawn = set(data.loc[data["clients"].notna(), "month"])
    engine = db.make_engine(today_sample)
    truth = metrics.active_by_status(
        engine, Actor("x@y.fi", "analyst"), "422", project.start_date, metrics.today()
    )
    engine.dispose()
    with_clients = {f"{d.month}/{d.year}" for d in truth.groupby("month_end")["clients"].sum()
                    .loc[lambda s: s >= 5].index}  # fmt: skip
    assert with_clients and with_clients <= drawn  # no month of 5+ clients is dropped
    assert len(drawn) > 1


def test_the_pages_checked_are_every_page_a_director_may_open() -> None:
    from tests.test_app_access import DIRECTOR as DIRECTOR_OF_THE_ACCESS_TEST
    from tests.test_app_access import ROLE_PAGES

    assert set(DIRECTOR_PAGES) == ROLE_PAGES[DIRECTOR_OF_THE_ACCESS_TEST]
