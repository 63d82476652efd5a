"""polku/ingest/ on real databases (SQLite and PostgreSQL): every validation rule with a file
that breaks it, office files as they come (encodings, separators, decimal commas, both date
forms, .xlsx), upserts that change nothing the second time, all-or-nothing commits, access per
row, and the `python -m polku import` command."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlmodel
from openpyxl import Workbook
from sqlalchemy import Engine, select, text
from sqlmodel import Session, col

from models import AuditLog, metadata
from polku import i18n, ingest
from polku.access import AccessDenied, Actor
from polku.users import SYSTEM
from tests.test_cli import polku

TODAY = date(2026, 11, 29)
COORDINATOR = Actor("koordinaattori@example.fi", "coordinator", frozenset({"167"}))
DIRECTOR = Actor("johtaja@example.fi", "director", frozenset({"167"}))
ANALYST = Actor("analyytikko@example.fi", "analyst")
CLIENT_HEADER = ["Asiakastunnus", "Kunta", "Syntymävuosi", "Aloituspäivä"]


def csv_bytes(
    rows: Iterable[Iterable[Any]], *, sep: str = ";", encoding: str = "utf-8", newline: str = "\n"
) -> bytes:
    text = newline.join(sep.join("" if v is None else str(v) for v in row) for row in rows)
    return (text + newline).encode(encoding)


def contents(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: two databases are the same when these are."""
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def data_contents(engine: Engine) -> dict[str, list[tuple]]:
    """As `contents`, without the audit log (an import is audited even when it changes no
    data)."""
    return {k: v for k, v in contents(engine).items() if k != "audit_log"}


def run(
    engine: Engine,
    kind: str,
    data: bytes,
    actor: Actor = SYSTEM,
    filename: str = "file.csv",
    **kw: Any,
) -> ingest.ImportReport:
    return ingest.import_file(engine, actor, kind, data, filename, today=TODAY, **kw)


def load_samples(engine: Engine, *kinds: str) -> None:
    """The example files of data/sample, in the order they depend on each other."""
    for kind in kinds or ingest.IMPORT_ORDER:
        report = run(engine, kind, ingest.sample_path(kind).read_bytes(), filename=f"{kind}.csv")
        assert report.committed, [p.text() for p in report.problems]


def where(report: ingest.ImportReport) -> set[tuple[int | None, str | None, str]]:
    return {(p.row, p.column, p.key) for p in report.errors}


# ---------------------------------------------------------------------------------------------
# The sample files and idempotence


def test_every_sample_file_imports_into_a_fresh_database_and_again_changes_nothing(
    engine: Engine,
) -> None:
    load_samples(engine)
    after_first = contents(engine)
    assert len(after_first["client"]) == 8
    assert len(after_first["bonus_grant"]) == 3
    for kind in ingest.IMPORT_ORDER:
        report = run(engine, kind, ingest.sample_path(kind).read_bytes())
        assert report.committed
        assert (report.added, report.changed) == (0, 0), kind
        assert report.unchanged == report.rows > 0
    assert data_contents(engine) == {k: v for k, v in after_first.items() if k != "audit_log"}


def test_sample_files_are_office_files_semicolons_bom_finnish_headers(engine: Engine) -> None:
    for kind in ingest.IMPORT_ORDER:
        raw = ingest.read_table(ingest.sample_path(kind).read_bytes(), f"{kind}.csv")
        assert raw.encoding == "utf-8-sig" and raw.delimiter == ";", kind
        assert raw.headers == ingest.KINDS[kind].headers, kind


def test_an_import_is_audited_once_per_file_with_its_counts_and_the_entities(
    engine: Engine,
) -> None:
    load_samples(engine, "employers")
    with Session(engine) as s:
        rows = s.exec(sqlmodel.select(AuditLog).order_by(col(AuditLog.id))).all()
    files = [r for r in rows if r.action == "import"]
    assert len(files) == 1
    assert files[0].entity == "employers" and files[0].user_email == SYSTEM.email
    assert "added=6" in (files[0].detail or "")
    added = [r for r in rows if r.action == "import_add"]
    listed = ", ".join(r.detail or "" for r in added)
    assert "2934871-3" in listed and "Maatila (yksityinen työnantaja 1)" in listed


# ---------------------------------------------------------------------------------------------
# Every rule, with a file that breaks it


def _clients(*rows: list[Any], header: list[str] = CLIENT_HEADER) -> bytes:
    return csv_bytes([header, *rows])


