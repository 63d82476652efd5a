"""Planning: each checked row matched to the database by its natural key."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, Table, select

from models import metadata
from polku import period_lock
from polku.ingest.checking import Context, Record, norm_label
from polku.ingest.kinds import Kind
from polku.ingest.problems import ERROR, WARNING
from polku.rules import Finding
from polku.rules.clients import client_rules, not_before_entry, period_rules
from polku.rules.employers import employer_rules, partnership_rules
from polku.rules.grants import (
    Aid,
    de_minimis_rule,
    de_minimis_settings,
    declared_aid,
    grant_aid,
    grant_rules,
)
from polku.rules.staff import covers, employment_rules, hours_rules, month_of


@dataclass
class Plan:
    """What a commit writes: rows to insert, rows to update (id, new values, old values of
    the changed fields) and the count of rows already as in the file."""

    kind: Kind
    inserts: list[Record] = field(default_factory=list)
    updates: list[tuple[int, Record, Record]] = field(default_factory=list)
    unchanged: int = 0
    actions: dict[int, str] = field(default_factory=dict)  # row → added / changed / unchanged
    # Clients: target groups to add and remove, by client code
    groups_add: dict[str, set[str]] = field(default_factory=dict)
    groups_remove: dict[str, set[str]] = field(default_factory=dict)
    groups_changed: set[str] = field(default_factory=set)  # stored clients only
    audit_ids: dict[int, str] = field(default_factory=dict)  # row → entity id for the audit
    municipalities: dict[int, str | None] = field(default_factory=dict)


def same_value(a: Any, b: Any) -> bool:
    """Whether a stored value and a new one are the same (Decimal("1.50") is 1.5)."""
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    if isinstance(a, datetime) or isinstance(b, datetime):
        return _as_date(a) == _as_date(b)
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except (InvalidOperation, TypeError, ValueError):
        return False


def _as_date(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) else value


def _effective(values: Record, old: Record | None, absent: list[str], defaults: Record) -> Record:
    """The row as it would be stored: the file's values where the file has the column, the
    stored row's values elsewhere (a new row: the defaults)."""
    for column in absent:
        values[column] = old.get(column) if old is not None else defaults[column]
    return values


def _plan_rows(
    ctx: Context,
    plan: Plan,
    records: list[Record],
    key_of: Callable[[Record], tuple | None],
    existing: Mapping[tuple, Record],
    values: Callable[[Record], Record],
    present_db: set[str],
    defaults: Record,
    check: Callable[[Record, Record, Record | None], None] | None = None,
) -> list[tuple[Record, Record, Record | None]]:
    """Split the valid records into inserts, updates and unchanged rows; `check` sees each
    record with its effective values and the stored row. Duplicate keys are problems."""
    seen: dict[tuple, int] = {}
    matched = []
    absent = [column for column in defaults if column not in present_db]
    locked = _locked_periods(ctx)
    for record in records:
        key = key_of(record)
        if key is None:
            continue
        row = record["_row"]
        if key in seen:
            ctx.add(
                row,
                _key_column(ctx),
                "ingest.error.duplicate_key",
                first=seen[key],
            )
            continue
        seen[key] = row
        old = existing.get(key)
        new = _effective(values(record), old, absent, defaults)
        if check is not None:
            check(record, new, old)
        _lock(ctx, row, locked, old, new)
        matched.append((record, new, old))
    if ctx.errors:
        return matched
    for record, new, old in matched:
        row = record["_row"]
        if old is None:
            new["_row"] = row
            plan.inserts.append(new)
            plan.actions[row] = "added"
            continue
        changed = {c: old.get(c) for c, v in new.items() if not same_value(v, old.get(c))}
        if changed:
            plan.updates.append((int(old["id"]), {**new, "_row": row}, changed))
            plan.actions[row] = "changed"
        else:
            plan.unchanged += 1
            plan.actions[row] = "unchanged"
    return matched


def _locked_periods(ctx: Context) -> tuple[period_lock.LockedPeriod, ...]:
    """The approved periods, for a kind whose data a report's figures read."""
    if not ctx.period_lock or ctx.kind.table not in period_lock.DATED:
        return ()
    return period_lock.locked_periods(ctx.conn)


