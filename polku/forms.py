"""Data entry one record at a time: the rules behind the forms of the Asiakkaat page.

A client's entry (with the first status), a status change, an exit (plan goal reached or not),
an outcome, an employer with its partnership agreement, an employment-bonus grant (amount =
€/month × months, de minimis ceiling checked), de minimis aid an employer declares from other
grantors and a cost entry. Every function takes the
acting user and asks polku/access.py for EDIT in the record's municipality itself, checks the
values with the import's rules (polku/ingest/: one definition of what is valid), and writes
in one transaction with audit rows. Invalid input raises FormInvalid, whose problems name the
field (`Problem.field`) and the reason (a catalog key), so the page shows each message next to
its field; warnings (a text resembling an identity code, de minimis aid near the ceiling) come
back with the saved result.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, or_, select

from models import metadata
from polku import i18n, ingest, privacy, project, records
from polku.access import Actor, Permission, check, row_scope
from polku.ingest import ERROR, WARNING, FormInvalid, Problem
from polku.rules import Finding, grants
from polku.rules import clients as clients_rules
from polku.validation import BUSINESS_ID_PATTERN, normalise_business_id

_client = metadata.tables["client"]
_episode = metadata.tables["status_episode"]
_employer = metadata.tables["employer"]
_budget_line = metadata.tables["budget_line"]

ACTION = "form"  # audit rows: form_add, form_change


@dataclass(frozen=True)
class Saved:
    """What a form saved: the entity's natural key, warnings to show, and what to call it in
    a message (`text`: codes as names, dates and euros in the language's format)."""

    key: str
    warnings: list[Problem] = field(default_factory=list)
    parts: tuple[Any, ...] = ()

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """ "PK-1, Uravalmennus, 2.12.2026" rather than "PK-1/career_coaching/2026-12-02"."""
        if not self.parts:
            return self.key
        return ", ".join(ingest.format_param(p, lang) for p in self.parts if p is not None)


def _named(conn: Connection, table: str, code: str | None) -> ingest.Localized:
    """A code of a code-list table by its names."""
    t = metadata.tables[table].c
    row = conn.execute(select(t.name_fi, t.name_en).where(t.code == code)).first()
    if row is None:
        return ingest.Localized(str(code), str(code))
    return ingest.Localized(row.name_fi, row.name_en or row.name_fi)


def _invalid(name: str, key: str, **params: Any) -> FormInvalid:
    return FormInvalid([Problem(None, name, key, params, ERROR, name)])


def _refuse_hetus(**texts: str | None) -> None:
    """Refuse every text field holding a personal identity code, before any lookup or message
    could echo it (the message names the field, never the code)."""
    found = [
        Problem(None, name, "forms.error.hetu", {}, ERROR, name)
        for name, value in texts.items()
        if privacy.has_hetu(value)
    ]
    if found:
        raise FormInvalid(found)


def _checked(
    conn: Connection,
    actor: Actor,
    kind: str,
    record: dict[str, Any],
    today: date | None,
    more: Sequence[Problem] = (),
) -> tuple[ingest.Plan, list[Problem]]:
    """Check a record with the import's rules and write it; FormInvalid on any error (with
    the caller's own `more` problems, so the form shows every one at once)."""
    plan, problems = ingest.check_record(conn, actor, kind, record, today=today)
    problems = [*problems, *more]
    errors = [p for p in problems if p.is_error]
    if errors:
        raise FormInvalid(errors)
    ingest.write_plan(conn, actor, plan, action=ACTION)
    return plan, [p for p in problems if not p.is_error]


# ---------------------------------------------------------------------------------------------
# Numbers as people type them, and the plausibility limits of the project file

# Spaces, no-break and narrow no-break spaces group thousands: 1 234,50
_GROUPING = re.compile(r"[\s\u00a0\u202f]+")
# One decimal separator, comma (Finnish) or point
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
# English grouping: 1,234 or 1,234.50 (in Finnish 1,234 is one and a bit)
_ENGLISH_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def parse_number(
    text: str | None, *, whole: bool = False, lang: str = i18n.DEFAULT_LANGUAGE
) -> Decimal | int | None:
    """A number typed as 1 234,50, 1234,5 or 1234.5 (in English also 1,234.50); None when
    empty. ValueError for anything else, and for decimals where a whole number is asked for."""
    compact = _GROUPING.sub("", text or "")
    if not compact:
        return None
    if i18n.language(lang) == "en" and _ENGLISH_GROUPED.match(compact):
        compact = compact.replace(",", "")
    if not _NUMBER.match(compact):
        raise ValueError("not a number")
    value = Decimal(compact.replace(",", "."))
    if not whole:
        return value
    if value != value.to_integral_value():
        raise ValueError("not a whole number")
    return int(value)


def read_numbers(
    texts: Mapping[str, str | None],
    whole: Collection[str] = (),
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> dict[str, Any]:
    """The number fields of a form parsed (`whole`: the fields of whole numbers); FormInvalid
    names every field that holds no number (never echoing what was typed)."""
    values: dict[str, Any] = {}
    problems = []
    for name, text in texts.items():
        try:
            values[name] = parse_number(text, whole=name in whole, lang=lang)
        except ValueError:
            key = "forms.error.whole_number" if name in whole else "forms.error.number"
            problems.append(Problem(None, name, key, {}, ERROR, name))
    if problems:
        raise FormInvalid(problems)
    return values


def rule_problems(findings: Sequence[Finding]) -> list[Problem]:
    """The rules' findings as a form's problems, at their first field."""
    return [
        Problem(None, f.fields[0], f.key, f.params, WARNING if f.warning else ERROR, f.fields[0])
        for f in findings
    ]


def grant_limit_problems(entry: GrantEntry, limits: project.Limits | None = None) -> list[Problem]:
    """A grant's €/month, weekly hours and months above the project file's limits."""
    return rule_problems(grants.limit_rules(entry.__dict__, limits or project.limits()))


def check_grant(entry: GrantEntry) -> Decimal | None:
    """Before a save is confirmed: FormInvalid for values above the limits, else the amount
    (€/month × months) to show."""
    problems = grant_limit_problems(entry)
    if problems:
        raise FormInvalid(problems)
    return grant_amount(entry.monthly_amount, entry.months)


@dataclass(frozen=True)
class _ClientRow:
    id: int
    code: str
    municipality: str
    entry_date: date
    exit_date: date | None


def _client_row(conn: Connection, code: str) -> _ClientRow | None:
    c = _client.c
    row = conn.execute(
        select(c.id, c.code, c.municipality_code, c.entry_date, c.exit_date).where(
            c.code == code.strip()
        )
    ).first()
    return None if row is None else _ClientRow(*row)


def _existing_client(conn: Connection, actor: Actor | None, code: str) -> _ClientRow:
    """The client, after the actor's right to edit its municipality is checked."""
    scope = row_scope(actor, Permission.EDIT)  # refuses at once those who edit nothing
    found = _client_row(conn, code) if code else None
    if found is None or (scope is not None and found.municipality not in scope):
        raise _unusable_client(scope, code)
    return found


def _unusable_client(scope: frozenset[str] | None, code: str) -> FormInvalid:
    """As the import says it: a code of another municipality is not named as such."""
    key = "ingest.error.unknown_client" if scope is None else "ingest.error.client_unusable"
    return _invalid("client_code", key, value=code)


def _text(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else value


# ---------------------------------------------------------------------------------------------
# Clients


@dataclass(frozen=True)
class ClientEntry:
    """A new client: a pseudonymous code, never a name or an identity code."""

    code: str
    municipality: str | None
    birth_year: int | None
    entry_date: date | None
    status: str | None = None  # the first status, from the entry date
    gender: str | None = None
    education_level: str | None = None
    labour_status: str | None = None
    unemployment_months: int | None = None
    target_groups: Sequence[str] = ()
    plan_goal: str | None = None


def record_client(
    engine: Engine, actor: Actor | None, entry: ClientEntry, *, today: date | None = None
) -> Saved:
    """Record a new client and its first status, which starts on the entry date."""
    scope = row_scope(actor, Permission.EDIT)  # refuses at once those who edit nothing
    _refuse_hetus(client_code=entry.code, plan_goal=entry.plan_goal)
    if not entry.municipality:
        raise _invalid("municipality", "ingest.error.required")
    check(actor, Permission.EDIT, entry.municipality)
    assert actor is not None
    code = entry.code.strip()
    with engine.begin() as conn:
        taken = _client_row(conn, code) if code else None
        if taken is not None and scope is not None and taken.municipality not in scope:
            raise _unusable_client(scope, code)
        if taken is not None:
            raise _invalid("client_code", "forms.error.client_exists", value=code)
        record = {
            "client_code": code or None,
            "municipality": entry.municipality,
            "birth_year": entry.birth_year,
            "gender": entry.gender,
            "education_level": entry.education_level,
            "labour_status_at_entry": entry.labour_status,
            "unemployment_months": entry.unemployment_months,
            "target_groups": tuple(entry.target_groups) or None,
            "entry_date": entry.entry_date,
            "plan_goal": _text(entry.plan_goal),
        }
        missing = []
        if entry.status is None:
            missing.append(Problem(None, "status", "ingest.error.required", {}, ERROR, "status"))
        _, warnings = _checked(conn, actor, "clients", record, today, missing)
        episode = {"client_code": code, "status": entry.status, "start_date": entry.entry_date}
        _checked(conn, actor, "episodes", episode, today)
    return Saved(code, warnings)


def change_status(
    engine: Engine,
    actor: Actor | None,
    code: str,
    status: str | None,
    start: date | None,
    *,
    today: date | None = None,
) -> Saved:
    """A new status from `start`; the open status ends the day before."""
    _refuse_hetus(client_code=code)
    with engine.begin() as conn:
        client = _existing_client(conn, actor, code)
        assert actor is not None
        if status is None:
            raise _invalid("status", "ingest.error.required")
        if start is None:
            raise _invalid("start_date", "ingest.error.required")
        if client.exit_date is not None:
            raise _invalid("start_date", "forms.error.client_exited", exit=client.exit_date)
        early = rule_problems(
            clients_rules.not_before_entry(start, client.entry_date, "start_date")
        )
        if early:
            raise FormInvalid(early)
        e = _episode.c
        open_ = conn.execute(
            select(e.status_code, e.start_date)
            .where(e.client_id == client.id, e.end_date.is_(None))
            .order_by(e.start_date)
        ).all()
        for current, began in open_:
            if current == status:
                raise _invalid("status", "forms.error.same_status")
            if began >= start:
                raise _invalid("start_date", "forms.error.start_after_current", start=began)
        for current, began in open_:
            closing = {
                "client_code": client.code,
                "status": current,
                "start_date": began,
                "end_date": start - timedelta(days=1),
            }
            _checked(conn, actor, "episodes", closing, today)
        new = {"client_code": client.code, "status": status, "start_date": start}
        _, warnings = _checked(conn, actor, "episodes", new, today)
        name = _named(conn, "client_status", status)
    return Saved(
        f"{client.code}/{status}/{start.isoformat()}", warnings, (client.code, name, start)
    )


def record_exit(
    engine: Engine,
    actor: Actor | None,
    code: str,
    exit_date: date | None,
    goal_reached: bool | None,
    *,
    situation: str | None = None,
    situation_date: date | None = None,
    qualification_gained: bool | None = None,
    today: date | None = None,
) -> Saved:
    """The client leaves the project on `exit_date`, with the plan goal reached or not and,
    when known, the situation on leaving (a code of models.LEAVING_SITUATIONS), the day it
    began and whether a qualification was gained (the ESF+ results); the open status ends on
    the same day."""
    _refuse_hetus(client_code=code)
    with engine.begin() as conn:
        client = _existing_client(conn, actor, code)
        assert actor is not None
        if exit_date is None:
            raise _invalid("exit_date", "ingest.error.required")
        if goal_reached is None:
            raise _invalid("plan_goal_reached", "ingest.error.required")
        record = {
            "client_code": client.code,
            "exit_date": exit_date,
            "plan_goal_reached": goal_reached,
            "situation_on_leaving": situation,
            "situation_date": situation_date,
            "qualification_gained": qualification_gained,
        }
        _, warnings = _checked(conn, actor, "clients", record, today)
        e = _episode.c
        open_ = conn.execute(
            select(e.status_code, e.start_date).where(
                e.client_id == client.id, e.end_date.is_(None)
            )
        ).all()
        latest = max((began for _, began in open_), default=None)
        late = rule_problems(clients_rules.exit_after_statuses(exit_date, latest))
        if late:
            raise FormInvalid(late)
        for current, began in open_:
            closing = {
                "client_code": client.code,
                "status": current,
                "start_date": began,
                "end_date": exit_date,
            }
            _checked(conn, actor, "episodes", closing, today)
    return Saved(client.code, warnings)


def record_outcome(
    engine: Engine,
    actor: Actor | None,
    code: str,
    outcome_type: str | None,
    outcome_date: date | None,
    *,
    employer: str | None = None,
    note: str | None = None,
    today: date | None = None,
) -> Saved:
    """An outcome of the client's path; `employer` is a Y-tunnus, or a name for employers
    without one."""
    _refuse_hetus(client_code=code, business_id=employer, note=note)
    with engine.begin() as conn:
        client = _existing_client(conn, actor, code)
        assert actor is not None
        record = {
            "client_code": client.code,
            "outcome_type": outcome_type,
            "outcome_date": outcome_date,
            "note": _text(note),
            **_employer_ref(employer),
        }
        _, warnings = _checked(conn, actor, "outcomes", record, today)
        name = _named(conn, "outcome_type", outcome_type)
    return Saved(
        f"{client.code}/{outcome_type}/{outcome_date}", warnings, (client.code, name, outcome_date)
    )


def _employer_ref(employer: str | None) -> dict[str, Any]:
    """A Y-tunnus goes to the business_id field, anything else is an employer's name."""
    text = (employer or "").strip()
    if not text:
        return {"business_id": None, "employer_name": None}
    normal = normalise_business_id(text)
    if BUSINESS_ID_PATTERN.match(normal):
        return {"business_id": normal, "employer_name": None}
    return {"business_id": None, "employer_name": text}


# ---------------------------------------------------------------------------------------------
# Employers, partnerships, grants, costs


@dataclass(frozen=True)
class EmployerEntry:
    name: str
    employer_type: str | None
    business_id: str | None = None
    municipality: str | None = None


@dataclass(frozen=True)
class PartnershipEntry:
    start_date: date | None
    signed_on: date | None = None
    end_date: date | None = None
    note: str | None = None


def _check_employer_scope(actor: Actor | None, municipality: str | None) -> Actor:
    """A coordinator edits employers of their municipalities and those of none."""
    if municipality is None:
        row_scope(actor, Permission.EDIT)
        assert actor is not None
        return actor
    return check(actor, Permission.EDIT, municipality)


def record_employer(
    engine: Engine,
    actor: Actor | None,
    entry: EmployerEntry,
    partnership: PartnershipEntry | None = None,
    *,
    today: date | None = None,
) -> Saved:
    """Add or update an employer (by Y-tunnus; private persons by name and municipality) and,
    when given, its partnership agreement."""
    actor = _check_employer_scope(actor, entry.municipality)
    _refuse_hetus(
        name=entry.name,
        business_id=entry.business_id,
        note=partnership.note if partnership else None,
    )
    business_id = _text(entry.business_id)
    if business_id:
        business_id = normalise_business_id(business_id)
    record = {
        "business_id": business_id,
        "name": _text(entry.name),
        "employer_type": entry.employer_type,
        "municipality": entry.municipality,
    }
    with engine.begin() as conn:
        _, warnings = _checked(conn, actor, "employers", record, today)
        if partnership is not None:
            agreement = {
                "business_id": business_id,
                "employer_name": None if business_id else record["name"],
                "signed_on": partnership.signed_on,
                "start_date": partnership.start_date,
                "end_date": partnership.end_date,
                "note": _text(partnership.note),
            }
            _, more = _checked(conn, actor, "partnerships", agreement, today)
            warnings += more
    return Saved(str(business_id or record["name"]), warnings)


@dataclass(frozen=True)
class GrantEntry:
    """An employment-bonus application; the amount is €/month × months."""

    employer: str  # Y-tunnus, or the name of an employer without one
    client_code: str
    employment_start: date | None
    contract_type: str | None
    weekly_hours: Decimal | None
    monthly_amount: Decimal | None
    months: int | None
    application_date: date | None
    employment_end: date | None = None
    decision: str = "pending"
    decision_date: date | None = None
    de_minimis: bool = False  # the bonus counts as de minimis aid (companies)
    employed_after_6_months: bool | None = None
    employed_after_12_months: bool | None = None


def grant_amount(monthly_amount: Decimal | None, months: int | None) -> Decimal | None:
    """€/month × months, or None while either is missing."""
    if monthly_amount is None or months is None:
        return None
    return grants.grant_amount(monthly_amount, months)


def record_grant(
    engine: Engine, actor: Actor | None, entry: GrantEntry, *, today: date | None = None
) -> Saved:
    """Record an employment-bonus grant for a client; refused when the employer's de minimis
    aid would pass the ceiling of [de_minimis] in the project file, warned near it."""
    _refuse_hetus(business_id=entry.employer, client_code=entry.client_code)
    amount = grant_amount(entry.monthly_amount, entry.months)
    with engine.begin() as conn:
        client = _existing_client(conn, actor, entry.client_code)
        assert actor is not None
        if not (entry.employer or "").strip():
            raise _invalid("business_id", "ingest.error.employer_required")
        record = {
            "client_code": client.code,
            "employment_start": entry.employment_start,
            "employment_end": entry.employment_end,
            "contract_type": entry.contract_type,
            "weekly_hours": entry.weekly_hours,
            "monthly_amount": entry.monthly_amount,
            "months": entry.months,
            "application_date": entry.application_date,
            "decision": entry.decision,
            "decision_date": entry.decision_date,
            "de_minimis_amount": amount if entry.de_minimis else None,
            "employed_after_6_months": entry.employed_after_6_months,
            "employed_after_12_months": entry.employed_after_12_months,
            **_employer_ref(entry.employer),
        }
        _, warnings = _checked(conn, actor, "grants", record, today, grant_limit_problems(entry))
    parts = (entry.employer.strip(), client.code, entry.employment_start, amount)
    return Saved(f"{entry.employer}/{client.code}/{entry.employment_start}", warnings, parts)


def record_declared_aid(
    engine: Engine, actor: Actor | None, values: Mapping[str, Any], *, today: date | None = None
) -> Saved:
    """De minimis aid from another grantor that an employer declares; refused when it takes
    the employer's rolling three-year total over the ceiling, warned near it."""
    row_scope(actor, Permission.EDIT)  # refuses at once those who edit nothing
    assert actor is not None
    _refuse_hetus(grantor=values.get("grantor"), legal_basis=values.get("legal_basis"))
    business_id = normalise_business_id(_text(values.get("business_id")) or "") or None
    record = {
        "business_id": business_id,
        "grantor": _text(values.get("grantor")),
        "decision_date": values.get("decision_date"),
        "amount": values.get("amount"),
        "legal_basis": _text(values.get("legal_basis")),
    }
    with engine.begin() as conn:
        _, warnings = _checked(conn, actor, "declared_aid", record, today)
    parts = (business_id, record["grantor"], record["decision_date"], record["amount"])
    return Saved(f"{business_id}/{record['grantor']}/{record['decision_date']}", warnings, parts)


@dataclass(frozen=True)
class CostInput:
    budget_line: str | None
    booked_on: date | None
    amount: Decimal | None
    description: str
    municipality: str | None = None  # None: the whole project


def record_cost(
    engine: Engine, actor: Actor | None, entry: CostInput, *, today: date | None = None
) -> Saved:
    """Book a cost against a budget line; project-wide costs (no municipality): admins."""
    check(actor, Permission.EDIT, entry.municipality)
    assert actor is not None
    _refuse_hetus(description=entry.description)
    record = {
        "budget_line": entry.budget_line,
        "municipality": entry.municipality,
        "booked_on": entry.booked_on,
        "amount": entry.amount,
        "description": _text(entry.description),
    }
    limit = project.limits().cost_euros
    over = rule_problems(
        grants.over_limit("amount", entry.amount, limit, "forms.error.limit.euros")
    )
    with engine.begin() as conn:
        _, warnings = _checked(conn, actor, "costs", record, today, over)
        line = _named(conn, "budget_line", entry.budget_line)
    parts = (line, entry.booked_on, entry.amount)
    return Saved(f"{entry.budget_line}/{entry.booked_on}", warnings, parts)


# ---------------------------------------------------------------------------------------------
# Staff and their monthly salaries (admins only: READ_STAFF)


def record_staff(
    engine: Engine, actor: Actor | None, values: Mapping[str, Any], *, today: date | None = None
) -> Saved:
    """Save a person's spell of work (name + role + start), checked as the staff import."""
    check(actor, Permission.READ_STAFF)
    assert actor is not None
    _refuse_hetus(name=values.get("name"))
    names = [f.name for f in records.fields(records.StaffRecord)]
    record = {name: values.get(name) for name in names}
    record["name"], record["municipality"] = _text(record["name"]), record["municipality"] or None
    with engine.begin() as conn:
        _, warnings = _checked(conn, actor, "staff", record, today)
        role = _named(conn, "staff_role", record["role"])
    return Saved(f"{record['name']}/{record['start_date']}", warnings, (record["name"], role))


def record_salary(
    engine: Engine, actor: Actor | None, values: Mapping[str, Any], *, today: date | None = None
) -> Saved:
    """Save a month's salary of the person whose spell covers the month (hours over their
    share of the year's hours under the unit-cost model: a warning)."""
    check(actor, Permission.READ_STAFF)
    assert actor is not None
    names = [f.name for f in records.fields(records.SalaryRecord)]
    record = {name: values.get(name) for name in names}
    record["role"] = record["role"] or None
    with engine.begin() as conn:
        plan, warnings = _checked(conn, actor, "salaries", record, today)
    month = next(iter(plan.inserts or [u[1] for u in plan.updates]), {}).get("month")
    return Saved(f"{record['name']}/{month}", warnings, (record["name"], month))


def staff_roles(engine: Engine, lang: str = i18n.DEFAULT_LANGUAGE) -> dict[str, str]:
    """The project's staff roles for the staff form's picker: code → name in `lang`."""
    r = metadata.tables["staff_role"].c
    with engine.connect() as conn:
        rows = conn.execute(select(r.code, r.name_fi, r.name_en).order_by(r.position)).all()
    return {row.code: i18n.localized_name(row._mapping, lang) for row in rows}


def staff_names(engine: Engine, actor: Actor | None) -> list[str]:
    """The staff's names for the salary form's picker (admins only), by name."""
    check(actor, Permission.READ_STAFF)
    m = metadata.tables["staff_member"].c
    with engine.connect() as conn:
        return list(conn.execute(select(m.name).distinct().order_by(m.name)).scalars())


# ---------------------------------------------------------------------------------------------
# The forms of the Asiakkaat page: which declarations each draws, and their values saved

# A form's declarations (polku/records.py); those after the first are optional sections
FORMS: dict[str, tuple[type[records.Record], ...]] = {
    "client": (records.NewClientRecord,),
    "status": (records.EpisodeRecord,),
    "exit": (records.ExitRecord,),
    "outcome": (records.OutcomeRecord,),
    "employer": (records.EmployerRecord, records.PartnershipRecord),
    "grant": (records.GrantRecord,),
    "declared_aid": (records.DeclaredAidRecord,),
    "cost": (records.CostRecord,),
    "staff": (records.StaffRecord,),
    "salary": (records.SalaryRecord,),
}
# The forms only admins see (READ_STAFF)
STAFF_FORMS = ("staff", "salary")


def section_key(record: type[records.Record]) -> str:
    """The form value that says whether an optional section was filled in."""
    return f"with_{record.kind}"


def _numbers(form: str, values: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The form's values with its number fields (as the declarations type them) parsed."""
    typed = [f for r in FORMS[form] for f in records.form_fields(r) if f.type in ("int", "decimal")]
    texts = {f.name: values.get(f.name) for f in typed}
    whole = [f.name for f in typed if f.type == "int"]
    return {**values, **read_numbers(texts, whole, lang)}


def grant_entry(values: Mapping[str, Any], lang: str = i18n.DEFAULT_LANGUAGE) -> GrantEntry:
    """A grant form's values as an entry, checked against the project file's limits and ready
    for its total to be confirmed; FormInvalid otherwise."""
    v = _numbers("grant", values, lang)
    entry = GrantEntry(
        employer=v.get("business_id") or "",
        client_code=v.get("client_code") or "",
        employment_start=v.get("employment_start"),
        contract_type=v.get("contract_type"),
        weekly_hours=v.get("weekly_hours"),
        monthly_amount=v.get("monthly_amount"),
        months=v.get("months"),
        application_date=v.get("application_date"),
        employment_end=v.get("employment_end"),
        decision=v.get("decision") or "pending",
        decision_date=v.get("decision_date"),
        de_minimis=bool(v.get("de_minimis_amount")),
        employed_after_6_months=v.get("employed_after_6_months"),
        employed_after_12_months=v.get("employed_after_12_months"),
    )
    check_grant(entry)
    return entry


def submit(
    form: str,
    engine: Engine,
    actor: Actor | None,
    values: Mapping[str, Any],
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> Saved:
    """Save what a form of the Asiakkaat page holds (its fields named as declared, numbers as
    typed); FormInvalid names the fields that are wrong."""
    v = _numbers(form, values, lang)
    code = v.get("client_code") or ""
    if form == "client":
        entry = ClientEntry(
            code=code, municipality=v.get("municipality"), birth_year=v.get("birth_year"),
            entry_date=v.get("entry_date"), status=v.get("status"), gender=v.get("gender"),
            education_level=v.get("education_level"),
            labour_status=v.get("labour_status_at_entry"),
            unemployment_months=v.get("unemployment_months"),
            target_groups=tuple(v.get("target_groups") or ()), plan_goal=v.get("plan_goal"),
        )  # fmt: skip
        return record_client(engine, actor, entry)
    if form == "status":
        return change_status(engine, actor, code, v.get("status"), v.get("start_date"))
    if form == "exit":
        return record_exit(
            engine, actor, code, v.get("exit_date"), v.get("plan_goal_reached"),
            situation=v.get("situation_on_leaving"), situation_date=v.get("situation_date"),
            qualification_gained=v.get("qualification_gained"),
        )  # fmt: skip
    if form == "outcome":
        return record_outcome(
            engine, actor, code, v.get("outcome_type"), v.get("outcome_date"),
            employer=v.get("business_id"), note=v.get("note"),
        )  # fmt: skip
    if form == "employer":
        employer = EmployerEntry(
            v.get("name") or "", v.get("employer_type"), v.get("business_id"),
            v.get("municipality") or None,
        )  # fmt: skip
        agreement = None
        if v.get(section_key(records.PartnershipRecord)):
            agreement = PartnershipEntry(
                v.get("start_date"), v.get("signed_on"), v.get("end_date"), v.get("note")
            )
        return record_employer(engine, actor, employer, agreement)
    if form == "grant":
        return record_grant(engine, actor, grant_entry(values, lang))
    if form == "declared_aid":
        return record_declared_aid(engine, actor, v)
    if form == "cost":
        cost = CostInput(
            v.get("budget_line"), v.get("booked_on"), v.get("amount"),
            v.get("description") or "", v.get("municipality") or None,
        )  # fmt: skip
        return record_cost(engine, actor, cost)
    if form == "staff":
        return record_staff(engine, actor, v)
    if form == "salary":
        return record_salary(engine, actor, v)
    raise ValueError(f"unknown form {form!r}")


# ---------------------------------------------------------------------------------------------
# What the forms offer to pick


CLIENT_LIST_COLUMNS = ["code", "municipality", "entry_date", "exit_date", "status"]


def _client_filter(
    actor: Actor | None, municipality: str | None, search: str | None, active: bool
) -> list[Any]:
    """The WHERE conditions of a client listing: the actor's scope (checked here), the
    municipality, a code containing `search` (any case), only clients still in the project."""
    scope = row_scope(actor, Permission.READ_ROWS)
    c = _client.c
    where: list[Any] = []
    if scope is not None:
        where.append(c.municipality_code.in_(sorted(scope)))
    if municipality is not None:
        where.append(c.municipality_code == municipality)
    if search and search.strip():
        where.append(func.lower(c.code).contains(search.strip().lower(), autoescape=True))
    if active:
        where.append(c.exit_date.is_(None))
    return where


def clients(
    engine: Engine,
    actor: Actor | None,
    municipality: str | None = None,
    *,
    search: str | None = None,
    active: bool = False,
    limit: int | None = None,
) -> pd.DataFrame:
    """The clients the actor may see (of `municipality`, or all in scope; codes containing
    `search`; `active`: not exited), newest entries first, at most `limit`: code,
    municipality, entry and exit dates and the open status."""
    c, e = _client.c, _episode.c
    # The page first, then each listed client's open status: a join before the limit would
    # read every client's episodes (seconds at scale 10) for a list of a few hundred
    newest = select(c.id, c.code, c.municipality_code, c.entry_date, c.exit_date)
    newest = newest.where(*_client_filter(actor, municipality, search, active))
    page = newest.order_by(c.entry_date.desc(), c.code).limit(limit).subquery()
    status = (
        select(e.status_code)
        .where(e.client_id == page.c.id, e.end_date.is_(None))
        .order_by(e.start_date.desc())
        .limit(1)
        .scalar_subquery()
    )
    stmt = select(page.c.code, page.c.municipality_code, page.c.entry_date, page.c.exit_date)
    stmt = stmt.add_columns(status).order_by(page.c.entry_date.desc(), page.c.code)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(stmt).all()]
    frame = pd.DataFrame(rows, columns=CLIENT_LIST_COLUMNS)
    return frame.drop_duplicates("code").reset_index(drop=True)


def client_count(
    engine: Engine,
    actor: Actor | None,
    municipality: str | None = None,
    *,
    search: str | None = None,
) -> int:
    """How many clients `clients` would list without a limit."""
    stmt = select(func.count()).select_from(_client)
    stmt = stmt.where(*_client_filter(actor, municipality, search, False))
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def employers(
    engine: Engine,
    actor: Actor | None,
    municipality: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Employers for the pickers (employers are not client data): business_id, name,
    employer_type, municipality; by name. `municipality` keeps its own and those of no
    municipality; `limit` keeps the newest so many (the picker takes any other typed in)."""
    row_scope(actor, Permission.READ_ROWS)
    e = _employer.c
    stmt = select(e.business_id, e.name, e.employer_type, e.municipality_code)
    if municipality is not None:
        stmt = stmt.where(or_(e.municipality_code == municipality, e.municipality_code.is_(None)))
    stmt = stmt.order_by(e.id.desc()).limit(limit) if limit else stmt.order_by(e.name)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(stmt).all()]
    frame = pd.DataFrame(rows, columns=["business_id", "name", "employer_type", "municipality"])
    return frame.sort_values("name", kind="stable", ignore_index=True) if limit else frame


def cost_lines(engine: Engine) -> pd.DataFrame:
    """The budget's cost lines: code, name_fi, name_en."""
    b = _budget_line.c
    stmt = select(b.code, b.name_fi, b.name_en).where(b.kind == "cost").order_by(b.position)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(stmt).all()]
    return pd.DataFrame(rows, columns=["code", "name_fi", "name_en"])
