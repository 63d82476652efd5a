"""The payment application's attachment (maksatushakemuksen liite): for one payment period, a
workbook with the salary costs by person and month, the flat rate, the totals and the financing
split, one sheet per part, Finnish headers and euro formats, as a project secretary attaches it.

Every number comes from polku/money.py (the same functions as the Talous page and
`python -m polku finance`); person-level rows make it admins only (READ_STAFF)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import select

from models import metadata
from polku import i18n, money
from polku.access import Actor, Permission, check
from polku.exports import _xlsx_value, header_sheet
from polku.metrics import Database, _connect

EURO = '#,##0.00\\ "€"'
SHARE = "0 %"
MONTH = "m/yyyy"
HOURS = "#,##0.00"
# The sheets, in order: the summary first, as the application's own figures
SHEETS = ("summary", "salaries", "months")


class UnknownPeriod(LookupError):
    """No payment period of that code in the project file."""


@dataclass(frozen=True)
class Period:
    code: str
    start: date
    end: date


def period(db: Database, code: str) -> Period:
    """The payment period `code` (polku/money.py's payment_periods)."""
    periods = money.payment_periods(db)
    found = periods[periods["code"] == code]
    if found.empty:
        raise UnknownPeriod(f"no payment period {code!r}: {', '.join(periods['code'])}")
    row = found.iloc[0]
    return Period(str(row["code"]), row["start"], row["end"])


def _cell(sheet: WriteOnlyWorksheet, value: Any, number_format: str | None = None) -> Any:
    """A cell as the exports write it (text as text, never a formula), in `number_format`."""
    cell = _xlsx_value(sheet, value)
    if number_format is not None and isinstance(cell, Cell):
        cell.number_format = number_format
    return cell


def _bold(sheet: WriteOnlyWorksheet, values: list[tuple[Any, str | None]]) -> list[Any]:
    cells = []
    for value, fmt in values:
        source = _cell(sheet, value, fmt)
        cell = source if isinstance(source, Cell) else WriteOnlyCell(sheet, value=source)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _role_names(db: Database, lang: str) -> dict[str, str]:
    r = metadata.tables["staff_role"].c
    with _connect(db) as conn:
        rows = conn.execute(select(r.code, r.name_fi, r.name_en)).mappings().all()
    return {row["code"]: i18n.localized_name(row, lang) for row in rows}


def _euros(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(money.CENT)


def write_workbook(
    db: Database, actor: Actor | None, code: str, path: Path, lang: str = i18n.DEFAULT_LANGUAGE
) -> Path:
    """The attachment of payment period `code` as an .xlsx file at `path` (admins only)."""
    check(actor, Permission.READ_STAFF, None)
    chosen = period(db, code)
    rules = money.rules(db)
    by_period = money.costs_by_period(db, actor, chosen.end).set_index("code")
    split = {k: _euros(by_period.at[chosen.code, k]) for k in money.AMOUNTS}
    months = money.costs_by_month(db, actor, chosen.end)
    months = months[months["payment_period"] == chosen.code]
    people = money.salary_months(db, actor, chosen.start, chosen.end)
    staff = money.staff_costs(db, actor, chosen.end).set_index("staff_member_id")
    roles = _role_names(db, lang)
    t = lambda key, **kw: i18n.t(f"payment_application.{key}", lang, **kw)  # noqa: E731

    book = Workbook(write_only=True)
    # 1. The summary: the period, the salary-cost model, the totals and the financing split
    summary = header_sheet(
        book, t("sheet.summary"), [t("summary.item"), t("summary.value")], [48, 20]
    )
    model = i18n.t(f"payment_application.model.{rules.salary_model}", lang)
    for label, value, fmt in (
        (t("summary.period"), chosen.code, None),
        (t("summary.start"), chosen.start, None),
        (t("summary.end"), chosen.end, None),
        (t("summary.model"), model, None),
        (t("summary.eligible_salaries"), split["eligible_salaries"], EURO),
        (t("summary.flat_rate_share"), float(rules.flat_rate_share), SHARE),
        (t("summary.flat_rate"), split["flat_rate"], EURO),
        (t("summary.total"), split["total"], EURO),
        (t("summary.esf_share"), float(rules.esf_share), SHARE),
        (t("summary.esf"), split["esf"], EURO),
        (t("summary.municipal_share"), float(rules.municipal_share), SHARE),
        (t("summary.municipal"), split["municipal"], EURO),
    ):
        sheet_row = [_cell(summary, label), _cell(summary, value, fmt)]
        summary.append(sheet_row)

    # 2. Salary costs by person and month
    headers = [t(f"salaries.{k}") for k in ("name", "role", "month", "gross", "hours", "eligible")]
    salaries = header_sheet(book, t("sheet.salaries"), headers, [32, 24, 12, 18, 12, 22])
    for row in people.to_dict("records"):
        person = row["staff_member_id"]
        name, role_code = staff.at[person, "name"], str(staff.at[person, "role"])
        role = roles.get(role_code, role_code)
        hours = None if pd.isna(row["hours"]) else _euros(row["hours"])
        salaries.append(
            [
                _cell(salaries, str(name)),
                _cell(salaries, role),
                _cell(salaries, row["month"], MONTH),
                _cell(salaries, _euros(row["gross_salary"]), EURO),
                _cell(salaries, hours, HOURS),
                _cell(salaries, _euros(row["eligible_salaries"]), EURO),
            ]
        )
    salaries.append(
        _bold(
            salaries,
            [
                (t("total"), None),
                (None, None),
                (None, None),
                (sum((_euros(g) for g in people["gross_salary"]), Decimal(0)), EURO),
                (None, None),
                (sum(people["eligible_salaries"], Decimal(0)), EURO),
            ],
        )
    )

    # 3. The months: eligible salaries, flat rate, total and financing
    keys = ("month", *money.AMOUNTS)
    by_month = header_sheet(
        book, t("sheet.months"), [t(f"months.{k}") for k in keys], [12, *[20] * 5]
    )
    for month in months.to_dict("records"):
        cells = [_cell(by_month, month["month"], MONTH)]
        cells += [_cell(by_month, _euros(month[k]), EURO) for k in money.AMOUNTS]
        by_month.append(cells)
    by_month.append(
        _bold(by_month, [(t("total"), None), *((split[k], EURO) for k in money.AMOUNTS)])
    )
    book.save(path)
    return path
