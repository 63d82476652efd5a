"""Roles and municipality scopes: every read and write of client, employer, grant or checklist
data asks this module, so a page that forgets a check cannot leak.

Roles (domain.md):
- admin: everything; manages users, targets and checklist templates;
- coordinator: reads and edits the data of their municipalities, reads the region's aggregates;
- director: read-only aggregates of their municipalities and the region, small counts hidden;
- analyst: reads all pseudonymous data and exports, edits nothing.
Staff members' rows and salaries are the admin's alone; others see staff costs by role.
Reports to the funder: admins write and move them, analysts read them, nobody else.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, select

from models import ROLES, User, UserMunicipality

ADMIN, COORDINATOR, DIRECTOR, ANALYST = ROLES


class Permission(StrEnum):
    READ_AGGREGATES = "read_aggregates"  # counts and charts
    READ_ROWS = "read_rows"  # client-level rows, one row per client, grant, checklist item
    EDIT = "edit"  # clients, employers, grants, checklists, costs
    EXPORT = "export"  # files out of Polku
    MANAGE = "manage"  # users, targets, checklist templates
    READ_STAFF = "read_staff"  # staff members and their salaries, person by person
    READ_REPORTS = "read_reports"  # the follow-up reports to the funder (admins, analysts)
    MANAGE_REPORTS = "manage_reports"  # write, submit, approve and reopen them (admins)


class AccessDenied(PermissionError):
    """A refused action. `key` names the message in the string catalog (polku/i18n.py)."""

    def __init__(self, actor: Actor | None, permission: Permission, municipality: str | None):
        self.actor = actor
        self.permission = permission
        self.municipality = municipality
        self.key = f"access.denied.{permission.value}"
        self.audited = False  # set once the refusal is in the audit log
        who = actor.role if actor else "anonymous"
        where = municipality or "region"
        super().__init__(f"{who} may not {permission.value} in {where}")


@dataclass(frozen=True)
class Actor:
    """The signed-in user as far as access control is concerned."""

    email: str
    role: str
    municipalities: frozenset[str] = field(default_factory=frozenset)
    name: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")

    @property
    def sees_every_municipality(self) -> bool:
        return self.role in (ADMIN, ANALYST)

    @property
    def suppresses_small_counts(self) -> bool:
        """Directors see counts from 1 to 4 as "< 5"."""
        return self.role == DIRECTOR

    def may(self, permission: Permission, municipality: str | None = None) -> bool:
        """Whether the actor may do `permission` in `municipality` (None: region-wide)."""
        if self.role == ADMIN:
            return True
        own = municipality is not None and municipality in self.municipalities
        if permission in (Permission.MANAGE, Permission.READ_STAFF, Permission.MANAGE_REPORTS):
            return False
        if permission is Permission.READ_REPORTS:
            return self.role == ANALYST
        if permission is Permission.READ_AGGREGATES:
            return self.role == ANALYST or municipality is None or own
        if self.role == ANALYST:
            return permission in (Permission.READ_ROWS, Permission.EXPORT)
        if self.role == COORDINATOR:
            return own
        return False  # a director never reads rows, edits or exports rows


RefusalSink = Callable[[AccessDenied], None]
# Where refusals are written: each entry point (the app's router per run, the CLI, a notebook's
# analysis.open_source) names its database, so a refusal is audited where it happens, once
_sink: ContextVar[RefusalSink | None] = ContextVar("refusal_sink", default=None)
_process_sink: list[RefusalSink] = []  # a notebook's, for threads that set none


def audit_refusals_to(sink: RefusalSink, *, whole_process: bool = False) -> None:
    """Send this thread's refusals (or, with whole_process, every thread's that set none) to
    `sink`, e.g. polku.audit.refusal_writer(engine)."""
    _sink.set(sink)
    if whole_process:
        _process_sink[:] = [sink]


def refused(actor: Actor | None, permission: Permission, municipality: str | None) -> AccessDenied:
    """A refusal, already written to the audit log when an entry point named where to."""
    denial = AccessDenied(actor, permission, municipality)
    sink = _sink.get() or next(iter(_process_sink), None)
    if sink is not None:
        sink(denial)
    return denial


def check(actor: Actor | None, permission: Permission, municipality: str | None = None) -> Actor:
    """Return the actor when allowed; raise AccessDenied otherwise."""
    if actor is None or not actor.may(permission, municipality):
        raise refused(actor, permission, municipality)
    return actor


def row_scope(
    actor: Actor | None, permission: Permission = Permission.READ_ROWS
) -> frozenset[str] | None:
    """Municipalities whose rows the actor may read (or edit): None means every municipality.

    Raises AccessDenied for a role that reads no rows at all (directors)."""
    if actor is not None and actor.sees_every_municipality and actor.may(permission, None):
        return None
    if actor is None or actor.role != COORDINATOR or not actor.municipalities:
        raise refused(actor, permission, None)
    return actor.municipalities


def visible_municipalities(actor: Actor, codes: list[str]) -> list[str]:
    """The municipalities the actor may pick in the sidebar, in the given order."""
    return [code for code in codes if actor.may(Permission.READ_AGGREGATES, code)]


def load_actor(session: Session, email: str) -> Actor | None:
    """The active user with this e-mail (case-insensitive), or None for an unknown user."""
    user = session.exec(
        select(User).where(func.lower(User.email) == email.strip().lower(), User.active)
    ).first()
    if user is None or user.id is None:
        return None
    codes = session.exec(
        select(UserMunicipality.municipality_code).where(UserMunicipality.user_id == user.id)
    ).all()
    return Actor(email=user.email, role=user.role, municipalities=frozenset(codes), name=user.name)