BROKEN = {
    "missing column": (
        "clients",
        csv_bytes([["Asiakastunnus", "Kunta", "Syntymävuosi"], ["A-1", "167", "1980"]]),
        (None, "Aloituspäivä", "ingest.error.missing_column"),
    ),
    "missing value": (
        "clients",
        _clients(["A-1", "167", "", "1.3.2026"]),
        (2, "Syntymävuosi", "ingest.error.required"),
    ),
    "unknown municipality": (
        "clients",
        _clients(["A-1", "Helsinki", "1980", "1.3.2026"]),
        (2, "Kunta", "ingest.error.unknown.municipality"),
    ),
    "unknown target group": (
        "clients",
        _clients(
            ["A-1", "167", "1980", "1.3.2026", "nuoret, eläkeläiset"],
            header=[*CLIENT_HEADER, "Kohderyhmät"],
        ),
        (2, "Kohderyhmät", "ingest.error.unknown.target_group"),
    ),
    "bad date": (
        "clients",
        _clients(["A-1", "167", "1980", "31.2.2026"]),
        (2, "Aloituspäivä", "ingest.error.date"),
    ),
    "date outside the period": (
        "clients",
        _clients(["A-1", "167", "1980", "28.2.2026"]),
        (2, "Aloituspäivä", "ingest.error.outside_period"),
    ),
    "future date": (
        "clients",
        _clients(["A-1", "167", "1980", "30.11.2026"]),
        (2, "Aloituspäivä", "ingest.error.future"),
    ),
    "exit before entry": (
        "clients",
        _clients(
            ["A-1", "167", "1980", "1.6.2026", "31.5.2026"],
            header=[*CLIENT_HEADER, "Päättymispäivä"],
        ),
        (2, "Päättymispäivä", "ingest.error.exit_before_entry"),
    ),
    "birth year out of range": (
        "clients",
        _clients(["A-1", "167", "1930", "1.3.2026"]),
        (2, "Syntymävuosi", "ingest.error.range"),
    ),
    "duplicate key": (
        "clients",
        _clients(["A-1", "167", "1980", "1.3.2026"], ["A-1", "167", "1981", "2.3.2026"]),
        (3, "Asiakastunnus", "ingest.error.duplicate_key"),
    ),
    "bad business id": (
        "employers",
        csv_bytes([["Y-tunnus", "Nimi", "Tyyppi"], ["2934871-4", "Testi Oy", "Yritys"]]),
        (2, "Y-tunnus", "ingest.error.business_id"),
    ),
    "unknown status": (
        "episodes",
        csv_bytes([["Asiakastunnus", "Tila", "Alkupäivä"], ["ESIM-0001", "lomalla", "1.4.2026"]]),
        (2, "Tila", "ingest.error.unknown.client_status"),
    ),
    "unknown client": (
        "episodes",
        csv_bytes([["Asiakastunnus", "Tila", "Alkupäivä"], ["EI-OLE", "work_trial", "1.4.2026"]]),
        (2, "Asiakastunnus", "ingest.error.unknown_client"),
    ),
    "episode ends before it starts": (
        "episodes",
        csv_bytes(
            [
                ["Asiakastunnus", "Tila", "Alkupäivä", "Loppupäivä"],
                ["ESIM-0001", "career_coaching", "1.7.2026", "30.6.2026"],
            ]
        ),
        (2, "Loppupäivä", "ingest.error.end_before_start"),
    ),
    # Issue 13.2
    "partnership signed after its end": (
        "partnerships",
        csv_bytes(
            [
                ["Y-tunnus", "Allekirjoituspäivä", "Alkupäivä", "Loppupäivä"],
                ["2934871-3", "1.9.2026", "1.5.2026", "31.8.2026"],
            ]
        ),
        (2, "Allekirjoituspäivä", "ingest.error.signed_after_end"),
    ),
    "company without business id": (
        "employers",
        csv_bytes([["Y-tunnus", "Nimi", "Tyyppi"], ["", "Testi Oy", "company"]]),
        (2, "Y-tunnus", "ingest.error.business_id_required"),
    ),
    "grant amount not monthly × months": (
        "grants",
        csv_bytes(
            [
                [
                    "Y-tunnus",
                    "Asiakastunnus",
                    "Työsuhde alkaa",
                    "Sopimustyyppi",
                    "Viikkotunnit",
                    "Euroa kuukaudessa",
                    "Kuukaudet",
                    "Summa",
                    "Hakemuspäivä",
                ],
                [
                    "2934871-3",
                    "ESIM-0001",
                    "1.10.2026",
                    "permanent",
                    "30",
                    "500",
                    "6",
                    "3500",
                    "20.9.2026",
                ],
            ]
        ),
        (2, "Summa", "ingest.error.amount"),
    ),
    "decided grant without a decision date": (
        "grants",
        csv_bytes(
            [
                [
                    "Y-tunnus",
                    "Asiakastunnus",
                    "Työsuhde alkaa",
                    "Sopimustyyppi",
                    "Viikkotunnit",
                    "Euroa kuukaudessa",
                    "Kuukaudet",
                    "Hakemuspäivä",
                    "Päätös",
                ],
                [
                    "2934871-3",
                    "ESIM-0001",
                    "1.10.2026",
                    "permanent",
                    "30",
                    "500",
                    "6",
                    "20.9.2026",
                    "myönnetty",
                ],
            ]
        ),
        (2, "Päätöspäivä", "ingest.error.decision_date_required"),
    ),
    "cost against a financing line": (
        "costs",
        csv_bytes(
            [
                ["Budjettirivi", "Kirjauspäivä", "Summa", "Kuvaus"],
                ["esf_plus", "1.4.2026", "5", "x"],
            ]
        ),
        (2, "Budjettirivi", "ingest.error.unknown.budget_line"),
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_rule_refuses_a_file_that_breaks_it_and_the_database_stays_identical(
    engine: Engine, case: str
) -> None:
    load_samples(engine, "employers", "clients")
    before = contents(engine)
    kind, data, expected = BROKEN[case]
    report = run(engine, kind, data)
    assert not report.ok and not report.committed
    assert expected in where(report), [p.text() for p in report.problems]
    assert contents(engine) == before
    # The message is Finnish by default and names the row and the column
    problem = next(p for p in report.errors if (p.row, p.column, p.key) == expected)
    if problem.row is not None:
        assert problem.text().startswith(f"rivi {problem.row}, sarake {problem.column}: ")


def test_an_end_before_the_stored_signing_date_is_refused_at_the_end_date(
    engine: Engine,
) -> None:
    load_samples(engine, "employers")
    # In force from 1.4.2026, signed afterwards on 1.6.2026
    signed = [
        ["Y-tunnus", "Allekirjoituspäivä", "Alkupäivä"],
        ["2934871-3", "1.6.2026", "1.4.2026"],
    ]
    assert run(engine, "partnerships", csv_bytes(signed)).committed
    before = contents(engine)
    # A file without the signing date ends the agreement before it was signed
    ended = csv_bytes(
        [["Y-tunnus", "Alkupäivä", "Loppupäivä"], ["2934871-3", "1.4.2026", "15.5.2026"]]
    )
    report = run(engine, "partnerships", ended)
    assert (2, "Loppupäivä", "ingest.error.signed_after_end") in where(report)
    assert contents(engine) == before


def test_the_period_message_names_the_project_period(engine: Engine) -> None:
    report = run(engine, "clients", _clients(["A-1", "167", "1980", "1.1.2026"]))
    assert report.errors[0].text() == (
        "rivi 2, sarake Aloituspäivä: päivämäärä ei ole hankekaudella 1.3.2026–30.9.2029"
    )
    assert report.errors[0].text("en") == (
        "row 2, column Aloituspäivä: the date is not within the project period "
        "1 Mar 2026–30 Sep 2029"
    )


@pytest.mark.parametrize(
    "cell",
    ["010594Y9021", "henkilötunnus 131052-308T tähän", "020594X903P"],
    ids=["alone", "in text", "new century sign"],
)
def test_a_personal_identity_code_in_any_cell_rejects_the_file_naming_the_row(
    engine: Engine, cell: str
) -> None:
    data = _clients(
        ["A-1", "167", "1980", "1.3.2026", "ok"],
        ["A-2", "167", "1981", "2.3.2026", cell],
        header=[*CLIENT_HEADER, "Huomio"],  # a column the import does not even know
    )
    before = contents(engine)
    report = run(engine, "clients", data)
    assert (3, "Huomio", "ingest.error.hetu") in where(report)
    assert contents(engine) == before
    # The code itself never reaches a message or the preview
    assert all(cell not in p.text() and "9021" not in p.text() for p in report.problems)
    assert cell not in report.preview.to_string()


def test_a_code_shaped_like_an_identity_code_with_a_wrong_check_character_also_rejects(
    engine: Engine,
) -> None:
    data = _clients(
        ["A-1", "167", "1980", "1.3.2026", "010594Y9022"], header=[*CLIENT_HEADER, "Tavoite"]
    )
    report = run(engine, "clients", data)
    assert (2, "Tavoite", "ingest.error.hetu_like") in where(report)


def test_row_numbers_are_as_in_the_file_even_after_blank_lines(engine: Engine) -> None:
    data = b"Asiakastunnus;Kunta;Syntym\xc3\xa4vuosi;Aloitusp\xc3\xa4iv\xc3\xa4\n"
    data += b"A-1;167;1980;1.3.2026\n;;;\n\nA-2;167;1980;1.3.2020\n"
    report = run(engine, "clients", data)
    assert where(report) == {(5, "Aloituspäivä", "ingest.error.outside_period")}


def test_several_problems_are_all_listed_by_row_and_column(engine: Engine) -> None:
    data = _clients(
        ["A-1", "Joensu", "1980", "1.3.2026"],
        ["A 2", "167", "vuosi", "2026-13-01"],
    )
    report = run(engine, "clients", data)
    assert where(report) == {
        (2, "Kunta", "ingest.error.unknown.municipality"),
        (3, "Asiakastunnus", "ingest.error.client_code"),
        (3, "Syntymävuosi", "ingest.error.integer"),
        (3, "Aloituspäivä", "ingest.error.date"),
    }
    frame = ingest.problems_frame(report.problems)
    assert list(frame.columns) == ["row", "column", "severity", "reason"]
    assert list(frame["row"]) == [2, 3, 3, 3]


def test_an_unknown_column_is_a_warning_and_does_not_stop_the_import(engine: Engine) -> None:
    report = run(
        engine,
        "clients",
        _clients(["A-1", "167", "1980", "1.3.2026", "x"], header=[*CLIENT_HEADER, "Muistiinpano"]),
    )
    assert report.committed
    assert [(p.column, p.key) for p in report.warnings] == [
        ("Muistiinpano", "ingest.warning.unknown_column")
    ]


def test_a_column_given_twice_is_refused(engine: Engine) -> None:
    data = _clients(
        ["A-1", "167", "1980", "1.3.2026", "2.3.2026"], header=[*CLIENT_HEADER, "entry_date"]
    )
    report = run(engine, "clients", data)
    assert (None, "entry_date", "ingest.error.duplicate_column") in where(report)


def test_an_empty_file_and_an_old_xls_file_are_refused_with_a_reason(engine: Engine) -> None:
    assert where(run(engine, "clients", b"")) == {(None, None, "ingest.error.empty")}
    old = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    assert where(run(engine, "clients", old, filename="x.xls")) == {
        (None, None, "ingest.error.xls")
    }


# ---------------------------------------------------------------------------------------------
# Files as they come from real offices


CLIENT_ROWS = [
    ["Asiakastunnus", "Kunta", "Syntymävuosi", "Aloituspäivä", "Suunnitelman tavoite"],
    ["AE-1", "Joensuu", "1980", "1.3.2026", "Työkokeilu ja jatko-opinnot"],
    ["AE-2", "90", "1990", "2026-03-02", "Yrittäjyys, tuettu"],
]


@pytest.mark.parametrize(
    ("encoding", "sep", "newline"),
    [
        ("utf-8", ";", "\n"),
        ("utf-8-sig", ";", "\r\n"),
        ("cp1252", ";", "\r\n"),
        ("utf-8", ",", "\n"),
        ("cp1252", "\t", "\n"),
    ],
    ids=["utf8-semicolon", "bom-crlf", "windows-1252", "comma", "tab"],
)
def test_encodings_and_separators_are_sniffed(
    engine: Engine, encoding: str, sep: str, newline: str
) -> None:
    rows = [[f'"{v}"' if sep in v else v for v in row] for row in CLIENT_ROWS]
    report = run(engine, "clients", csv_bytes(rows, sep=sep, encoding=encoding, newline=newline))
    assert report.committed, [p.text() for p in report.problems]
    assert report.delimiter == sep
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT code, municipality_code, entry_date, plan_goal FROM client ORDER BY code")
        ).all()
    assert [(r[0], r[1], str(r[2]), r[3]) for r in stored] == [
        ("AE-1", "167", "2026-03-01", "Työkokeilu ja jatko-opinnot"),
        ("AE-2", "090", "2026-03-02", "Yrittäjyys, tuettu"),
    ]


def test_english_headers_are_accepted(engine: Engine) -> None:
    data = csv_bytes(
        [
            ["client_code", "Municipality", "birth_year", "Entry date"],
            ["E-1", "167", "1980", "1.3.2026"],
        ]
    )
    assert run(engine, "clients", data).committed


def test_decimal_commas_thousands_spaces_and_both_date_forms_in_a_grant(engine: Engine) -> None:
    load_samples(engine, "employers", "clients")
    data = csv_bytes(
        [
            [
                "Y-tunnus",
                "Asiakastunnus",
                "Työsuhde alkaa",
                "Työsuhde päättyy",
                "Sopimustyyppi",
                "Viikkotunnit",
                "Euroa kuukaudessa",
                "Kuukaudet",
                "Summa",
                "Hakemuspäivä",
                "Päätöspäivä",
                "Päätös",
                "De minimis -tuki",
            ],
            [
                "2934871-3",
                "ESIM-0003",
                "01.10.2026",
                "2027-03-31",
                "Määräaikainen",
                "37,5",
                "1 234,50",
                "6",
                "7 407,00",
                "2026-09-20",
                "24.9.2026",
                "Myönnetty",
                "7407,00 €",
            ],
        ]
    )
    report = run(engine, "grants", data)
    assert report.committed, [p.text() for p in report.problems]
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT weekly_hours, monthly_amount, amount, de_minimis_amount, employment_start, "
                "employment_end, decision FROM bonus_grant g JOIN client c ON c.id = g.client_id "
                "WHERE c.code = 'ESIM-0003'"
            )
        ).one()
    assert [Decimal(str(v)) for v in row[:4]] == [
        Decimal("37.5"),
        Decimal("1234.5"),
        Decimal("7407"),
        Decimal("7407"),
    ]
    assert (str(row[4]), str(row[5]), row[6]) == ("2026-10-01", "2027-03-31", "granted")