def _lock(
    ctx: Context,
    row: int,
    locked: tuple[period_lock.LockedPeriod, ...],
    old: Record | None,
    new: Record,
) -> None:
    """A row that would change data dated in an approved period: refused, naming the period,
    at the column whose change touches it (as the file names it)."""
    refused = period_lock.refusal(locked, ctx.kind.table, old, new)
    if refused is None:
        return
    by_db = {c.db: c.name for c in ctx.kind.columns if c.db}
    column = by_db.get(refused.column, refused.column)
    if column not in ctx.present:
        column = next((c for c in ctx.kind.key if c in ctx.present), _key_column(ctx))
    ctx.add(row, column, refused.key, **refused.params)


def _say(ctx: Context, row: int, findings: list[Finding]) -> None:
    """The rules' findings as problems of the row, at the fields the file has."""
    for found in findings:
        severity = WARNING if found.warning else ERROR
        ctx.add(row, found.where(ctx.present), found.key, severity, **found.params)


def _key_column(ctx: Context) -> str:
    return next((n for n in ctx.kind.key if n in ctx.present), ctx.kind.key[0])


def _scope_problem(ctx: Context, row: int, column: str, municipality: str | None) -> None:
    ctx.refused.add(municipality)
    ctx.add(row, column, "ingest.error.not_yours", municipality=ctx.municipality_name(municipality))


def _rows(conn: Connection, table: Table, *columns: str) -> list[Record]:
    cols = [table.c[c] for c in columns] if columns else list(table.c)
    keys = [c.name for c in cols]
    return [dict(zip(keys, r, strict=True)) for r in conn.execute(select(*cols)).all()]


@dataclass(frozen=True)
class _ClientRef:
    id: int
    municipality: str
    entry_date: date
    exit_date: date | None


def _client_refs(conn: Connection) -> dict[str, _ClientRef]:
    c = metadata.tables["client"].c
    stmt = select(c.id, c.code, c.municipality_code, c.entry_date, c.exit_date)
    return {
        r.code: _ClientRef(r.id, r.municipality_code, r.entry_date, r.exit_date)
        for r in conn.execute(stmt).all()
    }


def _resolve_client(
    ctx: Context, record: Record, clients: Mapping[str, _ClientRef]
) -> _ClientRef | None:
    """The client a row names, if it exists and the actor may edit its municipality."""
    code = record.get("client_code")
    if code is None:
        return None
    client = clients.get(code)
    if client is None or not ctx.may_edit(client.municipality):
        _unusable_client(ctx, record["_row"], code)
        return None
    return client


def _unusable_client(ctx: Context, row: int, code: str) -> None:
    """A code the actor may not use: to one who sees only some municipalities, a code of
    another municipality and an unknown one get the same words (no name, no existence)."""
    key = "ingest.error.unknown_client" if ctx.scope is None else "ingest.error.client_unusable"
    ctx.add(row, "client_code", key, value=code)


@dataclass
class _Employers:
    by_id: dict[int, Record]
    by_business_id: dict[str, Record]
    by_name: dict[str, list[Record]]


def _employers(conn: Connection) -> _Employers:
    rows = _rows(conn, metadata.tables["employer"])
    by_name: dict[str, list[Record]] = defaultdict(list)
    for r in rows:
        by_name[norm_label(r["name"])].append(r)
    return _Employers(
        {r["id"]: r for r in rows},
        {r["business_id"]: r for r in rows if r["business_id"]},
        dict(by_name),
    )


def _resolve_employer(
    ctx: Context, record: Record, employers: _Employers, *, required: bool
) -> Record | None:
    """The employer a row names by Y-tunnus, or by name when it has none (private persons)."""
    row = record["_row"]
    business_id, name = record.get("business_id"), record.get("employer_name")
    if business_id is not None:
        if (row, "business_id") in ctx.bad_cells:
            return None
        found = employers.by_business_id.get(business_id)
        if found is None:
            ctx.add(row, "business_id", "ingest.error.unknown_employer", value=business_id)
        return found
    if name is not None:
        if (row, "employer_name") in ctx.bad_cells:
            return None
        candidates = employers.by_name.get(norm_label(name), [])
        if len(candidates) == 1:
            return candidates[0]
        key = "ingest.error.ambiguous_employer" if candidates else "ingest.error.unknown_employer"
        ctx.add(row, "employer_name", key, value=name)
        return None
    if required:
        column = "business_id" if "business_id" in ctx.present else "employer_name"
        ctx.add(row, column, "ingest.error.employer_required")
    return None


