"""Loads the project definition (data/project.toml) into the tables.

The file is the project plan as data. Loading is an upsert by natural key, so running it again
changes nothing, and an edited file (a new target, a renamed item) updates the rows in place.
Checklist items of every municipality (work package 1) and of the region (work package 2) are
created from the template items; their status, owner and notes are never touched here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel, col, delete, select

from models import (
    FLAT_RATE_BASES,
    SALARY_MODELS,
    BudgetLine,
    ChecklistItem,
    ChecklistTemplateItem,
    ClientStatus,
    FinancingShare,
    Indicator,
    MoneyRules,
    Municipality,
    MunicipalitySetup,
    OperatingModel,
    OutcomeType,
    PaymentPeriod,
    Phase,
    Project,
    Service,
    StaffRole,
    TargetGroup,
    WorkPackage,
)
from polku import metrics
from polku.config import get_settings


class ProjectFileError(ValueError):
    """The project definition is missing a key or has a wrong value; says where."""


@dataclass
class LoadReport:
    """How many rows loading the project definition added and changed."""

    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, outcome: str) -> None:
        bucket = self.added if outcome == "added" else self.changed
        bucket[table] = bucket.get(table, 0) + 1

    @property
    def unchanged(self) -> bool:
        return not self.added and not self.changed


def read_project_file(path: Path | None = None) -> dict[str, Any]:
    path = Path(path or get_settings().project_file)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ProjectFileError(f"{path}: file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProjectFileError(f"{path}: {exc}") from exc
    for key in ("project", "municipalities", "work_packages", "codes", "indicators"):
        if key not in data:
            raise ProjectFileError(f"{path}: the key [{key}] is missing")
    return data


@dataclass(frozen=True)
class Limits:
    """The forms' plausibility limits ([limits] of the project file): euros, hours, months."""

    bonus_monthly_euros: Decimal
    bonus_months: int
    weekly_hours: int
    cost_euros: Decimal


def limits(path: Path | None = None) -> Limits:
    """The [limits] table of the project file; ProjectFileError says which key is missing."""
    table = read_project_file(path).get("limits")
    if not isinstance(table, dict):
        raise ProjectFileError("the table [limits] is missing from the project file")
    try:
        return Limits(
            bonus_monthly_euros=_dec(table["bonus_monthly_euros"]),
            bonus_months=int(table["bonus_months"]),
            weekly_hours=int(table["weekly_hours"]),
            cost_euros=_dec(table["cost_euros"]),
        )
    except KeyError as missing:
        raise ProjectFileError(f"[limits] {missing.args[0]} is missing") from missing


@dataclass(frozen=True)
class WorkQueueRules:
    """The work queue's thresholds ([work_queue] of the project file): months and days."""

    stale_client_months: int  # an active client without a status change for longer is listed
    due_soon_days: int  # checklist items due within this many days are listed
    report_due_days: int  # a period's report is overdue this many days after the period ends


def work_queue_rules(path: Path | None = None) -> WorkQueueRules:
    """The [work_queue] table of the project file; ProjectFileError says which key is missing."""
    table = read_project_file(path).get("work_queue")
    if not isinstance(table, dict):
        raise ProjectFileError("the table [work_queue] is missing from the project file")
    try:
        rules = WorkQueueRules(
            stale_client_months=int(table["stale_client_months"]),
            due_soon_days=int(table["due_soon_days"]),
            report_due_days=int(table["report_due_days"]),
        )
    except KeyError as missing:
        raise ProjectFileError(f"[work_queue] {missing.args[0]} is missing") from missing
    if min(rules.stale_client_months, rules.due_soon_days, rules.report_due_days) < 0:
        raise ProjectFileError("[work_queue] values must be zero or more")
    return rules


@dataclass(frozen=True)
class AccessibilityContact:
    """The [accessibility] table of the project file: where users send accessibility feedback
    (the accessibility statement shows it)."""

    feedback_email: str
    feedback_url: str | None = None


def accessibility(path: Path | None = None) -> AccessibilityContact:
    """The [accessibility] table; ProjectFileError says what is missing."""
    table = read_project_file(path).get("accessibility")
    if not isinstance(table, dict) or not str(table.get("feedback_email", "")).strip():
        raise ProjectFileError("[accessibility] feedback_email is missing from the project file")
    url = str(table.get("feedback_url") or "").strip()
    return AccessibilityContact(str(table["feedback_email"]).strip(), url or None)


