"""polku/validation.py: the Y-tunnus check digit is python-stdnum's; Polku keeps the form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from polku.validation import business_id_check_digit, is_valid_business_id, normalise_business_id

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("business_id", ["0112038-9", "2077474-0", "0246246-0"])
def test_real_business_ids_are_valid_and_a_wrong_check_digit_is_not(business_id: str) -> None:
    assert is_valid_business_id(business_id)
    digits, check = business_id.split("-")
    assert business_id_check_digit(digits) == int(check)
    for wrong in set(range(10)) - {int(check)}:
        assert not is_valid_business_id(f"{digits}-{wrong}")


def test_a_number_whose_remainder_is_one_is_never_issued() -> None:
    # 0000006: 6 × 2 = 12, 12 mod 11 = 1, so no check digit exists
    assert business_id_check_digit("0000006") is None
    assert not any(is_valid_business_id(f"0000006-{d}") for d in range(10))


@pytest.mark.parametrize(
    "written", ["01120389", "FI01120389", "0112038 9", " 0112038-9", "112038-9"]
)
def test_only_the_stored_form_is_valid(written: str) -> None:
    assert not is_valid_business_id(written)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [(" 0112038-9 ", "0112038-9"), ("112038-9", "0112038-9"), ("0112038 \u2013 9", "0112038-9")],
)
def test_what_people_type_is_normalised_to_the_stored_form(typed: str, stored: str) -> None:
    assert normalise_business_id(typed) == stored
    assert is_valid_business_id(normalise_business_id(typed))


def test_no_hand_written_check_digit_remains() -> None:
    # Y-tunnus weights and the henkilötunnus mod-31 table belong to python-stdnum
    weights = r"7,\s*9,\s*10,\s*5,\s*8,\s*4,\s*2"
    hand_written = re.compile(rf"{weights}|0123456789ABCDEFHJKLMNPRSTUVWXY|%\s*31\b")
    sources = [
        *ROOT.glob("*.py"),
        *(ROOT / "polku").rglob("*.py"),
        *(ROOT / "app_pages").glob("*.py"),
    ]
    sources += [*(ROOT / "scripts").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]
    here = Path(__file__).resolve()
    found = [
        path.relative_to(ROOT).as_posix()
        for path in sources
        if path != here and hand_written.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
