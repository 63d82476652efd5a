"""Loads the project definition (data/project.toml) into the tables.

The file is the project plan as data. Loading is an upsert by natural key, so running it again
changes nothing, and an edited file (a new target, a renamed item) updates the rows in place.
Checklist items of every municipality (work package 1) and of the region (work package 2) are
created from the template items; their status, owner and notes are never touched here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel, select

from models import (
    BudgetLine,
    ChecklistItem,
    ChecklistTemplateItem,
    ClientStatus,
    Indicator,
    Municipality,
    MunicipalitySetup,
    OperatingModel,
    OutcomeType,
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
