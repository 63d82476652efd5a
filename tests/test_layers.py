"""The layers import-linter cannot see (pyproject.toml's [tool.importlinter] covers polku/):
app_pages/*.py and streamlit_app.py are scripts, models.py a lone module. Top to bottom:
pages and streamlit_app.py -> polku.ui -> the rest of polku -> models. Pages only draw: short,
no database of their own, Streamlit nowhere else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "app_pages").glob("*.py"))
SCRIPTS = [*PAGES, ROOT / "streamlit_app.py"]
MAX_PAGE_LINES = 150
# Below polku: pages reach the data through polku, never the models or the database directly
BELOW_POLKU = {"models", "sqlalchemy", "sqlmodel", "psycopg", "polku.db"}
# Where Streamlit may be imported; tests and benchmarks drive the app through AppTest
STREAMLIT_HOMES = ("app_pages/", "polku/ui/", "streamlit_app.py", "tests/", "benchmarks/")


def imports(path: Path) -> set[str]:
    """Every module `path` imports, by its full dotted name (`from a import b`: a and a.b)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _within(module: str, packages: set[str]) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in packages)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_page_is_short(page: Path) -> None:
    lines = len(page.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_PAGE_LINES, f"{page.name}: {lines} lines; move its parts to polku/ui"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_pages_reach_nothing_below_polku(script: Path) -> None:
    below = sorted(m for m in imports(script) if _within(m, BELOW_POLKU))
    assert not below, f"{script.name} imports {below}: go through polku (or polku.ui)"


def test_models_import_nothing_above_them() -> None:
    above = sorted(m for m in imports(ROOT / "models.py") if _within(m, {"polku", "streamlit"}))
    assert not above


def test_streamlit_is_imported_only_where_the_app_is_drawn() -> None:
    files = [
        path
        for path in ROOT.rglob("*.py")
        if not any(part.startswith(".") for part in path.relative_to(ROOT).parts)
    ]
    assert ROOT / "polku" / "present.py" in files
    outside = [
        str(path.relative_to(ROOT))
        for path in files
        if not str(path.relative_to(ROOT)).startswith(STREAMLIT_HOMES)
        and _within_any(imports(path), {"streamlit"})
    ]
    assert not outside, f"Streamlit imported outside the app's drawing code: {outside}"


def _within_any(modules: set[str], packages: set[str]) -> bool:
    return any(_within(m, packages) for m in modules)


def test_the_scan_sees_every_kind_of_import(tmp_path: Path) -> None:
    script = tmp_path / "page.py"
    script.write_text(
        "import streamlit as st\nfrom models import ROLES\nfrom polku import db\n"
        "from . import sibling\n"
    )
    assert {"streamlit", "models", "models.ROLES", "polku", "polku.db"} <= imports(script)
    assert _within("polku.db", BELOW_POLKU) and not _within("polku.dbx", BELOW_POLKU)