def _defaults(kind: Kind, columns: Iterable[str]) -> Record:
    by_db = {c.db: c.default for c in kind.columns if c.db}
    return {c: by_db.get(c) for c in columns}


def _present_db(ctx: Context) -> set[str]:
    return {c.db for c in ctx.kind.columns if c.name in ctx.present and c.db}


# --- clients ---------------------------------------------------------------------------------

_CLIENT_VALUES = (
    "municipality_code",
    "birth_year",
    "gender",
    "education_level",
    "labour_status_at_entry",
    "unemployment_months",
    "entry_date",
    "exit_date",
    "plan_goal",
    "plan_goal_reached",
    "situation_on_leaving",
    "situation_date",
    "qualification_gained",
    "employed_6_months",
)


def _plan_clients(ctx: Context, records: list[Record], plan: Plan) -> None:
    table = metadata.tables["client"]
    existing = {(r["code"],): r for r in _rows(ctx.conn, table, "id", "code", *_CLIENT_VALUES)}
    groups: dict[int, set[str]] = defaultdict(set)
    if "target_groups" in ctx.present:
        ctg = metadata.tables["client_target_group"]
        for r in ctx.conn.execute(select(ctg.c.client_id, ctg.c.target_group_code)).all():
            groups[r.client_id].add(r.target_group_code)

    def key_of(record: Record) -> tuple | None:
        code = record.get("client_code")
        return None if code is None or (record["_row"], "client_code") in ctx.bad_cells else (code,)

    pairs = [(column, _CLIENT_FIELD.get(column, column)) for column in _CLIENT_VALUES]

    def values(record: Record) -> Record:
        new = {column: record.get(name) for column, name in pairs}
        new["code"] = record.get("client_code")
        return new

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        municipality = new["municipality_code"]
        column = "municipality" if "municipality" in ctx.present else "client_code"
        # A stored client of another municipality first: its home must not be named
        if old is not None and not ctx.may_edit(old["municipality_code"]):
            _unusable_client(ctx, row, new["code"])
        elif municipality is not None and not ctx.may_edit(municipality):
            _scope_problem(ctx, row, column, municipality)
        _say(ctx, row, client_rules(new))
        plan.audit_ids[row] = new["code"]
        plan.municipalities[row] = municipality

    present = {"code"} | {c for c in _CLIENT_VALUES if _CLIENT_FIELD.get(c, c) in ctx.present}
    defaults = _defaults(ctx.kind, ("code", *_CLIENT_VALUES))
    matched = _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)
    if "target_groups" not in ctx.present:
        return
    locked = _locked_periods(ctx)
    for record, new, old in matched:
        if old is not None:  # the groups are entry data, dated by the entry
            wanted = set(record.get("target_groups") or ())
            have = groups.get(int(old["id"]), set())
            before = {"entry_date": old["entry_date"], "target_groups": have}
            after = {"entry_date": new["entry_date"], "target_groups": wanted}
            _lock(ctx, record["_row"], locked, before, after)
    if ctx.errors:
        return
    for record, new, old in matched:
        wanted = set(record.get("target_groups") or ())
        have = groups.get(int(old["id"]), set()) if old is not None else set()
        code, row = new["code"], record["_row"]
        if wanted - have:
            plan.groups_add[code] = wanted - have
        if have - wanted:
            plan.groups_remove[code] = have - wanted
        if wanted != have and old is not None:
            plan.groups_changed.add(code)
        if wanted != have and plan.actions.get(row) == "unchanged":
            plan.unchanged -= 1
            plan.actions[row] = "changed"
            assert old is not None
            plan.updates.append((int(old["id"]), {**new, "_row": row}, {}))
    # Clients whose only change is their groups are updated with their own values: harmless


_CLIENT_FIELD = {"municipality_code": "municipality"}


# --- episodes, outcomes, partnerships, grants, costs, employers ------------------------------


