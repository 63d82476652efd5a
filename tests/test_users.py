"""polku/users.py and `python -m polku user ...`: only an admin manages users; all audited."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from models import AuditLog, User
from polku.access import AccessDenied, Actor
from polku.users import SYSTEM, UserError, UserInput, list_users, remove_user, save_user
from tests.test_cli import polku

ADMIN = Actor(email="admin@example.fi", role="admin")


def test_admin_adds_changes_and_removes_a_user_with_audit(engine) -> None:
    with Session(engine) as s:
        save_user(s, ADMIN, UserInput("K@Example.fi", "Koordinaattori", "coordinator", ("167",)))
        s.commit()
        save_user(
            s, ADMIN, UserInput("k@example.fi", "Koordinaattori", "coordinator", ("167", "422"))
        )
        s.commit()
    frame = list_users(engine, ADMIN)
    assert frame.to_dict("records") == [
        {
            "email": "k@example.fi",
            "name": "Koordinaattori",
            "role": "coordinator",
            "municipalities": "167,422",
            "active": True,
            "weekly_digest": False,
        }
    ]
    with Session(engine) as s:
        remove_user(s, ADMIN, "k@example.fi")
        s.commit()
        assert s.exec(select(User)).all() == []
        trail = [(a.action, a.field, a.old_value, a.new_value) for a in s.exec(select(AuditLog))]
    assert ("user_change", "municipalities", "167", "167,422") in trail
    assert ("user_remove", None, None, None) in trail
    assert all(action != "user_change" or field != "role" for action, field, *_ in trail)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (UserInput("not-an-email", "", "admin"), "users.error.email"),
        (UserInput("x@example.fi", "", "root"), "users.error.role"),
        (UserInput("x@example.fi", "", "director", ("999",)), "users.error.municipality"),
        (UserInput("x@example.fi", "", "coordinator"), "users.error.needs_municipality"),
        (UserInput("x@example.fi", "Matti HETU010594Y9021", "admin"), "users.error.hetu"),
    ],
)
def test_bad_user_input_is_refused_and_nothing_is_written(engine, data, key) -> None:
    with Session(engine) as s:
        with pytest.raises(UserError) as refused:
            save_user(s, ADMIN, data)
        assert refused.value.key == key
        assert "010594Y9021" not in refused.value.text("fi")
        assert "coordinator" not in refused.value.text("fi")  # a role by its name
        s.rollback()
        assert s.exec(select(User)).all() == []


@pytest.mark.parametrize("role", ["coordinator", "director", "analyst"])
def test_only_an_admin_manages_users(engine, role) -> None:
    other = Actor(email="o@example.fi", role=role, municipalities=frozenset({"167"}))
    with Session(engine) as s:
        with pytest.raises(AccessDenied):
            save_user(s, other, UserInput("x@example.fi", "", "admin"))
        with pytest.raises(AccessDenied):
            remove_user(s, other, "x@example.fi")
    with pytest.raises(AccessDenied):
        list_users(engine, other)


def test_an_admin_cannot_remove_themselves(engine) -> None:
    with Session(engine) as s:
        save_user(s, SYSTEM, UserInput(ADMIN.email, "A", "admin"))
        s.commit()
        with pytest.raises(UserError, match="self"):
            remove_user(s, ADMIN, ADMIN.email)


def test_cli_adds_the_first_admin(db_url) -> None:
    added = polku("user", "add", "eka@example.fi", "--role", "admin", database_url=db_url)
    assert added.returncode == 0, added.stderr
    listed = polku("user", "list", database_url=db_url)
    assert "eka@example.fi" in listed.stdout and "admin" in listed.stdout
    refused = polku(
        "user", "add", "j@example.fi", "--role", "director", "--municipality", "999",
        database_url=db_url,
    )  # fmt: skip
    assert refused.returncode == 1
    assert refused.stderr.strip() == "polku: Tuntematon kuntakoodi: 999"