def test_the_amount_is_computed_when_the_file_leaves_it_out(engine: Engine) -> None:
    load_samples(engine, "employers", "clients")
    data = csv_bytes(
        [
            [
                "Y-tunnus",
                "Asiakastunnus",
                "Työsuhde alkaa",
                "Sopimustyyppi",
                "Viikkotunnit",
                "Euroa kuukaudessa",
                "Kuukaudet",
                "Hakemuspäivä",
            ],
            ["2934871-3", "ESIM-0003", "1.10.2026", "permanent", "30", "550,5", "4", "20.9.2026"],
        ]
    )
    assert run(engine, "grants", data).committed
    with engine.connect() as conn:
        amount, decision = conn.execute(text("SELECT amount, decision FROM bonus_grant")).one()
    assert Decimal(str(amount)) == Decimal("2202") and decision == "pending"


def test_an_xlsx_workbook_is_accepted_with_typed_cells(engine: Engine) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Muuta"
    clients = book.create_sheet("Asiakkaat")
    clients.append(
        [
            "Asiakastunnus",
            "Kunta",
            "Syntymävuosi",
            "Aloituspäivä",
            "Tavoite saavutettu",
            "Päättymispäivä",
        ]
    )
    clients.append(["X-1", 90, 1980, date(2026, 3, 1), None, None])
    clients.append(["X-2", "Lieksa", 1975.0, "2.3.2026", True, date(2026, 6, 30)])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(engine, "clients", buffer.getvalue(), filename="asiakkaat.xlsx")
    assert report.committed, [p.text() for p in report.problems]
    assert report.sheet == "Asiakkaat"
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT code, municipality_code, birth_year, plan_goal_reached FROM client "
                "ORDER BY code"
            )
        ).all()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("X-1", "090", 1980, None),
        ("X-2", "422", 1975, True),
    ]


