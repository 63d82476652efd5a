"""Reporting to the funder (polku/reporting.py): a report's figures, its state machine for
every role, texts, the snapshot that approval freezes, what changed since approval and the
reconciliation with EURA 2021; on both backends. Expected euros are computed by hand here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import func, insert, select

from models import metadata
from polku import access, audit, forms, reporting
from polku.access import AccessDenied, Actor
from polku.report_figures import DEVIATION_PREFIX, FINAL_SECTIONS, ReportFigures

ADMIN = Actor(email="paakayttaja@example.fi", role="admin")
OTHER_ADMIN = Actor(email="toinen@example.fi", role="admin")
ANALYST = Actor(email="analyytikko@example.fi", role="analyst")
COORDINATOR = Actor(
    email="koordinaattori@example.fi", role="coordinator", municipalities=frozenset({"167"})
)
DIRECTOR = Actor(email="johtaja@example.fi", role="director", municipalities=frozenset({"422"}))
TODAY = date(2026, 12, 31)  # the day the forms run on: the first period is over
MK1 = "MK1"  # 1.3.–31.8.2026 in data/project.toml
COACH = "Valmentaja Yksi"


@pytest.fixture
def world(engine):
    """Two clients entering in MK1 (a woman in April, a man in May), one without a gender in
    MK2; a full-time work coach paid 3 000 € for April 2026 (side costs 26,44 %)."""
    client = metadata.tables["client"]
    with engine.begin() as conn:
        conn.execute(
            insert(client),
            [
                {"code": "R1", "municipality_code": "167", "birth_year": 1990,
                 "gender": "female", "entry_date": date(2026, 4, 1)},
                {"code": "R2", "municipality_code": "167", "birth_year": 1985,
                 "gender": "male", "entry_date": date(2026, 5, 10)},
                {"code": "R3", "municipality_code": "422", "birth_year": 1970,
                 "gender": None, "entry_date": date(2026, 9, 15)},
            ],
        )  # fmt: skip
        person = conn.execute(
            insert(metadata.tables["staff_member"]).values(
                name=COACH, role_code="work_coach", fte=Decimal(1), start_date=date(2026, 3, 1)
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(metadata.tables["salary_record"]).values(
                staff_member_id=person, month=date(2026, 4, 1), gross_salary=Decimal("3000.00")
            )
        )
    return engine


@pytest.fixture
def refusals_audited(engine) -> Iterator[None]:
    access.audit_refusals_to(audit.refusal_writer(engine))
    yield
    access._sink.set(None)


def _explain_every_deviation(engine, code: str, version: int) -> int:
    figures = reporting.build(engine, ADMIN, code)
    behind = [i.code for i in figures.indicators if i.behind]
    texts = {f"{DEVIATION_PREFIX}{code}": "Hanke käynnistyi hitaasti." for code in behind}
    return reporting.save_texts(engine, ADMIN, code, version, texts)


def _approve(engine, code: str = MK1) -> int:
    version = _explain_every_deviation(engine, code, reporting.status(engine, ADMIN, code).version)
    version = reporting.move(engine, ADMIN, code, "submit", version)
    return reporting.move(engine, ADMIN, code, "approve", version)


# ---------------------------------------------------------------------------------------------
# The figures


def test_a_period_report_states_the_period_s_figures(world) -> None:
    figures = reporting.build(world, ANALYST, MK1)
    assert (figures.start, figures.end) == (date(2026, 3, 1), date(2026, 8, 31))
    clients = {i.code: i for i in figures.indicators}["clients"]
    assert (clients.value, clients.change) == (2, 2)
    assert clients.expected is not None and clients.behind  # 2 of thousands: behind
    # 3 000 € × 1,2644 = 3 793,20; flat rate 40 % = 1 517,28; total 5 310,48;
    # ESF+ 80 % = 4 248,384 → 4 248,38; the municipalities the rest, 1 062,10
    m = figures.money
    assert (m.eligible_salaries, m.flat_rate, m.total) == (
        Decimal("3793.20"),
        Decimal("1517.28"),
        Decimal("5310.48"),
    )
    assert (m.esf, m.municipal, m.cumulative_total) == (
        Decimal("4248.38"),
        Decimal("1062.10"),
        Decimal("5310.48"),
    )
    started = {p.gender: (p.started, p.left) for p in figures.participants}
    assert started["female"] == (1, 0) and started["male"] == (1, 0)
    assert started.get(None, (0, 0)) == (0, 0)  # R3 enters in MK2
    eeco01 = {c.code: c for c in figures.common}["EECO01"]
    assert (eeco01.female, eeco01.male, eeco01.total) == (1, 1, 2)
    # The next period: the change is R3 alone, the value cumulative
    mk2 = {i.code: i for i in reporting.build(world, ANALYST, "MK2").indicators}["clients"]
    assert (mk2.value, mk2.change) == (3, 1)


def test_the_final_report_covers_the_whole_project(world) -> None:
    figures = reporting.build(world, ADMIN, reporting.FINAL_REPORT)
    assert (figures.start, figures.end) == (date(2026, 3, 1), date(2029, 9, 30))
    clients = {i.code: i for i in figures.indicators}["clients"]
    assert (clients.value, clients.change) == (3, 3)
    assert clients.expected == clients.target  # at the project's end: the target itself
    assert figures.money.total == Decimal("5310.48")
    assert sum(p.started for p in figures.participants) == 3


def test_figures_read_back_from_json_exactly(world) -> None:
    figures = reporting.build(world, ADMIN, MK1)
    assert ReportFigures.from_json(figures.to_json()) == figures


# ---------------------------------------------------------------------------------------------
# Who may do what


@pytest.mark.parametrize("actor", [COORDINATOR, DIRECTOR], ids=["coordinator", "director"])
def test_coordinators_and_directors_have_no_access(world, refusals_audited, actor) -> None:
    for read in (reporting.build, reporting.status, reporting.history, reporting.reconciliation):
        with pytest.raises(AccessDenied):
            read(world, actor, MK1)
    with pytest.raises(AccessDenied):
        reporting.changes_since_approval(world, actor, MK1)
    with pytest.raises(AccessDenied):
        reporting.move(world, actor, MK1, "submit", 1)
    refused = audit.recent(world)
    assert set(zip(refused["action"], refused["user_email"], refused["detail"], strict=True)) == {
        ("refused", actor.email, "read_reports"),
        ("refused", actor.email, "manage_reports"),
    }


def test_an_analyst_reads_but_moves_and_writes_nothing(world, refusals_audited) -> None:
    assert reporting.status(world, ANALYST, MK1).state == "draft"
    assert reporting.allowed_moves(ANALYST, "draft") == []
    assert reporting.allowed_moves(ADMIN, "draft") == ["submit"]
    attempts = [
        lambda: reporting.move(world, ANALYST, MK1, "submit", 1),
        lambda: reporting.save_texts(world, ANALYST, MK1, 1, {"activities": "x"}),
        lambda: reporting.save_reconciliation(world, ANALYST, MK1, {"female": (1, 0)}),
    ]
    for attempt in attempts:
        with pytest.raises(AccessDenied):
            attempt()
    rows = audit.recent(world)
    assert list(rows["detail"]) == ["manage_reports"] * 3
    with world.connect() as conn:  # nothing written, not even the report's row
        reports = select(func.count()).select_from(metadata.tables["report"])
        assert conn.execute(reports).scalar() == 0


def test_the_period_s_money_is_shown_to_analysts_only_when_it_is_not_one_person_s_pay(
    world,
) -> None:
    # MK1's costs are one work coach's April: an analyst would read that person's pay
    assert reporting.money_shown(world, ADMIN, MK1)
    assert not reporting.money_shown(world, ANALYST, MK1)
    assert not reporting.money_shown(world, ANALYST, reporting.FINAL_REPORT)
    with world.begin() as conn:
        for n in (2, 3):
            person = conn.execute(
                insert(metadata.tables["staff_member"]).values(
                    name=f"Valmentaja {n}",
                    role_code="work_coach",
                    fte=Decimal(1),
                    start_date=date(2026, 3, 1),
                )
            ).inserted_primary_key[0]
            conn.execute(
                insert(metadata.tables["salary_record"]).values(
                    staff_member_id=person, month=date(2026, 5, 1), gross_salary=Decimal(2900)
                )
            )  # fmt: skip
    assert reporting.money_shown(world, ANALYST, MK1)
    assert reporting.money_shown(world, ANALYST, reporting.FINAL_REPORT)


# ---------------------------------------------------------------------------------------------
# The state machine


def _problem(call) -> reporting.ReportProblem:
    with pytest.raises(reporting.ReportProblem) as refused:
        call()
    return refused.value


def test_the_admin_s_moves_and_their_refusals(world) -> None:
    # From a draft only submitting; and not while an indicator is behind without a deviation
    for name in ("approve", "return", "reopen"):
        p = _problem(lambda n=name: reporting.move(world, ADMIN, MK1, n, 1, "syy"))
        assert p.key == "reports.error.not_from"
    figures = reporting.build(world, ADMIN, MK1)
    behind = [i.code for i in figures.indicators if i.behind]
    assert "clients" in behind
    p = _problem(lambda: reporting.move(world, ADMIN, MK1, "submit", 1))
    assert p.key == "reports.error.deviation"
    assert all(code in p.message("fi") for code in behind)
    version = _explain_every_deviation(world, MK1, 1)
    assert version == 2
    # A stale version (read before the texts were saved) is refused, naming who changed it
    p = _problem(lambda: reporting.move(world, ADMIN, MK1, "submit", 1))
    assert isinstance(p, reporting.StaleReport) and ADMIN.email in p.message("en")
    version = reporting.move(world, ADMIN, MK1, "submit", version)
    # Texts are frozen once submitted
    p = _problem(lambda: reporting.save_texts(world, ADMIN, MK1, version, {"activities": "x"}))
    assert p.key == "reports.error.not_draft"
    version = reporting.move(world, OTHER_ADMIN, MK1, "return", version)
    version = reporting.move(world, ADMIN, MK1, "submit", version)
    version = reporting.move(world, ADMIN, MK1, "approve", version)
    assert reporting.status(world, ANALYST, MK1).state == "approved"
    # Reopening needs a reason
    for empty in (None, "", "   "):
        p = _problem(lambda r=empty: reporting.move(world, ADMIN, MK1, "reopen", version, r))
        assert p.key == "reports.error.reason"
    version = reporting.move(world, ADMIN, MK1, "reopen", version, "EURA:n luvut korjattu")
    assert reporting.status(world, ADMIN, MK1).state == "draft"

    # Every move: an event and an audit row with who, in order
    moves = reporting.history(world, ANALYST, MK1)
    expected = [
        ("draft", "submitted", ADMIN.email),
        ("submitted", "draft", OTHER_ADMIN.email),
        ("draft", "submitted", ADMIN.email),
        ("submitted", "approved", ADMIN.email),
        ("approved", "draft", ADMIN.email),
    ]
    assert (
        list(zip(moves["from_state"], moves["to_state"], moves["user_email"], strict=True))
        == expected
    )
    assert list(moves["reason"])[-1] == "EURA:n luvut korjattu"
    logged = audit.recent(world, entity="report").iloc[::-1]
    assert (
        list(zip(logged["old_value"], logged["new_value"], logged["user_email"], strict=True))
        == expected
    )
    assert list(logged["action"]) == [
        "report_submit", "report_return", "report_submit", "report_approve", "report_reopen",
    ]  # fmt: skip
    written = audit.recent(world, entity="report_text")
    assert len(written) == len(behind) and set(written["user_email"]) == {ADMIN.email}


def test_the_final_report_needs_every_final_section(world) -> None:
    final = reporting.FINAL_REPORT
    version = _explain_every_deviation(world, final, 1)
    p = _problem(lambda: reporting.move(world, ADMIN, final, "submit", version))
    assert p.key == "reports.error.sections"
    bodies = {s: f"Teksti {s}" for s in FINAL_SECTIONS[:-1]}
    version = reporting.save_texts(world, ADMIN, final, version, bodies)
    p = _problem(lambda: reporting.move(world, ADMIN, final, "submit", version))
    assert FINAL_SECTIONS[-1] in p.message("en")
    version = reporting.save_texts(world, ADMIN, final, version, {FINAL_SECTIONS[-1]: "Loppu"})
    reporting.move(world, ADMIN, final, "submit", version)
    assert reporting.status(world, ADMIN, final).state == "submitted"


def test_texts_are_checked_saved_and_removed(world) -> None:
    p = _problem(lambda: reporting.save_texts(world, ADMIN, MK1, 1, {"overall": "x"}))
    assert p.key == "reports.error.section"  # a final-report section in a period's report
    p = _problem(lambda: reporting.save_texts(world, ADMIN, MK1, 1, {"deviation:nope": "x"}))
    assert p.key == "reports.error.section"
    version = reporting.save_texts(world, ADMIN, MK1, 1, {"activities": " Tehtiin. "})
    assert reporting.texts(world, ANALYST, MK1) == {"activities": "Tehtiin."}
    reporting.save_texts(world, ADMIN, MK1, version, {"activities": ""})
    assert reporting.texts(world, ANALYST, MK1) == {}
    rows = audit.recent(world, entity="report_text")
    assert list(rows["old_value"].fillna("-")) == ["Tehtiin.", "-"]
    assert list(rows["new_value"].fillna("-")) == ["-", "Tehtiin."]


def test_an_unknown_report_is_refused(world) -> None:
    p = _problem(lambda: reporting.build(world, ADMIN, "MK99"))
    assert p.key == "reports.error.unknown" and "MK99" in p.message("fi")


# ---------------------------------------------------------------------------------------------
# The snapshot and what changed since approval


def test_the_approved_figures_reproduce_after_the_data_changes(world) -> None:
    assert reporting.approved_figures(world, MK1) is None
    before = reporting.build(world, ADMIN, MK1)
    version = _approve(world)
    frozen = reporting.approved_figures(world, MK1)
    assert frozen is not None
    assert frozen.texts and frozen == reporting.build(world, ADMIN, MK1)
    approved_changes = reporting.changes_since_approval(world, ADMIN, MK1)
    assert approved_changes is not None and not approved_changes.shown

    reporting.move(world, ADMIN, MK1, "reopen", version, "Palkka puuttui")
    # A client's exit in the period, a salary of the period, and an exit in another period
    forms.record_exit(world, ADMIN, "R1", date(2026, 8, 1), True, today=TODAY)
    forms.record_salary(
        world,
        ADMIN,
        {"name": COACH, "month": date(2026, 5, 1), "gross_salary": Decimal("1000.00")},
        today=TODAY,
    )
    forms.record_exit(world, ADMIN, "R3", date(2026, 11, 2), False, today=TODAY)

    assert reporting.approved_figures(world, MK1) == frozen  # to the cent and the person
    now = reporting.build(world, ADMIN, MK1)
    assert now.money.eligible_salaries == before.money.eligible_salaries + Decimal("1264.40")
    assert {p.gender: p.left for p in now.participants}["female"] == 1
    assert frozen.money == before.money

    changes = reporting.changes_since_approval(world, ADMIN, MK1)
    assert changes is not None and changes.reopened and changes.shown
    figures = changes.figures.set_index(["kind", "code"])
    total = figures.loc[("money", "eligible_salaries")]
    assert (total["snapshot"], total["now"], total["difference"]) == (
        Decimal("3793.20"),
        Decimal("5057.60"),
        Decimal("1264.40"),
    )
    listed = changes.changes
    exits = listed[(listed["entity"] == "client") & (listed["field"] == "exit_date")]
    assert list(
        zip(exits["entity_id"], exits["user_email"], exits["old"], exits["new"], strict=True)
    ) == [("R1", ADMIN.email, None, "2026-08-01")]  # R3's exit is dated in MK2: not listed
    assert exits["at"].notna().all()
    salaries = listed[listed["entity"] == "salary_record"]
    assert len(salaries) >= 1 and any("2026-05-01" in str(i) for i in salaries["entity_id"])
    # An analyst sees that a salary changed, never whose or how much
    seen = reporting.changes_since_approval(world, ANALYST, MK1)
    assert seen is not None
    theirs = seen.changes[seen.changes["entity"] == "salary_record"]
    assert len(theirs) == len(salaries)
    assert theirs[["entity_id", "old", "new"]].isna().all().all()

    # Approving again freezes today's figures as the latest snapshot
    _approve(world)
    assert reporting.approved_figures(world, MK1) == reporting.build(world, ADMIN, MK1) != frozen


# ---------------------------------------------------------------------------------------------
# Reconciliation with EURA 2021


def test_reconciliation_shows_the_difference_and_missing_numbers(world) -> None:
    empty = reporting.reconciliation(world, ANALYST, MK1).set_index("gender")
    assert empty.loc["female", "funder_started"] is pd.NA
    reporting.save_reconciliation(world, ADMIN, MK1, {"female": (1, 0), "male": (3, 1)})
    frame = reporting.reconciliation(world, ANALYST, MK1)
    rows = frame[frame["gender"].notna()].set_index("gender")
    female = rows.loc["female", ["funder_started", "polku_started", "started_difference"]]
    assert tuple(female) == (1, 1, 0)
    assert tuple(rows.loc["male", ["started_difference", "left_difference"]]) == (-2, -1)
    assert rows.loc["other", "funder_started"] is pd.NA
    assert rows.loc["other", "started_difference"] is pd.NA
    # A change is audited per number; a removal clears the funder's numbers
    reporting.save_reconciliation(world, ADMIN, MK1, {"male": (2, 1)})
    reporting.save_reconciliation(world, ADMIN, MK1, {"female": (None, None)})
    rows = reporting.reconciliation(world, ANALYST, MK1).set_index("gender")
    assert rows.loc["female", "funder_started"] is pd.NA
    assert rows.loc["male", "started_difference"] == -1
    logged = audit.recent(world, entity="report_reconciliation")
    assert len(logged) == 4 + 1 + 2
    for wrong in ({"female": (-1, 0)}, {"female": (1, None)}, {"nobody": (1, 1)}):
        p = _problem(lambda w=wrong: reporting.save_reconciliation(world, ADMIN, MK1, w))
        assert p.key in ("reports.error.count", "reports.error.gender")