@dataclass(frozen=True)
class Demo:
    """The [demo] table of the project file: the sample's fixed "today" and the municipalities
    of its demo coordinator and director (None: the lead, and the biggest one besides it)."""

    as_of: date | None = None
    coordinator_municipality: str | None = None
    director_municipality: str | None = None


def demo(path: Path | None = None) -> Demo:
    """The [demo] table of the project file (every key optional)."""
    table = read_project_file(path).get("demo", {})
    return Demo(
        as_of=table.get("as_of"),
        coordinator_municipality=table.get("coordinator_municipality"),
        director_municipality=table.get("director_municipality"),
    )


RETENTION_CHOICES = {
    "plan_goal": ("keep", "delete"),
    "outcome_note": ("keep", "delete"),
    "birth_year": ("keep", "age_band"),
    "status_episodes": ("keep", "delete"),
}


@dataclass(frozen=True)
class Retention:
    """The [retention] table of the project file: how long the records are kept after the
    project ends, and what happens to each kind of a left client's data after that."""

    keep_years_after_project_end: int
    anonymous_code_prefix: str
    plan_goal: str
    outcome_note: str
    birth_year: str
    age_bands: tuple[int, ...]
    status_episodes: str


def retention(path: Path | None = None) -> Retention:
    """The [retention] table; ProjectFileError says which key is missing or wrong."""
    table = read_project_file(path).get("retention")
    if not isinstance(table, dict):
        raise ProjectFileError("the table [retention] is missing from the project file")
    try:
        years = table["keep_years_after_project_end"]
        prefix = table["anonymous_code_prefix"]
        bands = tuple(table["age_bands"])
        choices = {key: table[key] for key in RETENTION_CHOICES}
    except KeyError as missing:
        raise ProjectFileError(f"[retention] {missing.args[0]} is missing") from missing
    if not isinstance(years, int) or years < 0:
        raise ProjectFileError("[retention] keep_years_after_project_end: a whole number >= 0")
    if not isinstance(prefix, str) or not 0 < len(prefix) <= 8:
        raise ProjectFileError("[retention] anonymous_code_prefix: 1 to 8 characters")
    if not bands or list(bands) != sorted(set(bands)) or not all(isinstance(b, int) for b in bands):
        raise ProjectFileError("[retention] age_bands: ages in increasing order")
    for key, value in choices.items():
        if value not in RETENTION_CHOICES[key]:
            allowed = ", ".join(RETENTION_CHOICES[key])
            raise ProjectFileError(f"[retention] {key} = {value!r}: one of {allowed}")
    return Retention(years, prefix, age_bands=bands, **choices)


def _check_demo(data: dict[str, Any], codes: set[str]) -> None:
    table = data.get("demo", {})
    for key in ("coordinator_municipality", "director_municipality"):
        if key in table and table[key] not in codes:
            raise ProjectFileError(f"[demo] {key} {table[key]!r} is unknown")
    p = data["project"]
    if "as_of" in table and not (
        isinstance(table["as_of"], date) and p["start"] <= table["as_of"] <= p["end"]
    ):
        raise ProjectFileError(f"[demo] as_of must be a date from {p['start']} to {p['end']}")


def _check_indicators(data: dict[str, Any]) -> None:
    """Every indicator is one metrics computes: by its own rule, or named like an outcome type
    (then it counts the clients with that outcome, so it is a count)."""
    outcome_types = {t["code"] for t in data["codes"].get("outcome_types", [])}
    for ind in data["indicators"]:
        code = ind.get("code")
        if code in metrics.RULE_INDICATORS:
            continue
        if code not in outcome_types:
            raise ProjectFileError(
                f"[[indicators]] {code!r}: no rule computes it; name it like an outcome type "
                f"(one of {', '.join(sorted(outcome_types))}) to count clients with that outcome"
            )
        if ind.get("kind") != "count":
            raise ProjectFileError(f'[[indicators]] {code!r}: kind must be "count"')