def test_a_broken_xlsx_file_is_refused_with_a_reason(engine: Engine) -> None:
    report = run(engine, "clients", b"PK\x03\x04 not really a workbook", filename="x.xlsx")
    assert where(report) == {(None, None, "ingest.error.bad_xlsx")}


# ---------------------------------------------------------------------------------------------
# Upserts by natural key


def test_a_changed_value_updates_the_row_in_place_and_the_audit_names_the_field(
    engine: Engine,
) -> None:
    load_samples(engine, "employers", "clients")
    # The required columns and two optional ones: the others keep their stored values
    data = csv_bytes(
        [
            [*CLIENT_HEADER, "Päättymispäivä", "Tavoite saavutettu"],
            ["ESIM-0001", "167", "1979", "3.3.2026", "1.11.2026", "ei"],
            ["ESIM-0003", "167", "1988", "1.4.2026", "", ""],
        ]
    )
    report = run(engine, "clients", data)
    assert (report.added, report.changed, report.unchanged) == (0, 1, 1)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT municipality_code, birth_year, exit_date, plan_goal_reached FROM client "
                "WHERE code = 'ESIM-0001'"
            )
        ).one()
    assert (row[0], row[1], str(row[2]), row[3]) == ("167", 1979, "2026-11-01", False)
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT plan_goal FROM client WHERE code = 'ESIM-0001'"))
        assert kept.scalar_one() == "Työkokeilun kautta työsuhteeseen"
    with Session(engine) as s:
        changes = s.exec(
            sqlmodel.select(AuditLog).where(col(AuditLog.action) == "import_change")
        ).all()
    assert {(c.entity, c.entity_id, c.field, c.new_value) for c in changes} == {
        ("client", "ESIM-0001", "exit_date", "2026-11-01"),
        ("client", "ESIM-0001", "plan_goal_reached", "false"),
    }