def _plan_episodes(ctx: Context, records: list[Record], plan: Plan) -> None:
    table = metadata.tables["status_episode"]
    clients = _client_refs(ctx.conn)
    existing = {
        (r["client_id"], r["status_code"], r["start_date"]): r
        for r in _rows(ctx.conn, table, "id", "client_id", "status_code", "start_date", "end_date")
    }
    resolved = _resolve_clients(ctx, records, clients)

    def key_of(record: Record) -> tuple | None:
        client = resolved.get(record["_row"])
        if client is None or record.get("status") is None or record.get("start_date") is None:
            return None
        return (client.id, record["status"], record["start_date"])

    def values(record: Record) -> Record:
        client = resolved[record["_row"]]
        return {
            "client_id": client.id,
            "status_code": record["status"],
            "start_date": record["start_date"],
            "end_date": record.get("end_date"),
        }

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        _say(ctx, row, period_rules(new))
        client = resolved[row]
        plan.audit_ids[row] = f"{record['client_code']}/{new['status_code']}/{new['start_date']}"
        plan.municipalities[row] = client.municipality

    present = {"client_id", "status_code", "start_date"} | _present_db(ctx)
    columns = ("client_id", "status_code", "start_date", "end_date")
    defaults = _defaults(ctx.kind, columns)
    _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)


def _resolve_clients(
    ctx: Context, records: list[Record], clients: Mapping[str, _ClientRef]
) -> dict[int, _ClientRef]:
    resolved = {}
    for record in records:
        if (record["_row"], "client_code") in ctx.bad_cells:
            continue
        client = _resolve_client(ctx, record, clients)
        if client is not None:
            resolved[record["_row"]] = client
    return resolved


def _plan_outcomes(ctx: Context, records: list[Record], plan: Plan) -> None:
    table = metadata.tables["outcome"]
    clients = _client_refs(ctx.conn)
    employers = _employers(ctx.conn)
    existing = {
        (r["client_id"], r["outcome_type_code"], r["outcome_date"]): r
        for r in _rows(ctx.conn, table)
    }
    resolved = _resolve_clients(ctx, records, clients)
    employer_ids: dict[int, int | None] = {}
    for record in records:
        found = _resolve_employer(ctx, record, employers, required=False)
        employer_ids[record["_row"]] = None if found is None else int(found["id"])

    def key_of(record: Record) -> tuple | None:
        client = resolved.get(record["_row"])
        if client is None or record.get("outcome_type") is None or not record.get("outcome_date"):
            return None
        return (client.id, record["outcome_type"], record["outcome_date"])

    def values(record: Record) -> Record:
        return {
            "client_id": resolved[record["_row"]].id,
            "outcome_type_code": record["outcome_type"],
            "outcome_date": record["outcome_date"],
            "employer_id": employer_ids.get(record["_row"]),
            "note": record.get("note"),
        }

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        client = resolved[row]
        _say(ctx, row, not_before_entry(new["outcome_date"], client.entry_date, "outcome_date"))
        parts = (record["client_code"], new["outcome_type_code"], new["outcome_date"])
        plan.audit_ids[row] = "/".join(str(p) for p in parts)
        plan.municipalities[row] = client.municipality

    present = {"client_id", "outcome_type_code", "outcome_date"} | _present_db(ctx)
    if {"business_id", "employer_name"} & ctx.present:
        present.add("employer_id")
    columns = ("client_id", "outcome_type_code", "outcome_date", "employer_id", "note")
    defaults = _defaults(ctx.kind, columns)
    _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)


