"""polku/sample.py: seeded, plausible, pseudonymous and idempotent sample data, on every backend.

Expected facts come from the project definition in the database (populations, lead
municipality, phases), never from a previous run of the generator.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from itertools import pairwise

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select
from stdnum.fi import ytunnus

from models import (
    BonusGrant,
    BonusPayment,
    ChecklistItem,
    Client,
    ClientTargetGroup,
    CostEntry,
    Employer,
    Indicator,
    Municipality,
    MunicipalityService,
    MunicipalitySetup,
    Outcome,
    PartnershipAgreement,
    Phase,
    Project,
    StatusEpisode,
    User,
    UserMunicipality,
    WorkPackage,
)
from polku import db
from polku.project import demo
from polku.sample import (
    CLIENT_PACE,
    CLIENT_PREFIX,
    CLIENTS_INDICATOR,
    COMPANY_EMPLOYMENT,
    DEMO_COORDINATOR,
    DEMO_DIRECTOR,
    PLACE_WORDS,
    SAMPLE_AS_OF,
    SUPPORTED_ENTREPRENEURSHIP,
    YOUTH_GROUP,
    SampleResult,
    load_sample,
)
from tests.conftest import PROJECT_FILE

# domain-research.md §5: the detection pattern of a henkilötunnus in free text
HETU = re.compile(
    r"(?<![0-9A-Za-z])(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[-+A-FU-Y]\d{3}"
    r"[0-9A-FHJ-NPR-Y](?![0-9A-Za-z])",
    re.IGNORECASE,
)
FINISHED = ("done", "not_applicable")


def _load(engine: Engine, **kwargs) -> SampleResult:
    with db.session_scope(engine) as session:
        return load_sample(session, **kwargs)


def _valid_business_id(value: str) -> bool:
    """Y-tunnus check digit by python-stdnum, independently of the generator."""
    return re.fullmatch(r"\d{7}-\d", value) is not None and ytunnus.is_valid(value)


SNAPSHOT = {
    "clients": "SELECT code, municipality_code, birth_year, gender, education_level,"
    " labour_status_at_entry, unemployment_months, entry_date, exit_date, plan_goal,"
    " plan_goal_reached FROM client ORDER BY code",
    "groups": "SELECT c.code, g.target_group_code FROM client_target_group g"
    " JOIN client c ON c.id = g.client_id ORDER BY 1, 2",
    "episodes": "SELECT c.code, e.status_code, e.start_date, e.end_date FROM status_episode e"
    " JOIN client c ON c.id = e.client_id ORDER BY 1, 3",
    "outcomes": "SELECT c.code, o.outcome_type_code, o.outcome_date, e.name FROM outcome o"
    " JOIN client c ON c.id = o.client_id LEFT JOIN employer e ON e.id = o.employer_id"
    " ORDER BY 1, 2, 3",
    "employers": "SELECT name, business_id, employer_type, municipality_code FROM employer"
    " ORDER BY name",
    "partnerships": "SELECT e.name, p.signed_on, p.start_date, p.end_date, p.note"
    " FROM partnership_agreement p JOIN employer e ON e.id = p.employer_id ORDER BY 1, 3",
    "grants": "SELECT e.name, c.code, g.employment_start, g.employment_end, g.contract_type,"
    " g.weekly_hours, g.monthly_amount, g.months, g.amount, g.application_date,"
    " g.decision_date, g.decision, g.de_minimis_amount, g.employed_after_6_months,"
    " g.employed_after_12_months FROM bonus_grant g JOIN employer e ON e.id = g.employer_id"
    " JOIN client c ON c.id = g.client_id ORDER BY 1, 2, 3",
    "payments": "SELECT c.code, p.paid_on, p.amount FROM bonus_payment p"
    " JOIN bonus_grant g ON g.id = p.grant_id JOIN client c ON c.id = g.client_id"
    " ORDER BY 1, 2",
    "checklists": "SELECT municipality_code, template_item_id, status, owner, due_date, note,"
    " version FROM checklist_item ORDER BY municipality_code, template_item_id",
    "setups": "SELECT municipality_code, operating_model_code, coaching_environment"
    " FROM municipality_setup ORDER BY 1",
    "services": "SELECT municipality_code, service_code, started_on FROM municipality_service"
    " ORDER BY 1, 2",
    "costs": "SELECT budget_line_code, booked_on, amount, description FROM cost_entry ORDER BY 2",
}


def _snapshot(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {name: [tuple(r) for r in conn.execute(text(sql))] for name, sql in SNAPSHOT.items()}


def _row_counts(engine: Engine) -> dict[str, int]:
    tables = [
        "client",
        "client_target_group",
        "status_episode",
        "outcome",
        "employer",
        "partnership_agreement",
        "bonus_grant",
        "bonus_payment",
        "cost_entry",
        "app_user",
        "user_municipality",
        "municipality_service",
    ]
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}
        counts["checklist_versions"] = conn.execute(
            text("SELECT sum(version) FROM checklist_item")
        ).scalar_one()
    return counts


def test_same_seed_gives_the_same_data_and_another_seed_other_data(backend, engine) -> None:
    twin = db.make_engine(backend.prepared())
    other = db.make_engine(backend.prepared())
    try:
        _load(engine, scale=0.2, seed=7)
        _load(twin, scale=0.2, seed=7)
        _load(other, scale=0.2, seed=8)
        first, second, third = _snapshot(engine), _snapshot(twin), _snapshot(other)
    finally:
        twin.dispose()
        other.dispose()
    assert first["clients"], "nothing was loaded"
    for name in SNAPSHOT:
        assert first[name] == second[name], f"{name} differ between two loads with one seed"
    assert first["clients"] != third["clients"]
    assert {r[0] for r in first["clients"]}.isdisjoint({r[0] for r in third["clients"]})
    assert first["employers"] != third["employers"]


def test_loading_twice_changes_nothing(engine) -> None:
    result = _load(engine, scale=0.1)
    assert not result.skipped and result.clients > 0
    assert result.summary().startswith("Esimerkkiaineisto ladattu: ")
    before = _row_counts(engine)
    assert before["client"] == result.clients
    assert before["status_episode"] == result.status_episodes
    assert before["bonus_grant"] == result.bonus_grants

    again = _load(engine, scale=0.1)
    assert again.skipped
    assert set(again.counts().values()) == {0}
    assert "ei ladattu" in again.summary()
    assert _row_counts(engine) == before


def test_scale_one_has_the_shape_of_the_project_today(engine) -> None:
    result = _load(engine)  # scale 1, the default seed and "as of" date
    assert re.search(r"\d\u00a0\d{3} asiakasta", result.summary())
    as_of = demo().as_of  # [demo] of the project file
    assert as_of is not None
    with Session(engine) as session:
        project = session.exec(select(Project)).one()
        municipalities = {m.code: m for m in session.exec(select(Municipality))}
        clients = {c.id: c for c in session.exec(select(Client))}
        employers = {e.id: e for e in session.exec(select(Employer))}
        episodes = session.exec(select(StatusEpisode)).all()
        outcomes = session.exec(select(Outcome)).all()
        groups = session.exec(select(ClientTargetGroup)).all()
        grants = session.exec(select(BonusGrant)).all()
        payments = session.exec(select(BonusPayment)).all()
        partnerships = session.exec(select(PartnershipAgreement)).all()
        costs = session.exec(select(CostEntry)).all()

        # Clients: about the project's size by the "as of" date, spread like the population
        assert 1000 <= len(clients) <= 1300
        assert result.clients == len(clients)
        per_municipality = Counter(c.municipality_code for c in clients.values())
        assert set(per_municipality) == set(municipalities)
        assert per_municipality.most_common(1)[0][0] == project.lead_municipality_code
        by_name = {m.name: code for code, m in municipalities.items()}
        assert per_municipality[by_name["Rääkkylä"]] < per_municipality[by_name["Joensuu"]]
        population = sum(m.population for m in municipalities.values())
        for code, m in municipalities.items():
            expected = len(clients) * m.population / population
            assert abs(per_municipality[code] - expected) <= max(5, 0.25 * expected), m.name
        entries = sorted(c.entry_date for c in clients.values())
        assert project.start_date <= entries[0] and entries[-1] <= as_of
        spring = sum(e < date(as_of.year, 6, 1) for e in entries)
        autumn = sum(e >= date(as_of.year, 9, 1) for e in entries)
        assert spring < autumn  # the ramp-up

        # Exits and plan goals
        exited = [c for c in clients.values() if c.exit_date is not None]
        assert 0.25 <= len(exited) / len(clients) <= 0.35
        assert all((c.plan_goal_reached is None) == (c.exit_date is None) for c in clients.values())
        reached = sum(bool(c.plan_goal_reached) for c in exited)
        assert 0.60 <= reached / len(exited) <= 0.75
        assert all(c.entry_date <= c.exit_date <= as_of for c in exited)

        # Target groups: 1-2 per client, young people 18-29 at entry
        per_client = defaultdict(list)
        for g in groups:
            per_client[g.client_id].append(g.target_group_code)
        assert set(per_client) == set(clients)
        assert {len(v) for v in per_client.values()} <= {1, 2}
        young = [clients[g.client_id] for g in groups if g.target_group_code == YOUTH_GROUP]
        assert young
        assert all(18 <= c.entry_date.year - c.birth_year <= 29 for c in young)
        assert all(1960 <= c.birth_year <= 2008 for c in clients.values())

        # Status episodes: 1-3, consecutive from entry, open unless the client left
        history = defaultdict(list)
        for e in episodes:
            history[e.client_id].append(e)
        assert set(history) == set(clients)
        for client_id, items in history.items():
            client = clients[client_id]
            items.sort(key=lambda e: e.start_date)
            assert 1 <= len(items) <= 3
            assert items[0].start_date == client.entry_date
            for before, after in pairwise(items):
                assert before.end_date is not None and before.end_date < after.start_date
                assert before.end_date >= before.start_date
            assert items[-1].end_date == client.exit_date
            assert items[-1].start_date <= (client.exit_date or as_of)
        statuses = Counter(e.status_code for e in episodes)
        assert len(statuses) >= 5

        # Outcomes: company employment at companies, dated within the client's path
        kinds = Counter(o.outcome_type_code for o in outcomes)
        assert kinds.most_common(1)[0][0] == COMPANY_EMPLOYMENT
        assert 5 <= kinds[SUPPORTED_ENTREPRENEURSHIP] <= 60
        for o in outcomes:
            client = clients[o.client_id]
            assert client.entry_date <= o.outcome_date <= (client.exit_date or as_of)
            if o.outcome_type_code == COMPANY_EMPLOYMENT:
                assert o.employer_id is not None
                assert employers[o.employer_id].employer_type == "company"
        with_outcome = {o.client_id for o in outcomes}
        assert len([c for c in exited if c.id in with_outcome]) > len(exited) / 2

        # Employers: enough of them, every business ID valid and unique
        assert len(employers) >= 150
        types = Counter(e.employer_type for e in employers.values())
        assert types.most_common(1)[0][0] == "company"
        assert types["private_person"] > 0 and types["association"] > 0
        ids = [e.business_id for e in employers.values() if e.employer_type != "private_person"]
        assert all(b is not None and _valid_business_id(b) for b in ids)
        assert len(set(ids)) == len(ids)
        assert all(
            e.business_id is None for e in employers.values() if e.employer_type == "private_person"
        )
        assert len({e.name for e in employers.values()}) == len(employers)

        # Partnership agreements: ahead of the straight-line pace, started by as_of
        assert 40 <= len(partnerships) <= 65
        assert all(project.start_date <= p.start_date <= as_of for p in partnerships)
        assert any(p.end_date is not None for p in partnerships)

        # Employment bonus: amounts add up, decisions dated, payments only for granted ones
        assert 50 <= len(grants) <= 100
        assert 40 <= len({g.employer_id for g in grants}) <= 90
        decisions = Counter(g.decision for g in grants)
        assert decisions.most_common(1)[0][0] == "granted" and decisions["refused"] > 0
        paid: dict[int | None, list] = defaultdict(list)
        for p in payments:
            paid[p.grant_id].append(p)
        for g in grants:
            assert g.amount == g.monthly_amount * g.months
            assert 3 <= g.months <= 12 and 18 <= g.weekly_hours <= 37.5
            assert (g.decision_date is None) == (g.decision == "pending")
            assert g.application_date <= (g.decision_date or as_of) <= as_of
            client = clients[g.client_id]
            assert client.entry_date <= g.employment_start <= as_of
            # A grant follows a recorded job at that employer, or the client is still in the project
            hired = any(
                o.client_id == g.client_id and o.employer_id == g.employer_id for o in outcomes
            )
            assert hired or client.exit_date is None
            if employers[g.employer_id].employer_type == "company" and g.decision == "granted":
                assert g.de_minimis_amount == g.amount
            if g.employed_after_6_months is not None:  # followed up only once 6 months passed
                assert (as_of - g.employment_start).days >= 180 and g.decision == "granted"
            if g.employed_after_12_months is not None:
                assert (as_of - g.employment_start).days >= 365
            if g.decision != "granted":
                assert not paid[g.id]
            assert sum((p.amount for p in paid[g.id]), start=0) <= g.amount
            assert all(p.paid_on <= as_of for p in paid[g.id])
        assert payments

        # Salary costs: one entry a month from the start to as_of, near budget ÷ months
        months = (as_of.year - project.start_date.year) * 12 + as_of.month
        months -= project.start_date.month - 1
        assert len(costs) == months
        assert all(c.budget_line_code == "salaries" and c.amount > 0 for c in costs)
        assert all(project.start_date <= c.booked_on <= as_of for c in costs)

        # Demo users, linked to the municipalities [demo] of the project file names
        users = {u.email: u for u in session.exec(select(User))}
        links = {(m.user_id, m.municipality_code) for m in session.exec(select(UserMunicipality))}
        assert {u.role for u in users.values()} == {"admin", "coordinator", "director", "analyst"}
        coordinator = users[DEMO_COORDINATOR]
        director = users[DEMO_DIRECTOR]
        settings = demo()
        assert {m for u, m in links if u == coordinator.id} == {settings.coordinator_municipality}
        assert {m for u, m in links if u == director.id} == {settings.director_municipality}
        assert municipalities[str(settings.director_municipality)].name in director.name


def _first_unfinished_phase(session: Session) -> tuple[dict[str, int], dict[int, list[str]]]:
    """Each municipality's first WP1 phase (position) with unfinished required work, and the
    statuses of the region's items by phase position."""
    scopes = {w.code: w.scope for w in session.exec(select(WorkPackage))}
    phases = {p.id: p for p in session.exec(select(Phase))}
    open_phases: dict[str, set[int]] = defaultdict(set)
    all_positions: set[int] = set()
    region: dict[int, list[str]] = defaultdict(list)
    for item in session.exec(select(ChecklistItem)):
        phase = phases[item.phase_id]
        if item.municipality_code is None:
            region[phase.position].append(item.status)
            continue
        if scopes[phase.work_package_code] != "municipality":
            continue
        all_positions.add(phase.position)
        if item.required and item.status not in FINISHED:
            open_phases[item.municipality_code].add(phase.position)
    done_all = max(all_positions) + 1
    codes = session.exec(select(Municipality.code)).all()
    return {c: min(open_phases[c], default=done_all) for c in codes}, region


