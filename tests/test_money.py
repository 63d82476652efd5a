"""Money (polku/money.py and [money] of the project file): the funding decision's rules as data,
staff and their salaries (admin only), eligible costs, the flat rate, financing, budget use,
the forecast, staff time and cost per result. Every expected figure is computed by hand here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

import models
from models import FinancingShare, MoneyRules, PaymentPeriod, metadata
from polku import exports, records
from polku.access import Actor, Permission
from polku.project import ProjectFileError, load_project
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
        periods = s.exec(select(PaymentPeriod).order_by(PaymentPeriod.position)).all()
        assert [p.code for p in periods] == [f"MK{n}" for n in range(1, 8)]
        assert (periods[0].start_date, periods[0].end_date) == (date(2026, 3, 1), date(2026, 8, 31))
        assert periods[-1].end_date == date(2029, 9, 30)
        assert s.exec(select(FinancingShare)).all() == []  # every municipality by population
        # The other area: the unit-cost model and a fixed share of the lead municipality
        load_project(s, OTHER_PROJECT_FILE)
        rules = s.get(MoneyRules, 1)
        assert rules is not None and (rules.salary_model, rules.annual_hours) == ("unit_cost", 1720)
        assert [
            (f.municipality_code, Decimal(str(f.share))) for f in s.exec(select(FinancingShare))
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
        assert s.exec(select(FinancingShare)).all() == []


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