def _share(table: dict[str, Any], key: str, where: str = "[money]") -> Decimal:
    """A share from 0 to 1 of the table; ProjectFileError says which and where."""
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ProjectFileError(f"{where} {key} must be a number from 0 to 1, not {value!r}")
    return _dec(value)


def _check_money(data: dict[str, Any], codes: set[str]) -> dict[str, Any]:
    """The [money] table, checked: the salary-cost model and its parameter, the flat rate and
    its budget lines, the financing shares, the municipal overrides and payment periods that
    follow each other from the project's start to its end. Returns the values to load."""
    table = data.get("money")
    if not isinstance(table, dict):
        raise ProjectFileError("the table [money] is missing from the project file")
    model = table.get("model")
    if model not in SALARY_MODELS:
        raise ProjectFileError(f"[money] model must be one of {', '.join(SALARY_MODELS)}")
    rules: dict[str, Any] = {"salary_model": model, "side_cost_share": None, "annual_hours": None}
    if model == "side_cost":
        rules["side_cost_share"] = _share(table, "side_cost_share")
    else:
        hours = table.get("annual_hours")
        if isinstance(hours, bool) or not isinstance(hours, int) or hours <= 0:
            raise ProjectFileError("[money] annual_hours must be a whole number of hours")
        rules["annual_hours"] = hours
    if table.get("flat_rate_base") not in FLAT_RATE_BASES:
        raise ProjectFileError(
            f"[money] flat_rate_base must be one of {', '.join(FLAT_RATE_BASES)}"
        )
    rules["flat_rate_base"] = table["flat_rate_base"]
    rules["flat_rate_share"] = _share(table, "flat_rate_share")
    lines = {line["code"]: line for line in data.get("budget_lines", [])}
    for key in ("salary_budget_line", "flat_rate_budget_line"):
        if lines.get(table.get(key), {}).get("kind") != "cost":
            raise ProjectFileError(
                f"[money] {key} {table.get(key)!r} is no cost line of the budget"
            )
        rules[key] = table[key]
    salaries, flat = lines[rules["salary_budget_line"]], lines[rules["flat_rate_budget_line"]]
    expected = _dec(salaries["amount"]) * rules["flat_rate_share"]
    stated = flat.get("flat_rate_share", flat.get("share"))
    if (stated is not None and _dec(stated) != rules["flat_rate_share"]) or abs(
        _dec(flat["amount"]) - expected
    ) > 1:
        raise ProjectFileError(
            f"[money] flat_rate_share {rules['flat_rate_share']} does not agree with the budget "
            f"line {flat['code']!r} ({flat['amount']}, expected {expected:.2f})"
        )
    rules["esf_share"] = _share(table, "esf_share")
    rules["municipal_share"] = _share(table, "municipal_share")
    if rules["esf_share"] + rules["municipal_share"] != 1:
        raise ProjectFileError("[money] esf_share and municipal_share must add up to 1")
    return {
        "rules": rules,
        "shares": _check_municipal_shares(table.get("municipal_shares", []), codes),
        "periods": _check_periods(table.get("payment_periods"), data["project"]),
    }


def _check_municipal_shares(entries: Any, codes: set[str]) -> dict[str, Decimal]:
    """Municipalities paying a fixed share of the municipal financing: known, each once, the
    shares adding up to at most 1 (exactly 1 when every municipality is listed)."""
    shares: dict[str, Decimal] = {}
    if not isinstance(entries, list):
        raise ProjectFileError("[money] municipal_shares must be a list (empty: by population)")
    for entry in entries:
        code = entry.get("municipality") if isinstance(entry, dict) else entry
        if not isinstance(entry, dict) or code not in codes or code in shares:
            raise ProjectFileError(
                f"[money] municipal_shares: municipality {code!r} is unknown or listed twice"
            )
        shares[code] = _share(entry, "share", f"[money] municipal_shares {code}:")
    total = sum(shares.values(), Decimal(0))
    if total > 1 or (set(shares) == codes and total != 1):
        raise ProjectFileError(
            f"[money] municipal_shares add up to {total}: at most 1, and exactly 1 when every "
            "municipality is listed"
        )
    return shares