def test_target_groups_are_replaced_by_the_file_s(engine: Engine) -> None:
    load_samples(engine, "clients")
    data = _clients(
        ["ESIM-0004", "422", "1971", "13.4.2026", "youth|immigrants"],
        header=[*CLIENT_HEADER, "Kohderyhmät"],
    )
    report = run(engine, "clients", data)
    assert report.changed == 1
    with engine.connect() as conn:
        groups = conn.execute(
            text(
                "SELECT g.target_group_code FROM client_target_group g JOIN client c "
                "ON c.id = g.client_id WHERE c.code = 'ESIM-0004' ORDER BY 1"
            )
        ).scalars()
        assert list(groups) == ["immigrants", "youth"]
    assert run(engine, "clients", data).changed == 0


def test_private_persons_are_matched_by_name_and_municipality(engine: Engine) -> None:
    load_samples(engine, "employers")
    data = csv_bytes(
        [
            ["Y-tunnus", "Nimi", "Tyyppi", "Kunta"],
            ["", "Maatila (yksityinen työnantaja 1)", "Yksityishenkilö", "426"],
            ["", "Maatila (yksityinen työnantaja 1)", "Yksityishenkilö", "541"],
        ]
    )
    report = run(engine, "employers", data)
    assert (report.added, report.unchanged) == (1, 1)


