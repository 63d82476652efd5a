"""polku/exports.py on real databases: export → import of the sample data gives the same
database, CSV cells that would run as formulas are neutralised, the workbook has a sheet per
table, the Parquet snapshot carries a data dictionary and opens with the same indicators, and
every export holds only what its viewer may see."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select, text

from models import metadata
from polku import db, exports, i18n, ingest, metrics, sample
from polku.access import AccessDenied, Actor
from polku.users import SYSTEM
from tests.conftest import Backend
from tests.test_ingest import (
    ANALYST,
    COORDINATOR,
    DIRECTOR,
    cli,
    contents,
    csv_bytes,
    load_samples,
    run,
)

SCALE = 0.05


@pytest.fixture
def source(engine: Engine) -> Engine:
    """The synthetic sample at a small scale."""
    with db.session_scope(engine) as session:
        sample.load_sample(session, scale=SCALE)
    return engine


@pytest.fixture
def target(backend: Backend) -> Iterator[Engine]:
    """A second fresh database on the same backend (`init` without the sample)."""
    engine = db.make_engine(backend.prepared())
    yield engine
    engine.dispose()


def _import_directory(engine: Engine, files: dict[str, Path]) -> None:
    for kind in ingest.IMPORT_ORDER:
        report = ingest.import_file(
            engine, SYSTEM, kind, files[kind].read_bytes(), files[kind].name
        )
        assert report.committed, (kind, [p.text() for p in report.problems[:5]])
        assert report.added == report.rows, kind


def _same_kinds(a: Engine, b: Engine) -> None:
    for kind in ingest.IMPORT_ORDER:
        left, right = exports.kind_frame(a, SYSTEM, kind), exports.kind_frame(b, SYSTEM, kind)
        assert len(left) > 0, kind
        pd.testing.assert_frame_equal(left, right, obj=kind)


def _kpis(engine: Engine, municipality: str | None = None) -> pd.DataFrame:
    return metrics.kpis(engine, SYSTEM, municipality, sample.SAMPLE_AS_OF)


# ---------------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_csv_export_then_import_into_a_fresh_database_gives_the_same_content(
    source: Engine, target: Engine, tmp_path: Path, lang: str
) -> None:
    result = exports.export(source, SYSTEM, "csv", tmp_path, lang=lang)
    files = {path.stem: path for path in result.files}
    assert set(files) == {*ingest.IMPORT_ORDER, exports.PAYMENTS}
    _import_directory(target, files)
    _same_kinds(source, target)
    pd.testing.assert_frame_equal(_kpis(source), _kpis(target))
    # And once more: the same files change nothing
    before = {k: v for k, v in contents(target).items() if k != "audit_log"}
    for kind in ingest.IMPORT_ORDER:
        again = ingest.import_file(target, SYSTEM, kind, files[kind].read_bytes(), "x.csv")
        assert (again.added, again.changed) == (0, 0), kind
    assert {k: v for k, v in contents(target).items() if k != "audit_log"} == before


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_the_workbook_has_a_sheet_per_table_and_imports_back_as_it_is(
    source: Engine, target: Engine, tmp_path: Path, lang: str
) -> None:
    result = exports.export(source, SYSTEM, "xlsx", tmp_path, lang=lang)
    [path] = result.files
    book = load_workbook(path, read_only=True)
    expected = [ingest.KINDS[k].sheet for k in ingest.IMPORT_ORDER]
    assert book.sheetnames == [*expected, exports.PAYMENTS_SHEET, exports.INFO_SHEET]
    for kind in ingest.IMPORT_ORDER:
        header = next(book[ingest.KINDS[kind].sheet].iter_rows(max_row=1, values_only=True))
        assert list(header) == ingest.KINDS[kind].headers
    book.close()
    content = path.read_bytes()
    for kind in ingest.IMPORT_ORDER:
        report = ingest.import_file(target, SYSTEM, kind, content, path.name)
        assert report.committed and report.sheet == ingest.KINDS[kind].sheet, kind
    _same_kinds(source, target)


# ---------------------------------------------------------------------------------------------
# Formulas


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("Tavallinen teksti", "Tavallinen teksti"),
    ],
)
def test_text_a_spreadsheet_would_run_as_a_formula_gets_an_apostrophe(
    value: str, written: str
) -> None:
    assert exports.neutralise(value) == written
    assert exports.csv_cell(value) == written


def test_numbers_are_not_neutralised_and_use_decimal_commas() -> None:
    from decimal import Decimal

    assert exports.csv_cell(Decimal("-12.50")) == "-12,50"
    assert exports.csv_cell(True) == "kyllä"
    assert exports.csv_cell(None) == ""


def test_formula_text_is_neutralised_in_csv_stored_as_text_in_xlsx_and_imports_back(
    engine: Engine, target: Engine, tmp_path: Path
) -> None:
    formula = "=SUMMA(A1:A9)*10"

    data = csv_bytes(
        [
            ["Asiakastunnus", "Kunta", "Syntymävuosi", "Aloituspäivä", "Suunnitelman tavoite"],
            ["F-1", "167", "1980", "1.3.2026", formula],
            ["F-2", "167", "1981", "1.3.2026", "@komento"],
        ]
    )
    assert run(engine, "clients", data).committed
    exports.export(engine, SYSTEM, "csv", tmp_path / "csv")
    with (tmp_path / "csv" / "clients.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    goals = {row[0]: row[10] for row in rows[1:]}
    assert goals == {"F-1": "'" + formula, "F-2": "'@komento"}
    report = run(target, "clients", (tmp_path / "csv" / "clients.csv").read_bytes())
    assert report.committed
    with target.connect() as conn:
        stored = dict(conn.execute(text("SELECT code, plan_goal FROM client")).all())
    assert stored == {"F-1": formula, "F-2": "@komento"}

    [workbook] = exports.export(engine, SYSTEM, "xlsx", tmp_path / "xlsx").files
    sheet = load_workbook(workbook)[ingest.KINDS["clients"].sheet]
    cells = [row[10] for row in sheet.iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [(formula, "s"), ("@komento", "s")]
    # Excel keeps them text even when someone edits the cell
    assert all(c.quotePrefix for c in cells)


# ---------------------------------------------------------------------------------------------
# The Parquet snapshot


def test_the_parquet_snapshot_holds_every_table_with_a_data_dictionary_and_a_manifest(
    source: Engine, tmp_path: Path
) -> None:
    result = exports.export(source, SYSTEM, "parquet", tmp_path)
    names = {p.name for p in result.files}
    tables = [t.name for t in exports.snapshot_tables()]
    assert {f"{t}.parquet" for t in tables} | {"data_dictionary.csv", "manifest.json"} == names
    for private in exports.PRIVATE_TABLES:
        assert f"{private}.parquet" not in names
    with source.connect() as conn:
        for name in tables:
            stored = conn.execute(select(func.count()).select_from(metadata.tables[name]))
            assert pq.read_table(tmp_path / f"{name}.parquet").num_rows == stored.scalar_one()
    schema = pq.read_schema(tmp_path / "client.parquet")
    assert str(schema.field("entry_date").type) == "date32[day]"
    assert str(pq.read_schema(tmp_path / "bonus_grant.parquet").field("amount").type) == (
        "decimal128(12, 2)"
    )
    dictionary = pd.read_csv(tmp_path / "data_dictionary.csv")
    assert list(dictionary.columns[:3]) == ["table", "column", "type"]
    expected = {(t.name, c.name) for t in exports.snapshot_tables() for c in t.c}
    assert set(zip(dictionary["table"], dictionary["column"], strict=True)) == expected
    assert dictionary["description_fi"].notna().all() and dictionary["description_en"].notna().all()
    described = dictionary.set_index(["table", "column"])
    assert "Syntymävuosi" in described.loc[("client", "birth_year"), "description_fi"]
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == exports.SNAPSHOT_FORMAT and manifest["scope"] == "all"
    assert (
        manifest["tables"]["client"]["rows"] == pq.read_table(tmp_path / "client.parquet").num_rows
    )


def test_open_snapshot_gives_the_same_indicators_as_the_source(
    source: Engine, tmp_path: Path
) -> None:
    exports.export(source, SYSTEM, "parquet", tmp_path / "snap")
    snapshot = exports.open_snapshot(tmp_path / "snap", tmp_path / "snapshot.db")
    try:
        assert snapshot.url.get_backend_name() == "sqlite"
        for municipality in (None, "167", "707"):
            pd.testing.assert_frame_equal(
                _kpis(source, municipality), _kpis(snapshot, municipality)
            )
        assert metrics.overview(source, SYSTEM, None, sample.SAMPLE_AS_OF) == metrics.overview(
            snapshot, SYSTEM, None, sample.SAMPLE_AS_OF
        )
        assert db.current_revision(snapshot) == db.current_revision(source)
    finally:
        snapshot.dispose()


def test_open_snapshot_refuses_a_directory_without_a_manifest(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        exports.open_snapshot(tmp_path)


# ---------------------------------------------------------------------------------------------
# Only what the viewer may see


def _csv_frame(directory: Path, kind: str) -> pd.DataFrame:
    return pd.read_csv(directory / f"{kind}.csv", sep=";", dtype=str, encoding="utf-8-sig")


def test_a_coordinator_exports_only_the_client_rows_of_their_municipalities(
    source: Engine, tmp_path: Path
) -> None:
    result = exports.export(source, COORDINATOR, "csv", tmp_path)
    assert result.rows["clients"] > 0
    clients = _csv_frame(tmp_path, "clients")
    assert set(clients["Kunta"]) == {"Joensuu"}
    with source.connect() as conn:
        own = set(
            conn.execute(text("SELECT code FROM client WHERE municipality_code = '167'")).scalars()
        )
    assert set(clients["Asiakastunnus"]) == own
    for kind in ("episodes", "outcomes", "grants", exports.PAYMENTS):
        frame = _csv_frame(tmp_path, kind)
        assert set(frame["Asiakastunnus"]) <= own, kind
    costs = _csv_frame(tmp_path, "costs")
    assert set(costs["Kunta"].dropna()) <= {"Joensuu"} and costs["Kunta"].notna().all()
    # Every employer its rows name is there, so the files import back
    employers = _csv_frame(tmp_path, "employers")
    named = set(_csv_frame(tmp_path, "outcomes")["Työnantajan Y-tunnus"].dropna())
    assert named <= set(employers["Y-tunnus"].dropna())

    exports.export(source, COORDINATOR, "parquet", tmp_path / "snap")
    snapshot = pq.read_table(tmp_path / "snap" / "client.parquet").to_pandas()
    assert set(snapshot["municipality_code"]) == {"167"}
    episodes = pq.read_table(tmp_path / "snap" / "status_episode.parquet").to_pandas()
    assert set(episodes["client_id"]) <= set(snapshot["id"])
    manifest = json.loads((tmp_path / "snap" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scope"] == ["167"]


def test_an_analyst_exports_everything_and_a_director_nothing(
    source: Engine, tmp_path: Path
) -> None:
    result = exports.export(source, ANALYST, "csv", tmp_path)
    with source.connect() as conn:
        total = conn.execute(text("SELECT COUNT(*) FROM client")).scalar_one()
    assert result.rows["clients"] == total
    before = contents(source)
    for fmt in exports.FORMATS:
        with pytest.raises(AccessDenied):
            exports.export(source, DIRECTOR, fmt, tmp_path / fmt)
        with pytest.raises(AccessDenied):
            exports.export_zip(source, DIRECTOR, fmt)
        assert not (tmp_path / fmt).exists()
    with pytest.raises(AccessDenied):
        exports.export(source, None, "csv", tmp_path / "nobody")
    assert contents(source) == before


def test_an_export_is_audited_without_personal_data(source: Engine, tmp_path: Path) -> None:
    exports.export(source, COORDINATOR, "xlsx", tmp_path)
    with source.connect() as conn:
        row = conn.execute(
            text("SELECT user_email, entity, detail FROM audit_log WHERE action = 'export'")
        ).one()
    assert row[0] == COORDINATOR.email and row[1] == "xlsx"
    assert "scope=167" in row[2] and "format=xlsx" in row[2]


def test_the_zip_for_the_page_holds_the_files_of_the_format(source: Engine) -> None:
    coordinator = Actor("k@example.fi", "coordinator", frozenset({"422"}))
    archive = zipfile.ZipFile(io.BytesIO(exports.export_zip(source, coordinator, "csv")))
    assert sorted(archive.namelist()) == sorted(
        f"{k}.csv" for k in exports.export_kinds(coordinator)
    )
    assert "staff.csv" not in archive.namelist()  # staff and salaries: admins only
    clients = pd.read_csv(archive.open("clients.csv"), sep=";", dtype=str, encoding="utf-8-sig")
    assert set(clients["Kunta"]) <= {"Lieksa"}
    parquet = zipfile.ZipFile(io.BytesIO(exports.export_zip(source, SYSTEM, "parquet")))
    assert {"manifest.json", "data_dictionary.csv", "client.parquet"} <= set(parquet.namelist())


def test_cli_export_writes_the_files_as_the_system(
    source: Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, db_url, "export", "--format", "parquet", str(tmp_path / "p"))
    assert code == 0, err
    assert (tmp_path / "p" / "client.parquet").exists()
    assert str(tmp_path / "p" / "manifest.json") in out.splitlines()
    code, _, _ = cli(capsys, db_url, "export", "--format", "csv", str(tmp_path / "c"))
    assert code == 0 and (tmp_path / "c" / "clients.csv").exists()
    with pytest.raises(SystemExit) as usage:
        cli(capsys, db_url, "export", "--format", "pdf", str(tmp_path / "x"))
    assert usage.value.code == 2


# ---------------------------------------------------------------------------------------------
# Names and Finnish formats for people, codes for machines


def _csv_rows(directory: Path, kind: str) -> dict[str, dict[str, str]]:
    """The rows of an exported CSV file as header → cell, by their first column."""
    with (directory / f"{kind}.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    return {
        row[2] if kind == "grants" else row[0]: dict(zip(rows[0], row, strict=True))
        for row in rows[1:]
    }


def test_the_csv_files_show_names_finnish_dates_decimal_commas_and_empty_cells(
    engine: Engine, tmp_path: Path
) -> None:
    load_samples(engine, "employers", "clients", "grants")
    exports.export(engine, SYSTEM, "csv", tmp_path / "fi")
    # data/sample: ESIM-0002;167;1996;Nainen;isced_3_4;Työtön;8;Nuoret;16.3.2026;30.9.2026;..;kyllä
    client = _csv_rows(tmp_path / "fi", "clients")["ESIM-0002"]
    assert client["Kunta"] == "Joensuu"
    assert client["Sukupuoli"] == "Nainen"
    assert client["Koulutustaso"] == i18n.code_label("education_level", "isced_3_4", "fi")
    assert client["Työmarkkina-asema"] == "Työtön"
    assert client["Kohderyhmät"] == "Nuoret"
    assert (client["Aloituspäivä"], client["Päättymispäivä"]) == ("16.3.2026", "30.9.2026")
    assert client["Tavoite saavutettu"] == "kyllä"
    assert _csv_rows(tmp_path / "fi", "clients")["ESIM-0001"]["Päättymispäivä"] == ""
    # 2934871-3;..;ESIM-0002;28.9.2026;;Toistaiseksi voimassa oleva;37,5;800,00;12;9 600,00;..
    grant = _csv_rows(tmp_path / "fi", "grants")["ESIM-0002"]
    assert grant["Sopimustyyppi"] == "Toistaiseksi voimassa oleva"
    assert grant["Päätös"] == "Myönnetty"
    assert (grant["Viikkotunnit"], grant["Euroa kuukaudessa"]) == ("37,50", "800,00")
    assert (grant["Summa"], grant["Kuukaudet"]) == ("9600,00", "12")
    assert (grant["Työsuhde alkaa"], grant["Työsuhde päättyy"]) == ("28.9.2026", "")
    assert grant["Työssä 6 kk jälkeen"] == ""

    exports.export(engine, SYSTEM, "csv", tmp_path / "en", lang="en")
    client = _csv_rows(tmp_path / "en", "clients")["ESIM-0002"]
    assert (client["Sukupuoli"], client["Kohderyhmät"], client["Kunta"]) == (
        "Female",
        "Young people",
        "Joensuu",
    )
    assert (client["Aloituspäivä"], client["Tavoite saavutettu"]) == ("16.3.2026", "yes")
    grant = _csv_rows(tmp_path / "en", "grants")["ESIM-0002"]
    assert (grant["Sopimustyyppi"], grant["Päätös"]) == ("Permanent", "Granted")
    assert grant["Summa"] == "9600,00"


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def test_no_csv_cell_holds_a_code_an_iso_date_or_a_long_float(
    source: Engine, tmp_path: Path
) -> None:
    exports.export(source, SYSTEM, "csv", tmp_path)
    with source.connect() as conn:
        codes = {
            name: set(conn.execute(text(f"SELECT code FROM {name}")).scalars())
            for name in (
                "municipality",
                "client_status",
                "target_group",
                "outcome_type",
                "staff_role",
            )
        }
        codes["budget_line"] = set(conn.execute(text("SELECT code FROM budget_line")).scalars())
    codes |= {name: set(values) for name, values in i18n.CODE_SETS.items()}
    checked = 0
    for kind in exports.EXPORT_KINDS:
        frame = _csv_frame(tmp_path, kind).fillna("")
        for header, column in zip(exports.headers_of(kind), exports.columns_of(kind), strict=True):
            spec = None if kind == exports.PAYMENTS else ingest.KINDS[kind].column(column)
            for cell in frame[header]:
                assert not _ISO_DATE.match(cell) and cell != "None", (kind, header, cell)
                if spec is not None and spec.choices:
                    parts = cell.split(", ") if spec.type == "choices" else [cell]
                    assert not set(parts) & codes[spec.choices], (kind, header, cell)
                    checked += 1
                if spec is not None and spec.type == "decimal" and cell:
                    # euros and hours to cents, a share of full time (fte) to thousandths
                    assert re.fullmatch(r"-?\d+,\d{2,3}", cell), (kind, header, cell)
    assert checked > 100


def test_csv_cells_round_floats_to_cents_and_write_finnish_dates() -> None:
    assert exports.csv_cell(114.5912910618793) == "114,59"
    assert exports.csv_cell(2.675) == "2,68"
    assert exports.csv_cell(date(2026, 3, 1)) == "1.3.2026"
    assert exports.csv_cell(pd.NaT) == "" and exports.csv_cell(float("nan")) == ""
    assert exports.csv_cell(False, "en") == "no"
    assert exports.csv_cell(1234) == "1234"


def test_the_workbook_has_real_dates_and_numbers_and_names(engine: Engine, tmp_path: Path) -> None:
    load_samples(engine, "employers", "clients", "grants")
    coordinator = Actor("k@example.fi", "coordinator", frozenset({"167"}))
    [path] = exports.export(engine, coordinator, "xlsx", tmp_path, lang="en").files
    book = load_workbook(path)

    def row_of(sheet: str, key_column: int, key: str) -> dict[str, Any]:
        rows = list(book[sheet].iter_rows())
        headers = [c.value for c in rows[0]]
        found = next(r for r in rows[1:] if r[key_column].value == key)
        return dict(zip(headers, found, strict=True))

    client = row_of("Asiakkaat", 0, "ESIM-0002")
    entry = client["Aloituspäivä"]
    assert entry.is_date and entry.value == datetime(2026, 3, 16)
    assert entry.number_format == "d.m.yyyy"
    assert client["Päättymispäivä"].is_date and client["Päättymispäivä"].value.month == 9
    assert client["Sukupuoli"].value == "Female" and client["Kunta"].value == "Joensuu"
    assert client["Tavoite saavutettu"].value == "yes"
    assert client["Syntymävuosi"].value == 1996 and client["Syntymävuosi"].data_type == "n"
    assert row_of("Asiakkaat", 0, "ESIM-0001")["Päättymispäivä"].value is None
    grant = row_of("Työllistämislisät", 2, "ESIM-0002")
    for header, value in (("Summa", 9600), ("Euroa kuukaudessa", 800), ("Viikkotunnit", 37.5)):
        cell = grant[header]
        assert (cell.data_type, cell.value, cell.number_format) == ("n", value, "#,##0.00")
    assert grant["Sopimustyyppi"].value == "Permanent"
    assert grant["Työsuhde päättyy"].value is None
    info = {r[0].value: r[1] for r in book["Tietoja"].iter_rows(min_row=2)}
    created = info[i18n.t("export.info.created", "en")]
    assert created.is_date and created.number_format == "d.m.yyyy h:mm"
    assert info[i18n.t("export.info.scope", "en")].value == "Joensuu"
    assert info[i18n.t("export.info.role", "en")].value == i18n.t("role.coordinator", "en")
    assert info["Asiakkaat"].value == 3 and info["Asiakkaat"].data_type == "n"


def test_no_workbook_cell_is_a_formula_whatever_text_it_holds(
    engine: Engine, tmp_path: Path
) -> None:
    texts = ["=1+2", "+358 40 123", "-alennus", "@koko", '=HYPERLINK("http://x")']
    employers = [["Y-tunnus", "Nimi", "Tyyppi", "Kunta"]]
    employers += [["", name, "Yksityishenkilö", "167"] for name in texts]
    assert run(engine, "employers", csv_bytes(employers)).committed
    clients = [["Asiakastunnus", "Kunta", "Syntymävuosi", "Aloituspäivä", "Suunnitelman tavoite"]]
    clients += [[f"F-{i}", "167", "1980", "1.3.2026", goal] for i, goal in enumerate(texts)]
    assert run(engine, "clients", csv_bytes(clients)).committed
    [path] = exports.export(engine, SYSTEM, "xlsx", tmp_path).files
    book = load_workbook(path)
    stored = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                stored.add(cell.value)
    assert set(texts) <= stored


def test_the_data_dictionary_says_which_files_carry_codes_and_which_names(
    source: Engine, tmp_path: Path
) -> None:
    exports.export(source, SYSTEM, "parquet", tmp_path)
    dictionary = pd.read_csv(tmp_path / "data_dictionary.csv", keep_default_na=False)
    described = dictionary.set_index(["table", "column"])
    gender = described.loc[("client", "gender")]
    assert "male = Mies / Male" in gender["code_list"]
    assert "Excel" in gender["description_fi"] and "Excel" in gender["description_en"]
    status = described.loc[("status_episode", "status_code")]
    assert status["code_list"].startswith("client_status.code")
    assert "name" in described.loc[("client", "municipality_code"), "code_list"]
    assert described.loc[("client", "birth_year"), "code_list"] == ""
    # The snapshot itself keeps codes and ISO types
    snapshot = pq.read_table(tmp_path / "client.parquet").to_pandas()
    assert set(snapshot["gender"].dropna()) <= set(i18n.CODE_SETS["gender"])
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert "Parquet" in manifest["values"]["fi"] and "CSV" in manifest["values"]["en"]


def test_cli_export_writes_names_in_the_language_asked(
    source: Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(
        capsys, db_url, "export", "--format", "csv", "--language", "en", str(tmp_path)
    )
    assert code == 0, err
    genders = set(_csv_frame(tmp_path, "clients")["Sukupuoli"].dropna())
    assert genders and genders <= {
        i18n.code_label("gender", g, "en") for g in i18n.CODE_SETS["gender"]
    }
