"""The dashboards' grouped queries in polku/metrics.py (written for speed at ten times the
project's size, see benchmarks/) give exactly the numbers of the per-scope definitions, on the
synthetic sample on each backend."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select
from sqlmodel import Session

from models import metadata
from polku import metrics, sample
from polku.access import Actor

ANALYST = Actor(email="a@example.fi", role="analyst")
AS_OF = sample.SAMPLE_AS_OF
DAYS = [AS_OF, date(2026, 6, 30)]


@pytest.fixture
def data(engine: Engine) -> Engine:
    with Session(engine) as session:
        sample.load_sample(session, scale=0.5)
        session.commit()
    return engine


def _start(engine: Engine) -> date:
    project = metrics.project_info(engine)
    assert project is not None
    return project.start_date


@pytest.mark.parametrize("target_group", [None, "youth"])
def test_the_municipalities_side_by_side_are_each_municipalitys_kpis(
    data: Engine, target_group: str | None
) -> None:
    columns = ["indicator", "actual", "target", "expected", "numerator", "denominator"]
    for day in DAYS:
        side = metrics.municipality_comparison(data, ANALYST, day, target_group)
        codes = list(metrics.municipalities(data)["code"])
        assert list(dict.fromkeys(side["municipality"])) == codes
        for code in codes:
            own = metrics.kpis(data, ANALYST, code, day, target_group)[columns]
            shown = side[side["municipality"] == code][columns].reset_index(drop=True)
            pd.testing.assert_frame_equal(shown, own, check_dtype=False)


@pytest.mark.parametrize("target_group", [None, "youth"])
def test_the_actuals_of_every_municipality_at_once_are_each_ones_own(
    data: Engine, target_group: str | None
) -> None:
    codes = list(metrics.municipalities(data)["code"])
    for day in DAYS:
        together = metrics.indicator_actuals_by_municipality(
            data, ANALYST, codes, day, target_group
        )
        for code in codes:
            assert together[code] == metrics.indicator_actuals(
                data, ANALYST, code, day, target_group
            )
        kpis = metrics.kpis_by_municipality(data, ANALYST, codes, day, target_group)
        for code in codes:
            own = metrics.kpis(data, ANALYST, code, day, target_group)
            pd.testing.assert_frame_equal(kpis[code], own)


@pytest.mark.parametrize("municipality", [None, "167"])
def test_the_outcome_funnel_counts_as_the_indicators_do(
    data: Engine, municipality: str | None
) -> None:
    funnel = metrics.outcome_funnel(data, ANALYST, municipality, AS_OF)
    groups = ["", *metrics.code_list(data, "target_group")["code"]]
    assert list(dict.fromkeys(funnel["target_group"])) == groups
    for group in groups:
        stages = dict(
            funnel[funnel["target_group"] == group][["stage", "clients"]].itertuples(index=False)
        )
        counts = metrics.client_counts(data, ANALYST, municipality, AS_OF, group or None)
        actuals = metrics.indicator_actuals(data, ANALYST, municipality, AS_OF, group or None)
        assert stages == {
            "entered": counts.entered,
            "left": counts.exited,
            "plan_goal_reached": actuals[metrics.PLAN_GOAL_REACHED].numerator,
            "employed_at_company": actuals[metrics.PLACED_AT_COMPANIES].value,
        }, group
    one = metrics.outcome_funnel(data, ANALYST, municipality, AS_OF, "youth")
    assert list(one["clients"]) == list(funnel[funnel["target_group"] == "youth"]["clients"])


@pytest.mark.parametrize("municipality", [None, "167"])
def test_the_employer_series_is_the_indicator_series(
    data: Engine, municipality: str | None
) -> None:
    start = _start(data)
    employers = metrics.employer_series(data, ANALYST, municipality, start, AS_OF)
    series = metrics.indicator_series(data, ANALYST, municipality, start, AS_OF)
    for column, indicator in (
        ("partnerships", metrics.PARTNER_COMPANIES),
        ("bonus_employers", metrics.BONUS_EMPLOYERS),
    ):
        expected = series[series["indicator"] == indicator]["actual"].astype(int)
        assert list(employers[column]) == list(expected), column


def test_clients_by_status_of_the_region_add_up_the_municipalities(data: Engine) -> None:
    start = _start(data)
    region = metrics.active_by_status(data, ANALYST, None, start, AS_OF)
    parts = pd.concat(
        [
            metrics.active_by_status(data, ANALYST, code, start, AS_OF)
            for code in metrics.municipalities(data)["code"]
        ]
    )
    summed = parts.groupby(["month_end", "status"], as_index=False)["clients"].sum()
    key = ["month_end", "status"]
    assert region["clients"].sum() > 0
    pd.testing.assert_frame_equal(
        region.sort_values(key).reset_index(drop=True),
        summed.sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )


def test_clients_by_status_count_a_client_with_overlapping_episodes_once(data: Engine) -> None:
    episodes = metadata.tables["status_episode"]
    with data.begin() as conn:
        first, second = conn.execute(
            select(episodes.c.client_id).distinct().order_by(episodes.c.client_id).limit(2)
        ).scalars()
        # Three overlapping episodes of one status, and one of another status inside them
        conn.execute(
            insert(episodes),
            [
                {"client_id": first, "status_code": "work_trial",
                 "start_date": date(2026, 4, 10), "end_date": date(2026, 8, 15)},
                {"client_id": first, "status_code": "work_trial",
                 "start_date": date(2026, 5, 1), "end_date": None},
                {"client_id": first, "status_code": "work_trial",
                 "start_date": date(2026, 6, 1), "end_date": date(2026, 6, 30)},
                {"client_id": second, "status_code": "career_coaching",
                 "start_date": date(2026, 4, 1), "end_date": date(2026, 9, 30)},
                {"client_id": second, "status_code": "career_coaching",
                 "start_date": date(2026, 9, 30), "end_date": date(2026, 10, 31)},
            ],
        )  # fmt: skip
        rows = conn.execute(
            select(
                episodes.c.client_id,
                episodes.c.status_code,
                episodes.c.start_date,
                episodes.c.end_date,
                metadata.tables["client"].c.municipality_code,
            ).join(metadata.tables["client"])
        ).all()
    start = _start(data)
    for municipality in (None, "167"):
        counted = metrics.active_by_status(data, ANALYST, municipality, start, AS_OF)
        for day in metrics.month_ends(start, AS_OF):
            expected: dict[str, set[int]] = {}
            for client, status, begun, ended, home in rows:
                if municipality not in (None, home):
                    continue
                if begun <= day and (ended is None or ended >= day):
                    expected.setdefault(status, set()).add(client)
            shown = counted[counted["month_end"] == day]
            assert dict(zip(shown["status"], shown["clients"], strict=True)) == {
                status: len(clients) for status, clients in expected.items()
            }, (municipality, day)