def _plan_employers(ctx: Context, records: list[Record], plan: Plan) -> None:
    employers = _employers(ctx.conn)
    existing: dict[tuple, Record] = {}
    for r in employers.by_id.values():
        if r["business_id"]:
            existing[("id", r["business_id"])] = r
        else:
            existing[("name", norm_label(r["name"]), r["municipality_code"])] = r

    def key_of(record: Record) -> tuple | None:
        row = record["_row"]
        if record.get("business_id") is not None:
            if (row, "business_id") in ctx.bad_cells:
                return None
            return ("id", record["business_id"])
        if record.get("name") is None or (row, "municipality") in ctx.bad_cells:
            return None
        return ("name", norm_label(record["name"]), record.get("municipality"))

    def values(record: Record) -> Record:
        return {
            "business_id": record.get("business_id"),
            "name": record.get("name"),
            "employer_type": record.get("employer_type"),
            "municipality_code": record.get("municipality"),
        }

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        _say(ctx, row, employer_rules(new))
        if not ctx.may_edit(new["municipality_code"], region_ok=True):
            _scope_problem(ctx, row, "municipality", new["municipality_code"])
        elif old is not None and not ctx.may_edit(old["municipality_code"], region_ok=True):
            _scope_problem(ctx, row, "name", old["municipality_code"])
        plan.audit_ids[row] = new["business_id"] or new["name"]
        plan.municipalities[row] = new["municipality_code"]

    columns = ("business_id", "name", "employer_type", "municipality_code")
    present = {"business_id", "name"} | _present_db(ctx)
    defaults = _defaults(ctx.kind, columns)
    _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)


def _plan_partnerships(ctx: Context, records: list[Record], plan: Plan) -> None:
    table = metadata.tables["partnership_agreement"]
    employers = _employers(ctx.conn)
    existing = {(r["employer_id"], r["start_date"]): r for r in _rows(ctx.conn, table)}
    resolved: dict[int, Record] = {}
    for record in records:
        found = _resolve_employer(ctx, record, employers, required=True)
        if found is None:
            continue
        row = record["_row"]
        column = "business_id" if record.get("business_id") else "employer_name"
        if not ctx.may_edit(found["municipality_code"], region_ok=True):
            _scope_problem(ctx, row, column, found["municipality_code"])
        else:
            resolved[row] = found

    def key_of(record: Record) -> tuple | None:
        employer = resolved.get(record["_row"])
        if employer is None or record.get("start_date") is None:
            return None
        return (employer["id"], record["start_date"])

    def values(record: Record) -> Record:
        return {
            "employer_id": resolved[record["_row"]]["id"],
            "signed_on": record.get("signed_on"),
            "start_date": record["start_date"],
            "end_date": record.get("end_date"),
            "note": record.get("note"),
        }

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        _say(ctx, row, partnership_rules(new))
        employer = resolved[row]
        plan.audit_ids[row] = f"{employer['business_id'] or employer['name']}/{new['start_date']}"
        plan.municipalities[row] = employer["municipality_code"]

    columns = ("employer_id", "signed_on", "start_date", "end_date", "note")
    present = {"employer_id", "start_date"} | _present_db(ctx)
    defaults = _defaults(ctx.kind, columns)
    _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)


_GRANT_VALUES = (
    "employment_end",
    "contract_type",
    "weekly_hours",
    "monthly_amount",
    "months",
    "amount",
    "application_date",
    "decision_date",
    "decision",
    "de_minimis_amount",
    "employed_after_6_months",
    "employed_after_12_months",
)


