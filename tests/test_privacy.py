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


# ---- Small counts for directors (issue 12.1): privacy.protect decides -------------------------

import pandas as pd  # noqa: E402

from polku.access import Actor  # noqa: E402

DIRECTOR = Actor(email="d@example.fi", role="director", municipalities=frozenset({"422"}))
ANALYST = Actor(email="a@example.fi", role="analyst")


def test_a_rate_is_shown_only_when_its_cell_is_safe() -> None:
    frame = pd.DataFrame({"numerator": [0, 1, 4, 9, 20, 3], "denominator": [1, 5, 6, 12, 26, 0]})
    shown = privacy.protect(frame, DIRECTOR, "fi", shape="rates", value="actual")
    assert "numerator" not in shown and "denominator" not in shown
    # 0/1: small denominator; 1/5 and 4/6: small parts; 9/12: 3 did not reach; 20/26 is safe
    assert list(shown["actual"].isna()) == [True, True, True, True, False, True]
    assert list(shown["actual_label"]) == ["< 5", "–", "–", "–", "76,9\u00a0%", "–"]
    assert not shown["actual_label"].str.contains("%").iloc[:4].any()
    analyst = privacy.protect(frame, ANALYST, "fi", shape="rates", value="actual")
    assert analyst["actual"].notna().all()


def test_a_hidden_part_does_not_follow_from_a_shown_whole() -> None:
    # entered 13 = active 10 + exited 3: exited is small, so active is hidden too
    parts = pd.DataFrame({"value": [10, 3]})
    shown = privacy.protect(parts, DIRECTOR, "fi", total=13)
    assert shown["value"].isna().all()
    assert list(shown["value_label"]) == ["–", "< 5"]
    # without a shown whole only the small one is hidden; 0 is no small count
    assert list(privacy.protect(parts, DIRECTOR, "fi")["value"].isna()) == [False, True]
    assert (
        privacy.protect(pd.DataFrame({"value": [13, 0]}), DIRECTOR, "fi", total=13)["value"]
        .notna()
        .all()
    )
    # many cells (municipalities) and their total: hidden cells never add up to 1-4
    cells = [0, 2, 40, 7, 9, 120]
    shown = privacy.protect(pd.DataFrame({"value": cells}), DIRECTOR, "fi", total=sum(cells))
    hidden = [c for c, v in zip(cells, shown["value"], strict=True) if pd.isna(v)]
    assert hidden and not privacy.is_small(sum(hidden))


def test_no_step_of_1_to_4_between_two_shown_months_of_a_cumulative_series() -> None:
    values = [0, 3, 12, 14, 40, 41, 47]
    shown = privacy.protect(pd.DataFrame({"value": values}), DIRECTOR, "fi", shape="cumulative")[
        "value"
    ]
    kept = [int(v) for v in shown.dropna()]
    assert kept[-1] == 47  # today's value, as the cards show it, stays
    assert all(not privacy.is_small(b - a) for a, b in zip(kept, kept[1:], strict=False))
    assert not any(privacy.is_small(v) for v in kept)
    assert len(kept) >= 3


def test_a_stacked_month_keeps_its_bar_with_small_cells_merged() -> None:
    frame = pd.DataFrame(
        {
            "month_end": ["2026-03-31"] * 3 + ["2026-04-30"] * 3 + ["2026-05-31"],
            "status": ["a", "b", "c"] * 2 + ["a"],
            "clients": [10, 3, 1, 10, 6, 2, 2],
        }
    )
    shown = privacy.protect(
        frame, DIRECTOR, "fi", shape="stacked", value="clients", category="status", other="muut"
    )
    assert set(shown["month_end"]) == set(frame["month_end"])  # every month stays
    assert not any(privacy.is_small(v) for v in shown["clients"].dropna())
    april = shown[shown["month_end"] == "2026-04-30"].set_index("status")["clients"]
    assert dict(april) == {"a": 10, "muut": 8}
    assert shown[shown["month_end"] == "2026-05-31"]["clients_label"].tolist() == ["< 5"]


def test_goal_reached_is_hidden_when_those_who_did_not_are_few() -> None:
    funnel = pd.DataFrame(
        {
            "target_group": [""] * 4,
            "stage": ["entered", "left", "plan_goal_reached", "employed_at_company"],
            "clients": [30, 12, 9, 0],
        }
    )
    shown = privacy.protect(funnel, DIRECTOR, "fi", shape="funnel", value="clients")
    assert list(shown["clients"].isna()) == [False, False, True, False]
    # 27 of 30 have left: the 3 still in would follow from entered - left
    funnel["clients"] = [30, 27, 20, 6]
    shown = privacy.protect(funnel, DIRECTOR, "fi", shape="funnel", value="clients")
    assert list(shown["clients"].isna()) == [False, True, False, False]
    assert privacy.protect(funnel, ANALYST, "fi", shape="funnel")["clients"].notna().all()


def test_masking_replaces_valid_codes_only() -> None:
    text = "HETU010594Y9021 ja 131052-308A"
    masked = privacy.mask_hetus(text)
    assert masked == f"HETU{privacy.HETU_MASK} ja 131052-308A"
    assert privacy.hetu_verdict(masked) == "warn"  # the look-alike stays, the code is gone
    assert privacy.has_hetu(text) and not privacy.has_hetu(masked)
