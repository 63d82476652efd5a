"""polku/present.py: the values pages draw. Phase shares round one way everywhere (down: 100 %
only when complete); a director's small counts of people read "< 5" wherever they are shown,
counts of other things and sums of money as they are."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from polku import charts, metrics, present, privacy
from polku.access import AccessDenied, Actor
from polku.ui import dashboard

DIRECTOR = Actor("johtaja@example.fi", "director")
ADMIN = Actor("admin@example.fi", "admin")
HIDDEN = privacy.suppressed_label("fi")


@pytest.mark.parametrize(
    ("done", "total", "percent"),
    [(0, 0, 0), (0, 3, 0), (1, 3, 33), (2, 3, 66), (199, 200, 99), (200, 200, 100)],
)
def test_phase_share_rounds_down(done: int, total: int, percent: int) -> None:
    assert present.done_percent(done, total) == percent


def _cells(done: int, total: int) -> pd.DataFrame:
    """One municipality × one phase, as polku.checklists.region_matrix and
    polku.metrics.phase_progress give them."""
    return pd.DataFrame(
        [
            {
                "municipality": "167",
                "municipality_name": "Joensuu",
                "work_package": "WP1",
                "work_package_name_fi": "Kunnat",
                "work_package_name_en": "Municipalities",
                "phase": "P1",
                "position": 1,
                "name_fi": "Valmistelu",
                "name_en": "Preparation",
                "done": done,
                "total": total,
                "share": done / total,
                "complete": done == total,
                "current": done < total,
            }
        ]
    )


@pytest.mark.parametrize(("done", "total"), [(199, 200), (2, 3), (1, 6), (6, 6)])
def test_heatmap_and_overview_show_the_same_share(done: int, total: int) -> None:
    cells = _cells(done, total)
    overview = present.phase_progress_table(cells, "fi")
    heatmap = charts.phase_matrix_frame(cells, "fi")
    percent = present.done_percent(done, total)
    assert overview["share"].tolist() == [percent]
    assert heatmap["share_label"].tolist() == [f"{percent}\u00a0%"]
    # A phase one item short of done never reads as complete
    assert (percent == 100) == (done == total)


def test_phase_table_names_follow_the_language() -> None:
    table = present.phase_progress_table(_cells(1, 2), "en")
    assert table[["work_package", "phase"]].values.tolist() == [["Municipalities", "Preparation"]]


def test_a_directors_small_count_of_people_reads_less_than_five() -> None:
    frame = pd.DataFrame({"month_end": [pd.Timestamp("2026-01-31")], "actual": [3.0]})
    one = present.indicator_values(frame, DIRECTOR, "fi", indicator=metrics.CLIENTS, kind="count")
    assert one["actual_label"].tolist() == [HIDDEN]
    assert one["actual"].isna().all()
    shown = present.indicator_values(frame, ADMIN, "fi", indicator=metrics.CLIENTS, kind="count")
    assert shown["actual_label"].tolist() == ["3"]


def test_counts_that_are_not_people_are_not_hidden() -> None:
    other = metrics.PARTNER_COMPANIES
    assert other not in metrics.PEOPLE_INDICATORS
    frame = pd.DataFrame({"actual": [2.0], "numerator": [None], "denominator": [None]})
    one = present.indicator_values(frame, DIRECTOR, "fi", indicator=other, kind="count")
    assert one["actual_label"].tolist() == ["2"]
    assert "numerator" not in one


def _kpi(indicator: str, kind: str, actual: float, numerator: float, denominator: float) -> dict:
    return {
        "indicator": indicator,
        "kind": kind,
        "name_fi": indicator,
        "name_en": indicator,
        "actual": actual,
        "numerator": numerator,
        "denominator": denominator,
    }


def test_a_hidden_rate_shows_neither_value_nor_parts() -> None:
    kpis = pd.DataFrame([_kpi("employment_rate", "rate", 0.5, 2, 4)])
    hidden = present.kpi_values(kpis, DIRECTOR, "fi").iloc[0]
    assert hidden["hidden"]
    assert hidden["numerator"] is None and hidden["denominator"] is None
    shown = present.kpi_values(kpis, ADMIN, "fi").iloc[0]
    assert not shown["hidden"]
    assert (shown["numerator"], shown["denominator"]) == (2, 4)
    assert shown["actual_label"].startswith("50")


def test_parts_of_a_shown_whole_do_not_give_away_a_hidden_part() -> None:
    # 12 entered = 9 active + 3 exited: showing 9 would reveal the 3
    assert present.parts_of_whole(12, [9, 3], DIRECTOR, "fi") == [
        privacy.hidden_label("fi"),
        HIDDEN,
    ]
    assert present.parts_of_whole(12, [9, 3], ADMIN, "fi") == ["9", "3"]


def test_cards_hide_small_counts_of_people_only() -> None:
    assert present.count_text(3, DIRECTOR, "fi", people=True) == HIDDEN
    assert present.count_text(3, DIRECTOR, "fi", people=False) == "3"
    assert present.count_text(1234, ADMIN, "fi", people=True) == "1\u00a0234"


def test_money_is_never_suppressed_and_follows_the_language() -> None:
    employers = pd.DataFrame(
        {"month_end": [pd.Timestamp("2026-01-31")], "euros_granted": [3.0], "partnerships": [1]}
    )
    assert present.euros(employers, "fi")["euros_granted_label"].tolist() == ["3\u00a0€"]
    assert present.money_labels([6237037], "en") == ["€6,237,037"]


def test_number_labels() -> None:
    assert present.number_label(0.705, "rate", "fi") == "71\u00a0%"
    assert present.number_label(1234.4, "count", "en") == "1,234"


def test_the_dashboards_typed_reads_check_access_before_the_cache() -> None:
    coordinator = Actor("koordinaattori@example.fi", "coordinator", frozenset({"167"}))
    day = date(2026, 1, 31)
    reads = [
        lambda: dashboard.kpis(coordinator, "422", day),
        lambda: dashboard.indicator_series(coordinator, "422", day, day, None),
        lambda: dashboard.active_by_status(coordinator, "422", day, day, None),
        lambda: dashboard.new_clients_per_month(coordinator, "422", day, day, None),
        lambda: dashboard.clients_by_target_group(coordinator, "422", day),
        lambda: dashboard.outcome_funnel(coordinator, "422", day, None),
        lambda: dashboard.employer_series(coordinator, "422", day, day),
    ]
    for read in reads:
        with pytest.raises(AccessDenied):
            read()
