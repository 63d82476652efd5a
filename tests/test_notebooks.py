"""The analyst notebooks: stored without outputs, run top to bottom on sample data (through
nbclient, as nbmake does), take their data from one parameter, and show the dashboard's
numbers."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from polku import analysis, cli, metrics
from polku.config import get_settings
from tests.conftest import OTHER_PROJECT_FILE, Backend

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
AS_OF = date(2026, 11, 29)


def test_there_are_notebooks_and_they_are_stored_without_outputs() -> None:
    assert len(NOTEBOOKS) >= 3
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name
        tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1 and "SOURCE" in tagged[0].source, path.name


def test_notebooks_import_polku_and_never_define_a_table() -> None:
    for path in NOTEBOOKS:
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
        assert "from polku import" in text
        assert "table=True" not in text and "CREATE TABLE" not in text.upper()


@pytest.fixture
def sample_url(db_url: str) -> str:
    """A database with the project definition and seeded sample data, on each backend."""
    assert cli.main(["init", "--sample", "--scale", "0.04", "--database-url", db_url]) == 0
    return db_url


def run(path: Path, source: str | None) -> nbformat.NotebookNode:
    """Execute the notebook top to bottom with its parameters cell pointing at `source`
    (None: the notebook's own default) and the day fixed."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if "parameters" in cell.metadata.get("tags", []):
            if source is not None:
                cell.source += f"\nSOURCE = {source!r}"
            cell.source += f"\nAS_OF = {AS_OF.isoformat()!r}"
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": path.parent}}
    ).execute()
    return notebook


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_runs_top_to_bottom(path: Path, sample_url: str) -> None:
    executed = run(path, sample_url)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []


def test_the_getting_started_notebook_shows_the_dashboards_numbers(sample_url: str) -> None:
    executed = run(ROOT / "notebooks" / "01-aloitus-getting-started.ipynb", sample_url)
    cell = next(c for c in executed.cells if "kpis" in c.metadata.get("tags", []))
    shown = {row["indicator"]: row for row in json.loads(cell.outputs[0]["text"])}
    engine = analysis.open_source(sample_url)
    dashboard = metrics.kpis(engine, analysis.analyst(), None, AS_OF).set_index("indicator")
    engine.dispose()
    assert set(shown) == set(dashboard.index)
    for code, row in shown.items():
        assert row["actual"] == pytest.approx(dashboard.loc[code, "actual"])
        assert row["expected"] == pytest.approx(dashboard.loc[code, "expected"])
    assert shown["clients"]["actual"] > 0


def test_a_notebook_runs_on_a_parquet_snapshot_with_the_same_numbers(
    sample_url: str, tmp_path: Path
) -> None:
    """SOURCE may be a snapshot directory made by `python -m polku export --format parquet`."""
    snapshot = tmp_path / "snapshot"
    assert (
        cli.main(["export", "--format", "parquet", str(snapshot), "--database-url", sample_url])
        == 0
    )
    executed = run(ROOT / "notebooks" / "01-aloitus-getting-started.ipynb", str(snapshot))
    cell = next(c for c in executed.cells if "kpis" in c.metadata.get("tags", []))
    shown = {row["indicator"]: row["actual"] for row in json.loads(cell.outputs[0]["text"])}
    engine = analysis.open_source(sample_url)
    source = metrics.kpis(engine, analysis.analyst(), None, AS_OF).set_index("indicator")
    engine.dispose()
    assert shown == pytest.approx(source["actual"].to_dict())


def test_a_notebook_reads_the_apps_configured_database_by_default(
    sample_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", sample_url)  # the kernel inherits the environment
    executed = run(ROOT / "notebooks" / "01-aloitus-getting-started.ipynb", None)
    cell = next(c for c in executed.cells if "kpis" in c.metadata.get("tags", []))
    shown = {row["indicator"]: row["actual"] for row in json.loads(cell.outputs[0]["text"])}
    engine = analysis.open_source(sample_url)
    source = metrics.kpis(engine, analysis.analyst(), None, AS_OF).set_index("indicator")
    engine.dispose()
    assert shown == pytest.approx(source["actual"].to_dict())


@pytest.mark.parametrize("kind", ["missing file", "empty database", "unreachable server"])
def test_a_missing_database_says_what_to_run(
    kind: str, empty_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = {
        "missing file": f"sqlite:///{tmp_path / 'nothing' / 'polku.db'}",
        "empty database": empty_db_url,
        "unreachable server": "postgresql://nobody@127.0.0.1:1/none",
    }[kind]
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(CellExecutionError) as failed:
        run(ROOT / "notebooks" / "01-aloitus-getting-started.ipynb", None)
    assert failed.value.ename == "SourceUnavailable"
    assert "python -m polku init --sample" in failed.value.evalue
    assert not (tmp_path / "nothing").exists()  # nothing created on the way


def test_the_getting_started_notebook_runs_on_another_area(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A made-up area's project file (five municipalities, three phases, seven indicators)."""
    monkeypatch.setenv("POLKU_PROJECT_FILE", str(OTHER_PROJECT_FILE))  # the kernel inherits it
    get_settings.cache_clear()
    try:
        url = backend.empty()
        assert cli.main(["init", "--sample", "--scale", "0.1", "--database-url", url]) == 0
    finally:
        get_settings.cache_clear()
    executed = run(ROOT / "notebooks" / "01-aloitus-getting-started.ipynb", url)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    cell = next(c for c in executed.cells if "kpis" in c.metadata.get("tags", []))
    shown = {row["indicator"]: row["actual"] for row in json.loads(cell.outputs[0]["text"])}
    engine = analysis.open_source(url)
    source = metrics.kpis(engine, analysis.analyst(), None, AS_OF).set_index("indicator")
    engine.dispose()
    with OTHER_PROJECT_FILE.open("rb") as handle:
        codes = [i["code"] for i in tomllib.load(handle)["indicators"]]
    assert list(shown) == codes  # the seventh indicator too
    assert shown == pytest.approx(source["actual"].to_dict())
