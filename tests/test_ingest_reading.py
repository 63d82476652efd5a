"""The reading part of polku/ingest/ (bytes → rows) on real databases: limits refused before
parsing, identity codes found wherever a file hides them, damaged workbooks, and every problem
of a file listed in one pass."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine

from polku import i18n, ingest
from polku.config import get_settings
from tests.test_ingest import CLIENT_HEADER, contents, csv_bytes, run, where

HETU = "010594Y9021"  # a valid henkilötunnus (check character Y... mod 31)


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Set POLKU_IMPORT_* variables in a test; the settings are read anew."""
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


def _set(monkeypatch: pytest.MonkeyPatch, **values: int) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"POLKU_IMPORT_{name.upper()}", str(value))
    get_settings.cache_clear()


def _workbook(rows: list[list[object]], title: str = "Asiakkaat") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _replace_part(workbook: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one zip member's content replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = content if info.filename == name else src.read(info.filename)
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _zip_bomb(unpacked_mb: int) -> bytes:
    """A valid workbook whose sheet expands to `unpacked_mb` MB of XML: a few kB as a file."""
    base = _workbook([CLIENT_HEADER])
    sheet = "xl/worksheets/sheet1.xml"
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>'
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != sheet:
                dst.writestr(info, src.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
                continue
            head, tail = src.read(sheet).split(b"</sheetData>")
            info = zipfile.ZipInfo(sheet)
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w") as part:
                part.write(head)
                chunk = row * (1_000_000 // len(row))
                for _ in range(unpacked_mb):
                    part.write(chunk)
                part.write(b"</sheetData>" + tail)
    return out.getvalue()


def _texts(report: ingest.ImportReport) -> str:
    return "\n".join(p.text(lang) for p in report.problems for lang in ("fi", "en"))


# ---------------------------------------------------------------------------------------------
# 12.5: limits, checked before parsing


def test_a_file_over_the_byte_limit_is_refused_before_it_is_parsed(
    engine: Engine, limits: pytest.MonkeyPatch
) -> None:
    _set(limits, max_bytes=1_000_000)
    rows = [CLIENT_HEADER] + [[f"A-{i}", "167", "1980", "1.3.2026"] for i in range(60_000)]
    data = csv_bytes(rows)
    assert len(data) > 1_000_000
    before = contents(engine)
    report = run(engine, "clients", data)
    assert [(p.key, dict(p.params)) for p in report.problems] == [
        ("ingest.error.too_large", {"size": -(-len(data) // 1_000_000), "max": 1})
    ]
    assert report.rows == 0 and contents(engine) == before
    assert report.problems[0].text("fi").startswith("Tiedosto on liian suuri")


def test_a_zip_bomb_workbook_is_refused_from_its_central_directory(
    engine: Engine, limits: pytest.MonkeyPatch
) -> None:
    _set(limits, max_unpacked_bytes=5_000_000)
    bomb = _zip_bomb(30)
    assert len(bomb) < 200_000
    started = time.perf_counter()
    report = run(engine, "clients", bomb, filename="pommi.xlsx")
    assert time.perf_counter() - started < 2  # openpyxl would take far longer on 30 MB
    assert where(report) == {(None, None, "ingest.error.too_large_unpacked")}
    assert dict(report.problems[0].params) == {"size": 31, "max": 5}


def test_too_many_rows_are_refused_in_a_csv_and_in_a_workbook(
    engine: Engine, limits: pytest.MonkeyPatch
) -> None:
    _set(limits, max_rows=50)
    rows = [CLIENT_HEADER] + [[f"A-{i}", "167", "1980", "1.3.2026"] for i in range(51)]
    for data, name in ((csv_bytes(rows), "a.csv"), (_workbook(rows), "a.xlsx")):
        report = run(engine, "clients", data, filename=name)
        assert where(report) == {(None, None, "ingest.error.too_many_rows")}, name
        assert dict(report.problems[0].params) == {"max": 50}
    # At the limit the file is read
    assert run(engine, "clients", csv_bytes(rows[:51]), dry_run=True).ok


def test_a_cell_over_the_length_limit_is_a_problem_of_its_own_not_echoed(
    engine: Engine, limits: pytest.MonkeyPatch
) -> None:
    _set(limits, max_cell_chars=40)
    long = "pitkä" * 9  # 45 characters
    header = [*CLIENT_HEADER, "Suunnitelman tavoite"]
    rows = [header, ["A-1", "167", "1980", "1.3.2026", long], ["A-2", "167", "1980", "32.3.2026"]]
    report = run(engine, "clients", csv_bytes(rows))
    assert where(report) == {
        (2, "Suunnitelman tavoite", "ingest.error.cell_too_long"),
        (3, "Aloituspäivä", "ingest.error.date"),
    }
    assert long not in _texts(report) and long not in report.preview.to_string()


def test_the_default_limits_take_the_project_s_50_000_row_client_import() -> None:
    get_settings.cache_clear()
    rows = [CLIENT_HEADER] + [[f"A-{i:05d}", "167", "1980", "1.3.2026"] for i in range(50_000)]
    raw = ingest.read_table(csv_bytes(rows), "asiakkaat.csv", "clients")
    assert len(raw.rows) == 50_000 and not raw.notes


def test_a_commit_reuses_the_table_its_preview_read(engine: Engine) -> None:
    data = csv_bytes([CLIENT_HEADER, ["A-1", "167", "1980", "1.3.2026"]])
    preview = run(engine, "clients", data, dry_run=True)
    assert preview.ok and preview.table is not None
    # No bytes at all: the commit works from the table alone
    report = run(engine, "clients", b"", table=preview.table)
    assert report.committed and report.added == 1
    # A file with a code in it leaves no table to reuse
    refused = run(engine, "clients", csv_bytes([CLIENT_HEADER, ["A-2", "167", "1980", HETU]]))
    assert refused.table is None


# ---------------------------------------------------------------------------------------------
# 12.2(b): identity codes wherever they hide


@pytest.mark.parametrize(
    "line",
    [f'"{HETU[:6]}"{HETU[6:]}', f'"{HETU[:4]}"{HETU[4:]}', f'"{HETU}"', f'"x "{HETU}'],
)
def test_a_code_split_by_quotes_is_refused_without_being_echoed(engine: Engine, line: str) -> None:
    data = (";".join([*CLIENT_HEADER, "Huomio"]) + f"\nA-1;167;1980;1.3.2026;{line}\n").encode()
    before = contents(engine)
    report = run(engine, "clients", data)
    assert not report.ok and contents(engine) == before
    assert {(p.row, p.column) for p in report.errors} == {(2, "Huomio")}
    assert report.errors[0].key in ("ingest.error.hetu", "ingest.error.hetu_like")
    assert HETU[:6] not in _texts(report) and HETU[:6] not in report.preview.to_string()


def test_a_code_in_a_header_is_refused_naming_the_column_by_its_place(engine: Engine) -> None:
    header = [*CLIENT_HEADER, HETU]
    rows = [header, ["A-1", "167", "1980", "1.3.2026", "x"]]
    for data, name in ((csv_bytes(rows), "a.csv"), (_workbook(rows), "a.xlsx")):
        report = run(engine, "clients", data, filename=name)
        assert (1, "#5", "ingest.error.hetu") in where(report), name
        assert HETU not in _texts(report) and HETU not in report.preview.to_string()


def test_a_code_in_any_cell_of_a_workbook_is_refused(engine: Engine) -> None:
    rows: list[list[object]] = [
        [*CLIENT_HEADER, "Huomio"],
        ["A-1", "167", 1980, date(2026, 3, 1), None, f"asiakas {HETU} soitti"],
        ["A-2", "167", 1980, HETU],
    ]
    report = run(engine, "clients", _workbook(rows), filename="a.xlsx")
    assert {(p.row, p.column, p.key) for p in report.errors} == {
        (2, "#6", "ingest.error.hetu"),  # a cell of no header
        (3, "Aloituspäivä", "ingest.error.hetu"),
    }
    assert HETU not in _texts(report) and HETU not in report.preview.to_string()


def test_a_code_as_a_sheet_name_or_in_a_row_of_the_wrong_shape_is_refused(
    engine: Engine,
) -> None:
    rows: list[list[object]] = [CLIENT_HEADER, ["A-1", "167", 1980, "1.3.2026"]]
    sheet = HETU.replace("Y", "-")  # 010594-9021, as a sheet name may hold it
    report = run(engine, "clients", _workbook(rows, title=sheet), filename="a.xlsx")
    assert ("ingest.error.hetu_sheet" in {p.key for p in report.errors}) and report.sheet is None
    wide = csv_bytes([CLIENT_HEADER, ["A-1", "167", "1980", "1.3.2026", HETU]])
    report = run(engine, "clients", wide)
    assert where(report) == {
        (2, None, "ingest.error.bad_line"),
        (2, "#5", "ingest.error.hetu"),
    }
    assert HETU not in _texts(report)


# ---------------------------------------------------------------------------------------------
# 12.10: damaged workbooks


@pytest.mark.parametrize(
    "part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"]
)
def test_a_workbook_with_malformed_xml_is_not_a_readable_excel_file(
    engine: Engine, part: str
) -> None:
    good = _workbook([CLIENT_HEADER, ["A-1", "167", 1980, "1.3.2026"]])
    broken = _replace_part(good, part, b"<worksheet><sheetData><row r='1'><c r='A1'")
    report = run(engine, "clients", broken, filename="a.xlsx")
    assert where(report) == {(None, None, "ingest.error.bad_xlsx")}
    assert report.problems[0].text("fi") == i18n.t("ingest.error.bad_xlsx", "fi")


# ---------------------------------------------------------------------------------------------
# 13.8: every problem of a file in one pass


def test_every_row_of_the_wrong_shape_and_every_other_problem_are_listed(engine: Engine) -> None:
    data = csv_bytes(
        [
            CLIENT_HEADER,
            ["A-1", "167", "1980", "1.3.2026", "ylimääräinen"],
            ["A-2", "167", "1980", "32.3.2026"],
            ["A-3", "167", "1980", "1.3.2026", "", ""],  # empty cells after the last: fine
            ["A-4", "167", "1980", "1.3.2026", "x", "y"],
            ["A-5", "167", "1980", "1.3.2026"],
        ]
    )
    report = run(engine, "clients", data, dry_run=True)
    assert where(report) == {
        (2, None, "ingest.error.bad_line"),
        (3, "Aloituspäivä", "ingest.error.date"),
        (5, None, "ingest.error.bad_line"),
    }
    assert report.rows == 5 and report.fine_rows == 2


def test_a_missing_column_does_not_hide_the_values_problems(engine: Engine) -> None:
    data = csv_bytes([["Asiakastunnus", "Kunta", "Aloituspäivä"], ["A-1", "Tampere", "1.3.2026"]])
    report = run(engine, "clients", data)
    assert where(report) == {
        (None, "Syntymävuosi", "ingest.error.missing_column"),
        (2, "Kunta", "ingest.error.unknown.municipality"),
    }
    assert report.fine_rows == 0
