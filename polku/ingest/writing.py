"""Writing: the one transaction of an import or a form, its lock and its audit rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from models import metadata
from polku import audit, db, metrics, records
from polku.access import AccessDenied, Actor, Permission, check, row_scope
from polku.ingest.checking import (
    Columns,
    Context,
    Lookups,
    Record,
    field_rules,
    load_lookups,
    map_headers,
    parse_columns,
    scan_cells,
    to_records,
)
from polku.ingest.kinds import KIND_NAMES, KINDS
from polku.ingest.planning import PLANNERS, Plan
from polku.ingest.problems import ERROR, Problem, Progress
from polku.ingest.reading import FileUnreadable, RawTable, read_table
from polku.ingest.report import ImportReport

# Rows written per statement between progress reports
CHUNK = 5000
# How long an import waits for another import of the same kind to finish
LOCK_TIMEOUT_SECONDS = 30.0
# The namespace of the imports' advisory locks on PostgreSQL ("PKIM"), the kind the second key
_LOCK_NAMESPACE = 0x504B494D


def write(ctx: Context, plan: Plan, progress: Progress | None, *, action: str) -> None:
    """Insert and update the planned rows and their audit rows, in the caller's transaction."""
    conn, table = ctx.conn, metadata.tables[ctx.kind.table]
    total = max(1, len(plan.inserts) + len(plan.updates))
    done = 0
    inserts = plan.inserts
    if ctx.kind.name == "costs":
        for r in inserts:
            r["created_by"] = ctx.actor.email
    # One bulk insert: on PostgreSQL one COPY, which the server works through while the rows
    # are still being sent
    db.bulk_insert(conn, table, inserts)
    done += len(inserts)
    _report_written(progress, done / total)
    if plan.updates:
        columns = [c for c in plan.updates[0][1] if c != "_row"]
        values: dict[str, Any] = {c: bindparam(f"v_{c}") for c in columns}
        if "updated_at" in table.c:
            values["updated_at"] = func.now()
        if "version" in table.c:  # a client card holding the old version sees its save refused
            values["version"] = table.c.version + 1
        stmt = update(table).where(table.c.id == bindparam("v__id")).values(values)
        params = [
            {"v__id": id_, **{f"v_{c}": new[c] for c in columns}} for id_, new, _ in plan.updates
        ]
        for start in range(0, len(params), CHUNK):
            conn.execute(stmt, params[start : start + CHUNK])
            done += len(params[start : start + CHUNK])
            _report_written(progress, done / total)
    if plan.groups_add or plan.groups_remove:
        _write_groups(conn, plan)
    _audit_rows(ctx, plan, action)


def _report_written(progress: Progress | None, share: float) -> None:
    # Checking fills the first half of a progress bar, writing the second
    if progress is not None:
        progress(min(1.0, 0.5 + 0.5 * share))


def _write_groups(conn: Connection, plan: Plan) -> None:
    """The clients' target groups as planned: removed, then added. On PostgreSQL the server
    joins the codes to the clients' ids (no client row comes back to Python)."""
    ctg = metadata.tables["client_target_group"]
    removed = [(code, g) for code, gs in plan.groups_remove.items() for g in gs]
    added = [(code, g) for code, gs in plan.groups_add.items() for g in sorted(gs)]
    if conn.dialect.name == "postgresql":
        for statement, pairs in ((_PG_REMOVE_GROUPS, removed), (_PG_ADD_GROUPS, added)):
            if pairs:
                clients, groups = (list(column) for column in zip(*pairs, strict=True))
                conn.exec_driver_sql(statement, {"clients": clients, "groups": groups})
        return
    c = metadata.tables["client"].c
    codes = set(plan.groups_add) | set(plan.groups_remove)
    ids = {r.code: r.id for r in conn.execute(select(c.code, c.id)).all() if r.code in codes}
    if removed:
        conn.execute(
            delete(ctg).where(
                ctg.c.client_id == bindparam("v_client"),
                ctg.c.target_group_code == bindparam("v_group"),
            ),
            [{"v_client": ids[code], "v_group": g} for code, g in removed],
        )
    db.bulk_insert(
        conn, ctg, [{"client_id": ids[code], "target_group_code": g} for code, g in added]
    )


