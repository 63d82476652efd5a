"""The indicators of polku/metrics.py against hand-computed values on a small fixed dataset,
with the edge cases of the definitions; and the CLI prints the same numbers."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from models import (
    BonusGrant,
    Client,
    ClientTargetGroup,
    Employer,
    Outcome,
    PartnershipAgreement,
    TargetMilestone,
    TargetOverride,
)
from polku import metrics
from polku.access import AccessDenied, Actor
from tests.test_cli import polku

AS_OF = date(2026, 11, 29)
ANALYST = Actor(email="a@example.fi", role="analyst")


def _client(code, municipality, entry, exit=None, reached=None, groups=()):
    return Client(
        code=code,
        municipality_code=municipality,
        birth_year=1990,
        entry_date=entry,
        exit_date=exit,
        plan_goal_reached=reached,
    ), groups


@pytest.fixture
def data(engine: Engine) -> Engine:
    """Joensuu (167): A active; B left on the as-of day, goal reached; C left, not reached;
    D enters after the day; E left, reached, with education then two company jobs.
    Lieksa (422): F, supported entrepreneurship, and a company job only after the day.
    Employers: X (167) partner, two granted bonuses; Y (167) partnership ended, bonus refused;
    Z (422) partner, bonus pending; W (167) bonus granted only after the day."""
    clients = [
        _client("A", "167", date(2026, 4, 1), groups=("youth",)),
        _client("B", "167", date(2026, 5, 1), AS_OF, True, ("youth", "immigrants")),
        _client("C", "167", date(2026, 6, 1), date(2026, 9, 1), False),
        _client("D", "167", date(2026, 12, 1)),
        _client("E", "167", date(2026, 4, 15), date(2026, 10, 1), True, ("long_term_unemployed",)),
        _client("F", "422", date(2026, 7, 1)),
    ]
    with Session(engine) as s:
        for client, _ in clients:
            s.add(client)
        s.flush()
        ids = {client.code: client.id for client, _ in clients}
        s.add_all(
            ClientTargetGroup(client_id=client.id, target_group_code=group)
            for client, groups in clients
            for group in groups
        )
        employers = {
            "X": Employer(name="X Oy", business_id="1000001-1", employer_type="company",
                          municipality_code="167"),
            "Y": Employer(name="Y Oy", business_id="1000002-1", employer_type="company",
                          municipality_code="167"),
            "Z": Employer(name="Z ry", business_id="1000003-1", employer_type="association",
                          municipality_code="422"),
            "W": Employer(name="W Oy", business_id="1000004-1", employer_type="company",
                          municipality_code="167"),
        }  # fmt: skip
        s.add_all(employers.values())
        s.flush()
        eid = {k: e.id for k, e in employers.items()}
        s.add_all(
            [
                PartnershipAgreement(employer_id=eid["X"], start_date=date(2026, 4, 1)),
                PartnershipAgreement(
                    employer_id=eid["Y"], start_date=date(2026, 4, 1), end_date=date(2026, 8, 31)
                ),
                PartnershipAgreement(employer_id=eid["Z"], start_date=date(2026, 6, 1)),
            ]
        )
        s.add_all(
            [
                Outcome(client_id=ids["E"], outcome_type_code="education",
                        outcome_date=date(2026, 8, 1)),
                Outcome(client_id=ids["E"], outcome_type_code="employment_company",
                        outcome_date=date(2026, 10, 1), employer_id=eid["X"]),
                Outcome(client_id=ids["E"], outcome_type_code="employment_company",
                        outcome_date=date(2026, 11, 1), employer_id=eid["Y"]),
                Outcome(client_id=ids["F"], outcome_type_code="supported_entrepreneurship",
                        outcome_date=date(2026, 9, 1)),
                Outcome(client_id=ids["F"], outcome_type_code="employment_company",
                        outcome_date=date(2026, 12, 5), employer_id=eid["Z"]),
            ]
        )  # fmt: skip

        def grant(employer, client, decision, decided=None, start=date(2026, 8, 1)):
            return BonusGrant(
                employer_id=eid[employer], client_id=ids[client], employment_start=start,
                contract_type="fixed_term", weekly_hours=Decimal(30), monthly_amount=Decimal(500),
                months=6, amount=Decimal(3000), application_date=date(2026, 7, 1),
                decision=decision, decision_date=decided,
            )  # fmt: skip

        s.add_all(
            [
                grant("X", "A", "granted", date(2026, 8, 1)),
                grant("X", "B", "granted", date(2026, 9, 1)),
                grant("Y", "C", "refused", date(2026, 8, 1)),
                grant("Z", "F", "pending"),
                grant("W", "E", "granted", date(2026, 12, 1)),
            ]
        )
        s.commit()
    return engine


def _values(engine, municipality=None, target_group=None, as_of=AS_OF) -> dict:
    actuals = metrics.indicator_actuals(engine, ANALYST, municipality, as_of, target_group)
    return {
        code: (a.value, a.numerator, a.denominator)
        if code == metrics.PLAN_GOAL_REACHED
        else a.value
        for code, a in actuals.items()
    }


def test_the_region(data: Engine) -> None:
    assert _values(data) == {
        "clients": 5,  # D has not entered yet
        "partner_companies": 2,  # X and Z; Y's agreement has ended
        "placed_at_companies": 1,  # E once, though with two company jobs; F's is after the day
        "supported_entrepreneurship": 1,  # F
        "bonus_employers": 1,  # X, with two grants; Y refused, Z pending, W after the day
        "plan_goal_reached": (2 / 3, 2, 3),  # B (left on the day) and E of B, C, E
    }


def test_each_municipality_and_one_without_clients(data: Engine) -> None:
    assert _values(data, "167") == {
        "clients": 4,
        "partner_companies": 1,
        "placed_at_companies": 1,
        "supported_entrepreneurship": 0,
        "bonus_employers": 1,
        "plan_goal_reached": (2 / 3, 2, 3),
    }
    assert _values(data, "422") == {
        "clients": 1,
        "partner_companies": 1,
        "placed_at_companies": 0,
        "supported_entrepreneurship": 1,
        "bonus_employers": 0,
        "plan_goal_reached": (0.0, 0, 0),
    }
    assert set(_values(data, "090").values()) == {0, (0.0, 0, 0)}


def test_a_target_group(data: Engine) -> None:
    youth = _values(data, target_group="youth")
    assert youth["clients"] == 2  # A and B
    assert youth["plan_goal_reached"] == (1.0, 1, 1)  # B
    assert youth["bonus_employers"] == 1  # X, for A and B
    assert youth["placed_at_companies"] == 0
    assert youth["partner_companies"] == 2  # employers are not split by target group


def test_the_day_before_an_exit_it_does_not_count_as_left(data: Engine) -> None:
    day_before = date(2026, 11, 28)
    assert _values(data, "167", as_of=day_before)["plan_goal_reached"] == (0.5, 1, 2)


def test_expected_by_is_a_straight_line_or_follows_milestones() -> None:
    start, end = date(2026, 3, 1), date(2029, 9, 30)
    total_days = (end - start).days
    mid = date(2027, 12, 1)
    assert metrics.expected_by(1000, start, end, mid) == pytest.approx(
        1000 * (mid - start).days / total_days
    )
    assert metrics.expected_by(1000, start, end, date(2026, 1, 1)) == 0
    assert metrics.expected_by(1000, start, end, date(2030, 1, 1)) == 1000
    milestone = [(date(2027, 3, 1), 100.0)]
    halfway = date(2026, 9, 1)  # 184 of the 365 days to the milestone
    assert metrics.expected_by(1000, start, end, halfway, milestone) == pytest.approx(
        100 * 184 / 365
    )
    assert metrics.expected_by(0.7, start, end, halfway, kind="rate") == 0.7


def test_municipality_targets_follow_population_unless_overridden(data: Engine) -> None:
    shares = metrics.municipality_targets(data, "clients")
    populations = metrics.municipalities(data).set_index("code")["population"]
    assert shares["167"] == pytest.approx(5000 * populations["167"] / populations.sum())
    assert sum(shares.values()) == pytest.approx(5000)
    with Session(data) as s:
        s.add(
            TargetOverride(indicator_code="clients", municipality_code="167", target=Decimal(3000))
        )
        s.commit()
    assert metrics.municipality_targets(data, "clients")["167"] == 3000
    assert metrics.municipality_targets(data, "plan_goal_reached")["422"] == pytest.approx(0.7)


def test_kpis_combine_actual_target_and_pace(data: Engine) -> None:
    with Session(data) as s:
        s.add(
            TargetMilestone(
                indicator_code="clients", due_date=date(2027, 3, 1), target=Decimal(500)
            )
        )
        s.commit()
    frame = metrics.kpis(data, ANALYST, None, AS_OF).set_index("indicator")
    assert list(frame.index) == [
        "clients",
        "partner_companies",
        "placed_at_companies",
        "supported_entrepreneurship",
        "bonus_employers",
        "plan_goal_reached",
    ]
    clients = frame.loc["clients"]
    expected = 500 * (AS_OF - date(2026, 3, 1)).days / (date(2027, 3, 1) - date(2026, 3, 1)).days
    assert clients["expected"] == pytest.approx(expected)
    assert (clients["actual"], clients["target"]) == (5, 5000)
    assert clients["share_of_target"] == pytest.approx(5 / 5000)
    assert not clients["ahead"]
    rate = frame.loc["plan_goal_reached"]
    assert (rate["numerator"], rate["denominator"]) == (2, 3)
    assert rate["expected"] == pytest.approx(0.7)
    assert not rate["ahead"]  # 66.7 % < 70 %


def test_indicators_ask_access_control(data: Engine) -> None:
    director = Actor(email="d@example.fi", role="director", municipalities=frozenset({"422"}))
    with pytest.raises(AccessDenied):
        metrics.kpis(data, director, "167", AS_OF)
    assert (
        metrics.kpis(data, director, "422", AS_OF)
        .set_index("indicator")
        .loc["supported_entrepreneurship", "actual"]
        == 1
    )


def test_the_cli_prints_the_same_numbers(data: Engine, db_url: str) -> None:
    result = polku("kpis", "--municipality", "167", "--as-of", AS_OF.isoformat(), "--json",
                   database_url=db_url)  # fmt: skip
    assert result.returncode == 0, result.stderr
    printed = {row["indicator"]: row for row in json.loads(result.stdout)}
    frame = metrics.kpis(data, ANALYST, "167", AS_OF).set_index("indicator")
    for code, row in printed.items():
        assert row["actual"] == pytest.approx(frame.loc[code, "actual"])
        assert row["target"] == pytest.approx(frame.loc[code, "target"])
        assert row["expected"] == pytest.approx(frame.loc[code, "expected"])
    assert (
        printed["plan_goal_reached"]["numerator"],
        printed["plan_goal_reached"]["denominator"],
    ) == (2, 3)
    assert printed["clients"]["actual"] == 4


def test_the_cli_refuses_an_unknown_municipality_and_a_bad_date(db_url: str) -> None:
    assert polku("kpis", "--municipality", "999", database_url=db_url).returncode == 1
    bad = polku("kpis", "--as-of", "29.11.2026", database_url=db_url)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_time_to_employment_is_a_kaplan_meier_curve(data: Engine) -> None:
    """Joensuu: E is employed at a company 169 days after entry; A, B and C are censored at
    the day (A), their exit (B, C). Kaplan–Meier: at day 169 three are at risk (A 242 days, B
    212, E 169; C left at 92), so the share not yet employed drops to 1 - 1/3 = 2/3."""
    curve = metrics.time_to_employment(data, ANALYST, "167", AS_OF, target_group=None)
    overall = curve[curve["target_group"] == ""].set_index("day")
    assert overall["clients"].iloc[0] == 4
    assert overall.loc[0, "not_yet_employed"] == 1.0
    assert overall.loc[169, "not_yet_employed"] == pytest.approx(2 / 3)
    assert overall.loc[169, "at_risk"] == 3
    youth = curve[curve["target_group"] == "youth"]
    assert set(youth["not_yet_employed"]) == {1.0}  # no young person employed yet
