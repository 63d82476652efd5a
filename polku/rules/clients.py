"""Rules of a client's path: entry, exit, status episodes and outcomes in order."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from polku.rules import Finding

# A situation on leaving counts in the ESF+ results when it began within four weeks of the exit
LEAVING_WINDOW_DAYS = 28


def client_rules(client: Mapping[str, Any]) -> list[Finding]:
    """A client leaves on or after entering, and whether the plan's goal was reached is known
    only at the exit."""
    found = []
    entry, exit_ = client.get("entry_date"), client.get("exit_date")
    if entry is not None and exit_ is not None and exit_ < entry:
        found.append(
            Finding(("exit_date", "entry_date"), "ingest.error.exit_before_entry", {"entry": entry})
        )  # noqa: E501
    if client.get("plan_goal_reached") is not None and exit_ is None:
        found.append(Finding(("plan_goal_reached", "exit_date"), "ingest.error.goal_without_exit"))  # noqa: E501
    return found + leaving_rules(client)


# What is known of a client only once they have left (models.Client's leaving_known_at_exit)
LEAVING_FIELDS = (
    "situation_on_leaving",
    "situation_date",
    "qualification_gained",
    "employed_6_months",
)


def leaving_rules(client: Mapping[str, Any]) -> list[Finding]:
    """The situation on leaving, its start date, the qualification and the six-month follow-up
    are recorded only with an exit; the situation begins on or after the exit. A situation
    without its date, or beginning more than four weeks after the exit, is kept with a
    warning: it does not count in the ESF+ results (polku/metrics.py)."""
    exit_, began = client.get("exit_date"), client.get("situation_date")
    if exit_ is None:
        given = [name for name in LEAVING_FIELDS if client.get(name) is not None]
        if given:
            return [Finding((*given, "exit_date"), "ingest.error.leaving_without_exit")]
        return []
    if began is not None and began < exit_:
        key, params = "ingest.error.situation_before_exit", {"exit": exit_}
        return [Finding(("situation_date", "exit_date"), key, params)]
    if began is None and client.get("situation_on_leaving") is not None:
        return [Finding(("situation_date",), "ingest.warning.situation_undated", warning=True)]
    if began is not None and began > exit_ + timedelta(days=LEAVING_WINDOW_DAYS):
        key, params = "ingest.warning.situation_late", {"exit": exit_}
        return [Finding(("situation_date",), key, params, warning=True)]
    return []


def period_rules(
    record: Mapping[str, Any], start: str = "start_date", end: str = "end_date"
) -> list[Finding]:  # noqa: E501
    """A period (a status episode, an agreement, an employment) ends on or after its start."""
    begins, ends = record.get(start), record.get(end)
    if begins is not None and ends is not None and ends < begins:
        return [Finding((end,), "ingest.error.end_before_start", {"start": begins})]
    return []


def not_before_entry(day: date | None, entry: date, field: str) -> list[Finding]:
    """What happens on a client's path happens on or after their entry."""
    if day is not None and day < entry:
        return [Finding((field,), "ingest.error.before_entry", {"entry": entry})]
    return []


def exit_after_statuses(exit_day: date, latest_start: date | None) -> list[Finding]:
    """A client leaves on or after the start of their latest status episode."""
    if latest_start is not None and latest_start > exit_day:
        return [Finding(("exit_date",), "forms.error.exit_before_status", {"start": latest_start})]
    return []