def _plan_grants(ctx: Context, records: list[Record], plan: Plan) -> None:
    table = metadata.tables["bonus_grant"]
    clients = _client_refs(ctx.conn)
    employers = _employers(ctx.conn)
    stored = _rows(ctx.conn, table)
    existing = {(r["employer_id"], r["client_id"], r["employment_start"]): r for r in stored}
    resolved_clients = _resolve_clients(ctx, records, clients)
    resolved_employers: dict[int, Record] = {}
    for record in records:
        found = _resolve_employer(ctx, record, employers, required=True)
        if found is not None:
            resolved_employers[record["_row"]] = found

    def key_of(record: Record) -> tuple | None:
        row = record["_row"]
        client, employer = resolved_clients.get(row), resolved_employers.get(row)
        if client is None or employer is None or record.get("employment_start") is None:
            return None
        return (employer["id"], client.id, record["employment_start"])

    def values(record: Record) -> Record:
        row = record["_row"]
        out = {
            "employer_id": resolved_employers[row]["id"],
            "client_id": resolved_clients[row].id,
            "employment_start": record["employment_start"],
        }
        out.update({c: record.get(c) for c in _GRANT_VALUES})
        return out

    checked: list[tuple[int, Record]] = []

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        if "amount" not in ctx.present:
            new["amount"] = None  # computed from the terms, whatever was stored before
        _say(ctx, row, grant_rules(new))
        plan.audit_ids[row] = "/".join(
            str(v)
            for v in (
                resolved_employers[row]["business_id"] or resolved_employers[row]["name"],
                record["client_code"],
                new["employment_start"],
            )
        )
        plan.municipalities[row] = resolved_clients[row].municipality
        checked.append((row, new))

    columns = ("employer_id", "client_id", "employment_start", *_GRANT_VALUES)
    present = {"employer_id", "client_id", "employment_start"} | _present_db(ctx)
    defaults = _defaults(ctx.kind, columns)
    _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)
    # De minimis over the stored grants and the file's, a file row replacing its stored twin
    keys = {(n["employer_id"], n["client_id"], n["employment_start"]) for _, n in checked}
    by_employer: dict[int, list[Record]] = defaultdict(list)
    for g in stored:
        if (g["employer_id"], g["client_id"], g["employment_start"]) not in keys:
            by_employer[g["employer_id"]].append(g)
    for _, new in checked:
        by_employer[new["employer_id"]].append(new)
    declared = _declared_aids(ctx.conn)
    settings = de_minimis_settings()
    for row, new in checked:
        employer = employers.by_id[new["employer_id"]]
        aids = [a for g in by_employer[new["employer_id"]] if (a := grant_aid(g)) is not None]
        aids += declared.get(new["employer_id"], [])
        findings = de_minimis_rule(grant_aid(new), aids, employer["name"], settings=settings)
        _say(ctx, row, findings)


def _declared_aids(conn: Connection, leave_out: Iterable[int] = ()) -> dict[int, list[Aid]]:
    """The aid employers declared from other grantors, by employer (`leave_out`: row ids)."""
    out: dict[int, list[Aid]] = defaultdict(list)
    skip = set(leave_out)
    for r in _rows(conn, metadata.tables["declared_aid"]):
        if r["id"] not in skip:
            out[r["employer_id"]].append(declared_aid(r))
    return out


def _plan_declared_aid(ctx: Context, records: list[Record], plan: Plan) -> None:
    """Aid an employer declares from other grantors: known by Y-tunnus, grantor and decision
    date; refused when it takes the employer's rolling de minimis total over the ceiling."""
    table = metadata.tables["declared_aid"]
    employers = _employers(ctx.conn)
    stored = _rows(ctx.conn, table)
    existing = {(r["employer_id"], r["grantor"], r["decision_date"]): r for r in stored}
    resolved: dict[int, Record] = {}
    for record in records:
        found = _resolve_employer(ctx, record, employers, required=True)
        if found is None:
            continue
        if not ctx.may_edit(found["municipality_code"], region_ok=True):
            _scope_problem(ctx, record["_row"], "business_id", found["municipality_code"])
        else:
            resolved[record["_row"]] = found

    def key_of(record: Record) -> tuple | None:
        employer = resolved.get(record["_row"])
        if employer is None or None in (record.get("grantor"), record.get("decision_date")):
            return None
        return (employer["id"], record["grantor"], record["decision_date"])

    def values(record: Record) -> Record:
        return {
            "employer_id": resolved[record["_row"]]["id"],
            **{c: record.get(c) for c in ("grantor", "decision_date", "amount", "legal_basis")},
        }

    checked: list[tuple[int, Record, Record | None]] = []

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        employer = resolved[row]
        plan.audit_ids[row] = f"{employer['business_id']}/{new['grantor']}/{new['decision_date']}"
        plan.municipalities[row] = employer["municipality_code"]
        checked.append((row, new, old))

    columns = ("employer_id", "grantor", "decision_date", "amount", "legal_basis")
    defaults = _defaults(ctx.kind, columns)
    _plan_rows(ctx, plan, records, key_of, existing, values, set(columns), defaults, check)
    if ctx.errors or not checked:
        return
    # The rolling total over the employer's bonuses, its stored declarations and the file's
    replaced = [int(old["id"]) for _, _, old in checked if old is not None]
    aids = _declared_aids(ctx.conn, replaced)
    for _, new, _ in checked:
        aids[new["employer_id"]].append(declared_aid(new))
    for g in _rows(ctx.conn, metadata.tables["bonus_grant"]):
        if (aid := grant_aid(g)) is not None and g["employer_id"] in aids:
            aids[g["employer_id"]].append(aid)
    settings = de_minimis_settings()
    for row, new, _ in checked:
        employer = employers.by_id[new["employer_id"]]
        findings = de_minimis_rule(
            declared_aid(new), aids[new["employer_id"]], employer["name"], "amount", settings
        )
        _say(ctx, row, findings)