_PAIRS = "unnest(%(clients)s::text[], %(groups)s::text[]) AS g(client_code, code)"
_PG_REMOVE_GROUPS = (
    f"DELETE FROM client_target_group t USING {_PAIRS}, client c "
    "WHERE c.code = g.client_code AND t.client_id = c.id AND t.target_group_code = g.code"
)
_PG_ADD_GROUPS = (
    "INSERT INTO client_target_group (client_id, target_group_code) "
    f"SELECT c.id, g.code FROM {_PAIRS} JOIN client c ON c.code = g.client_code"
)


def _audit_rows(ctx: Context, plan: Plan, action: str) -> None:
    """One audit row per added entity and per changed field; never personal data (client
    codes are pseudonyms; free text was checked for identity codes)."""
    entity = ctx.kind.table
    rows: list[Record] = []
    base = {"user_email": ctx.actor.email, "entity": entity, "detail": None}
    # Added entities: their ids listed in a few rows per municipality, not a row each
    added: dict[str | None, list[str]] = defaultdict(list)
    for record in plan.inserts:
        row = record["_row"]
        added[plan.municipalities.get(row)].append(str(plan.audit_ids.get(row)))
    for municipality, ids in added.items():
        for listed in _batches(ids, audit.MAX_VALUE):
            rows.append(
                {
                    **base,
                    "action": f"{action}_add",
                    "entity_id": listed[0][:60] if len(listed) == 1 else None,
                    "field": None,
                    "old_value": None,
                    "new_value": None,
                    "municipality_code": municipality,
                    "detail": ", ".join(listed),
                }
            )
    for _, new, changed in plan.updates:
        row = new["_row"]
        entity_id = _text(plan.audit_ids.get(row), 60)
        for name, old in changed.items():
            rows.append(
                {
                    **base,
                    "action": f"{action}_change",
                    "entity_id": entity_id,
                    "field": name,
                    "old_value": _text(old),
                    "new_value": _text(new[name]),
                    "municipality_code": plan.municipalities.get(row),
                }
            )
    # A new client's groups are part of its addition; a stored client's change is a row
    homes = (
        {plan.audit_ids.get(row): m for row, m in plan.municipalities.items()}
        if plan.groups_changed
        else {}
    )
    for code in sorted(plan.groups_changed):
        rows.append(
            {
                **base,
                "action": f"{action}_change",
                "entity_id": code,
                "field": "target_groups",
                "old_value": _text(",".join(sorted(plan.groups_remove.get(code, ())))),
                "new_value": _text(",".join(sorted(plan.groups_add.get(code, ())))),
                "municipality_code": homes.get(code),
                "detail": "removed → added",
            }
        )
    db.bulk_insert(ctx.conn, metadata.tables["audit_log"], rows)


def _batches(ids: list[str], limit: int) -> Iterable[list[str]]:
    """The ids in lists whose ", "-joined text fits in `limit` characters."""
    batch: list[str] = []
    length = 0
    for entity_id in ids:
        if batch and length + 2 + len(entity_id) > limit:
            yield batch
            batch, length = [], 0
        batch.append(entity_id[:limit])
        length += len(entity_id) + (2 if length else 0)
    if batch:
        yield batch


def _text(value: Any, limit: int = audit.MAX_VALUE) -> str | None:
    text = audit.as_text(value)  # one text form of values for the whole audit log
    return None if text is None else text[:limit]


def import_scope(actor: Actor | None, kind: str | None = None) -> frozenset[str] | None:
    """The municipalities whose rows the actor may import (None: all); AccessDenied for a
    role that edits nothing (directors, analysts), and for staff and salaries to all but
    admins."""
    if kind in records.STAFF_KINDS:
        check(actor, Permission.READ_STAFF)
    return row_scope(actor, Permission.EDIT)


def import_kinds(actor: Actor | None) -> tuple[str, ...]:
    """The kinds the actor may import: staff and salaries for admins only."""
    staff = actor is not None and actor.may(Permission.READ_STAFF)
    return tuple(k for k in KIND_NAMES if staff or k not in records.STAFF_KINDS)


