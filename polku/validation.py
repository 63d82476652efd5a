"""Identifiers Polku checks wherever they enter: the business ID (Y-tunnus) and its check digit.

One definition for the import (polku/ingest.py), the forms (polku/forms.py) and the synthetic
sample (polku/sample.py). The rule is in shared/reference/domain-research.md §5: weights
7, 9, 10, 5, 8, 4, 2 over the seven digits; r = sum mod 11; r = 0 gives 0, r = 1 is never
issued, otherwise the check digit is 11 − r. Personal identity codes are in polku/privacy.py.
"""

from __future__ import annotations

import re

BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
# Seven digits, a hyphen, the check digit; old six-digit IDs are written with a leading zero
BUSINESS_ID_PATTERN = re.compile(r"^\d{7}-\d$")
_LOOSE_BUSINESS_ID = re.compile(r"^(\d{6,7})\s*[-\u2010-\u2015\u2212]\s*(\d)$")


def business_id_check_digit(digits: str) -> int | None:
    """The Y-tunnus check digit of seven digits, or None when the number is never issued."""
    remainder = sum(int(d) * w for d, w in zip(digits, BUSINESS_ID_WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def normalise_business_id(text: str) -> str:
    """The written form `NNNNNNN-C` of what people type: spaces and dash variants tolerated,
    a six-digit ID gets its leading zero. Anything else comes back stripped, unchanged."""
    match = _LOOSE_BUSINESS_ID.match(text.strip())
    if match is None:
        return text.strip()
    return f"{match[1].zfill(7)}-{match[2]}"


def is_valid_business_id(text: str) -> bool:
    """Whether `text` is exactly a Y-tunnus with the right check digit."""
    if not BUSINESS_ID_PATTERN.match(text):
        return False
    return business_id_check_digit(text[:7]) == int(text[8])
