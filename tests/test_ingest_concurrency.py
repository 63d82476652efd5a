"""Imports at the same moment (issue 12.4), on SQLite and PostgreSQL: the database holds a key
for every natural key, two imports of the same file store one set of rows, and an import that
cannot have its turn, or that meets a key stored under it, says so in a report."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from polku import db, ingest
from polku.users import SYSTEM
from tests.test_ingest import CLIENT_HEADER, TODAY, csv_bytes

# Long enough for the other import to reach the same point when nothing makes it wait
MEET_SECONDS = 1.5

FILES: dict[str, list[list[Any]]] = {
    # Private persons: no Y-tunnus, known by name and municipality (or by name alone)
    "employers": [
        ["Y-tunnus", "Nimi", "Tyyppi", "Kunta"],
        *[["", f"Yksityinen työnantaja {n}", "private_person", "167"] for n in range(30)],
        *[["", f"Alueen yksityinen {n}", "private_person", ""] for n in range(5)],
    ],
    # Project-wide costs: no municipality
    "costs": [
        ["Budjettirivi", "Kirjauspäivä", "Summa", "Kuvaus"],
        *[["salaries", f"{1 + n % 28}.4.2026", f"{100 + n},50", f"Palkat {n}"] for n in range(30)],
    ],
    "clients": [
        CLIENT_HEADER,
        *[[f"S-{n:03d}", "167", "1980", "1.3.2026"] for n in range(30)],
    ],
}
TABLES = {"employers": "employer", "costs": "cost_entry", "clients": "client"}


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def test_the_database_refuses_a_second_private_person_or_project_wide_cost(engine: Engine) -> None:
    employer = (
        "INSERT INTO employer (name, employer_type, municipality_code, created_at)"
        " VALUES (:name, 'private_person', :home, CURRENT_TIMESTAMP)"
    )
    cost = (
        "INSERT INTO cost_entry (budget_line_code, booked_on, amount, description, created_at)"
        " VALUES ('salaries', '2026-04-20', 10, 'Palkat', CURRENT_TIMESTAMP)"
    )
    for statement, values in (
        (employer, {"name": "Maatila", "home": "167"}),
        (employer, {"name": "Maatila", "home": None}),
        (cost, {}),
    ):
        with engine.begin() as conn:
            conn.execute(text(statement), values)
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(statement), values)
    # The same name in another municipality is another private person
    with engine.begin() as conn:
        conn.execute(text(employer), {"name": "Maatila", "home": "422"})
    assert _count(engine, "employer") == 3


@pytest.mark.parametrize("kind", sorted(FILES))
def test_two_imports_of_the_same_file_at_the_same_moment_store_one_set(
    db_url: str, kind: str
) -> None:
    data = csv_bytes(FILES[kind])
    rows = len(FILES[kind]) - 1
    # Each import waits after its checks until the other has checked too (unless the other
    # waits for its turn): without turns both would plan the same rows as new
    met = threading.Barrier(2)
    reports: list[ingest.ImportReport] = []
    failures: list[BaseException] = []

    def one_import() -> None:
        engine = db.make_engine(db_url)
        waited = False

        def progress(share: float) -> None:
            nonlocal waited
            if share >= 0.5 and not waited:
                waited = True
                try:
                    met.wait(MEET_SECONDS)
                except threading.BrokenBarrierError:
                    pass

        try:
            reports.append(
                ingest.import_file(
                    engine, SYSTEM, kind, data, "same.csv", progress=progress, today=TODAY
                )
            )
        except BaseException as error:  # what the user would see as a traceback
            failures.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=one_import) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    engine = db.make_engine(db_url)
    assert _count(engine, TABLES[kind]) == rows
    engine.dispose()
    first, second = sorted(reports, key=lambda r: -r.added)
    assert first.committed and first.added == rows
    if second.committed:  # it waited its turn and found nothing new
        assert (second.added, second.changed, second.unchanged) == (0, 0, rows)
    else:
        assert [p.key for p in second.problems] in (
            ["ingest.error.busy"],
            ["ingest.error.conflict"],
        )
        assert second.problems[0].text("en")


def test_an_import_that_cannot_have_its_turn_is_refused_with_a_message(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest.writing, "LOCK_TIMEOUT_SECONDS", 0.5)
    data = csv_bytes(FILES["clients"])
    with engine.connect() as other, other.begin():
        ingest.lock_kind(other, "clients")  # another import of clients, still running
        report = ingest.import_file(engine, SYSTEM, "clients", data, "late.csv", today=TODAY)
    assert not report.committed and [p.key for p in report.problems] == ["ingest.error.busy"]
    assert "tuonti" in report.problems[0].text("fi").lower()
    assert "import" in report.problems[0].text("en").lower()
    assert _count(engine, "client") == 0
    # Its turn comes once the other has finished
    assert ingest.import_file(engine, SYSTEM, "clients", data, "late.csv", today=TODAY).committed
    assert _count(engine, "client") == len(FILES["clients"]) - 1


@pytest.mark.postgres
def test_a_key_stored_under_a_running_import_is_a_problem_not_a_traceback(
    postgres_backend: Any,
) -> None:
    """PostgreSQL only: on SQLite the import holds the write lock, so no writer gets in."""
    engine = db.make_engine(postgres_backend.prepared())
    data = csv_bytes(FILES["costs"])

    def progress(share: float) -> None:
        # A writer that does not take turns (e.g. a script) stores the first row's key
        if share == 0.5:
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO cost_entry (budget_line_code, booked_on, amount,"
                        " description, created_at) VALUES ('salaries', :day, 1, 'Palkat 0',"
                        " CURRENT_TIMESTAMP)"
                    ),
                    {"day": date(2026, 4, 1)},
                )

    report = ingest.import_file(
        engine, SYSTEM, "costs", data, "costs.csv", progress=progress, today=TODAY
    )
    assert not report.committed
    assert [p.key for p in report.problems] == ["ingest.error.conflict"]
    assert _count(engine, "cost_entry") == 1
    engine.dispose()
