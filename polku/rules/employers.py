"""Rules of employers and their partnership agreements."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from polku.rules import Finding
from polku.rules.clients import period_rules

# The one kind of employer without a business ID
PRIVATE_PERSON = "private_person"


def employer_rules(employer: Mapping[str, Any]) -> list[Finding]:
    """Every employer but a private person has a business ID."""
    kind = employer.get("employer_type")
    if employer.get("business_id") is None and kind not in (None, PRIVATE_PERSON):
        return [Finding(("business_id",), "ingest.error.business_id_required")]
    return []


def partnership_rules(agreement: Mapping[str, Any]) -> list[Finding]:
    """An agreement ends on or after its start and is not signed after its end."""
    found = period_rules(agreement)
    signed, end = agreement.get("signed_on"), agreement.get("end_date")
    if signed is not None and end is not None and signed > end:
        found.append(
            Finding(("signed_on", "end_date"), "ingest.error.signed_after_end", {"end": end})
        )  # noqa: E501
    return found
