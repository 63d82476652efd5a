"""Retention: the clients who left before a day are made anonymous, as [retention] of the
project file says (`python -m polku retention --before DAY [--dry-run] [--force]`).

What stays: every date, status, target group, the labour-market data at entry, outcomes' types,
dates and employers, and bonus grants, so the indicators, the charts and the funder's reports
give the same numbers after as before. What goes: the link to a person. The client code is
replaced by a fresh random one (never derived from the old one, and the pair is stored nowhere);
the free-text plan goal and outcome notes are deleted; the birth year becomes the middle of the
client's age band at entry (or is kept); status episodes are kept or deleted; all as the rule
says.

The audit log is append-only (the database refuses UPDATE and DELETE) and stays whole: its rows
about these clients keep the old pseudonymous code, which after the re-coding names no row in
Polku and cannot be followed to the new code. One audit row records each run, with counts only.

The funder requires the records for a number of years after the project ends: before that day a
run is refused unless forced (`--force`, e.g. a data subject's erasure the funder agreed to).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, func, select, update
from sqlmodel import Session

from models import BIRTH_YEAR_MAX, BIRTH_YEAR_MIN, metadata
from polku import audit, db, privacy, users
from polku.access import Actor, Permission, check
from polku.project import Retention, retention

_client = metadata.tables["client"]
_outcome = metadata.tables["outcome"]
_episode = metadata.tables["status_episode"]
_project = metadata.tables["project"]
CODE_LENGTH: int = _client.c.code.type.length  # type: ignore[attr-defined]


class RetentionError(users.UserError):
    """A retention run that is refused; the message says why, in the user's language."""


@dataclass
class Counts:
    """What a run changes (a dry run: would change)."""

    clients: int = 0
    plan_goals: int = 0
    outcome_notes: int = 0
    birth_years: int = 0
    status_episodes: int = 0

    def as_text(self) -> str:
        return " ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))


def earliest_day(engine: Engine, rule: Retention) -> date:
    """The first day the rule allows anonymising: the project's end + the years kept."""
    with engine.connect() as conn:
        end = conn.execute(select(func.max(_project.c.end_date))).scalar_one()
    if end is None:
        raise RetentionError("retention.error.no_project")
    try:
        return end.replace(year=end.year + rule.keep_years_after_project_end)
    except ValueError:  # 29 February
        return end.replace(year=end.year + rule.keep_years_after_project_end, day=28)


def _age_band_year(rule: Retention, birth_year: int, entry: date) -> int:
    """The middle year of birth of the age band the client was in at entry."""
    age = entry.year - birth_year
    edges = rule.age_bands
    lower = max((edge for edge in edges if edge <= age), default=None)
    if lower is None:  # below the first band: two years under it
        middle = edges[0] - 2
    else:
        upper = min((edge for edge in edges if edge > lower), default=lower + 11)
        middle = (lower + upper - 1) // 2
    return min(max(entry.year - middle, BIRTH_YEAR_MIN), BIRTH_YEAR_MAX)


def _fresh_codes(session: Session, prefix: str, n: int) -> list[str]:
    """`n` new random codes that no client has."""
    used = set(session.connection().execute(select(_client.c.code)).scalars())
    length = CODE_LENGTH - len(prefix)
    codes: list[str] = []
    while len(codes) < n:
        code = prefix + secrets.token_hex(length)[:length].upper()
        if code not in used and not privacy.has_hetu(code):  # hex may look like one
            used.add(code)
            codes.append(code)
    return codes


def run(
    engine: Engine,
    actor: Actor,
    before: date,
    *,
    dry_run: bool = False,
    force: bool = False,
    today: date,
    project_file: Path | None = None,
) -> Counts:
    """Anonymise the clients who left before `before`, in one transaction, audited; a dry run
    counts only. Refused (RetentionError) for a day after `today`, and before the rule's
    earliest day unless `force`."""
    check(actor, Permission.MANAGE)
    rule = retention(project_file)
    if before > today:
        raise RetentionError("retention.error.future", day=before.isoformat())
    earliest = earliest_day(engine, rule)
    if today < earliest and not force:
        raise RetentionError(
            "retention.error.too_early",
            earliest=earliest.isoformat(),
            years=str(rule.keep_years_after_project_end),
        )
    c = _client.c
    with db.session_scope(engine) as session:
        conn = session.connection()
        # Clients already anonymised (their code has the prefix) are not counted again
        rows = conn.execute(
            select(c.id, c.birth_year, c.entry_date, c.plan_goal)
            .where(c.exit_date < before, ~c.code.startswith(rule.anonymous_code_prefix))
            .order_by(c.id)
        ).all()
        ids = [r.id for r in rows]
        counts = Counts(clients=len(ids))
        years = {
            r.id: _age_band_year(rule, r.birth_year, r.entry_date)
            if rule.birth_year == "age_band"
            else r.birth_year
            for r in rows
        }
        counts.birth_years = sum(1 for r in rows if years[r.id] != r.birth_year)
        if rule.plan_goal == "delete":
            counts.plan_goals = sum(1 for r in rows if r.plan_goal is not None)
        for start in range(0, len(ids), 500):  # IN lists of a size every backend takes
            chunk = ids[start : start + 500]
            if rule.outcome_note == "delete":
                counts.outcome_notes += conn.execute(
                    select(func.count())
                    .select_from(_outcome)
                    .where(_outcome.c.client_id.in_(chunk), _outcome.c.note.is_not(None))
                ).scalar_one()
            if rule.status_episodes == "delete":
                counts.status_episodes += conn.execute(
                    select(func.count())
                    .select_from(_episode)
                    .where(_episode.c.client_id.in_(chunk))
                ).scalar_one()
        if dry_run or not ids:
            session.rollback()
            return counts
        codes = _fresh_codes(session, rule.anonymous_code_prefix, len(ids))
        values: dict[str, Any] = {
            "code": bindparam("new_code"),
            "birth_year": bindparam("new_year"),
            "version": c.version + 1,
        }
        if rule.plan_goal == "delete":
            values["plan_goal"] = None
        conn.execute(
            update(_client).where(c.id == bindparam("client_id")).values(values),
            [
                {"client_id": i, "new_code": code, "new_year": years[i]}
                for i, code in zip(ids, codes, strict=True)
            ],
        )
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            if rule.outcome_note == "delete":
                conn.execute(
                    update(_outcome)
                    .where(_outcome.c.client_id.in_(chunk), _outcome.c.note.is_not(None))
                    .values(note=None, version=_outcome.c.version + 1)
                )
            if rule.status_episodes == "delete":
                conn.execute(_episode.delete().where(_episode.c.client_id.in_(chunk)))
        audit.record(
            session,
            user_email=actor.email,
            action="retention",
            entity="client",
            detail=f"before={before.isoformat()} forced={force} {counts.as_text()}",
        )
    return counts
