"""Dashboards (issue: directors' dashboards): chart specs through to_dict(), suppression in
charts and tables, and the page, polku/metrics.py and the CLI agreeing on every number."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

from models import metadata
from polku import charts, db, i18n, metrics, privacy
from polku.access import Actor
from polku.ui.indicator_charts import SECTION_TAB_KEY, TRAJECTORY_TAB_KEY
from tests.test_app import (
    ADMIN_EMAIL,
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    add_user,
    app_db,  # noqa: F401  (fixture)
    each_tab,
    shown_tables,
    signed_in_app,
)
from tests.test_cli import polku

DIRECTOR = Actor(email="d@example.fi", role="director", municipalities=frozenset({"422"}))
ANALYST = Actor(email="a@example.fi", role="analyst")
LABELS = {
    k: k
    for k in (
        "actual", "expected", "target", "today", "month", "clients", "status", "target_group",
        "stage", "municipality", "employers", "partnerships", "bonus_employers", "month_end",
    )
}  # fmt: skip


def every_tab(at: AppTest) -> Iterator[str]:
    """Opens each section of Mittarit in turn, and in its targets over time each indicator's
    tab; after each run, yields the label of the section open."""
    trajectories = i18n.t("dash.trajectories", "fi")
    at.session_state[SECTION_TAB_KEY] = trajectories
    sections, indicators = ([str(t.label) for t in c.children.values()]
                            for c in at.run().get("tab_container"))  # fmt: skip
    for section in each_tab(at, SECTION_TAB_KEY, sections):
        if section != trajectories:
            yield section
            continue
        for _ in each_tab(at, TRAJECTORY_TAB_KEY, indicators):
            yield section


def _series() -> pd.DataFrame:
    ends = metrics.month_ends(date(2026, 3, 1), date(2026, 6, 15))
    return pd.DataFrame(
        {"month_end": ends, "actual": [0, 3, 12, 40], "expected": [10.0, 20.0, 30.0, 35.0]}
    )


def test_label_counts_hides_small_counts_from_directors_only() -> None:
    frame = pd.DataFrame({"clients": [0, 1, 4, 5, 1234]})
    hidden = privacy.label_counts(frame, "clients", DIRECTOR)
    assert list(hidden["clients"].isna()) == [False, True, True, False, False]
    assert list(hidden["clients"].dropna()) == [0, 5, 1234]
    assert list(hidden["clients_label"]) == ["0", "< 5", "< 5", "5", "1\u00a0234"]
    shown = privacy.label_counts(frame, "clients", ANALYST)
    assert list(shown["clients"]) == [0, 1, 4, 5, 1234]


def test_trajectory_chart_spec() -> None:
    frame = privacy.label_counts(_series(), "actual", DIRECTOR)
    chart = charts.indicator_trajectory(
        frame, title="Asiakkaat: toteuma", kind="count", today=date(2026, 6, 15),
        labels=LABELS, lang="fi",
    )  # fmt: skip
    spec = chart.to_dict()
    assert spec["title"] == "Asiakkaat: toteuma"
    assert spec["config"]["locale"]["number"]["thousands"] == "\u00a0"
    assert spec["config"]["range"]["category"] == charts.OKABE_ITO
    assert len(spec["layer"]) == 3  # lines, today's rule, its label
    tooltip = {t["field"] for t in spec["layer"][0]["encoding"]["tooltip"]}
    assert tooltip == {"month_end", "actual_label", "expected"}
    rows = [r for values in spec["datasets"].values() for r in values]
    # The director's 3 is not drawn: its value is empty and its label says "< 5"
    small = [r for r in rows if r.get("actual_label") == "< 5" and r.get("series") == "actual"]
    assert small and all(r["value"] is None for r in small)
    assert {c for r in rows for c in r} <= {
        "month_end", "series", "value", "actual_label", "expected", "day", "label",
    }  # aggregates only: no client columns  # fmt: skip


def test_bar_and_comparison_specs_use_finnish_formats() -> None:
    frame = privacy.label_counts(
        pd.DataFrame({"target_group": ["Nuoret", "Maahanmuuttajat"], "clients": [12, 3]}),
        "clients",
        ANALYST,
        "fi",
    )
    spec = charts.bars(
        frame, title="T", x="target_group", y="clients", labels=LABELS, lang="fi", horizontal=True
    ).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["x"]["field"] == "clients"
    assert spec["encoding"]["x"]["axis"]["format"] == ",.0f"
    comparison = pd.DataFrame(
        {"name": ["Joensuu"], "actual": [0.5], "target": [0.7], "expected": [0.7],
         "actual_label": ["50 %"]}
    )  # fmt: skip
    spec = charts.against_target(
        comparison, title="K", kind="rate", labels=LABELS, lang="en"
    ).to_dict()
    assert spec["layer"][0]["encoding"]["x"]["axis"]["format"] == ".0%"
    assert spec["config"]["locale"]["number"]["decimal"] == "."


def test_chart_specs_stay_small_at_scale() -> None:
    many = pd.DataFrame(
        {"month_end": metrics.month_ends(date(2026, 3, 1), date(2029, 9, 30)) * 7}
    ).assign(status=[f"s{i % 7}" for i in range(43 * 7)], clients=500)
    frame = privacy.label_counts(many, "clients", ANALYST)
    spec = charts.stacked_by_month(frame, title="T", category="status", labels=LABELS, lang="fi")
    assert len(json.dumps(spec.to_dict())) < 100_000


# ---- The app ---------------------------------------------------------------------------------


@pytest.fixture
def lieksa(app_db: str) -> str:  # noqa: F811
    """Three clients in Lieksa (a small count), a director of Lieksa and an analyst."""
    add_user(app_db, "johtaja@example.fi", "director", "422")
    add_user(app_db, "analyytikko@example.fi", "analyst")
    engine = db.make_engine(app_db)
    entry = metrics.today() - timedelta(days=40)
    with engine.begin() as conn:
        conn.execute(
            insert(metadata.tables["client"]),
            [{"code": f"L{i}", "municipality_code": "422", "birth_year": 1990,
              "entry_date": entry} for i in range(3)],
        )  # fmt: skip
    engine.dispose()
    return app_db


def _dashboard(email: str, municipality: str | None = None) -> AppTest:
    at = signed_in_app(email)
    if municipality:
        at.query_params["kunta"] = municipality
    at.run()
    at.switch_page("app_pages/indicators.py").run()
    assert not at.exception
    return at


def _cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("email", [ADMIN_EMAIL, "analyytikko@example.fi", "johtaja@example.fi"])
def test_the_dashboard_opens_for_each_role_with_every_chart(lieksa: str, email: str) -> None:
    at = _dashboard(email)
    # The first section's first tab only: one indicator's trajectory
    (first,) = at.get("vega_lite_chart")
    titles = [json.loads(first.proto.spec)["title"]]
    for _ in every_tab(at):
        titles += [json.loads(c.proto.spec)["title"] for c in at.get("vega_lite_chart")]
        assert not at.error
    # six trajectories, status, new clients, target groups, funnel, two employer charts,
    # and the municipalities side by side in the region view; each drawn in its own tab
    assert len(titles) == 14 and len(set(titles)) == 13


def test_a_director_sees_less_than_five_in_cards_and_tables(lieksa: str) -> None:
    at = _dashboard("johtaja@example.fi", "Lieksa")
    tables = shown_tables(at)
    # The clients-by-target-group table and the trajectories: 3 clients appear as "< 5"
    assert any((table == "< 5").any().any() for table in tables)
    people = [i18n.t("chart.actual", "fi"), i18n.t("chart.clients", "fi")]
    assert not any(
        (table[c].astype(str) == "3").any() for table in tables for c in people if c in table
    )
    director = _cards(at)
    analyst = _cards(_dashboard("analyytikko@example.fi", "Lieksa"))
    name = "Asiakkaat"  # the indicator's Finnish name in data/project.toml
    assert director[name] == "< 5"
    assert analyst[name] == "3"


def test_the_page_the_metrics_and_the_cli_agree(lieksa: str) -> None:
    today = metrics.today()
    engine = db.make_engine(lieksa)
    frame = metrics.kpis(engine, ANALYST, None, today).set_index("indicator")
    engine.dispose()
    cards = _cards(_dashboard("analyytikko@example.fi"))
    result = polku("kpis", "--as-of", today.isoformat(), "--json", database_url=lieksa)
    printed = {row["indicator"]: row for row in json.loads(result.stdout)}
    for code, row in frame.iterrows():
        shown = cards[row["name_fi"]]
        if row["kind"] == "rate":
            assert shown == i18n.fmt_percent(row["actual"], 1, "fi")
        else:
            assert shown == i18n.fmt_int(int(row["actual"]), "fi")
        assert printed[code]["actual"] == pytest.approx(row["actual"])
        assert printed[code]["expected"] == pytest.approx(row["expected"])


def test_a_hidden_card_shows_no_share_of_target_nor_progress(lieksa: str) -> None:
    """ "< 5 · target 2 · 40 %" gives 1: a hidden value shows neither share nor progress bar."""
    director = _dashboard("johtaja@example.fi", "Lieksa")
    analyst = _dashboard("analyytikko@example.fi", "Lieksa")
    assert _cards(director)["Asiakkaat"] == "< 5"
    shown_to_analyst = _cards(analyst)
    hidden = [name for name, value in _cards(director).items() if value in ("< 5", "–")]
    counts_hidden = [name for name in hidden if "%" not in shown_to_analyst[name]]
    assert "Asiakkaat" in counts_hidden
    # Every count card of the analyst has its bar; the director's hidden ones have none
    assert len(director.get("progress")) == len(analyst.get("progress")) - len(counts_hidden)
    shares = [c.value for c in director.caption if c.value.startswith("Tavoite ")]
    assert len([s for s in shares if "toteutunut" not in s]) == len(hidden)


def test_tables_and_csv_use_the_languages_formats(lieksa: str) -> None:
    """Issue 13.1: no raw floats (19.050216, 0.7) in the side-by-side table or its CSV."""
    at = _dashboard("analyytikko@example.fi")
    at.session_state[SECTION_TAB_KEY] = i18n.t("dash.municipalities", "fi")
    side = next(t for t in shown_tables(at.run()) if "Kunta" in t.columns)
    for column in ("Tavoitepolku", "Tavoite"):
        assert side[column].str.fullmatch(r"\d{1,3}(\u00a0\d{3})*").all(), side[column]
    at.selectbox(key="vertailu").set_value(metrics.PLAN_GOAL_REACHED).run()
    side = next(t for t in shown_tables(at) if "Kunta" in t.columns)
    assert side["Tavoite"].str.fullmatch(r"\d+\u00a0%").all(), side["Tavoite"]
    from polku.ui.dashboard import csv_bytes

    table = pd.DataFrame({"Osuus": ["70,5\u00a0%"], "Päivä": ["29.11.2026"]})
    assert csv_bytes(table, "fi").decode("utf-8-sig") == "Osuus;Päivä\n70,5\u00a0%;29.11.2026\n"
    assert csv_bytes(table, "en").decode("utf-8-sig").startswith("Osuus,Päivä\n")
    # every table of the page holds text only: numbers and dates formatted for the reader
    for _ in every_tab(at):
        for frame in shown_tables(at):
            assert all(frame[c].map(lambda v: isinstance(v, str)).all() for c in frame)


def test_the_cards_say_they_are_cumulative_to_the_periods_end(lieksa: str) -> None:
    """Issue 13.5: the period changes the charts; the cards are cumulative, and say so."""
    at = _dashboard("analyytikko@example.fi")
    project = metrics.project_info(db.make_engine(lieksa))
    assert project is not None
    expected = i18n.t(
        "dash.cards_cumulative",
        "fi",
        period=i18n.fmt_period(project.start_date, metrics.today(), "fi"),
    )
    assert expected in [c.value for c in at.caption]