def test_checklists_show_municipalities_at_different_phases(engine) -> None:
    with Session(engine) as session:
        untouched, _ = _first_unfinished_phase(session)
    assert len(set(untouched.values())) == 1  # before loading, everyone is at the start
    _load(engine, scale=0.05)
    with Session(engine) as session:
        project = session.exec(select(Project)).one()
        current, region = _first_unfinished_phase(session)
        items = session.exec(select(ChecklistItem)).all()
        setups = {s.municipality_code: s for s in session.exec(select(MunicipalitySetup))}
        services = session.exec(select(MunicipalityService.municipality_code)).all()
    assert len(current) == 13
    assert len(set(current.values())) >= 3
    first = min(untouched.values())
    assert current[project.lead_municipality_code] > first + 1  # the lead is piloting
    assert list(current.values()).count(first + 1) >= 3  # many are preparing
    assert first in current.values()  # a few are still mapping
    # Past mapping: an operating model is chosen; services only from the pilot on
    for code, position in current.items():
        assert (setups[code].operating_model_code is not None) == (position > first), code
    assert set(services) <= {c for c, p in current.items() if p >= first + 2}
    assert services
    # The region: the first phase done, the second under way, the last not yet
    positions = sorted(region)
    assert all(s in FINISHED for s in region[positions[0]])
    assert set(region[positions[1]]) - set(FINISHED)
    assert "not_started" in region[positions[-1]]
    # Every changed item says so
    changed = [i for i in items if i.updated_by == "sample"]
    assert changed and all(i.version >= 2 for i in changed)
    assert all(i.version == 1 for i in items if i.updated_by != "sample")
    assert any(i.due_date and i.due_date < SAMPLE_AS_OF and i.status not in FINISHED for i in items)
    assert any(i.due_date and i.due_date > SAMPLE_AS_OF for i in items)
    assert {i.status for i in items} >= {"done", "in_progress", "not_started"}
    owners = {i.owner for i in items if i.owner}
    assert owners and not any(re.search(r"@|\d", o) for o in owners)


