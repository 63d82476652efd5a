"""polku/access.py: roles and municipality scopes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from models import User, UserMunicipality
from polku import access, analysis, audit, db, metrics
from polku.access import (
    ADMIN,
    ANALYST,
    COORDINATOR,
    DIRECTOR,
    AccessDenied,
    Actor,
    Permission,
    check,
    load_actor,
    row_scope,
    visible_municipalities,
)

OWN, OTHER = "167", "422"
P = Permission


def actor(role: str, *codes: str) -> Actor:
    return Actor(email=f"{role}@example.fi", role=role, municipalities=frozenset(codes))


# (role, permission, municipality) → allowed; None is the whole region
MATRIX = [
    (ADMIN, P.MANAGE, None, True),
    (ADMIN, P.EDIT, OTHER, True),
    (ADMIN, P.READ_ROWS, OTHER, True),
    (COORDINATOR, P.EDIT, OWN, True),
    (COORDINATOR, P.READ_ROWS, OWN, True),
    (COORDINATOR, P.EXPORT, OWN, True),
    (COORDINATOR, P.EDIT, OTHER, False),
    (COORDINATOR, P.READ_ROWS, OTHER, False),
    (COORDINATOR, P.READ_ROWS, None, False),
    (COORDINATOR, P.READ_AGGREGATES, None, True),
    (COORDINATOR, P.READ_AGGREGATES, OTHER, False),
    (COORDINATOR, P.MANAGE, None, False),
    (DIRECTOR, P.READ_AGGREGATES, OWN, True),
    (DIRECTOR, P.READ_AGGREGATES, None, True),
    (DIRECTOR, P.READ_AGGREGATES, OTHER, False),
    (DIRECTOR, P.READ_ROWS, OWN, False),
    (DIRECTOR, P.EDIT, OWN, False),
    (DIRECTOR, P.EXPORT, OWN, False),
    (ANALYST, P.READ_ROWS, OTHER, True),
    (ANALYST, P.READ_ROWS, None, True),
    (ANALYST, P.EXPORT, None, True),
    (ANALYST, P.READ_AGGREGATES, OTHER, True),
    (ANALYST, P.EDIT, OTHER, False),
    (ANALYST, P.MANAGE, None, False),
]


@pytest.mark.parametrize(("role", "permission", "municipality", "allowed"), MATRIX)
def test_role_matrix(role, permission, municipality, allowed) -> None:
    user = actor(role, OWN)
    assert user.may(permission, municipality) is allowed
    if allowed:
        assert check(user, permission, municipality) is user
    else:
        with pytest.raises(AccessDenied) as refused:
            check(user, permission, municipality)
        assert refused.value.key == f"access.denied.{permission.value}"


def test_nobody_signed_in_may_do_nothing() -> None:
    for permission in Permission:
        with pytest.raises(AccessDenied):
            check(None, permission, None)


def test_row_scope_per_role() -> None:
    assert row_scope(actor(ADMIN)) is None
    assert row_scope(actor(ANALYST)) is None
    assert row_scope(actor(COORDINATOR, OWN)) == {OWN}
    with pytest.raises(AccessDenied):
        row_scope(actor(ANALYST), Permission.EDIT)
    with pytest.raises(AccessDenied):
        row_scope(actor(DIRECTOR, OWN))
    with pytest.raises(AccessDenied):
        row_scope(actor(COORDINATOR))  # a coordinator without municipalities sees no rows


def test_visible_municipalities_keeps_order_and_scope() -> None:
    codes = ["090", OWN, OTHER]
    assert visible_municipalities(actor(ANALYST), codes) == codes
    assert visible_municipalities(actor(DIRECTOR, OTHER), codes) == [OTHER]


def test_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError):
        Actor(email="x@example.fi", role="superuser")


def test_load_actor_matches_email_and_skips_inactive_users(engine) -> None:
    with Session(engine) as s:
        active = User(email="Koordinaattori@Example.fi", name="K", role=COORDINATOR)
        gone = User(email="poissa@example.fi", name="P", role=ADMIN, active=False)
        s.add_all([active, gone])
        s.flush()
        s.add(UserMunicipality(user_id=active.id, municipality_code=OWN))
        s.commit()
        loaded = load_actor(s, " koordinaattori@example.FI ")
        assert loaded is not None
        assert (loaded.role, loaded.municipalities) == (COORDINATOR, frozenset({OWN}))
        assert load_actor(s, "poissa@example.fi") is None
        assert load_actor(s, "nobody@example.fi") is None


@pytest.fixture
def forget_refusal_sinks() -> Iterator[None]:
    yield
    access._process_sink.clear()
    access._sink.set(None)


def test_a_refusal_in_a_notebook_is_audited_once_with_the_user(
    db_url: str, forget_refusal_sinks: None
) -> None:
    engine = analysis.open_source(db_url)  # what every notebook starts with
    director = Actor(email="johtaja@example.fi", role=DIRECTOR, municipalities=frozenset({"422"}))
    with pytest.raises(AccessDenied) as refused:
        metrics.overview(engine, director, "167", metrics.today())
    audit.record_refusal(engine, refused.value)  # a handler that writes it again: no second row
    rows = audit.recent(engine)
    assert [(r.action, r.user_email, r.municipality_code, r.detail) for r in rows.itertuples()] == [
        ("refused", "johtaja@example.fi", "167", "read_aggregates")
    ]
    engine.dispose()


def test_a_refusal_is_audited_in_the_database_of_the_thread_that_named_it(
    db_url: str, forget_refusal_sinks: None
) -> None:
    engine = db.make_engine(db_url)
    access.audit_refusals_to(audit.refusal_writer(engine))
    with pytest.raises(AccessDenied):
        access.row_scope(Actor(email="j@example.fi", role=DIRECTOR), Permission.EXPORT)
    rows = audit.recent(engine)
    assert list(zip(rows["action"], rows["user_email"], rows["detail"], strict=True)) == [
        ("refused", "j@example.fi", "export")
    ]
    engine.dispose()