def import_file(
    engine: Engine,
    actor: Actor | None,
    kind: str,
    data: bytes,
    filename: str = "",
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
    table: RawTable | None = None,
) -> ImportReport:
    """Validate the file and, without problems and unless `dry_run`, write it in one
    transaction. A report with errors has written nothing. `table`: the file as a preview
    read it (`report.table`), so a commit does not parse it again."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    scope = import_scope(actor, kind)
    assert actor is not None
    report = ImportReport(kind=kind, dry_run=dry_run)
    try:
        # A table already read (the preview's) is not read again; a copy, as checks empty cells
        raw = table.copy() if table is not None else read_table(data, filename, kind)
    except FileUnreadable as unreadable:
        report.problems = [unreadable.problem]
        return report
    # Rows left out for their shape are rows of the file all the same
    shaped = {p.row for p in raw.notes if p.key == "ingest.error.bad_line"}
    report.rows = len(raw.rows) + len(shaped)
    report.encoding, report.delimiter, report.sheet = raw.encoding, raw.delimiter, raw.sheet
    _report_stage(progress, 0.05)
    with engine.connect() as conn, conn.begin() as transaction:
        if not dry_run:
            try:
                lock_kind(conn, kind)
            except OperationalError:
                transaction.rollback()
                report.problems = [Problem(None, None, "ingest.error.busy")]
                return report
        ctx = Context(
            conn=conn,
            actor=actor,
            scope=scope,
            lookups=load_lookups(conn),
            today=today or _today(),
            kind=KINDS[kind],
            headers={},
            present=set(),
        )
        report.lookups = ctx.lookups
        ctx.problems.extend(raw.notes)
        found = scan_cells(raw, ctx)
        report.sheet = raw.sheet  # None when its name looks like a code
        mapping = map_headers(raw, ctx)
        by_index = {index: name for name, index in mapping.items()}
        ctx.bad_cells.update((row, by_index[i]) for row, i in found if i in by_index)
        _report_stage(progress, 0.1)
        columns = parse_columns(ctx, raw, mapping)
        records = to_records(columns, raw.rows)
        _report_stage(progress, 0.2)
        plan = Plan(KINDS[kind])
        # Every value's own rules, whatever else is wrong with the file: all problems at once
        field_rules(ctx, columns, raw.rows)
        _report_stage(progress, 0.3)
        if not any(p.is_error and p.row is None for p in ctx.problems):
            PLANNERS[kind](ctx, records, plan)
        _report_stage(progress, 0.5)
        report.problems = _sorted(ctx.problems)
        if ctx.errors:
            report.preview = _preview(columns, plan, raw.rows, ctx)
            transaction.rollback()
            for municipality in sorted(ctx.refused, key=str):  # after the rollback: it stays
                audit.record_refusal(engine, AccessDenied(actor, Permission.EDIT, municipality))
            return report
        report.added, report.changed = len(plan.inserts), len(plan.updates)
        report.unchanged = plan.unchanged
        if dry_run:
            report.preview = _preview(columns, plan, raw.rows, ctx)
            report.table = table if table is not None else raw
            transaction.rollback()
            return report
        try:
            write(ctx, plan, progress, action="import")
        except Exception as clash:  # SQLAlchemy's IntegrityError, or the driver's from a COPY
            if not is_key_conflict(clash):
                raise
            # Someone else stored the same key after this import read the table
            transaction.rollback()
            report.problems = [Problem(None, None, "ingest.error.conflict")]
            report.added = report.changed = report.unchanged = 0
            return report
        audit_table = metadata.tables["audit_log"]
        conn.execute(
            insert(audit_table),
            [
                {
                    "user_email": actor.email,
                    "action": "import",
                    "entity": kind,
                    "detail": (
                        f"kind={kind} rows={report.rows} added={report.added} "
                        f"changed={report.changed} unchanged={report.unchanged}"
                    ),
                }
            ],
        )
        transaction.commit()
    report.committed = True
    _report_stage(progress, 1.0)
    return report


def _report_stage(progress: Progress | None, share: float) -> None:
    if progress is not None:
        progress(share)


def lock_kind(conn: Connection, kind: str) -> None:
    """Make writers of one kind take turns, across processes, until the caller's transaction
    ends: on PostgreSQL an advisory lock per kind, on SQLite the database's write lock
    (BEGIN IMMEDIATE). Taken before anything is read, so the plan sees every earlier import
    and a second import of the same file finds nothing new. OperationalError when the lock
    is not had within LOCK_TIMEOUT_SECONDS."""
    wait_ms = int(LOCK_TIMEOUT_SECONDS * 1000)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {wait_ms}")
        conn.execute(select(func.pg_advisory_xact_lock(_LOCK_NAMESPACE, KIND_NAMES.index(kind))))
        conn.exec_driver_sql("SET LOCAL lock_timeout TO DEFAULT")
    elif conn.dialect.name == "sqlite":
        driver = conn.connection.driver_connection
        if getattr(driver, "in_transaction", False):
            return  # the transaction has written already, so it holds the write lock
        waited = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {wait_ms}")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(waited or 0)}")


def is_key_conflict(error: BaseException) -> bool:
    """Whether the database refused a row for a unique key (another writer was first)."""
    cause = error.orig if isinstance(error, IntegrityError) else error
    if getattr(cause, "sqlstate", None) == "23505":  # PostgreSQL's unique_violation
        return True
    return isinstance(error, IntegrityError) and "UNIQUE constraint failed" in str(cause)


def _today() -> date:
    return metrics.today()


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.row is not None, p.row or 0, p.severity != ERROR))


def _preview(columns: Columns, plan: Plan, rows: list[int], ctx: Context) -> pd.DataFrame:
    names = [c.name for c in ctx.kind.columns if c.name in columns]
    data = {name: columns[name] for name in names}
    if "target_groups" in data:
        data["target_groups"] = [",".join(v) if v else None for v in data["target_groups"]]
    frame = pd.DataFrame(data, columns=names, dtype=object)
    failed = {p.row for p in ctx.problems if p.is_error and p.row is not None}
    frame.insert(0, "_row", rows)
    frame["_action"] = ["error" if row in failed else plan.actions.get(row, "") for row in rows]
    return frame


# ---------------------------------------------------------------------------------------------
# Forms: the same rules for one record (polku/forms.py)


class FormInvalid(ValueError):
    """A form's values break rules; `problems` name the fields."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.key for p in problems))


