"""The ESF+ common indicators (polku/metrics.py) against a small hand-made set of participants
whose answers are worked out below, and the data entry of the situation on leaving (exit form,
import, client card), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from models import Client
from polku import client_card, forms, metrics
from polku.access import AccessDenied, Actor
from polku.ingest import FormInvalid
from polku.report_figures import COMMON_CODES
from polku.sample import SAMPLE_AS_OF, load_sample
from tests.test_ingest import COORDINATOR, TODAY, csv_bytes, load_samples, run, where

AS_OF = date(2026, 11, 29)
ANALYST = Actor("analyytikko@example.fi", "analyst")
OCT_1 = date(2026, 10, 1)


def _client(code: str, **values: Any) -> Client:
    """A participant of Joensuu who entered on 1.4.2026: a 41-year-old woman, unemployed for 3
    months, ISCED 3–4, unless `values` say otherwise."""
    row: dict[str, Any] = {
        "municipality_code": "167",
        "birth_year": 1985,
        "gender": "female",
        "labour_status_at_entry": "unemployed",
        "unemployment_months": 3,
        "education_level": "isced_3_4",
        "entry_date": date(2026, 4, 1),
    }
    row.update(values)
    return Client(code=code, **row)


def _left(code: str, exit_date: date, situation: str | None, began: date | None, **values: Any):
    return _client(
        code, exit_date=exit_date, situation_on_leaving=situation, situation_date=began, **values
    )


def _participants() -> list[Client]:
    """Ages are 2026 − birth year."""
    return [
        # Ages at entry on the boundaries: 17 | 18, 29 | 30, 54 | 55
        _client("A1", birth_year=2009, labour_status_at_entry="inactive", unemployment_months=None,
                education_level="isced_0_2"),
        _client("A2", birth_year=2008, gender="male", labour_status_at_entry="employed",
                unemployment_months=None, education_level="isced_5_8"),
        _client("A3", birth_year=1997),
        _client("A4", birth_year=1996, gender="male"),
        _client("A5", birth_year=1972),
        # Long-term unemployed by the status code alone: no months recorded
        _client("A6", birth_year=1971, gender="male", labour_status_at_entry="long_term_unemployed",
                unemployment_months=None, education_level="isced_0_2"),
        # Long-term unemployment: > 6 months under 25, > 12 months from 25
        _client("L1", birth_year=2002, unemployment_months=6),
        _client("L2", birth_year=2002, unemployment_months=7),
        _client("L3", birth_year=2001, gender="male", unemployment_months=12),
        _client("L4", birth_year=2001, gender="male", unemployment_months=13),
        # The four-week window after leaving on 1.10.2026: day 28 counts, day 29 does not
        _left("W1", OCT_1, "employed", date(2026, 10, 29)),
        _left("W2", OCT_1, "employed", date(2026, 10, 30), gender="male"),
        _left("W3", OCT_1, "job_searching", OCT_1, gender="other"),
        _left("W4", OCT_1, "education", None),  # no date: not counted
        _left("W5", OCT_1, "education", date(2026, 10, 10), gender="male",
              qualification_gained=True),
        # Leaves after AS_OF: a participant, no result yet
        _left("W6", date(2026, 12, 10), "employed", date(2026, 12, 10), qualification_gained=True),
        # The six-month follow-up: counted once exit + 6 months <= as_of
        _left("S1", date(2026, 5, 29), "employed", date(2026, 5, 29), employed_6_months=True),
        _left("S2", date(2026, 5, 30), "employed", date(2026, 6, 1), gender="male",
              employed_6_months=True),
        _left("S3", date(2026, 4, 15), "job_searching", date(2026, 4, 20), employed_6_months=False),
        # Missing mandatory values: only in EECO01 (I1 in its total only, having no gender)
        _client("I1", birth_year=2009, gender=None),
        _left("I2", OCT_1, "employed", OCT_1, education_level=None),
        # Enters after AS_OF; and a participant of Lieksa
        _client("C1", entry_date=date(2026, 12, 1)),
        _client("O1", municipality_code="422"),
    ]  # fmt: skip


# Joensuu on AS_OF: code → (female, male, other, total), worked out from _participants
JOENSUU = {
    "EECO01": (11, 8, 1, 21),  # all 21 who entered by AS_OF; I1 in the total only
    "EECO02": (9, 7, 1, 17),  # all but A1, A2 (not unemployed) and I1, I2 (incomplete)
    "EECO03": (1, 2, 0, 3),  # L2 (24, 7 months), L4 (25, 13 months), A6 (status code)
    "EECO04": (1, 0, 0, 1),  # A1
    "EECO05": (0, 1, 0, 1),  # A2
    "EECO06": (1, 0, 0, 1),  # A1, 17 (I1 is 17 too, but incomplete)
    "EECO07": (3, 3, 0, 6),  # A2 18, A3 29, L1 L2 24, L3 L4 25
    "EECO08": (0, 1, 0, 1),  # A6 55 (A5 is 54)
    "EECO09": (1, 1, 0, 2),  # A1, A6
    "EECO10": (9, 6, 1, 16),
    "EECO11": (0, 1, 0, 1),  # A2
    "EECR01": (1, 0, 1, 2),  # W3 on the exit day, S3 after 5 days
    "EECR02": (0, 1, 0, 1),  # W5 (W4 has no date)
    "EECR03": (0, 1, 0, 1),  # W5 (W6 has not left by AS_OF)
    "EECR04": (2, 1, 0, 3),  # W1 day 28, S1, S2 (not W2 day 29, W6 later, I2 incomplete)
    "EECR05": (1, 0, 0, 1),  # S1: 29.5. + 6 months = 29.11. (S2's is 30.11.)
}


@pytest.fixture
def participants(engine: Engine) -> Engine:
    with Session(engine) as s:
        s.add_all(_participants())
        s.commit()
    return engine


def _figures(frame: Any) -> dict[str, tuple[int, int, int, int]]:
    assert list(frame.columns) == ["code", "female", "male", "other", "total"]
    return {r.code: (r.female, r.male, r.other, r.total) for r in frame.itertuples()}


def test_every_common_indicator_of_a_municipality_on_the_day(participants: Engine) -> None:
    frame = metrics.common_indicators(participants, ANALYST, AS_OF, "167")
    assert tuple(frame["code"]) == COMMON_CODES
    assert _figures(frame) == JOENSUU
    assert metrics.common_incomplete(participants, ANALYST, AS_OF, "167") == 2


def test_the_region_adds_the_other_municipalities(participants: Engine) -> None:
    region = _figures(metrics.common_indicators(participants, ANALYST, AS_OF))
    assert region["EECO01"] == (12, 8, 1, 22)  # O1 of Lieksa
    assert region["EECO02"] == (10, 7, 1, 18)
    assert region["EECR04"] == JOENSUU["EECR04"]
    assert _figures(metrics.common_indicators(participants, ANALYST, AS_OF, "422"))["EECO01"] == (
        1,
        0,
        0,
        1,
    )


def test_the_figures_are_cumulative_to_the_day(participants: Engine) -> None:
    # On 30.11. S2's six months are up
    next_day = _figures(metrics.common_indicators(participants, ANALYST, date(2026, 11, 30), "167"))
    assert next_day["EECR05"] == (1, 1, 0, 2)
    # By the year's end C1 has entered and W6 has left employed with a qualification
    later = _figures(metrics.common_indicators(participants, ANALYST, date(2026, 12, 31), "167"))
    assert later["EECO01"] == (12, 8, 1, 22)
    assert later["EECR03"] == (1, 1, 0, 2)
    assert later["EECR04"] == (3, 1, 0, 4)
    # Before anyone left there are no results; before anyone entered, nothing at all
    before = _figures(metrics.common_indicators(participants, ANALYST, date(2026, 4, 14), "167"))
    assert before["EECO01"] == (11, 8, 1, 21)
    assert all(before[code] == (0, 0, 0, 0) for code in COMMON_CODES if code.startswith("EECR"))
    empty = metrics.common_indicators(participants, ANALYST, date(2026, 3, 31), "167")
    assert tuple(empty["code"]) == COMMON_CODES
    assert set(_figures(empty).values()) == {(0, 0, 0, 0)}
    assert metrics.common_incomplete(participants, ANALYST, date(2026, 3, 31), "167") == 0


def test_a_coordinator_reads_their_municipality_and_not_another(participants: Engine) -> None:
    own = metrics.common_indicators(participants, COORDINATOR, AS_OF, "167")
    assert _figures(own) == JOENSUU
    with pytest.raises(AccessDenied):
        metrics.common_indicators(participants, COORDINATOR, AS_OF, "422")
    with pytest.raises(AccessDenied):
        metrics.common_incomplete(participants, COORDINATOR, AS_OF, "422")
    with pytest.raises(AccessDenied):
        metrics.participants_by_gender(participants, COORDINATOR, AS_OF, AS_OF, "422")
    with pytest.raises(AccessDenied):
        metrics.common_indicators(participants, None, AS_OF, "167")


def _by_gender(frame: Any) -> dict[str | None, tuple[int, int]]:
    assert list(frame.columns) == ["gender", "started", "left"]
    assert list(frame["gender"]) == ["female", "male", "other", None]
    return {r.gender: (r.started, r.left) for r in frame.itertuples()}


def test_participants_who_started_and_left_in_a_period_by_gender(participants: Engine) -> None:
    spring = metrics.participants_by_gender(
        participants, ANALYST, date(2026, 4, 1), date(2026, 5, 31), "167"
    )
    # Everyone of Joensuu but C1 started on 1.4.; S3, S1, S2 left in the spring
    assert _by_gender(spring) == {"female": (11, 2), "male": (8, 1), "other": (1, 0), None: (1, 0)}
    # The period's first and last days count: W1–W5 and I2 left on 1.10.
    october = metrics.participants_by_gender(
        participants, ANALYST, OCT_1, date(2026, 10, 31), "167"
    )
    assert _by_gender(october) == {"female": (0, 3), "male": (0, 2), "other": (0, 1), None: (0, 0)}
    # C1 starts on 1.12. and W6 leaves on 10.12., after this period's end
    autumn = metrics.participants_by_gender(
        participants, ANALYST, date(2026, 10, 2), date(2026, 12, 9)
    )
    assert _by_gender(autumn) == {"female": (1, 0), "male": (0, 0), "other": (0, 0), None: (0, 0)}


def test_the_sample_has_results_on_leaving(engine: Engine) -> None:
    with Session(engine) as session:
        load_sample(session)
        session.commit()
    figures = _figures(metrics.common_indicators(engine, ANALYST, SAMPLE_AS_OF))
    for code in ("EECR01", "EECR02", "EECR03", "EECR04", "EECR05"):
        assert figures[code][3] > 0, code
    # Most of those employed on leaving; no result above the participants who left
    left = metrics.client_counts(engine, ANALYST, None, SAMPLE_AS_OF).exited
    assert figures["EECR01"][3] < figures["EECR04"][3] <= left
    assert sum(figures[code][3] for code in ("EECR01", "EECR02", "EECR04")) <= left


# ---------------------------------------------------------------------------------------------
# Data entry: the exit form, the import, the client card


def _leaving(engine: Engine, code: str) -> tuple:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT situation_on_leaving, situation_date, qualification_gained,"
                " employed_6_months FROM client WHERE code = :code"
            ),
            {"code": code},
        ).one()
    situation, began, qualification, employed = row
    began = None if began is None else date.fromisoformat(str(began))
    return situation, began, _as_bool(qualification), _as_bool(employed)


def _as_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


@pytest.fixture
def entered(engine: Engine) -> Engine:
    entry = forms.ClientEntry(
        code="F-1", municipality="167", birth_year=1985, entry_date=date(2026, 4, 1),
        status="work_trial", gender="female", education_level="isced_3_4",
        labour_status="unemployed", unemployment_months=4,
    )  # fmt: skip
    forms.record_client(engine, COORDINATOR, entry, today=TODAY)
    return engine


def test_the_exit_form_saves_the_situation_on_leaving(entered: Engine) -> None:
    values = {
        "client_code": "F-1",
        "exit_date": date(2026, 10, 30),
        "plan_goal_reached": True,
        "situation_on_leaving": "employed",
        "situation_date": date(2026, 11, 2),
        "qualification_gained": True,
    }
    forms.submit("exit", entered, COORDINATOR, values)
    assert _leaving(entered, "F-1") == ("employed", date(2026, 11, 2), True, None)
    figures = _figures(metrics.common_indicators(entered, COORDINATOR, AS_OF, "167"))
    assert figures["EECR04"] == figures["EECR03"] == (1, 0, 0, 1)


def test_the_exit_form_refuses_a_situation_before_the_exit(entered: Engine) -> None:
    with pytest.raises(FormInvalid) as invalid:
        forms.record_exit(
            entered, COORDINATOR, "F-1", date(2026, 10, 30), True,
            situation="job_searching", situation_date=date(2026, 10, 29), today=TODAY,
        )  # fmt: skip
    [problem] = invalid.value.problems
    assert problem.field == "situation_date"
    assert "ennen päättymispäivää 30.10.2026" in problem.reason("fi")
    assert "before the exit date 30 Oct 2026" in problem.reason("en")
    assert _leaving(entered, "F-1") == (None, None, None, None)
    with entered.connect() as conn:
        assert conn.execute(text("SELECT exit_date FROM client")).scalar() is None


def test_the_exit_form_warns_of_a_situation_that_will_not_count(entered: Engine) -> None:
    saved = forms.record_exit(
        entered, COORDINATOR, "F-1", date(2026, 10, 1), False, situation="employed", today=TODAY
    )
    assert [w.key for w in saved.warnings] == ["ingest.warning.situation_undated"]
    assert _leaving(entered, "F-1") == ("employed", None, None, None)


CLIENTS = ["Asiakastunnus", "Kunta", "Syntymävuosi", "Aloituspäivä", "Päättymispäivä"]


def test_the_import_reads_the_new_columns_in_finnish_and_english(engine: Engine) -> None:
    finnish = [*CLIENTS, "tilanne päättyessä", "tilanteen alkupvm", "tutkinto suoritettu",
               "työssä 6 kk"]  # fmt: skip
    data = csv_bytes(
        [
            finnish,
            [
                "I-1",
                "167",
                "1985",
                "1.4.2026",
                "1.5.2026",
                "Työnhakijana",
                "4.5.2026",
                "ei",
                "kyllä",
            ],
            ["I-2", "167", "1990", "1.4.2026", "", "", "", "", ""],
        ]
    )
    report = run(engine, "clients", data)
    assert report.committed, [p.text() for p in report.problems]
    assert _leaving(engine, "I-1") == ("job_searching", date(2026, 5, 4), False, True)
    assert _leaving(engine, "I-2") == (None, None, None, None)
    english = ["client_code", "municipality", "birth_year", "entry_date", "exit_date",
               "Situation on leaving", "situation_date", "Qualification gained",
               "employed after 6 months"]  # fmt: skip
    data = csv_bytes(
        [
            english,
            ["I-3", "167", "1985", "1.4.2026", "1.5.2026", "education", "1.6.2026", "yes", ""],
        ]
    )
    report = run(engine, "clients", data)
    assert report.committed, [p.text() for p in report.problems]
    assert _leaving(engine, "I-3") == ("education", date(2026, 6, 1), True, None)


def test_the_import_refuses_a_situation_before_the_exit_or_without_one(engine: Engine) -> None:
    header = [*CLIENTS, "Tilanne päättyessä", "Tilanteen alkupäivä", "Työssä 6 kk päästä"]
    data = csv_bytes(
        [
            header,
            ["I-1", "167", "1985", "1.4.2026", "1.5.2026", "employed", "30.4.2026", ""],
            ["I-2", "167", "1985", "1.4.2026", "", "", "", "kyllä"],
            ["I-3", "167", "1985", "1.4.2026", "1.5.2026", "työssä", "1.5.2026", ""],
        ]
    )
    report = run(engine, "clients", data)
    assert not report.committed
    assert where(report) == {
        (2, "Tilanteen alkupäivä", "ingest.error.situation_before_exit"),
        (3, "Työssä 6 kk päästä", "ingest.error.leaving_without_exit"),
        (4, "Tilanne päättyessä", "ingest.error.unknown.leaving_situation"),
    }
    texts = {p.row: p.text() for p in report.errors}
    assert "1.5.2026" in texts[2]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM client")).scalar() == 0


def test_the_card_records_the_six_month_follow_up(engine: Engine) -> None:
    load_samples(engine, "employers", "clients")
    card = client_card.load(engine, COORDINATOR, "ESIM-0002")
    assert card.exit.values["situation_on_leaving"] == "employed"
    saved = client_card.update(
        engine, COORDINATOR, "exit", card.exit.id, card.exit.version,
        {"employed_6_months": True}, today=TODAY,
    )  # fmt: skip
    assert [c.field for c in saved.changes] == ["employed_6_months"]
    assert _leaving(engine, "ESIM-0002") == ("employed", date(2026, 10, 5), False, True)
    # A situation date before the exit is refused on the card too
    card = client_card.load(engine, COORDINATOR, "ESIM-0002")
    with pytest.raises(FormInvalid) as invalid:
        client_card.update(
            engine, COORDINATOR, "exit", card.exit.id, card.exit.version,
            {"situation_date": date(2026, 9, 1)}, today=TODAY,
        )  # fmt: skip
    assert {p.field for p in invalid.value.problems} == {"situation_date"}


def test_the_follow_up_counts_the_exits_whose_six_months_have_passed() -> None:
    """follow_up_exits(day) is the last exit with exit + 6 months ≤ day, month ends included
    (31.8. + 6 months = 28.2.): every day of two years against adding the months to each exit."""
    import pandas as pd

    def due(exit_day: date, day: date) -> bool:
        return pd.Timestamp(exit_day) + pd.DateOffset(months=6) <= pd.Timestamp(day)

    day = date(2027, 1, 1)
    while day < date(2029, 1, 1):
        last = metrics.follow_up_exits(day)
        assert due(last, day) and not due(last + timedelta(days=1), day), day
        day += timedelta(days=1)
    assert metrics.follow_up_exits(date(2027, 2, 28)) == date(2026, 8, 31)
    assert metrics.follow_up_exits(date(2028, 2, 29)) == date(2027, 8, 31)
    assert metrics.follow_up_exits(date(2027, 11, 29)) == date(2027, 5, 29)