def test_the_de_minimis_ceiling_refuses_a_grant_that_passes_it(engine: Engine) -> None:
    load_samples(engine, "employers", "clients")
    header = [
        "Y-tunnus",
        "Asiakastunnus",
        "Työsuhde alkaa",
        "Sopimustyyppi",
        "Viikkotunnit",
        "Euroa kuukaudessa",
        "Kuukaudet",
        "Hakemuspäivä",
        "De minimis -tuki",
    ]
    first = [
        "2934871-3",
        "ESIM-0001",
        "1.6.2026",
        "permanent",
        "37,5",
        "20000",
        "12",
        "20.5.2026",
        "240000",
    ]
    second = [
        "2934871-3",
        "ESIM-0003",
        "1.9.2026",
        "permanent",
        "37,5",
        "5000",
        "12",
        "20.8.2026",
        "60000,01",
    ]
    report = run(engine, "grants", csv_bytes([header, first, second]))
    assert (3, "De minimis -tuki", "ingest.error.de_minimis") in where(report)
    assert run(engine, "grants", csv_bytes([header, first])).committed
    # Near the ceiling: a warning, saved
    second[-1] = "30000"
    report = run(engine, "grants", csv_bytes([header, second]))
    assert report.committed
    assert [p.key for p in report.warnings] == ["ingest.warning.de_minimis"]


# ---------------------------------------------------------------------------------------------
# Access


def test_a_coordinator_imports_own_rows_and_other_municipalities_rows_are_problems(
    engine: Engine,
) -> None:
    own = _clients(["J-1", "167", "1980", "1.3.2026"])
    assert run(engine, "clients", own, COORDINATOR).committed
    before = data_contents(engine)
    mixed = _clients(["J-2", "167", "1980", "1.3.2026"], ["L-1", "Lieksa", "1980", "1.3.2026"])
    report = run(engine, "clients", mixed, COORDINATOR)
    assert where(report) == {(3, "Kunta", "ingest.error.not_yours")}
    assert "Lieksa" in report.errors[0].text()
    assert data_contents(engine) == before  # the refusal itself is audited


def test_a_refused_import_for_another_municipality_is_audited_once(engine: Engine) -> None:
    mixed = _clients(["L-1", "Lieksa", "1980", "1.3.2026"], ["L-2", "422", "1981", "1.3.2026"])
    assert not run(engine, "clients", mixed, COORDINATOR).committed
    with Session(engine) as s:
        rows = s.exec(sqlmodel.select(AuditLog)).all()
    assert [(r.action, r.user_email, r.municipality_code, r.detail) for r in rows] == [
        ("refused", COORDINATOR.email, "422", "edit")
    ]


def test_a_coordinator_cannot_move_or_touch_another_municipality_s_rows(engine: Engine) -> None:
    load_samples(engine, "employers", "clients")
    moved = _clients(["ESIM-0004", "167", "1971", "13.4.2026"])  # a client of Lieksa
    assert where(run(engine, "clients", moved, COORDINATOR)) == {
        (2, "Asiakastunnus", "ingest.error.client_unusable")
    }
    episode = csv_bytes(
        [["Asiakastunnus", "Tila", "Alkupäivä"], ["ESIM-0004", "work_trial", "1.5.2026"]]
    )
    assert where(run(engine, "episodes", episode, COORDINATOR)) == {
        (2, "Asiakastunnus", "ingest.error.client_unusable")
    }