def _check_periods(entries: Any, project: dict[str, Any]) -> list[dict[str, Any]]:
    """Payment periods with unique codes, each starting the day after the previous one ends,
    the first on the project's start day and the last on its end day."""
    if not isinstance(entries, list) or not entries:
        raise ProjectFileError("[money] payment_periods is missing: list the payment periods")
    periods: list[dict[str, Any]] = []
    next_start = project["start"]
    for position, entry in enumerate(entries, start=1):
        code, start, end = (entry.get(k) for k in ("code", "start", "end"))
        where = f"[money] payment_periods {code or position}"
        if not isinstance(code, str) or not code or code in {p["code"] for p in periods}:
            raise ProjectFileError(f"{where}: each period needs a code of its own")
        if not isinstance(start, date) or not isinstance(end, date) or end < start:
            raise ProjectFileError(f"{where}: start and end must be dates, end not before start")
        if start != next_start:
            raise ProjectFileError(f"{where}: must start on {next_start} (no gap, no overlap)")
        periods.append({"code": code, "position": position, "start_date": start, "end_date": end})
        next_start = end + timedelta(days=1)
    if periods[-1]["end_date"] != project["end"]:
        raise ProjectFileError(
            f"[money] payment_periods: the last must end on the project's end, {project['end']}"
        )
    return periods


def _load_money(session: Session, report: LoadReport, money: dict[str, Any]) -> None:
    """The money rules, payment periods and municipal shares; ones gone from the file go."""
    _upsert(session, report, MoneyRules, {"id": 1}, **money["rules"])
    for period in money["periods"]:
        values = {k: v for k, v in period.items() if k != "code"}
        _upsert(session, report, PaymentPeriod, {"code": period["code"]}, **values)
    for code, share in money["shares"].items():
        _upsert(session, report, FinancingShare, {"municipality_code": code}, share=share)
    session.flush()
    kept = {
        PaymentPeriod: col(PaymentPeriod.code).not_in([p["code"] for p in money["periods"]]),
        FinancingShare: col(FinancingShare.municipality_code).not_in(list(money["shares"])),
    }
    for model, stale in kept.items():
        if session.exec(delete(model).where(stale)).rowcount:
            report.count(model.__tablename__, "changed")  # type: ignore[attr-defined]


def _upsert(session: Session, report: LoadReport, model: type[SQLModel], key: dict, **values):
    """Insert the row with primary or natural `key`, or update its other `values` in place."""
    row = session.exec(select(model).filter_by(**key)).first()
    if row is None:
        row = model(**key, **values)
        session.add(row)
        report.count(model.__tablename__, "added")  # type: ignore[arg-type]
        return row
    changed = False
    for name, value in values.items():
        current = getattr(row, name)
        if isinstance(value, Decimal) and current is not None:
            current = Decimal(str(current))
        if current != value:
            setattr(row, name, value)
            changed = True
    if changed:
        report.count(model.__tablename__, "changed")  # type: ignore[arg-type]
    return row


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def load_project(session: Session, path: Path | None = None) -> LoadReport:
    """Bring the definition tables up to date with the project file, in the caller's transaction."""
    data = read_project_file(path)
    report = LoadReport()
    p = data["project"]
    codes = {m["code"] for m in data["municipalities"]}
    if p["lead_municipality"] not in codes:
        raise ProjectFileError(f"[project] lead_municipality {p['lead_municipality']!r} is unknown")
    if not isinstance(p["start"], date) or not isinstance(p["end"], date):
        raise ProjectFileError("[project] start and end must be dates (YYYY-MM-DD)")
    _check_demo(data, codes)
    _check_indicators(data)
    money = _check_money(data, codes)

    _upsert(
        session,
        report,
        Project,
        {"id": 1},
        code=p["code"],
        name_fi=p["name_fi"],
        name_en=p["name_en"],
        start_date=p["start"],
        end_date=p["end"],
        lead_municipality_code=p["lead_municipality"],
    )
    for m in data["municipalities"]:
        if not (isinstance(m["code"], str) and len(m["code"]) == 3 and m["code"].isdigit()):
            raise ProjectFileError(f"municipality {m.get('name')}: code must be 3 digits as text")
        _upsert(
            session,
            report,
            Municipality,
            {"code": m["code"]},
            name=m["name"],
            population=int(m["population"]),
            business_id=m.get("business_id"),
        )
        _upsert(session, report, MunicipalitySetup, {"municipality_code": m["code"]})

    code_tables: dict[str, type[SQLModel]] = {
        "statuses": ClientStatus,
        "target_groups": TargetGroup,
        "services": Service,
        "operating_models": OperatingModel,
        "outcome_types": OutcomeType,
    }
    for key, model in code_tables.items():
        for position, entry in enumerate(data["codes"].get(key, []), start=1):
            extra = {"employment": bool(entry["employment"])} if "employment" in entry else {}
            _upsert(
                session,
                report,
                model,
                {"code": entry["code"]},
                position=position,
                name_fi=entry["name_fi"],
                name_en=entry["name_en"],
                **extra,
            )

    for ind in data["indicators"]:
        _upsert(
            session,
            report,
            Indicator,
            {"code": ind["code"]},
            position=ind["position"],
            kind=ind["kind"],
            target=_dec(ind["target"]),
            name_fi=ind["name_fi"],
            name_en=ind["name_en"],
            note=ind.get("note"),
        )
    for line in data.get("budget_lines", []):
        share = line.get("share", line.get("flat_rate_share"))
        _upsert(
            session,
            report,
            BudgetLine,
            {"code": line["code"]},
            position=line["position"],
            kind=line["kind"],
            amount=_dec(line["amount"]),
            share=_dec(share) if share is not None else None,
            name_fi=line["name_fi"],
            name_en=line["name_en"],
        )
    for position, role in enumerate(data.get("staffing", {}).get("roles", []), start=1):
        _upsert(
            session,
            report,
            StaffRole,
            {"code": role["code"]},
            position=position,
            fte=_dec(role["fte"]),
            name_fi=role["name_fi"],
            name_en=role["name_en"],
        )

    session.flush()
    _load_money(session, report, money)
    _load_work_packages(session, report, data["work_packages"], sorted(codes))
    session.flush()
    return report


