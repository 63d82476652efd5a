"""polku/audit.py: the append-only audit log."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from polku import audit


def test_record_changes_writes_one_row_per_changed_field(engine) -> None:
    with Session(engine) as s:
        changed = audit.record_changes(
            s,
            user_email="k@example.fi",
            entity="checklist_item",
            entity_id=7,
            before={"status": "in_progress", "due_date": date(2026, 5, 1), "owner": "A"},
            after={"status": "done", "due_date": date(2026, 5, 1), "owner": "B"},
            municipality="167",
        )
        s.commit()
    assert changed == ["status", "owner"]
    rows = audit.recent(engine, entity="checklist_item", entity_id=7)
    assert list(rows["field"]) == ["owner", "status"]  # newest first
    status = rows[rows["field"] == "status"].iloc[0]
    assert (status["old_value"], status["new_value"]) == ("in_progress", "done")
    assert status["user_email"] == "k@example.fi"


def test_values_are_stored_as_stable_text(engine) -> None:
    with Session(engine) as s:
        audit.record(
            s,
            user_email=None,
            action="update",
            entity="bonus_grant",
            entity_id=1,
            field="amount",
            old=Decimal("1200.00"),
            new=True,
        )
        s.commit()
    row = audit.recent(engine).iloc[0]
    assert (row["old_value"], row["new_value"]) == ("1200", "true")


def test_recent_filters_by_municipality(engine) -> None:
    with Session(engine) as s:
        for code in ("167", "422", None):
            audit.record(s, user_email="a@example.fi", action="sign_in", municipality=code)
        s.commit()
    assert list(audit.recent(engine, municipalities=["422"])["municipality_code"]) == ["422"]
    assert len(audit.recent(engine)) == 3
