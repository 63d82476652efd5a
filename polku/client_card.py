"""The client card: one client's records seen together, and a wrongly recorded one corrected.

A card shows the client's entry data, status timeline (episodes), exit, outcomes and bonus
grants. Coordinators (their municipalities) and admins correct or delete a status episode, an
outcome, a grant or the exit; analysts may load a card read-only (they read rows, edit nothing);
directors are refused. A client of another municipality is "cannot be used", as in the forms.

Every record carries a version (like checklist items): a save names the version it read, and a
stale one is refused with StaleEdit showing what is there now and who saved it. An edit is
checked by the import's own rules for its kind (polku.ingest.KINDS, check_record): inside a
savepoint the old row is removed and the new one planned, so the rules see the client as it
would be; then the row is updated in place (its id and a grant's payments stay) with its version
one up. Every save is one transaction with audit rows old → new; a delete audits the old values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy import delete as sa_delete
from sqlalchemy import update as sa_update
from sqlalchemy.sql.elements import ColumnElement

from models import metadata
from polku import audit, forms, i18n, ingest, period_lock, privacy, project
from polku.access import Actor, Permission, check, row_scope
from polku.audit import FieldChange
from polku.db import session_scope
from polku.ingest import ERROR, FormInvalid, Localized, Problem
from polku.rules import clients as clients_rules
from polku.rules import grants
from polku.validation import normalise_business_id

_client = metadata.tables["client"]
_employer = metadata.tables["employer"]
_ctg = metadata.tables["client_target_group"]
_payment = metadata.tables["bonus_payment"]
_audit_log = metadata.tables["audit_log"]

# The card's kinds of record → the import's kind that holds their rules
IMPORT_KIND = {
    "episodes": "episodes",
    "exit": "clients",
    "outcomes": "outcomes",
    "grants": "grants",
}
CARD_KINDS = tuple(IMPORT_KIND)
TABLE = {
    "episodes": "status_episode",
    "exit": "client",
    "outcomes": "outcome",
    "grants": "bonus_grant",
}
# The exit, the situation on leaving and the six-month follow-up (recorded here, later)
EXIT_FIELDS = (
    "exit_date",
    "plan_goal_reached",
    "situation_on_leaving",
    "situation_date",
    "qualification_gained",
    "employed_6_months",
)
ACTION_CHANGE = "card_change"
ACTION_DELETE = "card_delete"
VERSION_FIELD = "version"
# Grant values people read as euros (the rest of the decimals are hours)
_EUROS = ("monthly_amount", "amount", "de_minimis_amount")


def fields(kind: str) -> tuple[ingest.Column, ...]:
    """The fields of a kind on the card, with their checks: the import's columns of the
    record, less the client's code (a record stays with its client)."""
    if kind == "exit":
        return tuple(ingest.KINDS["clients"].column(name) for name in EXIT_FIELDS)
    return tuple(c for c in ingest.KINDS[IMPORT_KIND[kind]].columns if c.type != "client_code")


def entry_fields() -> tuple[ingest.Column, ...]:
    """The client's entry data (shown, not edited here)."""
    spec = ingest.KINDS["clients"]
    return tuple(c for c in spec.columns if c.name not in EXIT_FIELDS)


# ---------------------------------------------------------------------------------------------
# What a card holds


@dataclass(frozen=True)
class Row:
    """A record on the card: its id, the version read and its values by field name."""

    id: int
    version: int
    values: dict[str, Any]


Choices = Mapping[str, Mapping[str, Localized]]  # code set → code → names


@dataclass(frozen=True)
class ClientCard:
    code: str
    municipality: str
    entry: dict[str, Any]
    exit: Row  # the client's row: its id and version, the exit fields
    episodes: list[Row]
    outcomes: list[Row]
    grants: list[Row]
    editable: bool
    choices: Choices

    def rows(self, kind: str) -> list[Row]:
        return [self.exit] if kind == "exit" else list(getattr(self, kind))


