"""The load driver of `make load` (benchmarks/load.py), kept working: three sessions for a few
seconds against the real app (one `streamlit run` process) on a small SQLite database, speaking
Streamlit's websocket protocol; and its check of the database against what the sessions were
told, which must find a lost, a duplicated and an unreported write."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, select, update
from sqlmodel import Session

from benchmarks import load
from models import ChecklistItem
from polku import audit, checklists, cli
from polku.access import load_actor
from tests.conftest import Backend

ITEMS = ChecklistItem.__table__  # type: ignore[attr-defined]


def _polku(*args: str, url: str) -> None:
    assert cli.main([*args, "--database-url", url]) == 0


def test_three_sessions_save_and_switch_pages_without_errors(
    sqlite_backend: Backend, tmp_path: Path
) -> None:
    url = sqlite_backend.prepared()
    _polku("init", "--sample", "--scale", "0.01", url=url)
    result = load.measure(url, tmp_path, sessions=3, seconds=4.0, think=0.3, warm=False)

    assert result["errors"] == 0, result["error_samples"]
    assert result["roles"] == {"admin": 1, "director": 1, "coordinator": 1}
    # Every session signed in as its user (the driver checks the pages its role sees)
    assert result["requests_by_kind"]["sign in"] == 3
    assert result["requests"] > 3 * 2
    # The coordinator's first step is a save: told "saved" (no one else edits its items)
    saves = result["saves"]
    assert saves["saved"] >= 1 and saves["refused_stale"] == 0
    writes = result["writes"]
    assert writes["saves_told_saved"] == saves["saved"] and writes["items_written"] >= 1
    assert result["lost_writes"] == result["duplicated_writes"] == 0
    assert load.passed(result)
    assert 0 < result["p50_s"] <= result["p95_s"]


def test_the_write_check_finds_lost_duplicated_and_unreported_writes(db_url: str) -> None:
    _polku("init", "--sample", "--scale", "0.01", url=db_url)
    person = load.LoadUser("k@load.example", "K", "coordinator", ("167",))
    load.add_users(db_url, [person])
    engine = create_engine(db_url)
    with Session(engine) as session:
        actor = load_actor(session, "k@load.example")
    with engine.connect() as conn:
        first, second, third = conn.execute(
            select(ITEMS.c.id).where(ITEMS.c.municipality_code == "167").limit(3)
        ).scalars()

    def save(item: int, value: str) -> None:
        with engine.connect() as conn:
            version = conn.execute(select(ITEMS.c.version).where(ITEMS.c.id == item)).scalar_one()
        checklists.save_items(engine, actor, [checklists.ItemEdit(item, version, {"note": value})])

    tally = load.Tally()
    save(first, "load-t-a-1")
    tally.saved.append((first, "load-t-a-1", person.email))
    assert load.check_writes(db_url, tally, "t") == {
        "saves_told_saved": 1, "lost": 0, "duplicated": 0, "unreported": 0,
        "refused_but_written": 0, "chain_breaks": 0, "items_not_holding_last_save": 0,
        "items_written": 1,
    }  # fmt: skip
    # Told saved, never written; written, never told; refused, yet written
    tally.saved.append((second, "load-t-a-2", person.email))
    save(third, "load-t-b-1")
    save(first, "load-t-b-2")
    tally.refused.append((first, "load-t-b-2", person.email))
    # The item overwritten behind the audit log's back: its last save is lost
    with engine.begin() as conn:
        conn.execute(update(ITEMS).where(ITEMS.c.id == third).values(note="other"))
    found = load.check_writes(db_url, tally, "t")
    assert found["lost"] == 2 and found["items_not_holding_last_save"] == 1
    assert found["unreported"] == 1 and found["refused_but_written"] == 1
    assert found["duplicated"] == 0
    # A save written twice (its audit row twice, as a retried transaction would leave it)
    with Session(engine) as session:
        audit.record(
            session, user_email=person.email, action="update", entity=checklists.ITEM_ENTITY,
            entity_id=first, field="note", old="load-t-b-2", new="load-t-a-1",
        )  # fmt: skip
        session.commit()
    engine.dispose()
    found = load.check_writes(db_url, tally, "t")
    assert found["duplicated"] == 1
