"""Rules of employment-bonus grants: the amount is €/month × months, decisions are dated
after the application, and an employer's de minimis aid stays under the EU ceiling."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from polku import project
from polku.rules import Finding
from polku.rules.clients import period_rules

# EU de minimis regulation 2023/2831: at most 300 000 € to one undertaking over three years
DE_MINIMIS_CEILING = Decimal(300_000)
DE_MINIMIS_YEARS = 3
# A warning (not a refusal) once an employer's de minimis aid passes this share of the ceiling
DE_MINIMIS_WARNING_SHARE = Decimal("0.8")
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


def aid_date(grant: Mapping[str, Any]) -> date:
    """The day aid counts from: its decision, else its application."""
    return grant.get("decision_date") or grant["application_date"]


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def de_minimis_total(
    grants: Iterable[Mapping[str, Any]], on: date, years: int = DE_MINIMIS_YEARS
) -> Decimal:
    """De minimis aid of not refused grants dated within `years` years up to `on`."""
    since = years_before(on, years)
    return sum(
        (
            Decimal(g["de_minimis_amount"])
            for g in grants
            if g.get("de_minimis_amount") is not None
            and g.get("decision") != "refused"
            and since < aid_date(g) <= on
        ),
        Decimal(0),
    )


def de_minimis_rule(
    grant: Mapping[str, Any], employer_grants: Iterable[Mapping[str, Any]], employer: str
) -> list[Finding]:
    """Refuse a grant that takes the employer's de minimis aid (its grants, this one among
    them) over the ceiling; warn near it."""
    if grant.get("de_minimis_amount") is None or grant.get("decision") == "refused":
        return []
    total = de_minimis_total(employer_grants, aid_date(grant))
    params = {"employer": employer, "total": total, "ceiling": DE_MINIMIS_CEILING}
    if total > DE_MINIMIS_CEILING:
        return [Finding(("de_minimis_amount",), "ingest.error.de_minimis", params)]
    if total > DE_MINIMIS_CEILING * DE_MINIMIS_WARNING_SHARE:
        return [Finding(("de_minimis_amount",), "ingest.warning.de_minimis", params, True)]
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