def test_scale_multiplies_the_clients(backend, engine) -> None:
    larger = db.make_engine(backend.prepared())
    try:
        small = _load(engine, scale=0.05)
        large = _load(larger, scale=0.5)
    finally:
        larger.dispose()
    assert 8.5 <= large.clients / small.clients <= 11.5
    assert 8.5 <= large.status_episodes / small.status_episodes <= 11.5
    assert large.employers > small.employers >= 12
    assert large.bonus_grants > small.bonus_grants


def test_reads_the_municipalities_from_the_tables(engine) -> None:
    with db.session_scope(engine) as session:
        session.add(Municipality(code="999", name="Testikunta", population=40000))
    _load(engine, scale=0.2)
    with engine.connect() as conn:
        per = dict(
            conn.execute(text("SELECT municipality_code, count(*) FROM client GROUP BY 1")).all()
        )
        smallest = conn.execute(
            text("SELECT code FROM municipality ORDER BY population LIMIT 1")
        ).scalar_one()
    assert per["999"] > 0
    assert per["999"] > per[smallest]  # a larger population gets more clients


def test_no_personal_data(engine) -> None:
    _load(engine, scale=0.3)
    with Session(engine) as session:
        clients = session.exec(select(Client)).all()
        texts = [c.plan_goal or "" for c in clients]
        texts += [o.note or "" for o in session.exec(select(Outcome))]
        texts += [p.note or "" for p in session.exec(select(PartnershipAgreement))]
        texts += [i.note or "" for i in session.exec(select(ChecklistItem))]
        texts += [e.name for e in session.exec(select(Employer))]
    codes = [c.code for c in clients]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"PK-[A-Z0-9]{8}", code) for code in codes)
    assert not any(HETU.search(code) for code in codes)
    assert not any(HETU.search(t) for t in texts)
    assert not any(re.search(r"\d{6,}", c.plan_goal or "") for c in clients)
    assert all(c.plan_goal for c in clients)