def check_record(
    conn: Connection,
    actor: Actor,
    kind: str,
    record: Record,
    *,
    today: date | None = None,
    period_lock: bool = True,
) -> tuple[Plan, list[Problem]]:
    """Check one record of `kind` (canonical names, typed values) with the import's rules and
    plan its upsert; the problems (errors and warnings) name fields, not rows. `period_lock`:
    refuse a change dated in an approved period (the client card checks that itself)."""
    spec = KINDS[kind]
    scope = import_scope(actor, kind)
    lock_kind(conn, kind)  # a form takes its turn with the imports of the same kind
    ctx = Context(
        conn=conn,
        actor=actor,
        scope=scope,
        lookups=load_lookups(conn),
        today=today or _today(),
        kind=spec,
        headers={},
        present={c.name for c in spec.columns if c.name in record},
        scan_hetu=True,
        period_lock=period_lock,
    )
    records = [{**record, "_row": 0}]
    field_rules(ctx, {name: [record[name]] for name in ctx.present}, [0])
    plan = Plan(spec)
    PLANNERS[kind](ctx, records, plan)
    problems = [_for_form(p) for p in ctx.problems]
    return plan, problems


def _for_form(problem: Problem) -> Problem:
    """A form's problem: no row, the field's own name."""
    return Problem(
        None, problem.field, problem.key, problem.params, problem.severity, problem.field
    )


def write_plan(conn: Connection, actor: Actor, plan: Plan, *, action: str) -> None:
    """Write a checked form's plan with its audit rows, in the caller's transaction."""
    ctx = Context(
        conn=conn,
        actor=actor,
        scope=None,
        lookups=Lookups({}, {}, {}, (date.min, date.max)),
        today=date.min,
        kind=plan.kind,
        headers={},
        present=set(),
    )
    write(ctx, plan, None, action=action)