# Issue 12.11: a file naming a client of another municipality, for every kind that names one
_CLIENT_ROWS = {
    "clients": [CLIENT_HEADER, ["{code}", "167", "1971", "13.4.2026"]],
    "episodes": [["Asiakastunnus", "Tila", "Alkupäivä"], ["{code}", "work_trial", "1.5.2026"]],
    "outcomes": [["Asiakastunnus", "Tulos", "Päivämäärä"], ["{code}", "education", "1.9.2026"]],
    "grants": [
        [
            "Y-tunnus", "Asiakastunnus", "Työsuhde alkaa", "Sopimustyyppi", "Viikkotunnit",
            "Euroa kuukaudessa", "Kuukaudet", "Hakemuspäivä",
        ],
        ["2934871-3", "{code}", "1.10.2026", "fixed_term", "30", "500", "6", "20.9.2026"],
    ],
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(_CLIENT_ROWS))
def test_a_code_of_another_municipality_reads_as_a_code_that_cannot_be_used(
    engine: Engine, case: str
) -> None:
    load_samples(engine, "employers", "clients")  # ESIM-0004 is a client of Lieksa
    kind = case
    said = {}
    for code in ("ESIM-0004", "EI-OLE-9"):
        rows = [[cell.format(code=code) for cell in row] for row in _CLIENT_ROWS[case]]
        report = run(engine, kind, csv_bytes(rows), COORDINATOR, dry_run=True)
        texts = [
            p.text(lang).replace(code, "<code>") for p in report.errors for lang in ("fi", "en")
        ]
        assert not any("Lieksa" in text for text in texts), texts
        said[code] = (where(report), texts)
    if kind == "clients":  # a new client EI-OLE-9 is fine: only the taken code fails
        keys, texts = said["ESIM-0004"]
        assert keys == {(2, "Asiakastunnus", "ingest.error.client_unusable")}
        assert texts == [
            "rivi 2, sarake Asiakastunnus: asiakastunnusta ”<code>” ei voi käyttää",
            "row 2, column Asiakastunnus: the client code “<code>” cannot be used",
        ]
    else:
        assert said["ESIM-0004"] == said["EI-OLE-9"]
        assert said["ESIM-0004"][0] == {(2, "Asiakastunnus", "ingest.error.client_unusable")}


def test_a_coordinator_may_add_employers_of_no_municipality_but_not_of_another(
    engine: Engine,
) -> None:
    data = csv_bytes(
        [
            ["Y-tunnus", "Nimi", "Tyyppi", "Kunta"],
            ["2934871-3", "Alueen Yritys Oy", "company", ""],
            ["3012557-6", "Joensuun Yritys Oy", "company", "167"],
        ]
    )
    assert run(engine, "employers", data, COORDINATOR).committed
    other = csv_bytes(
        [["Y-tunnus", "Nimi", "Tyyppi", "Kunta"], ["2418865-0", "Lieksan Oy", "company", "422"]]
    )
    assert where(run(engine, "employers", other, COORDINATOR)) == {
        (2, "Kunta", "ingest.error.not_yours")
    }


def test_region_wide_costs_are_for_admins(engine: Engine) -> None:
    data = csv_bytes(
        [
            ["Budjettirivi", "Kirjauspäivä", "Summa", "Kuvaus"],
            ["salaries", "20.4.2026", "100", "Palkat"],
        ]
    )
    assert where(run(engine, "costs", data, COORDINATOR)) == {
        (2, "Budjettirivi", "ingest.error.not_yours")
    }
    assert run(engine, "costs", data, SYSTEM).committed


@pytest.mark.parametrize("actor", [DIRECTOR, ANALYST, None], ids=["director", "analyst", "nobody"])
def test_roles_that_edit_nothing_are_refused_before_the_file_is_read(
    engine: Engine, actor: Actor | None
) -> None:
    before = contents(engine)
    with pytest.raises(AccessDenied):
        ingest.import_file(engine, actor, "clients", _clients(["A-1", "167", "1980", "1.3.2026"]))
    assert contents(engine) == before


# ---------------------------------------------------------------------------------------------
# Dry run, templates, headers


def test_a_dry_run_reports_what_would_change_and_writes_nothing(engine: Engine) -> None:
    before = contents(engine)
    report = run(engine, "employers", ingest.sample_path("employers").read_bytes(), dry_run=True)
    assert report.ok and not report.committed
    assert (report.added, report.changed) == (6, 0)
    assert list(report.preview["_action"]) == ["added"] * 6
    assert contents(engine) == before


