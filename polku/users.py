"""Users of Polku: who may sign in, with which role and municipalities.

Only an admin manages users (the command line acts as the system, for the first admin). Every
change lands in the audit log in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from models import ROLES, Municipality, User, UserMunicipality
from polku import audit, i18n, privacy
from polku.access import ADMIN, ANALYST, Actor, Permission, check

SYSTEM = Actor(email="system@polku", role=ADMIN, name="polku")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserError(ValueError):
    """Bad input for a user. `key` names the message in the string catalog; `params` fill it."""

    def __init__(self, key: str, **params: str) -> None:
        self.key = key
        self.params = params
        super().__init__(f"{key}: {params}" if params else key)

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """The message in `lang`, a role by its name, not its code."""
        params = {
            name: i18n.code_label("role", value, lang) if name == "role" else value
            for name, value in self.params.items()
        }
        return i18n.t(self.key, lang, **params)


@dataclass(frozen=True)
class UserInput:
    email: str
    name: str
    role: str
    municipalities: tuple[str, ...] = ()
    active: bool = True
    weekly_digest: bool | None = None  # None: as it is (a new user: no digest)


def _validate(session: Session, data: UserInput) -> UserInput:
    email = data.email.strip().lower()
    if not EMAIL.match(email):
        raise UserError("users.error.email", value=data.email)
    if data.role not in ROLES:
        raise UserError("users.error.role", value=data.role)
    codes = tuple(sorted(set(data.municipalities)))
    known = set(session.exec(select(Municipality.code)).all())
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise UserError("users.error.municipality", value=", ".join(unknown))
    if data.role not in (ADMIN, ANALYST) and not codes:
        raise UserError("users.error.needs_municipality", role=data.role)
    name = data.name.strip() or email
    if privacy.has_hetu(name) or privacy.has_hetu(email):  # the message does not repeat it
        raise UserError("users.error.hetu")
    return UserInput(email, name, data.role, codes, data.active, data.weekly_digest)


def _municipalities_of(session: Session, user_id: int) -> list[str]:
    return sorted(
        session.exec(
            select(UserMunicipality.municipality_code).where(UserMunicipality.user_id == user_id)
        ).all()
    )


def _by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(func.lower(User.email) == email.strip().lower())).first()


def save_user(session: Session, actor: Actor | None, data: UserInput) -> User:
    """Add the user, or change the one with this e-mail; in the caller's transaction."""
    check(actor, Permission.MANAGE)
    assert actor is not None
    clean = _validate(session, data)
    user = _by_email(session, clean.email)
    before: dict[str, object] = {}
    if user is None:
        user = User(
            email=clean.email,
            name=clean.name,
            role=clean.role,
            active=clean.active,
            weekly_digest=bool(clean.weekly_digest),
        )
        session.add(user)
        session.flush()
        action = "user_add"
    else:
        assert user.id is not None
        before = {
            "name": user.name,
            "role": user.role,
            "active": user.active,
            "municipalities": ",".join(_municipalities_of(session, user.id)),
            "weekly_digest": user.weekly_digest,
        }
        user.name, user.role, user.active = clean.name, clean.role, clean.active
        if clean.weekly_digest is not None:
            user.weekly_digest = clean.weekly_digest
        action = "user_change"
    assert user.id is not None
    current = set(_municipalities_of(session, user.id))
    for code in current - set(clean.municipalities):
        link = session.get(UserMunicipality, (user.id, code))
        session.delete(link)
    for code in set(clean.municipalities) - current:
        session.add(UserMunicipality(user_id=user.id, municipality_code=code))
    session.flush()
    audit.record_changes(
        session,
        user_email=actor.email,
        entity="app_user",
        entity_id=user.email,
        before=before,
        after={
            "name": clean.name,
            "role": clean.role,
            "active": clean.active,
            "municipalities": ",".join(clean.municipalities),
            "weekly_digest": user.weekly_digest,
        },
        action=action,
    )
    return user


def own_digest(engine: Engine, actor: Actor) -> bool:
    """Whether the signed-in user has opted in to the weekly digest."""
    with Session(engine) as session:
        user = _by_email(session, actor.email)
        return bool(user and user.weekly_digest)


def set_own_digest(session: Session, actor: Actor, on: bool) -> None:
    """The signed-in user opts in to the weekly digest or out of it (their own row only:
    every active user may; an admin changes anyone's through save_user); audited."""
    user = _by_email(session, actor.email)
    if user is None or not user.active:
        raise UserError("users.error.unknown", value=actor.email)
    if user.weekly_digest == on:
        return
    before = {"weekly_digest": user.weekly_digest}
    user.weekly_digest = on
    session.flush()
    audit.record_changes(
        session,
        user_email=actor.email,
        entity="app_user",
        entity_id=user.email,
        before=before,
        after={"weekly_digest": on},
        action="user_change",
    )


def remove_user(session: Session, actor: Actor | None, email: str) -> None:
    """Remove the user; their audit history stays."""
    check(actor, Permission.MANAGE)
    assert actor is not None
    user = _by_email(session, email)
    if user is None or user.id is None:
        raise UserError("users.error.unknown", value=email)
    if user.email == actor.email:
        raise UserError("users.error.self")
    for link in session.exec(select(UserMunicipality).where(UserMunicipality.user_id == user.id)):
        session.delete(link)
    session.flush()  # links first: the database would cascade and confuse the ORM's count
    session.delete(user)
    audit.record(
        session, user_email=actor.email, action="user_remove", entity="app_user", entity_id=email
    )


def list_users(engine: Engine, actor: Actor | None) -> pd.DataFrame:
    """Every user with role and municipalities (comma-separated codes), for the admin page."""
    check(actor, Permission.MANAGE)
    with Session(engine) as session:
        links = session.exec(select(UserMunicipality)).all()
        by_user: dict[int, list[str]] = {}
        for link in links:
            by_user.setdefault(link.user_id, []).append(link.municipality_code)
        rows = [
            {
                "email": u.email,
                "name": u.name,
                "role": u.role,
                "municipalities": ",".join(sorted(by_user.get(u.id or 0, []))),
                "active": u.active,
                "weekly_digest": u.weekly_digest,
            }
            for u in session.exec(select(User).order_by(col(User.email)))
        ]
    columns = ["email", "name", "role", "municipalities", "active", "weekly_digest"]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class UserSummary:
    email: str
    name: str
    role: str


def demo_users(engine: Engine) -> list[UserSummary]:
    """The active users, admins first: demo mode's "act as" choices (sample data only)."""
    order = {role: i for i, role in enumerate(ROLES)}
    with Session(engine) as session:
        rows = session.exec(select(User).where(col(User.active))).all()
    return sorted(
        (UserSummary(u.email, u.name, u.role) for u in rows),
        key=lambda u: (order.get(u.role, len(order)), u.email),
    )
