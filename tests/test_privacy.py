"""polku/privacy.py: personal identity codes (henkilötunnus) in free text are found, valid ones
told apart from look-alikes (format, date and the mod-31 check character)."""

from __future__ import annotations

import pytest

from polku import privacy

# DVV's fictional test codes (domain-research.md §5): every century sign family
VALID = ["010594Y9021", "020594X903P", "010516B903X", "020504A902E", "131052-308T"]


@pytest.mark.parametrize("code", VALID)
def test_dvvs_test_codes_are_valid(code: str) -> None:
    assert privacy.is_valid_hetu(code)
    assert privacy.hetu_verdict(code) == "refuse"
    assert privacy.hetu_verdict(code.lower()) == "refuse"


def test_the_check_character_is_the_nine_digits_mod_31() -> None:
    assert privacy.hetu_check_character("131052308") == "T"
    assert privacy.hetu_check_character("010594902") == "1"
    # The table skips G, I, O, Q and Z
    assert privacy.HETU_CHECK_CHARACTERS == "0123456789ABCDEFHJKLMNPRSTUVWXY"
    assert not set("GIOQZ") & set(privacy.HETU_CHECK_CHARACTERS)


@pytest.mark.parametrize(
    "text",
    [
        "Asiakas 131052-308T soitti",
        "131052\u2013308T",  # en dash
        "131052\u2014308T",  # em dash
        "131052\u2212308T",  # minus sign
        "131052 308T",  # a space for the hyphen
        "131052 -308T",  # a space before the sign
        "(010594Y9021)",
        "hetu:020504A902E.",
        "HETU010594Y9021",  # letters written right before the code
        "hetu131052-308T",
        "Asiakas131052-308Tsoitti",  # letters on both sides
        "tunnus131052-950H",  # a temporary code (individual number 900–999)
    ],
)
def test_a_valid_code_in_text_is_refused_whatever_the_dash(text: str) -> None:
    assert privacy.hetu_verdict(text) == "refuse"
    (found,) = privacy.find_hetus(text)
    assert found.valid


@pytest.mark.parametrize(
    "text",
    [
        "131052-308A",  # wrong check character: a typo of a real code, perhaps
        "010594Y9022",
        "310294-123A",  # 31 February: not a date, the shape only
        "131052-000T",  # no individual number 000
        "HETU010594Y9022",  # letters before, a wrong check character
    ],
)
def test_the_shape_alone_warns(text: str) -> None:
    assert privacy.hetu_verdict(text) == "warn"
    assert not privacy.is_valid_hetu(text)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "Kunnan työllisyyskoordinaattori",
        "Puhelin 040 123 4567",
        "Y-tunnus 0242746-2",
        "ID1310523080T",  # glued to other characters
        "131052-308T1",
        "29.11.2026",
        "321052-308T",  # day 32
        "131352-308T",  # month 13
        "131052G308T",  # G is no century sign
        "Sopimus ABC123456-7890",  # letters before a number that is no date
        "KOODI2024-001A",
    ],
)
def test_ordinary_text_passes(text: str | None) -> None:
    assert privacy.hetu_verdict(text) is None
    assert privacy.find_hetus(text) == []


def test_every_code_in_a_text_is_found_with_its_place() -> None:
    text = "A 131052-308T, B 131052-308A"
    found = privacy.find_hetus(text)
    assert [(text[f.start : f.end], f.valid) for f in found] == [
        ("131052-308T", True),
        ("131052-308A", False),
    ]
    assert privacy.hetu_verdict(text) == "refuse"
    assert not privacy.is_valid_hetu(text)  # two codes are not "a code"


def test_masking_replaces_valid_codes_only() -> None:
    text = "HETU010594Y9021 ja 131052-308A"
    masked = privacy.mask_hetus(text)
    assert masked == f"HETU{privacy.HETU_MASK} ja 131052-308A"
    assert privacy.hetu_verdict(masked) == "warn"  # the look-alike stays, the code is gone
    assert privacy.has_hetu(text) and not privacy.has_hetu(masked)
