"""polku/audit.py: the append-only audit log."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session

from models import metadata
from polku import audit, privacy


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


CODE = "010594Y9021"  # DVV's fictional test code


def test_a_change_that_would_log_an_identity_code_is_refused_and_rolled_back(engine) -> None:
    with pytest.raises(audit.IdentityCodeRefused) as refused, Session(engine) as s:
        audit.record(
            s, user_email="k@example.fi", action="update", entity="checklist_item",
            entity_id=7, field="note", old=None, new=f"HETU{CODE}",
        )  # fmt: skip
        s.commit()
    assert CODE not in str(refused.value)
    assert refused.value.field == "note"
    with pytest.raises(audit.IdentityCodeRefused), Session(engine) as s:
        audit.record(s, user_email=None, action="form_add", entity="client", entity_id=CODE)
    assert audit.recent(engine).empty


def test_old_values_and_details_have_their_codes_masked(engine) -> None:
    with Session(engine) as s:
        audit.record_changes(
            s,
            user_email="k@example.fi",
            entity="checklist_item",
            entity_id=7,
            before={"note": f"Asiakas HETU{CODE} soitti"},  # stored before the rule
            after={"note": "Asiakas soitti"},
        )
        audit.record(s, user_email=None, action="refused", detail=f"syöte 131052-308T, {CODE}")
        s.commit()
    rows = audit.recent(engine)
    stored = " ".join(str(v) for v in rows[["old_value", "new_value", "detail"]].to_numpy().ravel())
    assert CODE not in stored and "131052-308T" not in stored
    assert f"Asiakas HETU{privacy.HETU_MASK} soitti" in stored
    assert not any(privacy.has_hetu(str(v)) for v in rows.to_numpy().ravel())


def test_the_data_version_changes_with_every_committed_write_and_only_then(engine) -> None:
    first = audit.data_version(engine)
    assert audit.data_version(engine) == first  # reading changes nothing
    with Session(engine) as session:
        audit.record(session, user_email="a@example.fi", action="update", entity="client")
        assert audit.data_version(engine) == first  # not committed: not seen
        session.commit()
    second = audit.data_version(engine)
    assert second != first and second[0] > first[0]
    for quiet in audit.QUIET_ACTIONS:  # a sign-in, a refusal, an export change no data
        with Session(engine) as session:
            audit.record(session, user_email="a@example.fi", action=quiet)
            session.commit()
    assert audit.data_version(engine) == second
    with Session(engine) as session:  # a rolled-back write leaves no trace
        audit.record(session, user_email="a@example.fi", action="update", entity="client")
        session.rollback()
    assert audit.data_version(engine) == second


def test_the_data_version_sees_a_row_committed_after_a_newer_one(engine) -> None:
    """PostgreSQL hands out ids at insert: a long transaction may commit an id below the
    newest; the count in the window below the newest sees it."""
    log = metadata.tables["audit_log"]
    newest = audit.data_version(engine)[0]
    with engine.begin() as conn:
        conn.execute(log.insert().values(id=newest + 5, action="update"))
    before = audit.data_version(engine)
    with engine.begin() as conn:
        conn.execute(log.insert().values(id=newest + 2, action="update"))
    after = audit.data_version(engine)
    assert after[0] == before[0] == newest + 5
    assert after != before
