"""De minimis per employer (Regulation (EU) 2023/2831, issue 15 point 5): the rolling
three-year total from each aid's decision date, aid the employer declares from other grantors,
the warning and the refusal of the project file's [de_minimis], on real databases."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from polku import exports, forms, ingest
from polku.access import AccessDenied
from polku.ingest import FormInvalid
from polku.rules.grants import Aid, de_minimis_settings, de_minimis_total, years_before
from polku.users import SYSTEM
from tests.test_ingest import ANALYST, COORDINATOR, DIRECTOR, csv_bytes, load_samples, where

COMPANY = "2934871-3"  # Pielisen Puutyö Oy of data/sample/employers.csv
AID_HEADER = ["Y-tunnus", "Tuen myöntäjä", "Myöntämispäivä", "Tuen määrä", "Oikeusperusta"]
GRANT_HEADER = [
    "Y-tunnus", "Asiakastunnus", "Työsuhde alkaa", "Sopimustyyppi", "Viikkotunnit",
    "Euroa kuukaudessa", "Kuukaudet", "Hakemuspäivä", "Päätöspäivä", "Päätös", "De minimis -tuki",
]  # fmt: skip
BASIS = "Komission asetus (EU) 2023/2831"


def fi(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def aid_row(day: date, amount: str, grantor: str = "Business Finland") -> list[str]:
    return [COMPANY, grantor, fi(day), amount, BASIS]


def grant_row(client: str, decided: date, amount: int) -> list[str]:
    applied = decided - timedelta(days=10)
    return [
        COMPANY, client, fi(decided + timedelta(days=7)), "permanent", "37,5", str(amount // 10),
        "10", fi(applied), fi(decided), "granted", str(amount),
    ]  # fmt: skip


def run(engine: Engine, kind: str, rows: list[list[str]], today: date) -> ingest.ImportReport:
    header = AID_HEADER if kind == "declared_aid" else GRANT_HEADER
    return ingest.import_file(
        engine, SYSTEM, kind, csv_bytes([header, *rows]), f"{kind}.csv", today=today
    )


def test_the_rolling_window_ends_on_the_day_and_leaves_out_aid_three_years_and_a_day_before():
    years = de_minimis_settings().years
    on = date(2029, 6, 1)
    inside = Aid(years_before(on, years) + timedelta(days=1), Decimal(100))
    outside = Aid(years_before(on, years) - timedelta(days=1), Decimal(10))
    later = Aid(on + timedelta(days=1), Decimal(1))
    assert de_minimis_total([inside, outside, later], on, years) == Decimal(100)


def test_declared_aid_imports_and_warns_at_the_share_of_the_ceiling(engine: Engine) -> None:
    load_samples(engine, "employers")
    rules = de_minimis_settings()
    near = rules.ceiling * rules.warning_share
    report = run(engine, "declared_aid", [aid_row(date(2025, 5, 1), str(near))], date(2026, 11, 1))
    assert report.committed and report.added == 1
    assert [p.key for p in report.warnings] == ["ingest.warning.de_minimis"]
    below = near - Decimal("0.01")
    again = run(engine, "declared_aid", [aid_row(date(2025, 5, 1), str(below))], date(2026, 11, 1))
    assert again.committed and again.changed == 1 and again.warnings == []


def test_declared_aid_above_the_ceiling_is_refused_by_the_import(engine: Engine) -> None:
    load_samples(engine, "employers")
    ceiling = de_minimis_settings().ceiling
    half = ceiling / 2
    rows = [aid_row(date(2025, 5, 1), str(half)), aid_row(date(2026, 2, 1), str(half + 1), "X")]
    report = run(engine, "declared_aid", rows, date(2026, 11, 1))
    assert not report.committed
    assert (3, "Tuen määrä", "ingest.error.de_minimis") in where(report)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM declared_aid")).scalar_one() == 0


def test_declared_aid_counts_against_a_bonus_of_the_project(engine: Engine) -> None:
    load_samples(engine, "employers", "clients")
    ceiling = de_minimis_settings().ceiling
    declared = ceiling - 50_000
    first = run(
        engine, "declared_aid", [aid_row(date(2025, 9, 1), str(declared))], date(2026, 9, 1)
    )
    assert first.committed
    over = run(
        engine, "grants", [grant_row("ESIM-0001", date(2026, 6, 1), 50_010)], date(2026, 9, 1)
    )
    assert (2, "De minimis -tuki", "ingest.error.de_minimis") in where(over)
    fits = run(
        engine, "grants", [grant_row("ESIM-0001", date(2026, 6, 1), 50_000)], date(2026, 9, 1)
    )
    assert fits.committed and [p.key for p in fits.warnings] == ["ingest.warning.de_minimis"]


def test_aid_counts_from_its_decision_date_not_its_payments(engine: Engine) -> None:
    """A bonus decided on 1.6.2026 and paid until 2027 is outside the window of aid granted
    three years and a day later, and inside the window of aid granted a day earlier."""
    load_samples(engine, "employers", "clients")
    ceiling = de_minimis_settings().ceiling
    decided = date(2026, 6, 1)
    bonus = run(engine, "grants", [grant_row("ESIM-0001", decided, 100_000)], date(2026, 9, 1))
    assert bonus.committed
    with engine.begin() as conn:
        grant_id = conn.execute(text("SELECT id FROM bonus_grant")).scalar_one()
        for paid in (date(2026, 12, 1), date(2027, 6, 1)):
            conn.execute(
                text(
                    "INSERT INTO bonus_payment (grant_id, paid_on, amount) VALUES (:g, :d, 50000)"
                ),
                {"g": grant_id, "d": paid},
            )
    years = de_minimis_settings().years
    later = years_before(decided, -years) + timedelta(days=1)  # three years and a day after
    today = later + timedelta(days=30)
    rest = str(ceiling - 1)
    # A day inside the window that holds the bonus: refused (nothing written)
    inside = run(engine, "declared_aid", [aid_row(later - timedelta(days=2), rest)], today)
    assert (2, "Tuen määrä", "ingest.error.de_minimis") in where(inside)
    report = run(engine, "declared_aid", [aid_row(later, rest)], today)
    assert report.committed and report.warnings != [], [p.key for p in report.problems]


def _form(day: date, amount: str, grantor: str = "Business Finland") -> dict[str, object]:
    return {
        "business_id": COMPANY,
        "grantor": grantor,
        "decision_date": day,
        "amount": amount,
        "legal_basis": BASIS,
    }


def test_the_form_saves_declared_aid_warns_near_the_ceiling_and_refuses_above(
    engine: Engine,
) -> None:
    load_samples(engine, "employers")
    rules = de_minimis_settings()
    near = rules.ceiling * rules.warning_share
    # Typed as people type it: space-grouped thousands, decimal comma
    typed = f"{int(near):,}".replace(",", " ") + ",00"
    saved = forms.submit("declared_aid", engine, COORDINATOR, _form(date(2025, 5, 1), typed))
    assert [w.key for w in saved.warnings] == ["ingest.warning.de_minimis"]
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT amount FROM declared_aid")).scalar_one()
    assert Decimal(str(stored)) == near
    rest = rules.ceiling - near
    with pytest.raises(FormInvalid) as over:
        forms.submit("declared_aid", engine, COORDINATOR, _form(date(2026, 1, 5), str(rest + 1)))
    [problem] = over.value.problems
    assert (problem.field, problem.key) == ("amount", "ingest.error.de_minimis")
    assert "Pielisen Puutyö Oy" in problem.reason("fi")
    exact = forms.submit("declared_aid", engine, COORDINATOR, _form(date(2026, 1, 5), str(rest)))
    assert [w.key for w in exact.warnings] == ["ingest.warning.de_minimis"]


def test_the_form_refuses_a_bonus_over_the_ceiling_with_declared_aid(engine: Engine) -> None:
    load_samples(engine, "employers", "clients")
    ceiling = de_minimis_settings().ceiling
    forms.submit("declared_aid", engine, COORDINATOR, _form(date(2026, 1, 5), str(ceiling - 5000)))
    grant = forms.GrantEntry(
        employer=COMPANY, client_code="ESIM-0001", employment_start=date(2026, 10, 1),
        contract_type="permanent", weekly_hours=Decimal("37.5"), monthly_amount=Decimal(1000),
        months=6, application_date=date(2026, 9, 20), de_minimis=True,
    )  # fmt: skip
    with pytest.raises(FormInvalid) as over:
        forms.record_grant(engine, COORDINATOR, grant, today=date(2026, 11, 29))
    assert [p.key for p in over.value.problems] == ["ingest.error.de_minimis"]


def test_those_who_edit_nothing_declare_no_aid(engine: Engine) -> None:
    load_samples(engine, "employers")
    with pytest.raises(AccessDenied):
        forms.submit("declared_aid", engine, DIRECTOR, _form(date(2026, 1, 5), "1000"))


def test_the_register_export_has_the_fields_a_grantor_reports_in_finnish_formats(
    engine: Engine, tmp_path: Path
) -> None:
    load_samples(engine, "employers", "clients", "grants", "declared_aid")
    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT e.business_id, g.decision_date, g.de_minimis_amount, m.name"
                " FROM bonus_grant g JOIN employer e ON e.id = g.employer_id"
                " JOIN client c ON c.id = g.client_id"
                " JOIN municipality m ON m.code = c.municipality_code"
                " WHERE g.decision = 'granted' AND g.de_minimis_amount IS NOT NULL"
            )
        ).all()
    assert len(stored) == 1  # declared aid of other grantors is theirs to report
    [(business_id, decided, amount, grantor)] = stored
    decided = decided if isinstance(decided, date) else date.fromisoformat(str(decided))
    basis = de_minimis_settings().legal_basis
    frame = exports.de_minimis_register(engine, SYSTEM)
    assert list(frame.columns) == ["business_id", "grant_date", "amount", "legal_basis", "grantor"]
    assert frame.values.tolist() == [[business_id, decided, Decimal(str(amount)), basis, grantor]]
    csv_path = exports.export_de_minimis_register(engine, SYSTEM, "csv", tmp_path / "r.csv")
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle, delimiter=";"))
    assert lines[0] == ["Y-tunnus", "Myöntämispäivä", "Tuen määrä (€)", "Oikeusperusta", "Myöntäjä"]
    euros = format(Decimal(str(amount)).quantize(Decimal("0.01")), "f").replace(".", ",")
    date_fi = f"{decided.day}.{decided.month}.{decided.year}"
    assert lines[1] == [business_id, date_fi, euros, basis, grantor]
    xlsx = exports.export_de_minimis_register(engine, SYSTEM, "xlsx", tmp_path / "r.xlsx", "en")
    sheet = load_workbook(xlsx)["De minimis register"]
    assert [c.value for c in sheet[1]] == [
        "Business ID", "Date granted", "Amount of aid (€)", "Legal basis", "Grantor",
    ]  # fmt: skip
    row = sheet[2]
    assert row[1].value.date() == decided and row[1].number_format == "d.m.yyyy"
    assert row[2].value == float(amount) and row[2].number_format == "#,##0.00"


def test_only_admins_export_the_register(engine: Engine, tmp_path: Path) -> None:
    for actor in (COORDINATOR, DIRECTOR, ANALYST):
        with pytest.raises(AccessDenied):
            exports.export_de_minimis_register(engine, actor, "csv", tmp_path / "r.csv")
    assert not (tmp_path / "r.csv").exists()
