"""`python -m polku`: run as a real process, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from sqlalchemy import inspect, text

from polku import db
from tests.conftest import OTHER_PROJECT_FILE

ROOT = Path(__file__).resolve().parents[1]


def polku(
    *args: str, database_url: str | None = None, project_file: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "POLKU_PROJECT_FILE")}
    if database_url:
        env["DATABASE_URL"] = database_url
    if project_file:
        env["POLKU_PROJECT_FILE"] = str(project_file)
    return subprocess.run(
        [sys.executable, "-m", "polku", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def _table_counts(url: str) -> dict[str, int]:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        counts = {
            name: conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
            for name in inspect(conn).get_table_names()
        }
    engine.dispose()
    return counts


def test_init_creates_the_database_and_running_it_again_changes_nothing(empty_db_url) -> None:
    first = polku("init", database_url=empty_db_url)
    assert first.returncode == 0, first.stderr
    after_first = _table_counts(empty_db_url)
    assert after_first["municipality"] == 13
    assert after_first["checklist_item"] > 0

    second = polku("init", database_url=empty_db_url)
    assert second.returncode == 0, second.stderr
    assert "ajan tasalla" in second.stdout
    assert _table_counts(empty_db_url) == after_first


def test_database_url_option_overrides_the_environment(empty_db_url, tmp_path) -> None:
    unused = tmp_path / "unused.db"
    result = polku("init", "--database-url", empty_db_url, database_url=f"sqlite:///{unused}")
    assert result.returncode == 0, result.stderr
    assert not unused.exists()
    assert _table_counts(empty_db_url)["municipality"] == 13


def test_bad_arguments_give_one_line_and_a_non_zero_exit() -> None:
    for args in (
        ["init", "--sample", "--scale", "lots"],
        ["init", "--sample", "--scale", "0"],
        ["init", "--scale", "2"],
        ["frobnicate"],
        [],
    ):
        result = polku(*args)
        assert result.returncode == 2, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "error" in result.stderr


def test_unreachable_database_gives_one_line_and_a_non_zero_exit() -> None:
    result = polku("init", database_url="postgresql://nobody@127.0.0.1:1/polku")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_with_sample_twice_changes_nothing(empty_db_url) -> None:
    first = polku("init", "--sample", "--scale", "0.01", database_url=empty_db_url)
    assert first.returncode == 0, first.stderr
    loaded = _table_counts(empty_db_url)
    assert loaded["client"] > 0 and loaded["employer"] > 0
    second = polku("init", "--sample", "--scale", "0.01", database_url=empty_db_url)
    assert second.returncode == 0, second.stderr
    assert "ei ladattu" in second.stdout
    assert _table_counts(empty_db_url) == loaded


def test_init_and_kpis_on_another_areas_project_file(empty_db_url) -> None:
    """POLKU_PROJECT_FILE names another area: its municipalities, phases and indicators."""
    with OTHER_PROJECT_FILE.open("rb") as handle:
        plan = tomllib.load(handle)
    first = polku("init", "--sample", database_url=empty_db_url, project_file=OTHER_PROJECT_FILE)
    assert first.returncode == 0, first.stderr
    counts = _table_counts(empty_db_url)
    assert counts["municipality"] == len(plan["municipalities"])
    assert counts["phase"] == sum(len(wp["phases"]) for wp in plan["work_packages"])
    assert counts["indicator"] == len(plan["indicators"])
    assert counts["client"] > 0
    again = polku("init", "--sample", database_url=empty_db_url, project_file=OTHER_PROJECT_FILE)
    assert again.returncode == 0 and "ajan tasalla" in again.stdout, again.stderr
    assert _table_counts(empty_db_url) == counts
    kpis = polku("kpis", "--as-of", plan["demo"]["as_of"].isoformat(), database_url=empty_db_url)
    assert kpis.returncode == 0, kpis.stderr
    shown = [line.split()[0] for line in kpis.stdout.splitlines()[1:]]
    assert shown == [i["code"] for i in plan["indicators"]]
