"""Rules of employment-bonus grants: the amount is €/month × months, decisions are dated
after the application, and an employer's de minimis aid (the project's bonuses and the aid it
declares from other grantors) stays under the ceiling of the project file over any rolling
period of three years, counted from each aid's decision date."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from polku import project
from polku.rules import Finding
from polku.rules.clients import period_rules

CENT = Decimal("0.01")
PENDING = "pending"


def grant_amount(monthly_amount: Decimal, months: int) -> Decimal:
    """The bonus granted: € per month × months, to the cent."""
    return (Decimal(monthly_amount) * months).quantize(CENT)


def same_amount(a: Any, b: Any) -> bool:
    """Whether two amounts are the same number (Decimal("1.50") is 1.5)."""
    return Decimal(str(a)) == Decimal(str(b))


def grant_rules(grant: dict[str, Any]) -> list[Finding]:
    """The rules between a grant's values (the database's CHECK constraints, said in words).
    Fills in what follows from the others: the amount when none is given, the decision
    pending when none is."""
    found = period_rules(grant, "employment_start", "employment_end")
    if grant.get("monthly_amount") is not None and grant.get("months") is not None:
        expected = grant_amount(grant["monthly_amount"], grant["months"])
        if grant.get("amount") is None:
            grant["amount"] = expected
        elif not same_amount(grant["amount"], expected):
            found.append(Finding(("amount",), "ingest.error.amount", {"expected": expected}))
    decision = grant["decision"] = grant.get("decision") or PENDING
    if decision != PENDING and grant.get("decision_date") is None:
        found.append(Finding(("decision_date",), "ingest.error.decision_date_required"))
    application, decided = grant.get("application_date"), grant.get("decision_date")
    if application is not None and decided is not None and decided < application:
        found.append(Finding(("decision_date",), "ingest.error.decision_before_application"))
    return found


@dataclass(frozen=True)
class DeMinimis:
    """The de minimis rules of the project file ([de_minimis]): the ceiling per employer over a
    rolling period of `years` years, the share of it that warns, and the legal basis of the
    project's bonuses (Regulation (EU) 2023/2831)."""

    ceiling: Decimal
    years: int
    warning_share: Decimal
    legal_basis: str


def de_minimis_settings(path: Path | None = None) -> DeMinimis:
    """The [de_minimis] table of the project file; ProjectFileError says what is missing."""
    table = project.read_project_file(path).get("de_minimis")
    if not isinstance(table, dict):
        raise project.ProjectFileError("the table [de_minimis] is missing from the project file")
    try:
        return DeMinimis(
            ceiling=Decimal(str(table["ceiling_euros"])),
            years=int(table["years"]),
            warning_share=Decimal(str(table["warning_share"])),
            legal_basis=str(table["legal_basis"]),
        )
    except KeyError as missing:
        raise project.ProjectFileError(f"[de_minimis] {missing.args[0]} is missing") from missing


@dataclass(frozen=True)
class Aid:
    """De minimis aid to an employer: the day it was granted (the decision) and its euros."""

    day: date
    amount: Decimal


def aid_date(grant: Mapping[str, Any]) -> date:
    """The day a bonus's aid counts from: its decision (whatever its payment dates), else,
    while pending, its application."""
    return grant.get("decision_date") or grant["application_date"]


def grant_aid(grant: Mapping[str, Any]) -> Aid | None:
    """A bonus as de minimis aid: None when it is none or was refused."""
    if grant.get("de_minimis_amount") is None or grant.get("decision") == "refused":
        return None
    return Aid(aid_date(grant), Decimal(str(grant["de_minimis_amount"])))


def declared_aid(row: Mapping[str, Any]) -> Aid:
    """Aid from another grantor that the employer declared."""
    return Aid(row["decision_date"], Decimal(str(row["amount"])))


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def de_minimis_total(aids: Iterable[Aid], on: date, years: int) -> Decimal:
    """The rolling total: aid granted in the `years` years that end on `on` (aid granted
    exactly `years` years before `on`, or earlier, is outside)."""
    since = years_before(on, years)
    return sum((a.amount for a in aids if since < a.day <= on), Decimal(0))


def de_minimis_rule(
    aid: Aid | None,
    aids: Sequence[Aid],
    employer: str,
    field: str = "de_minimis_amount",
    settings: DeMinimis | None = None,
) -> list[Finding]:
    """Refuse aid that takes the employer's rolling total (`aids`, this one among them) over
    the ceiling in any period holding it; warn at the project file's share of the ceiling."""
    if aid is None:
        return []
    rules = settings or de_minimis_settings()
    # Every period of `years` years holding the aid ends on its day or on a later aid's
    ends = {aid.day, *(a.day for a in aids if aid.day < a.day)}
    ends = {end for end in ends if years_before(end, rules.years) < aid.day}
    total = max(de_minimis_total(aids, end, rules.years) for end in ends)
    params = {"employer": employer, "total": total, "ceiling": rules.ceiling}
    if total > rules.ceiling:
        return [Finding((field,), "ingest.error.de_minimis", params)]
    if total >= rules.ceiling * rules.warning_share:
        return [Finding((field,), "ingest.warning.de_minimis", params, True)]
    return []


def over_limit(
    name: str, value: Decimal | int | None, limit: Decimal | int, key: str
) -> list[Finding]:  # noqa: E501
    """A value above the project file's plausibility limit ([limits] of data/project.toml)."""
    if value is None or value <= limit:
        return []
    return [Finding((name,), key, {"value": value, "limit": limit})]


def limit_rules(grant: Mapping[str, Any], limits: project.Limits) -> list[Finding]:
    """A grant's €/month, weekly hours and months above the project file's limits."""
    return [
        *over_limit(
            "weekly_hours",
            grant.get("weekly_hours"),
            limits.weekly_hours,
            "forms.error.limit.hours",
        ),  # noqa: E501
        *over_limit(
            "monthly_amount",
            grant.get("monthly_amount"),
            limits.bonus_monthly_euros,
            "forms.error.limit.euros",
        ),  # noqa: E501
        *over_limit("months", grant.get("months"), limits.bonus_months, "forms.error.limit.months"),  # noqa: E501
    ]
