"""The append-only audit log: sign-ins, refusals and every change of data.

Rows name the acting user, the entity and the field with its old and new value. Values are
codes, statuses, dates and amounts: callers never pass personal data (there is none to pass:
clients are pseudonymous codes). The database refuses UPDATE and DELETE on the table.

A personal identity code never reaches the log: a change whose new value or entity holds one
is refused (IdentityCodeRefused rolls the caller's transaction back, so the data is not
written either), and any other text (an old value stored before the rule, a detail) has its
codes masked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from models import AuditLog, metadata
from polku import privacy
from polku.access import AccessDenied, RefusalSink

_log = logging.getLogger(__name__)
MAX_VALUE = 2000
_EMAIL_LENGTH: int = metadata.tables["audit_log"].c.user_email.type.length  # type: ignore[attr-defined]


@dataclass(frozen=True)
class FieldChange:
    """A field changed from `old` to `new`: what a conflict or a history shows of a change."""

    field: str
    old: Any
    new: Any


class IdentityCodeRefused(ValueError):
    """A change would write a personal identity code; the message never holds the code."""

    def __init__(self, field: str | None) -> None:
        self.field = field
        super().__init__(f"a personal identity code in {field or 'an audit value'}: refused")


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def as_text(value: Any) -> str | None:
    """The one text form of a value in the audit log (None stays None), identity codes masked."""
    text = _plain(value)
    return None if text is None else privacy.mask_hetus(text)[:MAX_VALUE]


def _refuse_codes(**values: Any) -> None:
    for name, value in values.items():
        if privacy.has_hetu(_plain(value)):
            raise IdentityCodeRefused(name)


def record(
    session: Session,
    *,
    user_email: str | None,
    action: str,
    entity: str | None = None,
    entity_id: Any = None,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    municipality: str | None = None,
    detail: str | None = None,
) -> None:
    """Add one audit row in the caller's transaction: it lands exactly when the change does.
    A new value or entity id holding an identity code raises IdentityCodeRefused."""
    _refuse_codes(**{field or "new": new, "entity_id": entity_id})
    session.add(
        AuditLog(
            # a sign-in may bring any e-mail: keep what fits rather than lose the row
            user_email=user_email[:_EMAIL_LENGTH] if user_email else user_email,
            action=action,
            entity=entity,
            entity_id=as_text(entity_id),
            field=field,
            old_value=as_text(old),
            new_value=as_text(new),
            municipality_code=municipality,
            detail=as_text(detail),
        )
    )


def record_refusal(engine: Engine, refused: AccessDenied) -> None:
    """Write a refused action in a transaction of its own (the refused one rolls back), once."""
    if refused.audited:
        return
    try:
        with Session(engine) as session:
            if engine.dialect.name == "sqlite":  # never wait long on a writer: a refusal
                session.connection().exec_driver_sql("PRAGMA busy_timeout=2000")
            record(
                session,
                user_email=refused.actor.email if refused.actor else None,
                action="refused",
                detail=refused.permission.value,
                municipality=refused.municipality,
            )
            session.commit()
    except SQLAlchemyError as exc:  # the refusal stands even when it cannot be written down
        _log.warning("a refusal could not be audited: %s", type(exc).__name__)
        return
    refused.audited = True


def refusal_writer(engine: Engine) -> RefusalSink:
    """What polku.access.audit_refusals_to takes: refusals into `engine`'s audit log."""
    return lambda refused: record_refusal(engine, refused)


def record_changes(
    session: Session,
    *,
    user_email: str | None,
    entity: str,
    entity_id: Any,
    before: dict[str, Any],
    after: dict[str, Any],
    municipality: str | None = None,
    action: str = "update",
) -> list[str]:
    """One audit row per changed field; returns the names of the fields that changed."""
    changed = [name for name in after if _plain(before.get(name)) != _plain(after[name])]
    for name in changed:
        record(
            session,
            user_email=user_email,
            action=action,
            entity=entity,
            entity_id=entity_id,
            field=name,
            old=before.get(name),
            new=after[name],
            municipality=municipality,
        )
    return changed


def recent(
    engine: Engine,
    *,
    municipalities: list[str] | None = None,
    entity: str | None = None,
    entity_id: Any = None,
    limit: int = 100,
) -> pd.DataFrame:
    """The newest audit rows, optionally for some municipalities or one entity."""
    query = select(AuditLog).order_by(col(AuditLog.id).desc()).limit(limit)
    if municipalities is not None:
        query = query.where(col(AuditLog.municipality_code).in_(municipalities))
    if entity is not None:
        query = query.where(col(AuditLog.entity) == entity)
    if entity_id is not None:
        query = query.where(col(AuditLog.entity_id) == as_text(entity_id))
    with Session(engine) as session:
        rows = [row.model_dump() for row in session.exec(query)]
    columns = list(AuditLog.model_fields)
    return pd.DataFrame(rows, columns=columns)


# How far back data_version looks for rows committed out of id order (PostgreSQL hands out ids
# when rows are inserted, so a long transaction may commit rows older than the newest)
VERSION_WINDOW = 1_000
# Audit rows that change no data: a sign-in, a refusal or an export must not make every
# session's cached figures be computed again
QUIET_ACTIONS = ("sign_in", "sign_in_refused", "refused", "export")


def data_version(engine: Engine) -> tuple[int, int]:
    """A stamp of the data that changes with every committed write, in any process: every change
    adds audit rows in its own transaction. The newest id of a change (QUIET_ACTIONS aside) and
    how many changes are in the window of ids below it: the primary key's index read backwards
    to the newest change, then a range of at most VERSION_WINDOW ids, however long the log."""
    log = metadata.tables["audit_log"].c
    changes = log.action.not_in(QUIET_ACTIONS)
    newest = select(log.id).where(changes).order_by(log.id.desc()).limit(1).scalar_subquery()
    query = select(func.max(log.id), func.count()).where(
        changes, log.id > func.coalesce(newest, 0) - VERSION_WINDOW
    )
    with engine.connect() as connection:
        last, count = connection.execute(query).one()
    return int(last or 0), int(count)