def _plan_costs(ctx: Context, records: list[Record], plan: Plan) -> None:
    table = metadata.tables["cost_entry"]
    columns = ("budget_line_code", "municipality_code", "booked_on", "description")
    existing = {
        tuple(r[c] for c in columns): r for r in _rows(ctx.conn, table, "id", *columns, "amount")
    }

    def key_of(record: Record) -> tuple | None:
        row = record["_row"]
        if any((row, n) in ctx.bad_cells for n in ctx.kind.key):
            return None
        key = tuple(record.get(n) for n in ctx.kind.key)
        return None if None in (key[0], key[2], key[3]) else key

    def values(record: Record) -> Record:
        return {
            "budget_line_code": record["budget_line"],
            "municipality_code": record.get("municipality"),
            "booked_on": record["booked_on"],
            "description": record["description"],
            "amount": record.get("amount"),
        }

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        if not ctx.may_edit(new["municipality_code"]):
            where = "municipality" if "municipality" in ctx.present else "budget_line"
            _scope_problem(ctx, row, where, new["municipality_code"])
        plan.audit_ids[row] = "/".join(
            str(new[c] or "-") for c in ("budget_line_code", "municipality_code", "booked_on")
        )
        plan.municipalities[row] = new["municipality_code"]

    present = {*columns, "amount"}
    defaults = _defaults(ctx.kind, (*columns, "amount"))
    _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)


# --- staff and salaries (admins only: polku/ingest/writing.py) -------------------------------


@dataclass(frozen=True)
class _Spell:
    id: int
    name: str
    role: str
    fte: Decimal
    start: date
    end: date | None


def _spells(conn: Connection) -> list[_Spell]:
    m = metadata.tables["staff_member"].c
    stmt = select(m.id, m.name, m.role_code, m.fte, m.start_date, m.end_date)
    return [_Spell(*r) for r in conn.execute(stmt).all()]


_STAFF_VALUES = ("role_code", "fte", "municipality_code", "start_date", "end_date")


def _plan_staff(ctx: Context, records: list[Record], plan: Plan) -> None:
    table = metadata.tables["staff_member"]
    stored = _rows(ctx.conn, table)
    existing = {(norm_label(r["name"]), r["role_code"], r["start_date"]): r for r in stored}
    # The database keeps one spell per name and start: another role there is a clash
    roles = {(norm_label(r["name"]), r["start_date"]): r["role_code"] for r in stored}
    in_file: dict[tuple, str] = {}

    def key_of(record: Record) -> tuple | None:
        row = record["_row"]
        if any((row, n) in ctx.bad_cells or record.get(n) is None for n in ctx.kind.key):
            return None
        return (norm_label(record["name"]), record["role"], record["start_date"])

    def values(record: Record) -> Record:
        return {
            "name": record["name"],
            "role_code": record["role"],
            "fte": record.get("fte"),
            "municipality_code": record.get("municipality"),
            "start_date": record["start_date"],
            "end_date": record.get("end_date"),
        }

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        _say(ctx, row, period_rules(new))
        spell, role = (norm_label(new["name"]), new["start_date"]), new["role_code"]
        first = in_file.setdefault(spell, role)
        other = roles.get(spell) if old is None and roles.get(spell) not in (None, role) else first
        if other != role:
            named = ctx.lookups.localized("staff_role", str(other))
            ctx.add(row, "role", "ingest.error.staff_role_clash", role=named)
        plan.audit_ids[row] = f"{new['name']}/{new['role_code']}/{new['start_date']}"
        plan.municipalities[row] = new["municipality_code"]

    present = {"name", "role_code", "start_date"} | _present_db(ctx)
    defaults = _defaults(ctx.kind, ("name", *_STAFF_VALUES))
    _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)


