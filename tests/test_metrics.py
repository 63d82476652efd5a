"""polku/metrics.py: the overview counts and phase progress against a small hand-made dataset,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, event, func, insert
from sqlmodel import Session, col, delete, select

from models import (
    CHECKLIST_STATUSES,
    ChecklistItem,
    ChecklistTemplateItem,
    Client,
    Employer,
    Municipality,
    PartnershipAgreement,
    Phase,
    Project,
    metadata,
)
from polku import metrics
from polku.access import AccessDenied, Actor
from polku.project import read_project_file

AS_OF = date(2026, 11, 29)

# Sees every municipality, with true counts (no suppression)
ANALYST = Actor(email="analyytikko@example.fi", role="analyst")


def _client(code: str, municipality: str, entry: date, exit: date | None = None) -> Client:
    return Client(
        code=code, municipality_code=municipality, birth_year=1985, entry_date=entry, exit_date=exit
    )


@pytest.fixture
def clients(engine: Engine) -> Engine:
    with Session(engine) as s:
        s.add_all(
            [
                _client("C1", "167", date(2026, 4, 1)),  # entered, active
                _client("C2", "167", date(2026, 5, 1), date(2026, 10, 31)),  # entered, exited
                _client("C3", "167", AS_OF),  # enters on the day: entered, active
                _client("C4", "167", date(2026, 12, 1)),  # enters after the day: not counted
                _client("C5", "167", date(2026, 4, 1), AS_OF),  # exits on the day: exited
                _client("C6", "167", date(2026, 4, 1), date(2026, 12, 15)),  # exits later: active
                _client("C7", "422", date(2026, 6, 1)),  # another municipality
            ]
        )
        s.commit()
    return engine


def test_client_counts_per_municipality_and_region(clients: Engine) -> None:
    assert metrics.client_counts(clients, ANALYST, "167", AS_OF) == metrics.ClientCounts(5, 3, 2)
    assert metrics.client_counts(clients, ANALYST, "422", AS_OF) == metrics.ClientCounts(1, 1, 0)
    assert metrics.client_counts(clients, ANALYST, None, AS_OF) == metrics.ClientCounts(6, 4, 2)
    assert metrics.client_counts(clients, ANALYST, "090", AS_OF) == metrics.ClientCounts(0, 0, 0)
    # A day earlier C3 has not entered and C5 is still active
    earlier = date(2026, 11, 28)
    assert metrics.client_counts(clients, ANALYST, "167", earlier) == metrics.ClientCounts(4, 3, 1)


def _employer(
    name: str, municipality: str | None, created: datetime, kind: str = "company", bid: str = ""
) -> Employer:
    return Employer(
        name=name,
        employer_type=kind,
        business_id=bid or None,
        municipality_code=municipality,
        created_at=created,
    )


@pytest.fixture
def employers(engine: Engine) -> Engine:
    april = datetime(2026, 4, 1, 9, 0)
    with Session(engine) as s:
        e1 = _employer("E1", "167", april, bid="1000001-1")
        e2 = _employer("E2", "167", datetime(2026, 5, 1, 9), "association", "1000002-1")
        e3 = _employer("E3", "167", datetime(2026, 6, 1, 9), bid="1000003-1")
        e4 = _employer("E4", "167", datetime(2026, 11, 29, 23, 30), bid="1000004-1")
        e5 = _employer("E5", "167", datetime(2026, 11, 30, 0, 0), bid="1000005-1")
        e6 = _employer("E6", "422", april, "private_person")
        e7 = _employer("E7", None, april, bid="1000007-1")
        s.add_all([e1, e2, e3, e4, e5, e6, e7])
        s.flush()

        def agreement(e: Employer, start: date, end: date | None = None) -> PartnershipAgreement:
            assert e.id is not None
            return PartnershipAgreement(employer_id=e.id, start_date=start, end_date=end)

        s.add_all(
            [
                agreement(e1, date(2026, 4, 1)),  # in force, open-ended
                agreement(e2, date(2026, 5, 1), date(2026, 10, 31)),  # ended before the day
                agreement(e3, date(2026, 12, 1)),  # starts after the day
                agreement(e4, AS_OF, AS_OF),  # in force on exactly the day
                agreement(e5, date(2026, 4, 1)),  # recorded later: the agreement's dates count
                agreement(e6, date(2026, 4, 1), date(2026, 6, 30)),  # two agreements ...
                agreement(e6, date(2026, 7, 1)),  # ... the employer counts once
                agreement(e7, date(2026, 4, 1)),  # no municipality: region only
            ]
        )
        s.commit()
    return engine


def test_employer_counts_per_municipality_and_region(employers: Engine) -> None:
    assert metrics.employer_counts(employers, ANALYST, "167", AS_OF) == metrics.EmployerCounts(4, 3)
    assert metrics.employer_counts(employers, ANALYST, "422", AS_OF) == metrics.EmployerCounts(1, 1)
    assert metrics.employer_counts(employers, ANALYST, None, AS_OF) == metrics.EmployerCounts(6, 5)
    assert metrics.employer_counts(employers, ANALYST, "090", AS_OF) == metrics.EmployerCounts(0, 0)
    # The next day E5 is recorded (and its agreement in force) and E4's agreement has ended
    assert metrics.employer_counts(employers, ANALYST, "167", date(2026, 11, 30)) == (
        metrics.EmployerCounts(5, 2)
    )


def _template_counts(s: Session) -> dict[str, int]:
    """Template items per phase code, straight from the loaded project definition."""
    rows = s.exec(
        select(Phase.code, func.count(col(ChecklistTemplateItem.id)))
        .join(ChecklistTemplateItem, col(ChecklistTemplateItem.phase_id) == Phase.id)
        .group_by(Phase.code)
    ).all()
    return dict(rows)


def _set_status(s: Session, municipality: str | None, phase: str, statuses: list[str]) -> None:
    """Give the items of `phase` (in position order) the `statuses`, one each."""
    items = s.exec(
        select(ChecklistItem)
        .join(Phase, col(Phase.id) == ChecklistItem.phase_id)
        .where(Phase.code == phase, ChecklistItem.municipality_code == municipality)
        .order_by(col(ChecklistItem.position))
    ).all()
    assert len(items) >= len(statuses)
    for item, status in zip(items, statuses, strict=False):
        item.status = status
        s.add(item)


@pytest.fixture
def checklists(engine: Engine) -> Engine:
    with Session(engine) as s:
        templates = _template_counts(s)
        assert templates["mapping"] >= 2 and templates["preparation"] >= 5
        _set_status(s, "167", "mapping", ["done", "done"])
        _set_status(
            s,
            "167",
            "preparation",
            ["done", "not_applicable", "in_progress", "in_progress", "blocked"],
        )
        _set_status(s, "422", "mapping", ["done"])
        _set_status(s, None, "launch", ["done"])
        pilot = s.exec(select(Phase).where(Phase.code == "pilot")).one()
        assert pilot.id is not None
        # An item a coordinator added to Joensuu's pilot phase: no template behind it
        s.add(
            ChecklistItem(
                phase_id=pilot.id, municipality_code="167", title="Oma lisäys", status="done"
            )
        )
        s.commit()
    return engine


def test_checklist_counts(checklists: Engine) -> None:
    with Session(checklists) as s:
        templates = _template_counts(s)
        all_items = len(s.exec(select(ChecklistItem)).all())
    wp1_items = sum(templates[p] for p in ("mapping", "preparation", "pilot", "stabilisation"))

    joensuu = metrics.checklist_counts(checklists, ANALYST, "167")
    assert joensuu.total == wp1_items + 1
    assert joensuu.done == 5  # 4 done (2 mapping, 1 preparation, the added one) + 1 n/a
    assert joensuu.by_status == {
        "not_started": wp1_items + 1 - 8,
        "in_progress": 2,
        "done": 4,
        "not_applicable": 1,
        "blocked": 1,
    }
    assert list(joensuu.by_status) == list(CHECKLIST_STATUSES)

    region = metrics.checklist_counts(checklists, ANALYST, None)
    assert region.total == all_items
    assert region.done == 5 + 1 + 1  # Joensuu, Lieksa's mapping item, the region's launch item
    assert sum(region.by_status.values()) == region.total

    untouched = metrics.checklist_counts(checklists, ANALYST, "090")
    assert (untouched.total, untouched.done) == (wp1_items, 0)


def test_phase_progress_for_a_municipality_lists_its_phases_in_order(checklists: Engine) -> None:
    with Session(checklists) as s:
        t = _template_counts(s)
    frame = metrics.phase_progress(checklists, ANALYST, "167")
    assert list(frame.columns) == metrics.PHASE_PROGRESS_COLUMNS
    assert list(frame["work_package"]) == ["WP1"] * 4
    assert list(frame["phase"]) == ["mapping", "preparation", "pilot", "stabilisation"]
    assert list(frame["position"]) == [1, 2, 3, 4]
    assert list(frame["done"]) == [2, 2, 1, 0]
    assert list(frame["total"]) == [
        t["mapping"],
        t["preparation"],
        t["pilot"] + 1,
        t["stabilisation"],
    ]
    assert frame.loc[0, "name_fi"] == "Kartoitusvaihe"
    assert frame.loc[0, "name_en"] == "Mapping"


def test_phase_progress_for_the_region_adds_up_every_municipality(checklists: Engine) -> None:
    with Session(checklists) as s:
        t = _template_counts(s)
        n = len(s.exec(select(Municipality)).all())
    frame = metrics.phase_progress(checklists, ANALYST, None).set_index("phase")
    assert list(frame["work_package"]) == ["WP1"] * 4 + ["WP2"] * 4
    assert frame.loc["mapping", "done"] == 3  # Joensuu 2, Lieksa 1
    assert frame.loc["mapping", "total"] == n * t["mapping"]
    assert frame.loc["pilot", "total"] == n * t["pilot"] + 1
    assert frame.loc["launch", "done"] == 1
    assert frame.loc["launch", "total"] == t["launch"]
    assert int(frame["total"].sum()) == metrics.checklist_counts(checklists, ANALYST, None).total


def test_phase_progress_keeps_phases_without_items(checklists: Engine) -> None:
    with Session(checklists) as s:
        s.exec(delete(ChecklistItem).where(col(ChecklistItem.municipality_code) == "090"))
        s.commit()
    frame = metrics.phase_progress(checklists, ANALYST, "090")
    assert len(frame) == 4
    assert frame["total"].tolist() == [0, 0, 0, 0]
    assert frame["done"].tolist() == [0, 0, 0, 0]


def test_overview_combines_the_counts_and_reads_inside_a_callers_transaction(
    clients: Engine,
) -> None:
    with clients.begin() as conn:
        conn.execute(
            insert(metadata.tables["client"]).values(
                code="C8", municipality_code="090", birth_year=1990, entry_date=date(2026, 9, 1)
            )
        )
        # The caller's own connection sees its uncommitted row
        inside = metrics.overview(conn, ANALYST, "090", AS_OF)
        assert inside.clients == metrics.ClientCounts(1, 1, 0)
        conn.rollback()
    after = metrics.overview(clients, ANALYST, "090", AS_OF)
    assert after.clients == metrics.ClientCounts(0, 0, 0)
    assert after.municipality == "090" and after.as_of == AS_OF
    assert after.checklists == metrics.checklist_counts(clients, ANALYST, "090")


def test_overview_aggregates_in_the_database(clients: Engine) -> None:
    statements: list[str] = []

    def capture(*args: object) -> None:
        statements.append(str(args[2]).lower())  # (conn, cursor, statement, ...)

    event.listen(clients, "before_cursor_execute", capture)
    try:
        metrics.overview(clients, ANALYST, "167", AS_OF)
    finally:
        event.remove(clients, "before_cursor_execute", capture)
    queries = [s for s in statements if s.lstrip().startswith("select")]
    assert len(queries) == 3
    assert all("count(" in q for q in queries)


def test_project_definition_frames_match_the_project_file(engine: Engine) -> None:
    plan = read_project_file()
    info = metrics.project_info(engine)
    assert info is not None
    assert (info.start_date, info.end_date) == (plan["project"]["start"], plan["project"]["end"])

    towns = metrics.municipalities(engine)
    assert sorted(towns["code"]) == sorted(m["code"] for m in plan["municipalities"])
    assert list(towns["name"]) == sorted(towns["name"])
    assert int(towns["population"].sum()) == sum(m["population"] for m in plan["municipalities"])
    assert towns["population_share"].sum() == pytest.approx(1.0)

    targets = metrics.indicators(engine)
    assert list(targets["code"]) == [i["code"] for i in plan["indicators"]]
    assert [Decimal(str(v)) for v in targets["target"]] == [
        Decimal(str(i["target"])) for i in plan["indicators"]
    ]

    budget = metrics.budget(engine)
    assert {c: Decimal(str(a)) for c, a in zip(budget["code"], budget["amount"], strict=True)} == {
        line["code"]: Decimal(str(line["amount"])) for line in plan["budget_lines"]
    }
    staff = metrics.staff(engine)
    assert sum(staff["fte"]) == sum(Decimal(str(r["fte"])) for r in plan["staffing"]["roles"])

    work_plan = metrics.work_plan(engine)
    items = sum(len(p["items"]) for wp in plan["work_packages"] for p in wp["phases"])
    assert len(work_plan) == items
    assert work_plan["work_package"].iloc[0] == plan["work_packages"][0]["code"]


def test_project_info_is_none_before_the_definition_is_loaded(engine: Engine) -> None:
    with Session(engine) as s:
        s.exec(delete(Project))
        s.commit()
    assert metrics.project_info(engine) is None


def test_every_count_asks_access_control_first(clients: Engine) -> None:
    director = Actor(email="j@example.fi", role="director", municipalities=frozenset({"422"}))
    for read in (
        lambda: metrics.client_counts(clients, director, "167", AS_OF),
        lambda: metrics.employer_counts(clients, director, "167", AS_OF),
        lambda: metrics.checklist_counts(clients, director, "167"),
        lambda: metrics.phase_progress(clients, director, "167"),
        lambda: metrics.overview(clients, None, None, AS_OF),
    ):
        with pytest.raises(AccessDenied):
            read()
    assert metrics.client_counts(clients, director, "422", AS_OF).entered == 1
    assert metrics.client_counts(clients, director, None, AS_OF).entered == 6
