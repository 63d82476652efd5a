"""The lock of approved periods: while a payment period's report is approved, data dated in the
period cannot change (DHIS2's data approval, Jems' certified reports), until an admin reopens
the report (polku/reporting.py moves the states; this module only reads them).

A change is "dated" by what the report's figures read (polku/metrics.py's indicators and ESF+
common indicators, polku/money.py's salary costs):

- a client's entry-time values (entry date, birth year, gender, education, labour status and
  unemployment months at entry, target groups) by the entry date;
- the exit-time values (exit date, plan goal reached, situation on leaving and its date, a
  qualification gained) by the exit date;
- the six-month follow-up (employed_6_months) by the exit date + 6 months;
- an outcome by its date; a bonus grant by its decision date (a pending grant has none);
- a salary record by its month; a partnership agreement by its start and end (the indicator
  counts agreements in force).

Status episodes are not locked: no report figure reads them (the labour status at entry is a
client field). Nor are free texts (notes, the plan's goal), costs, employers or declared aid.

A change counts by BOTH its old and its new dates (moving an exit out of a locked period
changes that period), a new record by its dates, a deleted one by the dates it had.
`refusal` is the one check every write path calls (polku/ingest/planning.py for the import and
the forms, polku/client_card.py for corrections and deletions), inside the write's own
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from models import metadata

_period = metadata.tables["payment_period"]
_report = metadata.tables["report"]

APPROVED = "approved"
KEY = "ingest.error.period_locked"  # the refusal's words in the catalogs
FOLLOW_UP_MONTHS = 6  # EECR05: in employment six months after leaving


@dataclass(frozen=True)
class LockedPeriod:
    """A payment period whose report is approved."""

    code: str
    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= _day(day) <= self.end


def locked_periods(conn: Connection) -> tuple[LockedPeriod, ...]:
    """The payment periods whose report is approved, by start: one query. On PostgreSQL the
    reports are read FOR SHARE, so an approval waits for the caller's write to commit (and the
    write waits for an approval under way): the check and the write see the same states."""
    p, r = _period.c, _report.c
    stmt = (
        select(p.code, p.start_date, p.end_date, r.state)
        .join(_report, r.code == p.code)
        .order_by(p.start_date)
        # Every report row, not only the approved: one being approved must be waited for
        .with_for_update(read=True, of=_report)
    )
    rows = conn.execute(stmt).all()
    return tuple(
        LockedPeriod(row.code, _day(row.start_date), _day(row.end_date))
        for row in rows
        if row.state == APPROVED
    )


def locked_period(conn: Connection, day: date) -> LockedPeriod | None:
    """The approved period `day` falls in, if any."""
    return _find(locked_periods(conn), day)


def _find(periods: Sequence[LockedPeriod], day: date | None) -> LockedPeriod | None:
    return next((p for p in periods if day is not None and day in p), None)


# ---------------------------------------------------------------------------------------------
# What each change is dated by


Row = Mapping[str, Any]


@dataclass(frozen=True)
class _Part:
    """Values of a table the report's figures read (`values`, the dating columns first), and
    the days they count on (`days`, from the row)."""

    values: tuple[str, ...]
    days: Callable[[Row], tuple[date | None, ...]]
    basis: tuple[str, ...] = ()  # columns the days come from, when not among the values


def _on(*columns: str) -> Callable[[Row], tuple[date | None, ...]]:
    return lambda row: tuple(_day(row.get(c)) for c in columns)


def _after_leaving(row: Row) -> tuple[date | None, ...]:
    left = _day(row.get("exit_date"))
    if left is None:
        return (None,)
    return ((pd.Timestamp(left) + pd.DateOffset(months=FOLLOW_UP_MONTHS)).date(),)


ENTRY_VALUES = (
    "entry_date",
    "birth_year",
    "gender",
    "education_level",
    "labour_status_at_entry",
    "unemployment_months",
    "target_groups",  # not a column: the client's groups, as planning passes them
)
EXIT_VALUES = (
    "exit_date",
    "plan_goal_reached",
    "situation_on_leaving",
    "situation_date",
    "qualification_gained",
)
_GRANT_VALUES = (
    "decision_date",
    "decision",
    "employer_id",
    "client_id",
    "employment_start",
    "employment_end",
    "contract_type",
    "weekly_hours",
    "monthly_amount",
    "months",
    "amount",
    "application_date",
    "de_minimis_amount",
)  # the later follow-ups (employed after 6 and 12 months) are no report figure

DATED: dict[str, tuple[_Part, ...]] = {
    "client": (
        _Part(ENTRY_VALUES, _on("entry_date")),
        _Part(EXIT_VALUES, _on("exit_date")),
        _Part(("employed_6_months",), _after_leaving, ("exit_date",)),
    ),
    "outcome": (
        _Part(
            ("outcome_date", "outcome_type_code", "client_id", "employer_id"), _on("outcome_date")
        ),
    ),
    "bonus_grant": (_Part(_GRANT_VALUES, _on("decision_date")),),
    "salary_record": (
        _Part(
            ("month", "staff_member_id", "gross_salary", "hours", "annual_gross_cost"), _on("month")
        ),
    ),
    "partnership_agreement": (
        _Part(("start_date", "end_date", "employer_id"), _on("start_date", "end_date")),
    ),
}


@dataclass(frozen=True)
class Refusal:
    """A change refused: the locked period and the column whose change touches it."""

    period: LockedPeriod
    column: str

    key = KEY

    @property
    def params(self) -> dict[str, Any]:
        """The catalog's parameters: the period's code and its dates (formatted per language)."""
        return {"period": self.period.code, "dates": (self.period.start, self.period.end)}


def refusal(
    periods: Sequence[LockedPeriod], table: str, old: Row | None, new: Row | None
) -> Refusal | None:
    """Whether changing a row of `table` from `old` to `new` (None: added, or deleted) changes
    data dated in a locked period. Columns missing from `new` are left as they were."""
    if not periods:
        return None
    for part in DATED.get(table, ()):
        watched = (*part.values, *part.basis)
        changed = [c for c in watched if _changed(c, old, new)]
        if not changed:
            continue
        for side in (old, new):
            # A side without any of the part's values counts in none of its figures
            if side is None or all(side.get(c) is None for c in part.values):
                continue
            for day in part.days(side):
                found = _find(periods, day)
                if found is not None:
                    return Refusal(found, changed[0])
    return None


def _changed(column: str, old: Row | None, new: Row | None) -> bool:
    if old is None or new is None:
        side = new if old is None else old
        return side is not None and side.get(column) is not None
    if column not in new:
        return False
    from polku.ingest.planning import same_value  # the import's comparison (it imports this)

    return not same_value(old.get(column), new[column])


def _day(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) else value
