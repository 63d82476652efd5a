"""Money (polku/money.py and [money] of the project file): the funding decision's rules as data,
staff and their salaries (admin only), eligible costs, the flat rate, financing, budget use,
the forecast, staff time and cost per result. Every expected figure is computed by hand here."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from sqlmodel import select as sql_select

import models
from models import FinancingShare, MoneyRules, PaymentPeriod, metadata
from polku import cli, db, exports, money, records, sample
from polku.access import AccessDenied, Actor, Permission
from polku.project import ProjectFileError, demo, load_project
from tests.conftest import OTHER_PROJECT_FILE, PROJECT_FILE

# ---------------------------------------------------------------------------------------------
# [money] of the project file


def test_the_money_rules_are_loaded_from_each_project_file(engine, tmp_path: Path) -> None:
    with Session(engine) as s:
        rules = s.get(MoneyRules, 1)
        assert rules is not None and rules.salary_model == "side_cost"
        assert Decimal(str(rules.side_cost_share)) == Decimal("0.2644")
        assert Decimal(str(rules.flat_rate_share)) == Decimal("0.4")
        assert (Decimal(str(rules.esf_share)), Decimal(str(rules.municipal_share))) == (
            Decimal("0.8"),
            Decimal("0.2"),
        )
        periods = s.exec(sql_select(PaymentPeriod).order_by(PaymentPeriod.position)).all()
        assert [p.code for p in periods] == [f"MK{n}" for n in range(1, 8)]
        assert (periods[0].start_date, periods[0].end_date) == (date(2026, 3, 1), date(2026, 8, 31))
        assert periods[-1].end_date == date(2029, 9, 30)
        assert s.exec(sql_select(FinancingShare)).all() == []  # every municipality by population
        # The other area: the unit-cost model and a fixed share of the lead municipality
        load_project(s, OTHER_PROJECT_FILE)
        rules = s.get(MoneyRules, 1)
        assert rules is not None and (rules.salary_model, rules.annual_hours) == ("unit_cost", 1720)
        assert [
            (f.municipality_code, Decimal(str(f.share))) for f in s.exec(sql_select(FinancingShare))
        ] == [("502", Decimal("0.6"))]
        # An override gone from the file goes from the table
        edited = tmp_path / "lakeside.toml"
        text = OTHER_PROJECT_FILE.read_text(encoding="utf-8")
        edited.write_text(
            text.replace(
                'municipal_shares = [{ municipality = "502", share = 0.60 }]',
                "municipal_shares = []",
            ),
            encoding="utf-8",
        )
        report = load_project(s, edited)
        assert report.changed.get("financing_share") == 1
        assert s.exec(sql_select(FinancingShare)).all() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("[money]", "[raha]", 1), r"the table \[money\] is missing"),
        (lambda t: t.replace('model = "side_cost"', 'model = "hourly"'), "model must be one of"),
        (lambda t: t.replace("side_cost_share = 0.2644", ""), "side_cost_share must be a number"),
        (lambda t: t.replace("side_cost_share = 0.2644", "side_cost_share = 26.44"), "from 0 to 1"),
        (
            lambda t: t.replace('model = "side_cost"', 'model = "unit_cost"'),
            "annual_hours must be a whole number",
        ),
        (
            lambda t: t.replace(
                "flat_rate_share = 0.40\nflat_rate_base", "flat_rate_share = 0.35\nflat_rate_base"
            ),
            "does not agree with the budget line 'flat_rate'",
        ),
        (
            lambda t: t.replace('flat_rate_base = "eligible_salaries"', 'flat_rate_base = "all"'),
            "flat_rate_base",
        ),
        (
            lambda t: t.replace(
                'salary_budget_line = "salaries"', 'salary_budget_line = "esf_plus"'
            ),
            "'esf_plus' is no cost line",
        ),
        (lambda t: t.replace("esf_share = 0.80", "esf_share = 0.85"), "must add up to 1"),
        (
            lambda t: t.replace(
                "municipal_shares = []",
                'municipal_shares = [{ municipality = "999", share = 0.5 }]',
            ),
            "'999' is unknown",
        ),
        (
            lambda t: t.replace(
                "municipal_shares = []",
                'municipal_shares = [{ municipality = "167", share = 0.7 }, '
                '{ municipality = "422", share = 0.4 }]',
            ),
            "add up to 1.1",
        ),
        (
            lambda t: t.replace(
                'code = "MK2", start = 2026-09-01', 'code = "MK2", start = 2026-09-02'
            ),
            "MK2: must start on 2026-09-01",
        ),
        (lambda t: t.replace('code = "MK3"', 'code = "MK2"'), "a code of its own"),
        (
            lambda t: t.replace(
                "start = 2029-03-01, end = 2029-09-30", "start = 2029-03-01, end = 2029-08-31"
            ),
            "the last must end on the project's end, 2029-09-30",
        ),
        (
            lambda t: t.replace(
                "start = 2029-03-01, end = 2029-09-30", "start = 2029-03-01, end = 2029-02-01"
            ),
            "MK7: start and end must be dates, end not before start",
        ),
    ],
)
def test_a_missing_or_inconsistent_money_table_is_a_clear_error(
    engine, tmp_path: Path, change, message
) -> None:
    broken = tmp_path / "project.toml"
    text = PROJECT_FILE.read_text(encoding="utf-8")
    assert change(text) != text  # the change applies
    broken.write_text(change(text), encoding="utf-8")
    with Session(engine) as s, pytest.raises(ProjectFileError, match=message):
        load_project(s, broken)


# ---------------------------------------------------------------------------------------------
# Staff and their salaries: the tables, the declarations, who may read them


def _staff(engine, **values) -> int:
    row = {
        "name": "Testi Henkilö",
        "role_code": "work_coach",
        "fte": Decimal(1),
        "municipality_code": None,
        "start_date": date(2026, 3, 1),
        **values,
    }
    with engine.begin() as conn:
        return int(
            conn.execute(
                insert(metadata.tables["staff_member"]).values(**row)
            ).inserted_primary_key[0]
        )


def test_the_database_refuses_impossible_staff_and_salary_rows(engine) -> None:
    for wrong in ({"fte": Decimal("1.5")}, {"fte": Decimal(0)}, {"role_code": "juggler"},
                  {"end_date": date(2026, 2, 1)}):  # fmt: skip
        with pytest.raises(IntegrityError):
            _staff(engine, **wrong)
    person = _staff(engine)
    salary = metadata.tables["salary_record"]
    good = {"staff_member_id": person, "month": date(2026, 3, 1), "gross_salary": Decimal(3000)}
    for wrong in (
        {"gross_salary": Decimal(-1)},
        {"gross_salary": Decimal(models.MAX_MONTHLY_SALARY + 1)},
        {"hours": Decimal(models.MAX_MONTHLY_HOURS + 1)},
        {"annual_gross_cost": Decimal(0)},
    ):
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert(salary).values(**{**good, **wrong}))
    with engine.begin() as conn:
        conn.execute(insert(salary).values(**good))
    with pytest.raises(IntegrityError), engine.begin() as conn:  # one row a person a month
        conn.execute(insert(salary).values(**good))


def test_the_staff_declarations_share_the_database_s_ranges() -> None:
    staff = {f.name: f for f in records.fields(records.StaffRecord)}
    assert staff["fte"].maximum == models.MAX_FTE and staff["fte"].exclusive_minimum
    assert staff["role"].spec.choices == "staff_role" and staff["role"].db == "role_code"
    salaries = {f.name: f for f in records.fields(records.SalaryRecord)}
    assert salaries["gross_salary"].maximum == models.MAX_MONTHLY_SALARY
    assert salaries["hours"].maximum == models.MAX_MONTHLY_HOURS
    assert not salaries["hours"].required and salaries["name"].db is None
    assert records.SalaryRecord.key == ("name", "month")


def test_only_an_admin_may_read_staff_rows() -> None:
    admin = Actor("a@x.fi", "admin")
    others = [
        Actor("c@x.fi", "coordinator", frozenset({"167"})),
        Actor("d@x.fi", "director", frozenset({"167"})),
        Actor("n@x.fi", "analyst"),
    ]
    assert admin.may(Permission.READ_STAFF)
    for actor in others:
        assert not actor.may(Permission.READ_STAFF) and not actor.may(Permission.READ_STAFF, "167")
    # Not in the snapshots analysts export
    assert {"staff_member", "salary_record"} <= set(exports.PRIVATE_TABLES)


# ---------------------------------------------------------------------------------------------
# The computations, each against a small example computed by hand

ADMIN = Actor("admin@x.fi", "admin")
COORDINATOR = Actor("c@x.fi", "coordinator", frozenset({"167"}))


def _salary(engine, person: int, month: date, gross: str, **values) -> None:
    row = {"staff_member_id": person, "month": month, "gross_salary": Decimal(gross), **values}
    with engine.begin() as conn:
        conn.execute(insert(metadata.tables["salary_record"]).values(**row))


@pytest.fixture
def side_cost(engine):
    """North Karelia (side costs 26,44 %, flat rate 40 %, ESF+ 80 %): a full-time work coach
    from 1.3.2026 paid 3 000 € in August and September, and a half-time project manager from
    16.8.2026 paid 1 500,55 € in August."""
    coach = _staff(engine, name="Valmentaja Yksi")
    manager = _staff(
        engine, name="Päällikkö Kaksi", role_code="project_manager", fte=Decimal("0.5"),
        start_date=date(2026, 8, 16),
    )  # fmt: skip
    _salary(engine, coach, date(2026, 8, 1), "3000.00")
    _salary(engine, coach, date(2026, 9, 1), "3000.00")
    _salary(engine, manager, date(2026, 8, 1), "1500.55")
    return engine


def test_side_cost_model_by_month_and_across_a_payment_period_boundary(side_cost) -> None:
    months = money.costs_by_month(side_cost, COORDINATOR, date(2026, 9, 30)).set_index("month")
    assert len(months) == 7  # March to September
    assert months.loc[date(2026, 7, 1), "total"] == 0
    august = months.loc[date(2026, 8, 1)]
    # 3 000 × 1,2644 = 3 793,20; 1 500,55 × 1,2644 = 1 897,295… → 1 897,30; together 5 690,50
    assert august["eligible_salaries"] == pytest.approx(5690.50, abs=0.001)
    # × 0,4 = 2 276,20 flat rate; total 7 966,70; ESF+ × 0,8 = 6 373,36; municipal the rest
    assert august["flat_rate"] == pytest.approx(2276.20, abs=0.001)
    assert august["total"] == pytest.approx(7966.70, abs=0.001)
    assert (august["esf"], august["municipal"]) == pytest.approx((6373.36, 1593.34), abs=0.001)
    september = months.loc[date(2026, 9, 1)]
    # 3 793,20 + 1 517,28 = 5 310,48; ESF+ 4 248,384 → 4 248,38; municipal 1 062,10
    assert september["total"] == pytest.approx(5310.48, abs=0.001)
    assert (september["esf"], september["municipal"]) == pytest.approx(
        (4248.38, 1062.10), abs=0.001
    )
    assert september["cumulative_total"] == pytest.approx(7966.70 + 5310.48, abs=0.001)
    # August is the first payment period's last month (it ends 31.8.), September the second's
    assert (august["payment_period"], september["payment_period"]) == ("MK1", "MK2")
    periods = money.costs_by_period(side_cost, COORDINATOR, date(2026, 9, 30)).set_index("code")
    assert periods.loc["MK1", "total"] == pytest.approx(7966.70, abs=0.001)
    assert periods.loc["MK2", "total"] == pytest.approx(5310.48, abs=0.001)
    assert periods.loc["MK2", "cumulative_total"] == pytest.approx(13277.18, abs=0.001)
    assert list(periods["status"][:3]) == ["closed", "open", "future"]
    # The straight line: MK1 is 184 of the project's 1 310 days, 8 731 852 × 184 / 1 310
    assert periods.loc["MK1", "planned_total"] == pytest.approx(1226458.60, abs=0.001)


def test_budget_use_against_the_budget_lines_and_the_time_plan(side_cost) -> None:
    use = money.budget_use(side_cost, COORDINATOR, date(2026, 9, 30))
    # The plan's budget lines: salaries 6 237 037 €, flat rate 2 494 815 €, total 8 731 852 €
    assert (use.salary_budget, use.flat_rate_budget, use.total_budget) == (
        6237037,
        2494815,
        8731852,
    )
    assert use.total == pytest.approx(13277.18, abs=0.001)
    assert use.used_share == pytest.approx(13277.18 / 8731852)
    # 1.3.–30.9.2026 is 214 of the 1 310 days: 8 731 852 × 214 / 1 310 = 1 426 424,68
    assert use.planned_total == pytest.approx(1426424.68, abs=0.001)
    assert use.ahead_of_plan == pytest.approx(13277.18 - 1426424.68, abs=0.001)


def test_unit_cost_model_uses_the_latest_documented_annual_cost_pro_rata(backend) -> None:
    """The other area (unit cost, 1 720 h, ESF+ 75 %): a half-timer documented at 22 500 € a
    year in January 2025 and 24 080 € from March, and a full-timer at 51 600 €."""
    engine = db.make_engine(backend.prepared(OTHER_PROJECT_FILE))
    half = _staff(engine, fte=Decimal("0.5"), start_date=date(2025, 1, 1))
    full = _staff(engine, name="Kokoaikainen", start_date=date(2025, 1, 1))
    cost = {"annual_gross_cost": Decimal(22500)}
    _salary(engine, half, date(2025, 1, 1), "1400", hours=Decimal(70), **cost)
    _salary(engine, half, date(2025, 2, 1), "1400", hours=Decimal(80))  # the January cost holds
    _salary(engine, half, date(2025, 3, 1), "1500", hours=Decimal(75), annual_gross_cost=24080)
    _salary(engine, full, date(2025, 1, 1), "3400", hours=Decimal(140), annual_gross_cost=51600)
    rules = money.rules(engine)
    # 22 500 / (1 720 × 0,5) = 26,1627… → 26,16 €/h; 51 600 / 1 720 = 30,00 €/h
    assert money.hourly_rate(rules, Decimal(22500), Decimal("0.5")) == Decimal("26.16")
    months = money.costs_by_month(engine, ADMIN, date(2025, 3, 31)).set_index("month")
    # January: 70 h × 26,16 = 1 831,20 and 140 h × 30,00 = 4 200,00, together 6 031,20
    january = months.loc[date(2025, 1, 1)]
    assert january["eligible_salaries"] == pytest.approx(6031.20, abs=0.001)
    # × 0,4 = 2 412,48; total 8 443,68; ESF+ × 0,75 = 6 332,76; municipal 2 110,92
    assert (january["total"], january["esf"], january["municipal"]) == pytest.approx(
        (8443.68, 6332.76, 2110.92), abs=0.001
    )
    # February 80 h × 26,16 = 2 092,80; March 24 080 / 860 = 28,00 €/h × 75 h = 2 100,00
    assert months.loc[date(2025, 2, 1), "eligible_salaries"] == pytest.approx(2092.80, abs=0.001)
    assert months.loc[date(2025, 3, 1), "eligible_salaries"] == pytest.approx(2100.00, abs=0.001)
    # Each municipality's own financing: 2 110,92 + 732,48 (Feb: 2 929,92 − 2 197,44) +
    # 735,00 (Mar: 2 940,00 − 2 205,00) = 3 578,40. The others share 40 % by population
    # (24 526): Saarikoski 3 578,40 × 0,4 × 12 077 / 24 526 = 704,8249 → 704,82, and 105,75,
    # 181,15, 439,63; the lead its fixed 60 % = 2 147,04, plus the cent the rounding left
    # (3 578,40 − 3 578,39): 2 147,05
    shares = money.municipal_financing(engine, ADMIN, date(2025, 3, 31)).set_index("code")
    assert shares["amount"].sum() == pytest.approx(3578.40, abs=0.001)
    assert shares.loc["804", "amount"] == pytest.approx(704.82, abs=0.001)
    assert shares.loc["502", "amount"] == pytest.approx(2147.05, abs=0.001)
    assert shares.loc["502", "share"] == pytest.approx(0.6)
    assert bool(shares.loc["502", "fixed"]) and not bool(shares.loc["804", "fixed"])
    engine.dispose()


def test_the_forecast_carries_the_last_six_complete_months_to_the_end(engine) -> None:
    coach = _staff(engine)
    # March and April 1 000 €, May to October 3 000 €, November (not complete on 15.11.) 9 000 €
    for month in range(3, 12):
        gross = "1000" if month < 5 else "9000" if month == 11 else "3000"
        _salary(engine, coach, date(2026, month, 1), gross)
    ahead = money.forecast(engine, COORDINATOR, date(2026, 11, 15))
    assert ahead is not None
    # A 3 000 € month: 3 793,20 + 1 517,28 = 5 310,48; a 1 000 € month: 1 264,40 + 505,76 =
    # 1 770,16. Pace: May–October 5 310,48 a month
    assert ahead.pace_months == [date(2026, m, 1) for m in range(5, 11)]
    assert ahead.monthly_pace == pytest.approx(5310.48, abs=0.001)
    # Spent to October: 2 × 1 770,16 + 6 × 5 310,48 = 35 403,20; November 2026 – September
    # 2029 are 35 months: 35 403,20 + 35 × 5 310,48 = 221 270,00
    assert (ahead.spent, ahead.remaining_months) == (pytest.approx(35403.20, abs=0.001), 35)
    assert ahead.forecast_total == pytest.approx(221270.00, abs=0.001)
    assert ahead.difference == pytest.approx(221270.00 - 8731852, abs=0.001)  # an underspend
    assert money.forecast(engine, COORDINATOR, date(2026, 3, 30)) is None  # no complete month


def test_fte_in_use_by_role_and_month_against_the_plan(side_cost) -> None:
    fte = money.fte_by_role(side_cost, COORDINATOR, date(2026, 9, 30))
    fte = fte.set_index(["month", "role"])
    # The half-time manager from 16.8.: 0,5 × 16 / 31 days of August = 0,258
    assert fte.loc[(date(2026, 8, 1), "project_manager"), "fte"] == pytest.approx(0.258)
    assert fte.loc[(date(2026, 9, 1), "project_manager"), "fte"] == 0.5
    coach = fte.loc[(date(2026, 9, 1), "work_coach")]
    assert (coach["fte"], coach["planned_fte"], coach["difference"]) == (1, 19, -18)


def test_cost_per_result_divides_the_total_by_the_indicators(side_cost) -> None:
    with side_cost.begin() as conn:
        for n in range(4):
            conn.execute(
                insert(metadata.tables["client"]).values(
                    code=f"T-{n}", municipality_code="167", birth_year=1980,
                    entry_date=date(2026, 8, 3),
                )
            )  # fmt: skip
        client = conn.execute(select(metadata.tables["client"].c.id)).scalars().first()
        conn.execute(
            insert(metadata.tables["outcome"]).values(
                client_id=client, outcome_type_code="employment_company",
                outcome_date=date(2026, 8, 20),
            )
        )  # fmt: skip
    costs = money.cost_per_result(side_cost, COORDINATOR, date(2026, 8, 31)).set_index("indicator")
    # August's total 7 966,70 €: ÷ 4 clients = 1 991,675 → 1 991,68; ÷ 1 placed = 7 966,70
    assert costs.loc["clients", "results"] == 4
    assert costs.loc["clients", "cost_per_result"] == pytest.approx(1991.68, abs=0.001)
    assert costs.loc["placed_at_companies", "cost_per_result"] == pytest.approx(7966.70, abs=0.001)
    assert costs.loc["partner_companies", "cost_per_result"] is None  # no partner yet


def test_staff_rows_are_for_admins_others_get_aggregates(side_cost) -> None:
    rows = money.staff_costs(side_cost, ADMIN, date(2026, 9, 30)).set_index("name")
    # The coach: 2 × 3 000 € gross, 2 × 3 793,20 eligible
    assert rows.loc["Valmentaja Yksi", "gross_salary"] == 6000
    assert rows.loc["Valmentaja Yksi", "eligible_salaries"] == pytest.approx(7586.40, abs=0.001)
    for actor in (
        COORDINATOR,
        Actor("d@x.fi", "director", frozenset({"167"})),
        Actor("n@x.fi", "analyst"),
        None,
    ):
        with pytest.raises(AccessDenied):
            money.staff_costs(side_cost, actor, date(2026, 9, 30))
    # Aggregates: FTE by role, never euros by person or by role
    director = Actor("d@x.fi", "director", frozenset({"167"}))
    assert money.budget_use(side_cost, director, date(2026, 9, 30)).total > 0
    assert "name" not in money.fte_by_role(side_cost, director, date(2026, 9, 30)).columns
    with pytest.raises(AccessDenied):
        money.budget_use(side_cost, None, date(2026, 9, 30))


def test_the_finance_command_agrees_with_polku_money(side_cost, capsys) -> None:
    url = side_cost.url.render_as_string(hide_password=False)
    assert cli.main(["finance", "--json", "--as-of", "2026-09-30", "--database-url", url]) == 0
    figures = json.loads(capsys.readouterr().out)
    use = money.budget_use(side_cost, ADMIN, date(2026, 9, 30))
    assert figures["costs"]["total"] == use.total == pytest.approx(13277.18, abs=0.001)
    assert figures["planned_total"] == use.planned_total
    assert (
        figures["forecast"]["forecast_total"]
        == money.forecast(side_cost, ADMIN, date(2026, 9, 30)).forecast_total
    )  # type: ignore[union-attr]
    assert [p["code"] for p in figures["payment_periods"]] == [f"MK{n}" for n in range(1, 8)]
    assert sum(m["amount"] for m in figures["municipalities"]) == pytest.approx(use.municipal)


# ---------------------------------------------------------------------------------------------
# The sample


def test_the_sample_staff_cost_near_the_time_plan(
    area_db_url: str, project_file: Path, backend
) -> None:
    engine = db.make_engine(area_db_url)
    with db.session_scope(engine) as session:
        result = sample.load_sample(session, project_file=project_file)
    as_of = demo(project_file).as_of
    assert as_of is not None and result.salary_records > 0
    use = money.budget_use(engine, ADMIN, as_of)
    # Hiring in the first months keeps it a little under the straight line: 85–105 % of it
    assert 0.85 * use.planned_total <= use.total <= 1.05 * use.planned_total
    # Everyone is hired by now: the plan's full-time equivalents, role by role
    fte = money.fte_by_role(engine, ADMIN, as_of)
    now = fte[fte["month"] == fte["month"].max()]
    assert list(now["fte"]) == pytest.approx(list(now["planned_fte"]))
    # The same seed gives the same people and salaries on another database
    other = db.make_engine(backend.prepared(project_file))
    with db.session_scope(other) as session:
        sample.load_sample(session, project_file=project_file)
    pd.testing.assert_frame_equal(
        money.staff_costs(engine, ADMIN, as_of), money.staff_costs(other, ADMIN, as_of)
    )
    other.dispose()
    engine.dispose()
