"""Rules of the staff's time: a salary month within the person's employment, and under the
unit-cost model a year's hours within the person's share of the annual hours ([money] of the
project file: 1 720 h × share of full time). The ranges of a salary and its hours are the
declaration's (polku/records.py), checked with every field."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from polku.rules import Finding


def month_of(day: date) -> date:
    """The salary month a day belongs to: its first day."""
    return day.replace(day=1)


def covers(start: date, end: date | None, month: date) -> bool:
    """Whether an employment from `start` to `end` (None: ongoing) has a day in the month."""
    first = month_of(month)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return start < following and (end is None or end >= first)


def employment_rules(
    name: str, month: date, spells: Iterable[tuple[date, date | None]]
) -> list[Finding]:
    """A salary month falls within one of the person's spells of employment (start, end)."""
    if any(covers(start, end, month) for start, end in spells):
        return []
    return [Finding(("month",), "ingest.error.outside_employment", {"value": name, "month": month})]


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hours_cap(annual_hours: int, fte: Decimal) -> Decimal:
    """A person's pro-rata share of the annual hours: 1 720 h × share of full time."""
    return Decimal(annual_hours) * Decimal(str(fte))


def hours_rules(
    year: int, hours: Iterable[Decimal | None], annual_hours: int, fte: Decimal
) -> list[Finding]:
    """A warning when a person's hours of a calendar year pass their share of the annual
    hours (unit-cost model: hours beyond it would give more than the documented annual cost)."""
    total = sum((Decimal(str(h)) for h in hours if h is not None), Decimal(0))
    cap = hours_cap(annual_hours, fte)
    if total <= cap:
        return []
    params = {"year": str(year), "hours": _whole(total), "cap": _whole(cap)}
    return [Finding(("hours", "month"), "ingest.warning.hours_over_cap", params, warning=True)]