def _load_work_packages(
    session: Session, report: LoadReport, packages: list[dict], municipalities: list[str]
) -> None:
    for wp in packages:
        _upsert(
            session,
            report,
            WorkPackage,
            {"code": wp["code"]},
            position=wp["position"],
            scope=wp["scope"],
            name_fi=wp["name_fi"],
            name_en=wp["name_en"],
        )
        session.flush()
        scopes: list[str | None] = list(municipalities) if wp["scope"] == "municipality" else [None]
        for ph in wp["phases"]:
            phase = _upsert(
                session,
                report,
                Phase,
                {"work_package_code": wp["code"], "code": ph["code"]},
                position=ph["position"],
                name_fi=ph["name_fi"],
                name_en=ph["name_en"],
            )
            session.flush()
            for position, it in enumerate(ph["items"], start=1):
                template = _upsert(
                    session,
                    report,
                    ChecklistTemplateItem,
                    {"phase_id": phase.id, "code": it["code"]},
                    position=position,
                    name_fi=it["name_fi"],
                    name_en=it["name_en"],
                    required=bool(it.get("required", True)),
                )
                session.flush()
                _ensure_items(session, report, template, phase.id, scopes)


def _ensure_items(
    session: Session,
    report: LoadReport,
    template: ChecklistTemplateItem,
    phase_id: int | None,
    scopes: list[str | None],
) -> None:
    """Every municipality (or the region) has one item per template item; titles follow it."""
    existing = {
        item.municipality_code: item
        for item in session.exec(
            select(ChecklistItem).where(ChecklistItem.template_item_id == template.id)
        )
    }
    for scope in scopes:
        item = existing.get(scope)
        if item is None:
            session.add(
                ChecklistItem(
                    phase_id=phase_id,  # type: ignore[arg-type]
                    municipality_code=scope,
                    template_item_id=template.id,
                    title=template.name_fi,
                    position=template.position,
                    required=template.required,
                    created_by="project.toml",
                )
            )
            report.count("checklist_item", "added")
        elif (item.title, item.position, item.required) != (
            template.name_fi,
            template.position,
            template.required,
        ):
            item.title = template.name_fi
            item.position = template.position
            item.required = template.required
            report.count("checklist_item", "changed")
