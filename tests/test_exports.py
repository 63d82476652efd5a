"""polku/exports.py on real databases: export → import of the sample data gives the same
database, CSV cells that would run as formulas are neutralised, the workbook has a sheet per
table, the Parquet snapshot carries a data dictionary and opens with the same indicators, and
every export holds only what its viewer may see."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select, text

from models import metadata
from polku import db, exports, ingest, metrics, sample
from polku.access import AccessDenied, Actor
from polku.users import SYSTEM
from tests.conftest import Backend
from tests.test_ingest import ANALYST, COORDINATOR, DIRECTOR, cli, contents, csv_bytes, run

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


def test_csv_export_then_import_into_a_fresh_database_gives_the_same_content(
    source: Engine, target: Engine, tmp_path: Path
) -> None:
    result = exports.export(source, SYSTEM, "csv", tmp_path)
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


def test_the_workbook_has_a_sheet_per_table_and_imports_back_as_it_is(
    source: Engine, target: Engine, tmp_path: Path
) -> None:
    result = exports.export(source, SYSTEM, "xlsx", tmp_path)
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
    assert sorted(archive.namelist()) == sorted(f"{k}.csv" for k in exports.EXPORT_KINDS)
    clients = pd.read_csv(archive.open("clients.csv"), sep=";", dtype=str, encoding="utf-8-sig")
    assert set(clients["Kunta"]) <= {"422"}
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