def test_refuses_nonsense_arguments(engine) -> None:
    with pytest.raises(ValueError), db.session_scope(engine) as session:
        load_sample(session, scale=0)
    with pytest.raises(ValueError), db.session_scope(engine) as session:
        load_sample(session, as_of=date(2020, 1, 1))
    with Session(engine) as session:
        assert session.exec(select(Client)).first() is None


def test_the_plan_unit_counts_in_the_projects_planned_size(engine) -> None:
    """`init --sample --scale 10` is ten times the 5 000+ clients the plan expects."""
    with db.session_scope(engine) as session:
        target = session.exec(
            select(Indicator.target).where(Indicator.code == CLIENTS_INDICATOR)
        ).one()
    result = _load(engine, scale=0.05, unit="plan")
    assert result.clients == round(float(target) * CLIENT_PACE * 0.05)


def test_without_a_demo_table_the_sample_picks_its_own_defaults(engine, tmp_path) -> None:
    """No [demo] in the project file: the lead's coordinator, the director of the biggest
    other municipality, generic place words and client codes, "today" within the period."""
    text_ = PROJECT_FILE.read_text(encoding="utf-8")
    without = re.sub(r"\n\[demo\]\n.*?\n(?=# -----)", "\n", text_, flags=re.DOTALL)
    assert "[demo]" not in without and "[[work_packages]]" in without
    plain = tmp_path / "project.toml"
    plain.write_text(without, encoding="utf-8")
    with db.session_scope(engine) as session:
        load_sample(session, scale=0.02, project_file=plain)
    with Session(engine) as session:
        project = session.exec(select(Project)).one()
        places = session.exec(select(Municipality)).all()
        biggest_other = max(
            (m for m in places if m.code != project.lead_municipality_code),
            key=lambda m: m.population,
        )
        homes = {
            u.email: {m.municipality_code for m in session.exec(
                select(UserMunicipality).where(UserMunicipality.user_id == u.id)
            )}
            for u in session.exec(select(User))
        }  # fmt: skip
        assert homes[DEMO_COORDINATOR] == {project.lead_municipality_code}
        assert homes[DEMO_DIRECTOR] == {biggest_other.code}
        clients = session.exec(select(Client)).all()
        assert clients and all(c.code.startswith(CLIENT_PREFIX) for c in clients)
        assert max(c.entry_date for c in clients) <= SAMPLE_AS_OF
        names = [
            e.name for e in session.exec(select(Employer)) if e.employer_type != "private_person"
        ]
        assert names and all(n.startswith(PLACE_WORDS) for n in names)