def _money_hours(conn: Connection) -> int | None:
    """The annual hours of the unit-cost model; None under the side-cost model."""
    r = metadata.tables["money_rules"].c
    found = conn.execute(select(r.salary_model, r.annual_hours).where(r.id == 1)).first()
    return found.annual_hours if found is not None and found.salary_model == "unit_cost" else None


def _resolve_spell(
    ctx: Context, record: Record, by_name: Mapping[str, list[_Spell]]
) -> _Spell | None:
    """The staff member whose employment covers the row's month: by name, and role if given."""
    row, name, role = record["_row"], record.get("name"), record.get("role")
    month = record.get("month")
    if (
        name is None
        or month is None
        or {(row, "name"), (row, "role"), (row, "month")} & ctx.bad_cells
    ):
        return None
    spells = [s for s in by_name.get(norm_label(name), []) if role is None or s.role == role]
    if not spells:
        column = "role" if role is not None and by_name.get(norm_label(name)) else "name"
        ctx.add(row, column, "ingest.error.unknown_person", value=name)
        return None
    found = [s for s in spells if covers(s.start, s.end, month)]
    if len(found) > 1:
        ctx.add(row, "name", "ingest.error.ambiguous_person", value=name, month=month_of(month))
        return None
    if not found:
        _say(ctx, row, employment_rules(name, month_of(month), [(s.start, s.end) for s in spells]))
        return None
    return found[0]


def _plan_salaries(ctx: Context, records: list[Record], plan: Plan) -> None:
    table = metadata.tables["salary_record"]
    spells = _spells(ctx.conn)
    by_name: dict[str, list[_Spell]] = defaultdict(list)
    for spell in spells:
        by_name[norm_label(spell.name)].append(spell)
    stored = _rows(ctx.conn, table)
    existing = {(r["staff_member_id"], _as_date(r["month"])): r for r in stored}
    resolved = {}
    for record in records:
        found = _resolve_spell(ctx, record, by_name)
        if found is not None:
            resolved[record["_row"]] = found

    def key_of(record: Record) -> tuple | None:
        spell = resolved.get(record["_row"])
        return None if spell is None else (spell.id, month_of(record["month"]))

    def values(record: Record) -> Record:
        return {
            "staff_member_id": resolved[record["_row"]].id,
            "month": month_of(record["month"]),
            "gross_salary": record.get("gross_salary"),
            "hours": record.get("hours"),
            "annual_gross_cost": record.get("annual_gross_cost"),
        }

    checked: list[tuple[int, Record]] = []

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        spell = resolved[row]
        plan.audit_ids[row] = f"{spell.name}/{new['month']}"
        checked.append((row, new))

    columns = ("staff_member_id", "month", "gross_salary", "hours", "annual_gross_cost")
    present = {"staff_member_id", "month"} | _present_db(ctx)
    defaults = _defaults(ctx.kind, columns)
    _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)
    annual_hours = _money_hours(ctx.conn)
    if annual_hours is None:
        return
    # A year's hours of each person: the stored months and the file's, a file row replacing
    # its stored twin; said once, at the file's latest month of that year
    hours: dict[tuple[int, int], dict[date, Any]] = defaultdict(dict)
    for r in stored:
        month = _as_date(r["month"])
        hours[(r["staff_member_id"], month.year)][month] = r["hours"]
    latest: dict[tuple[int, int], tuple[date, int]] = {}
    for row, new in checked:
        person_year = (new["staff_member_id"], new["month"].year)
        hours[person_year][new["month"]] = new["hours"]
        if person_year not in latest or new["month"] > latest[person_year][0]:
            latest[person_year] = (new["month"], row)
    fte = {s.id: s.fte for s in spells}
    for (person, year), (_, row) in latest.items():
        _say(ctx, row, hours_rules(year, hours[(person, year)].values(), annual_hours, fte[person]))


PLANNERS: dict[str, Callable[[Context, list[Record], Plan], None]] = {
    "clients": _plan_clients,
    "episodes": _plan_episodes,
    "outcomes": _plan_outcomes,
    "employers": _plan_employers,
    "partnerships": _plan_partnerships,
    "grants": _plan_grants,
    "declared_aid": _plan_declared_aid,
    "costs": _plan_costs,
    "staff": _plan_staff,
    "salaries": _plan_salaries,
}