def test_each_template_is_the_headers_and_imports_as_an_empty_file(engine: Engine) -> None:
    for kind in ingest.KIND_NAMES:
        template = ingest.template_csv(kind)
        assert template.startswith(b"\xef\xbb\xbf")
        assert template.decode("utf-8-sig").strip() == ";".join(ingest.KINDS[kind].headers)
        report = run(engine, kind, template)
        assert report.ok and report.rows == 0, kind
        workbook = ingest.template_xlsx(kind)
        raw = ingest.read_table(workbook, "pohja.xlsx", kind)
        assert raw.headers == ingest.KINDS[kind].headers and raw.sheet == ingest.KINDS[kind].sheet


def test_no_two_columns_of_a_kind_accept_the_same_header() -> None:
    for kind in ingest.KINDS.values():
        seen: dict[str, str] = {}
        for column in kind.columns:
            for header in {column.header, column.name, *column.aliases}:
                normal = ingest.normalise_header(header)
                assert seen.setdefault(normal, column.name) == column.name, (kind.name, header)


def test_every_reason_key_has_a_message_in_both_languages() -> None:
    sources = [
        *(ingest.ROOT / "polku").glob("ingest/*.py"),
        *(ingest.ROOT / "polku").glob("rules/*.py"),
    ]
    source = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    keys = set(re.findall(r"\"(ingest\.(?:error|warning)\.[a-z_.]+)\"", source))
    keys |= {
        f"ingest.error.unknown.{c.choices}"
        for k in ingest.KINDS.values()
        for c in k.columns
        if c.choices
    }
    assert len(keys) > 30
    for key in keys:
        assert key in i18n.CATALOGS["fi"] and key in i18n.CATALOGS["en"], key


# ---------------------------------------------------------------------------------------------
# The command line


def cli(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, str]:
    """`python -m polku ...` in this process (quick); returns (exit code, stdout, stderr)."""
    from polku import cli as command

    code = command.main([*args, "--database-url", db_url])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_import_exits_0_and_a_second_run_changes_nothing(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for kind in ("employers", "clients"):
        code, out, err = cli(capsys, db_url, "import", kind, f"data/sample/{kind}.csv")
        assert code == 0, err
        assert "lisätty" in out
    code, out, _ = cli(capsys, db_url, "import", "clients", "data/sample/clients.csv")
    assert code == 0
    assert "0 lisätty, 0 muutettu, 8 ennallaan" in out


def test_cli_import_of_a_broken_file_exits_1_with_problems_on_stderr(db_url: str, tmp_path) -> None:
    """A real process, as a user runs it."""
    from polku import db

    path = tmp_path / "asiakkaat.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["Asiakastunnus", "Kunta", "Syntymävuosi", "aloituspvm"],
                ["A-1", "167", "1980", "1.3.2026"],
                ["A-2", "999", "1980", "1.1.2020"],
            ]
        )
    )
    engine = db.make_engine(db_url)
    before = contents(engine)
    result = polku("import", "clients", str(path), database_url=db_url)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "rivi 3, sarake aloituspvm: päivämäärä ei ole hankekaudella 1.3.2026–30.9.2029" in lines
    assert any(line.startswith("rivi 3, sarake Kunta: tuntematon kunta") for line in lines)
    assert result.stdout == ""
    assert contents(engine) == before
    engine.dispose()


def test_cli_dry_run_writes_nothing_and_language_follows_the_setting(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from polku import db
    from polku.config import get_settings

    engine = db.make_engine(db_url)
    before = contents(engine)
    code, out, err = cli(
        capsys, db_url, "import", "employers", "data/sample/employers.csv", "--dry-run"
    )
    assert code == 0, err
    assert "6 lisätään" in out
    assert contents(engine) == before
    engine.dispose()
    monkeypatch.setenv("POLKU_LANGUAGE", "en")
    get_settings.cache_clear()
    try:
        code, out, err = cli(capsys, db_url, "import", "grants", "data/sample/grants.csv")
    finally:
        get_settings.cache_clear()
    assert code == 1 and out == ""
    assert "row 2, column Asiakastunnus: the client “ESIM-0002” is not in Polku" in err


def test_cli_refuses_an_unknown_kind_and_a_missing_file(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as usage:
        cli(capsys, db_url, "import", "people", "x.csv")
    assert usage.value.code == 2
    code, _, err = cli(capsys, db_url, "import", "clients", "no/such/file.csv")
    assert code == 1 and "no/such/file.csv" in err
