"""The payment application's attachment (issue 15 point 6): the workbook of one payment period
read back with openpyxl, its totals against polku.money and against the arithmetic written
here, on both backends; admins only; the `finance --payment-application` command."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from polku import money, payment_application
from polku.access import AccessDenied, Actor
from tests.test_cli import polku
from tests.test_money import _salary, _staff

ADMIN = Actor("admin@x.fi", "admin")
OTHERS = (
    Actor("c@x.fi", "coordinator", frozenset({"167"})),
    Actor("d@x.fi", "director", frozenset({"167"})),
    Actor("n@x.fi", "analyst"),
)


@pytest.fixture
def salaries(engine: Engine) -> Engine:
    """North Karelia (side costs 26,44 %, flat rate 40 %, ESF+ 80 %): a work coach paid
    3 000 € in July, August and September (September is MK2's), a half-time project manager
    paid 1 500,55 € in August; MK1 is 1.3.–31.8.2026."""
    coach = _staff(engine, name="=Valmentaja Yksi")  # text that looks like a formula
    manager = _staff(
        engine, name="Päällikkö Kaksi", role_code="project_manager", fte=Decimal("0.5"),
        start_date=date(2026, 8, 16),
    )  # fmt: skip
    for month in (date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)):
        _salary(engine, coach, month, "3000.00")
    _salary(engine, manager, date(2026, 8, 1), "1500.55")
    return engine


def _rows(sheet) -> list[tuple]:
    return [tuple(c for c in row) for row in sheet.iter_rows(values_only=True)]


def test_the_workbook_has_a_sheet_per_part_and_its_totals_are_polku_money(
    salaries: Engine, tmp_path: Path
) -> None:
    path = payment_application.write_workbook(salaries, ADMIN, "MK1", tmp_path / "mk1.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Yhteenveto", "Palkkakustannukset", "Kuukausittain"]

    # Salaries by person and month: July and August only (September is the next period's)
    people = _rows(book["Palkkakustannukset"])
    assert people[0][:3] == ("Nimi", "Tehtävä", "Kuukausi")
    body, total = people[1:-1], people[-1]
    assert sorted((r[0], r[2].date()) for r in body) == [
        ("=Valmentaja Yksi", date(2026, 7, 1)),
        ("=Valmentaja Yksi", date(2026, 8, 1)),
        ("Päällikkö Kaksi", date(2026, 8, 1)),
    ]
    name_cell = book["Palkkakustannukset"]["A2"]
    assert name_cell.data_type == "s"  # text stays text, never a formula
    # 3 000 × 1,2644 = 3 793,20 twice; 1 500,55 × 1,2644 = 1 897,295… → 1 897,30
    assert sorted(r[5] for r in body) == pytest.approx([1897.30, 3793.20, 3793.20])
    assert total[0] == "Yhteensä" and total[3] == pytest.approx(7500.55)
    eligible = 3793.20 * 2 + 1897.30
    assert total[5] == pytest.approx(eligible)
    assert book["Palkkakustannukset"]["F2"].number_format.startswith("#,##0.00")

    # The summary: flat rate 40 %, total, ESF+ 80 % and the municipalities the rest
    summary = dict(_rows(book["Yhteenveto"])[1:])
    flat = round(3793.20 * 0.4, 2) + round(5690.50 * 0.4, 2)  # July, August: rounded by month
    total_eligible = eligible + flat
    esf = round(3793.20 * 1.4 * 0.8, 2) + round((5690.50 + 2276.20) * 0.8, 2)
    assert summary["Maksatuskausi"] == "MK1"
    assert summary["Kauden loppu"] == datetime(2026, 8, 31)
    assert summary["Tukikelpoiset palkkakustannukset (€)"] == pytest.approx(eligible)
    assert summary["Flat rate -osuus palkoista"] == pytest.approx(0.4)
    assert summary["Flat rate -kustannukset (€)"] == pytest.approx(flat)
    assert summary["Tukikelpoiset kustannukset yhteensä (€)"] == pytest.approx(total_eligible)
    assert summary["ESR+-rahoitus (€)"] == pytest.approx(esf)
    assert summary["Kuntien rahoitus (€)"] == pytest.approx(total_eligible - esf)
    # And the same numbers as polku.money's for the period
    period = money.costs_by_period(salaries, ADMIN, date(2026, 8, 31)).set_index("code")
    assert summary["ESR+-rahoitus (€)"] == pytest.approx(period.loc["MK1", "esf"])
    assert summary["Tukikelpoiset kustannukset yhteensä (€)"] == pytest.approx(
        period.loc["MK1", "total"]
    )

    # The months: March to August, their total row the summary's
    months = _rows(book["Kuukausittain"])
    assert [r[0].date() for r in months[1:-1]] == [date(2026, m, 1) for m in range(3, 9)]
    assert months[-1][0] == "Yhteensä"
    assert months[-1][1:] == pytest.approx(
        (eligible, flat, total_eligible, esf, total_eligible - esf)
    )
    assert sum(r[3] for r in months[1:-1]) == pytest.approx(total_eligible)


def test_only_admins_get_the_attachment(salaries: Engine, tmp_path: Path) -> None:
    for actor in OTHERS:
        with pytest.raises(AccessDenied):
            payment_application.write_workbook(salaries, actor, "MK1", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_an_unknown_period_is_named(salaries: Engine, tmp_path: Path) -> None:
    with pytest.raises(payment_application.UnknownPeriod, match="MK9"):
        payment_application.write_workbook(salaries, ADMIN, "MK9", tmp_path / "x.xlsx")


def test_the_command_writes_the_attachment(salaries: Engine, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "liite.xlsx"
    done = polku("finance", "--payment-application", "MK1", "--out", str(out), database_url=db_url)
    assert done.returncode == 0, done.stderr
    assert load_workbook(out).sheetnames[0] == "Yhteenveto"
    wrong = polku("finance", "--payment-application", "MK9", "--out", str(out), database_url=db_url)
    assert wrong.returncode == 1 and "MK9" in wrong.stderr
