"""Identifiers Polku checks wherever they enter: the business ID (Y-tunnus) and its check digit.

One definition for the import (polku/ingest.py), the forms (polku/forms.py) and the synthetic
sample (polku/sample.py). The check digit is python-stdnum's (`stdnum.fi.ytunnus`, the rule of
shared/reference/domain-research.md §5); Polku adds only the written form it stores, NNNNNNN-C.
Personal identity codes are in polku/privacy.py (`stdnum.fi.hetu`).
"""

from __future__ import annotations

import re

from stdnum.fi import ytunnus

# Seven digits, a hyphen, the check digit; old six-digit IDs are written with a leading zero
BUSINESS_ID_PATTERN = re.compile(r"^\d{7}-\d$")
_LOOSE_BUSINESS_ID = re.compile(r"^(\d{6,7})\s*[-\u2010-\u2015\u2212]\s*(\d)$")


def business_id_check_digit(digits: str) -> int | None:
    """The Y-tunnus check digit of seven digits, or None when the number is never issued."""
    # stdnum validates but does not compute: the one digit it accepts (none when r = 1)
    return next((d for d in range(10) if ytunnus.is_valid(f"{digits}-{d}")), None)


def normalise_business_id(text: str) -> str:
    """The written form `NNNNNNN-C` of what people type: spaces and dash variants tolerated,
    a six-digit ID gets its leading zero. Anything else comes back stripped, unchanged."""
    match = _LOOSE_BUSINESS_ID.match(text.strip())
    if match is None:
        return text.strip()
    return f"{match[1].zfill(7)}-{match[2]}"


def is_valid_business_id(text: str) -> bool:
    """Whether `text` is exactly a Y-tunnus (NNNNNNN-C) with the right check digit."""
    return bool(BUSINESS_ID_PATTERN.match(text)) and ytunnus.is_valid(text)