@dataclass(frozen=True)
class Conflict:
    """A stale save: what is stored now (None: removed), what changed since the user read
    it, who saved last and when, and what this user tried to save."""

    kind: str
    row_id: int
    label: Localized
    read_version: int
    version: int | None
    current: dict[str, Any] | None
    changes: list[FieldChange]
    changed_by: str | None
    changed_at: datetime | None
    yours: dict[str, Any]
    choices: Choices

    def message(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        who, when = (
            self.changed_by or "?",
            i18n.fmt_datetime(self.changed_at, lang) if self.changed_at else "?",
        )
        if self.current is None:
            return i18n.t(
                "client_card.conflict.removed", lang, what=self.label.text(lang), who=who, when=when
            )
        changes = "; ".join(describe(self.kind, c, self.choices, lang) for c in self.changes)
        return i18n.t(
            "client_card.conflict.item",
            lang,
            what=self.label.text(lang),
            who=who,
            when=when,
            changes=changes or "–",
        )

    def yours_text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        current = self.current or {}
        return "; ".join(
            describe(self.kind, FieldChange(n, current.get(n), v), self.choices, lang)
            for n, v in self.yours.items()
        )


class StaleEdit(Exception):
    """Someone changed or removed the record after this user read it: nothing was written."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = list(conflicts)
        super().__init__("changed by someone else meanwhile")


@dataclass(frozen=True)
class Saved:
    """A save that went through: the fields changed (old → new), the new version and
    warnings worth a second look (de minimis near the ceiling, text like an identity code)."""

    kind: str
    row_id: int
    version: int
    changes: list[FieldChange] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    choices: Choices = field(default_factory=dict)

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return "; ".join(describe(self.kind, c, self.choices, lang) for c in self.changes)


# ---------------------------------------------------------------------------------------------
# Values as people read them


def label(name: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    return i18n.t(f"client_card.field.{name}", lang)


def _column(kind: str, name: str) -> ingest.Column | None:
    spec = ingest.KINDS[IMPORT_KIND.get(kind, "clients")]  # the exit and the entry: the client
    return next((c for c in spec.columns if c.name == name), None)


def format_value(
    kind: str, name: str, value: Any, choices: Choices, lang: str = i18n.DEFAULT_LANGUAGE
) -> str:
    """A value in `lang`: code names, dates, euros and hours, yes / no; "–" when empty."""
    if value is None or value == "" or value == ():
        return "–"
    column = _column(kind, name)
    if isinstance(value, bool):
        return i18n.t("client_card.yes" if value else "client_card.no", lang)
    if column is not None and column.choices:
        names = choices.get(column.choices, {})
        codes = value if isinstance(value, tuple | list) else (value,)
        return ", ".join(names[v].text(lang) if v in names else str(v) for v in codes)
    if isinstance(value, datetime):
        return i18n.fmt_date(value.date(), lang)
    if isinstance(value, date):
        return i18n.fmt_date(value, lang)
    if column is not None and column.type == "decimal":
        if name in _EUROS:
            return i18n.fmt_euro(value, 2, lang)
        return i18n.fmt_decimal(value, 1, lang)
    if isinstance(value, int):
        return str(value) if name == "birth_year" else i18n.fmt_int(value, lang)
    return str(value)


def describe(kind: str, change: FieldChange, choices: Choices, lang: str) -> str:
    """ "Alkupäivä: 1.4.2026 → 3.4.2026"."""
    old = format_value(kind, change.field, change.old, choices, lang)
    new = format_value(kind, change.field, change.new, choices, lang)
    return f"{label(change.field, lang)}: {old} \u2192 {new}"


def row_label(kind: str, values: Mapping[str, Any], choices: Choices) -> Localized:
    """What a record is called in messages: "Tilajakso Uravalmennus, 1.4.2026"."""
    main = {
        "episodes": ("status", "start_date"),
        "outcomes": ("outcome_type", "outcome_date"),
        "grants": ("employer_name", "employment_start"),
        "exit": ("exit_date",),
    }[kind]

    def text(lang: str) -> str:
        parts = [format_value(kind, n, values.get(n), choices, lang) for n in main]
        return f"{i18n.t(f'client_card.kind.{kind}', lang)} {', '.join(parts)}"

    return Localized(text("fi"), text("en"))


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class _Stored:
    row: Row
    db: dict[str, Any]  # the stored row as in its table
    client_id: int
    code: str
    municipality: str
    entry_date: date
    exit_date: date | None


def _select(kind: str, where: ColumnElement[bool]) -> Any:
    table = metadata.tables[TABLE[kind]]
    c = _client.c
    client_cols = [
        c.id.label("_client_id"),
        c.code.label("_code"),
        c.municipality_code.label("_municipality"),
        c.entry_date.label("_entry_date"),
        c.exit_date.label("_exit_date"),
    ]
    if kind == "exit":
        return select(table, *client_cols).where(where)
    if "employer_id" not in table.c:
        return select(table, *client_cols).join(_client, c.id == table.c.client_id).where(where)
    employer = [
        _employer.c.business_id.label("_business_id"),
        _employer.c.name.label("_employer_name"),
    ]
    stmt = select(table, *client_cols, *employer).join(_client, c.id == table.c.client_id)
    return stmt.outerjoin(_employer, _employer.c.id == table.c.employer_id).where(where)


def _stored(kind: str, r: Mapping[str, Any]) -> _Stored:
    table = metadata.tables[TABLE[kind]]
    db = {name: r[name] for name in table.c.keys()}
    values: dict[str, Any] = {}
    for column in fields(kind):
        if column.db:
            values[column.name] = db[column.db]
        else:  # the employer, by its Y-tunnus and name
            values[column.name] = r.get(f"_{column.name}")
    return _Stored(
        Row(int(db["id"]), int(db["version"]), values),
        db,
        int(r["_client_id"]),
        str(r["_code"]),
        str(r["_municipality"]),
        r["_entry_date"],
        r["_exit_date"],
    )


def _read(conn: Connection, kind: str, row_id: int) -> _Stored | None:
    table = metadata.tables[TABLE[kind]]
    found = conn.execute(_select(kind, table.c.id == row_id)).mappings().first()
    return None if found is None else _stored(kind, dict(found))


def _order(kind: str) -> list[Any]:
    table = metadata.tables[TABLE[kind]]
    first = {"episodes": "start_date", "outcomes": "outcome_date", "grants": "employment_start"}
    return [table.c[first[kind]], table.c.id]


def _choices(conn: Connection) -> dict[str, dict[str, Localized]]:
    lookups = ingest.load_lookups(conn)
    return {
        name: {code: lookups.localized(name, code) for code in codes}
        for name, codes in lookups.codes.items()
    }


def _unusable(scope: frozenset[str] | None, code: str) -> FormInvalid:
    """As the forms say it: a code of another municipality is not named as such."""
    key = "ingest.error.unknown_client" if scope is None else "ingest.error.client_unusable"
    return FormInvalid([Problem(None, "client_code", key, {"value": code}, ERROR, "client_code")])


def search(engine: Engine, actor: Actor | None, text: str, limit: int = 10) -> list[str]:
    """Codes of the actor's clients containing `text` (any case), at most `limit`."""
    scope = row_scope(actor, Permission.READ_ROWS)
    text = (text or "").strip()
    if not text or privacy.has_hetu(text):
        return []
    c = _client.c
    stmt = select(c.code).where(func.lower(c.code).contains(text.lower(), autoescape=True))
    if scope is not None:
        stmt = stmt.where(c.municipality_code.in_(sorted(scope)))
    with engine.connect() as conn:
        return list(conn.execute(stmt.order_by(c.code).limit(limit)).scalars())


def load(engine: Engine, actor: Actor | None, code: str) -> ClientCard:
    """The client's card. AccessDenied for roles that read no rows (directors); FormInvalid
    "cannot be used" for a code not in the actor's municipalities (or not in Polku)."""
    scope = row_scope(actor, Permission.READ_ROWS)
    assert actor is not None
    code = (code or "").strip()
    if privacy.has_hetu(code):  # never echo an identity code
        raise FormInvalid(
            [Problem(None, "client_code", "forms.error.hetu", {}, ERROR, "client_code")]
        )
    with engine.connect() as conn:
        client = conn.execute(select(_client).where(_client.c.code == code)).mappings().first()
        if (
            not code
            or client is None
            or (scope is not None and client["municipality_code"] not in scope)
        ):
            raise _unusable(scope, code)
        municipality = str(client["municipality_code"])
        check(actor, Permission.READ_ROWS, municipality)
        groups = conn.execute(
            select(_ctg.c.target_group_code).where(_ctg.c.client_id == client["id"])
        ).scalars()
        entry = {c.name: client.get(c.db) if c.db else None for c in entry_fields()}
        entry["client_code"] = code
        entry["target_groups"] = tuple(sorted(groups))
        stored_exit = _stored("exit", {**client, **_client_refs(dict(client))})
        rows: dict[str, list[Row]] = {}
        for kind in ("episodes", "outcomes", "grants"):
            table = metadata.tables[TABLE[kind]]
            found = conn.execute(
                _select(kind, table.c.client_id == client["id"]).order_by(*_order(kind))
            ).mappings()
            rows[kind] = [_stored(kind, dict(r)).row for r in found]
        choices = _choices(conn)
    return ClientCard(
        code=code,
        municipality=municipality,
        entry=entry,
        exit=stored_exit.row,
        episodes=rows["episodes"],
        outcomes=rows["outcomes"],
        grants=rows["grants"],
        editable=actor.may(Permission.EDIT, municipality),
        choices=choices,
    )


def _client_refs(client: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "_client_id": client["id"],
        "_code": client["code"],
        "_municipality": client["municipality_code"],
        "_entry_date": client["entry_date"],
        "_exit_date": client["exit_date"],
    }


# ---------------------------------------------------------------------------------------------
# Conflicts


def _entity_id(kind: str, code: str, values: Mapping[str, Any]) -> str:
    """The record's natural key as the import and the forms write it in the audit log."""
    if kind == "exit":
        return code
    if kind == "episodes":
        parts: tuple[Any, ...] = (code, values.get("status"), values.get("start_date"))
    elif kind == "outcomes":
        parts = (code, values.get("outcome_type"), values.get("outcome_date"))
    else:
        employer = values.get("business_id") or values.get("employer_name")
        parts = (employer, code, values.get("employment_start"))
    return "/".join(str(p) for p in parts)[:60]


def _last_saver(
    conn: Connection, kind: str, ids: Sequence[str]
) -> tuple[str | None, datetime | None]:
    a = _audit_log.c
    found = conn.execute(
        select(a.user_email, a.at)
        .where(a.entity == TABLE[kind], a.entity_id.in_(list(ids)))
        .order_by(a.id.desc())
        .limit(1)
    ).first()
    return (found[0], found[1]) if found else (None, None)


def _stale_write(
    conn: Connection,
    kind: str,
    row_id: int,
    read_version: int,
    seen: Mapping[str, Any] | None,
    yours: Mapping[str, Any],
    code: str,
) -> StaleEdit:
    """An update or delete that matched no row: the conflict with what is stored now."""
    stored = _read(conn, kind, row_id)
    return StaleEdit([_conflict(conn, kind, row_id, read_version, stored, seen, yours, code)])


def _conflict(
    conn: Connection,
    kind: str,
    row_id: int,
    read_version: int,
    stored: _Stored | None,
    seen: Mapping[str, Any] | None,
    yours: Mapping[str, Any],
    code: str,
) -> Conflict:
    choices = _choices(conn)
    seen = dict(seen or {})
    current = None if stored is None else stored.row.values
    changes = [
        FieldChange(n, seen[n], current.get(n))
        for n in seen
        if current is not None
        and n in current
        and audit.as_text(seen[n]) != audit.as_text(current[n])
    ]
    ids = {_entity_id(kind, code, v) for v in (seen, current or {}) if v}
    who, when = _last_saver(conn, kind, sorted(ids))
    return Conflict(
        kind=kind,
        row_id=row_id,
        label=row_label(kind, current or seen, choices),
        read_version=read_version,
        version=None if stored is None else stored.row.version,
        current=None if current is None else dict(current),
        changes=changes,
        changed_by=who,
        changed_at=when,
        yours=dict(yours),
        choices=choices,
    )


# ---------------------------------------------------------------------------------------------
# Saving


def _typed(kind: str, changes: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The changes as values: numbers typed as text parsed as the forms parse them, empty
    text as None; FormInvalid names every field that holds no number."""
    known = {c.name: c for c in fields(kind)}
    unknown = sorted(set(changes) - set(known))
    if unknown:
        raise ValueError(f"not a field of {kind} on the card: {', '.join(unknown)}")
    out: dict[str, Any] = {}
    texts: dict[str, str | None] = {}
    hetus = [n for n, v in changes.items() if isinstance(v, str) and privacy.has_hetu(v)]
    if hetus:  # refused before any rule could echo the text
        raise FormInvalid([Problem(None, n, "forms.error.hetu", {}, ERROR, n) for n in hetus])
    for name, value in changes.items():
        if isinstance(value, str) and known[name].type in ("decimal", "int"):
            texts[name] = value
        elif isinstance(value, str) and known[name].type == "business_id":
            out[name] = normalise_business_id(value.strip()) or None
        elif isinstance(value, str):
            out[name] = value.strip() or None
        else:
            out[name] = value
    whole = [n for n in texts if known[n].type == "int"]
    out.update(forms.read_numbers(texts, whole, lang))
    return out


def _record(
    kind: str, code: str, old: Mapping[str, Any], new: dict[str, Any], changes: Mapping[str, Any]
) -> dict[str, Any]:
    """The record the import's rules check: every field of the kind, the employer named by its
    Y-tunnus, or by its name when the name alone was changed."""
    record = {"client_code": code, **new}
    if "business_id" in record and "employer_name" in changes and "business_id" not in changes:
        record["business_id"] = None
    if record.get("business_id"):
        record["employer_name"] = None
    if kind == "grants" and {"monthly_amount", "months"} & set(changes) and "amount" not in changes:
        record["amount"] = None  # computed again from the new terms
    return record


def _own_rules(
    conn: Connection, kind: str, stored: _Stored, new: Mapping[str, Any]
) -> list[Problem]:
    """The forms' rules of order that the import leaves to them: a status within the client's
    time in the project, an exit after every status started, a grant within the project's
    plausibility limits."""
    found: list[Problem] = []

    def add(name: str, key: str, **params: Any) -> None:
        found.append(Problem(None, name, key, params, ERROR, name))

    # The path's order and the grant limits: the rules the forms apply, from polku/rules/
    if kind == "episodes" and new.get("start_date") is not None:
        start = new["start_date"]
        early = clients_rules.not_before_entry(start, stored.entry_date, "start_date")
        found += forms.rule_problems(early)
        if not early and stored.exit_date is not None and start > stored.exit_date:
            add("start_date", "forms.error.client_exited", exit=stored.exit_date)
    if kind == "exit" and new.get("exit_date") is not None:
        e = metadata.tables["status_episode"].c
        latest = conn.execute(
            select(func.max(e.start_date)).where(e.client_id == stored.client_id)
        ).scalar()
        found += forms.rule_problems(clients_rules.exit_after_statuses(new["exit_date"], latest))
    if kind == "grants":
        found += forms.rule_problems(grants.limit_rules(new, project.limits()))
    return found


def _checked_row(
    session: Any,
    kind: str,
    stored: _Stored,
    record: dict[str, Any],
    changed: set[str],
    actor: Actor,
    today: date | None,
) -> tuple[dict[str, Any], list[Problem]]:
    """The row as the import would write it, and the problems; in a savepoint that removes the
    old row first (so the rules see the client without it) and is always rolled back."""
    table = metadata.tables[TABLE[kind]]
    nested = session.begin_nested()
    conn = session.connection()  # emits the SAVEPOINT
    try:
        if kind != "exit":
            conn.execute(sa_delete(table).where(table.c.id == stored.row.id))
        plan, problems = ingest.check_record(
            conn, actor, IMPORT_KIND[kind], record, today=today, period_lock=False
        )
    finally:
        nested.rollback()
    problems = [*problems, *_own_rules(conn, kind, stored, record)]
    planned: dict[str, Any] = {}
    if kind == "exit":
        planned = dict(plan.updates[0][1]) if plan.updates else dict(stored.db)
    elif plan.inserts:
        planned = dict(plan.inserts[0])
    elif not any(p.is_error for p in problems):  # the new key is another stored record's
        spec = ingest.KINDS[IMPORT_KIND[kind]]
        keys = [n for n in spec.key if n in record and n != "client_code"]
        where = next((n for n in keys if n in changed), keys[-1])
        problems.append(Problem(None, where, "client_card.error.duplicate", {}, ERROR, where))
    planned.pop("_row", None)
    # The lock, by the stored row's dates and the new ones (a record moved out counts too)
    if planned:
        problems += _locked(conn, kind, stored, planned)
    unique: dict[tuple[str | None, str], Problem] = {}
    for p in problems:
        unique.setdefault((p.field, p.key), p)
    return planned, list(unique.values())


def _locked(
    conn: Connection, kind: str, stored: _Stored, new: Mapping[str, Any] | None
) -> list[Problem]:
    """A correction (`new`) or deletion (None) that changes data dated in an approved period:
    its problem, at the card's field whose change touches the period."""
    refused = period_lock.refusal(period_lock.locked_periods(conn), TABLE[kind], stored.db, new)
    if refused is None:
        return []
    by_db = {c.db: c.name for c in fields(kind) if c.db}
    where = by_db.get(refused.column)
    return [Problem(None, where, refused.key, refused.params, ERROR, where)]


def _begin(
    session: Any,
    actor: Actor | None,
    kind: str,
    row_id: int,
    version: int,
    yours: Mapping[str, Any],
    seen: Mapping[str, Any] | None,
) -> tuple[_Stored, Actor]:
    """The stored record after the checks every save starts with: it exists, the actor may
    edit its municipality, it is the version the user read."""
    if kind not in CARD_KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    conn = session.connection()
    row_scope(actor, Permission.EDIT)  # refuses at once those who edit nothing
    ingest.lock_kind(conn, IMPORT_KIND[kind])  # takes turns with imports and forms of the kind
    stored = _read(conn, kind, row_id)
    if stored is None:
        raise StaleEdit([_conflict(conn, kind, row_id, version, None, seen, yours, "")])
    actor = check(actor, Permission.EDIT, stored.municipality)
    if stored.row.version != version:
        raise StaleEdit([_conflict(conn, kind, row_id, version, stored, seen, yours, stored.code)])
    return stored, actor


def update(
    engine: Engine,
    actor: Actor | None,
    kind: str,
    row_id: int,
    version: int,
    changes: Mapping[str, Any],
    lang: str = i18n.DEFAULT_LANGUAGE,
    *,
    seen: Mapping[str, Any] | None = None,
    today: date | None = None,
    action: str = ACTION_CHANGE,
) -> Saved:
    """Correct a record: `changes` by field name (numbers may be text as typed in `lang`),
    `version` the one read, `seen` the values read (for the conflict message). Raises
    AccessDenied, StaleEdit or FormInvalid (problems naming the fields); nothing is written
    then."""
    typed = _typed(kind, changes, lang)
    with session_scope(engine) as session:
        stored, actor = _begin(session, actor, kind, row_id, version, typed, seen)
        conn = session.connection()
        old = stored.row.values
        new = {**old, **typed}
        if all(audit.as_text(old[n]) == audit.as_text(new[n]) for n in typed):
            return Saved(kind, row_id, version)
        record = _record(kind, stored.code, old, new, typed)
        planned, problems = _checked_row(session, kind, stored, record, set(typed), actor, today)
        errors = [p for p in problems if p.is_error]
        if errors:
            raise FormInvalid(errors)
        table = metadata.tables[TABLE[kind]]
        values = {
            n: v
            for n, v in planned.items()
            if n in table.c and n != "id" and not _same(v, stored.db[n])
        }
        if "updated_at" in table.c:
            values["updated_at"] = func.now()
        done = conn.execute(
            sa_update(table)
            .where(table.c.id == row_id, table.c.version == version)
            .values(**values, version=table.c.version + 1)
        )
        if done.rowcount != 1:  # saved by someone else between our read and this write
            raise _stale_write(conn, kind, row_id, version, seen, typed, stored.code)
        after = _read(conn, kind, row_id)
        assert after is not None
        changed = [
            FieldChange(n, old[n], after.row.values[n])
            for n in old
            if audit.as_text(old[n]) != audit.as_text(after.row.values[n])
        ]
        audit.record_changes(
            session,
            user_email=actor.email,
            entity=TABLE[kind],
            entity_id=_entity_id(kind, stored.code, old),
            before={**{c.field: c.old for c in changed}, VERSION_FIELD: version},
            after={**{c.field: c.new for c in changed}, VERSION_FIELD: version + 1},
            municipality=stored.municipality,
            action=action,
        )
        choices = _choices(conn)
    warnings = [p for p in problems if not p.is_error]
    return Saved(kind, row_id, version + 1, changed, warnings, choices)


def _same(a: Any, b: Any) -> bool:
    return audit.as_text(a) == audit.as_text(b)


def delete(
    engine: Engine,
    actor: Actor | None,
    kind: str,
    row_id: int,
    version: int,
    *,
    seen: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> Saved:
    """Delete a wrongly recorded episode, outcome or grant (a grant with payments is kept);
    the exit is cleared (its date, goal, situation on leaving and follow-up), with the same
    rules. Audited with the old values."""
    if kind == "exit":
        cleared = dict.fromkeys(EXIT_FIELDS)
        return update(
            engine,
            actor,
            kind,
            row_id,
            version,
            cleared,
            seen=seen,
            today=today,
            action=ACTION_DELETE,
        )
    with session_scope(engine) as session:
        stored, actor = _begin(session, actor, kind, row_id, version, {}, seen)
        conn = session.connection()
        table = metadata.tables[TABLE[kind]]
        if kind == "grants":
            paid = conn.execute(
                select(func.count()).select_from(_payment).where(_payment.c.grant_id == row_id)
            ).scalar_one()
            if paid:
                raise FormInvalid(
                    [Problem(None, None, "client_card.error.grant_paid", {}, ERROR, None)]
                )
        locked = _locked(conn, kind, stored, None)
        if locked:
            raise FormInvalid(locked)
        done = conn.execute(
            sa_delete(table).where(table.c.id == row_id, table.c.version == version)
        )
        if done.rowcount != 1:
            raise _stale_write(conn, kind, row_id, version, seen, {}, stored.code)
        old = stored.row.values
        audit.record_changes(
            session,
            user_email=actor.email,
            entity=TABLE[kind],
            entity_id=_entity_id(kind, stored.code, old),
            before={**old, VERSION_FIELD: version},
            after=dict.fromkeys([*old, VERSION_FIELD]),
            municipality=stored.municipality,
            action=ACTION_DELETE,
        )
        choices = _choices(conn)
    changes = [FieldChange(n, v, None) for n, v in old.items() if v is not None]
    return Saved(kind, row_id, version, changes, [], choices)
