"""polku/forms.py on real databases: each form saves in one transaction with audit rows, a wrong
value is a Finnish message naming its field, and access is checked inside every function."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from polku import forms, project
from polku.access import AccessDenied, Actor
from polku.config import get_settings
from polku.ingest import FormInvalid
from polku.users import SYSTEM
from tests.test_ingest import COORDINATOR, DIRECTOR, TODAY, contents, load_samples

LIEKSA = Actor("lieksa@example.fi", "coordinator", frozenset({"422"}))


def _entry(code: str = "F-1", **changes: object) -> forms.ClientEntry:
    values: dict = {
        "code": code,
        "municipality": "167",
        "birth_year": 1985,
        "entry_date": date(2026, 4, 1),
        "status": "work_trial",
        "target_groups": ("youth", "immigrants"),
        "gender": "female",
        "plan_goal": "Työkokeilun kautta työsuhteeseen",
    }
    values.update(changes)
    return forms.ClientEntry(**values)


def _fields(invalid: pytest.ExceptionInfo[FormInvalid]) -> dict[str | None, str]:
    return {p.field: p.reason() for p in invalid.value.problems}


def _query(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).all()]


def test_a_client_entry_saves_the_client_groups_first_status_and_audit(engine: Engine) -> None:
    saved = forms.record_client(engine, COORDINATOR, _entry(), today=TODAY)
    assert saved.key == "F-1" and saved.warnings == []
    assert _query(engine, "SELECT code, municipality_code, birth_year FROM client") == [
        ("F-1", "167", 1985)
    ]
    assert sorted(_query(engine, "SELECT target_group_code FROM client_target_group")) == [
        ("immigrants",),
        ("youth",),
    ]
    assert [
        (s, str(d), e)
        for s, d, e in _query(
            engine, "SELECT status_code, start_date, end_date FROM status_episode"
        )
    ] == [("work_trial", "2026-04-01", None)]
    audit = _query(engine, "SELECT action, entity, user_email FROM audit_log ORDER BY id")
    assert ("form_add", "client", COORDINATOR.email) in audit
    assert ("form_add", "status_episode", COORDINATOR.email) in audit


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"code": "Matti Meikäläinen"}, "client_code", "asiakastunnuksessa saa olla vain"),
        ({"birth_year": 1930}, "birth_year", "arvon on oltava välillä 1940–2015"),
        ({"entry_date": date(2026, 12, 1)}, "entry_date", "on tulevaisuudessa"),
        ({"entry_date": date(2025, 12, 1)}, "entry_date", "ei ole hankekaudella"),
        ({"entry_date": None}, "entry_date", "arvo puuttuu"),
        ({"status": None}, "status", "arvo puuttuu"),
        ({"plan_goal": "Hetu 010594Y9021"}, "plan_goal", "sisältää henkilötunnuksen"),
    ],
    ids=["code", "birth-year", "future", "period", "no-entry", "no-status", "hetu"],
)
def test_a_wrong_client_field_is_a_finnish_message_for_that_field_and_nothing_is_saved(
    engine: Engine, changes: dict, field: str, reason: str
) -> None:
    before = contents(engine)
    with pytest.raises(FormInvalid) as invalid:
        forms.record_client(engine, COORDINATOR, _entry(**changes), today=TODAY)
    assert reason in _fields(invalid)[field]
    assert contents(engine) == before


def test_every_wrong_field_is_reported_at_once(engine: Engine) -> None:
    with pytest.raises(FormInvalid) as invalid:
        forms.record_client(
            engine, COORDINATOR, _entry(code="A B", birth_year=1800, status=None), today=TODAY
        )
    assert set(_fields(invalid)) == {"client_code", "birth_year", "status"}


def test_a_text_resembling_an_identity_code_is_saved_with_a_warning(engine: Engine) -> None:
    saved = forms.record_client(
        engine, COORDINATOR, _entry(plan_goal="Numero 010594Y9022"), today=TODAY
    )
    assert [w.key for w in saved.warnings] == ["ingest.warning.hetu"]


def test_a_client_code_in_use_is_refused(engine: Engine) -> None:
    forms.record_client(engine, COORDINATOR, _entry(), today=TODAY)
    with pytest.raises(FormInvalid) as invalid:
        forms.record_client(engine, COORDINATOR, _entry(), today=TODAY)
    assert _fields(invalid) == {"client_code": "asiakastunnus ”F-1” on jo käytössä"}


def test_an_unknown_first_status_rolls_the_whole_entry_back(engine: Engine) -> None:
    before = contents(engine)
    with pytest.raises(FormInvalid) as invalid:
        forms.record_client(engine, COORDINATOR, _entry(status="lomalla"), today=TODAY)
    assert "tuntematon tila" in _fields(invalid)["status"]
    assert contents(engine) == before


@pytest.mark.parametrize("actor", [LIEKSA, DIRECTOR, None], ids=["other", "director", "nobody"])
def test_only_an_editor_of_the_municipality_records_its_clients(
    engine: Engine, actor: Actor | None
) -> None:
    with pytest.raises(AccessDenied):
        forms.record_client(engine, actor, _entry(), today=TODAY)
    assert _query(engine, "SELECT COUNT(*) FROM client") == [(0,)]


def test_a_status_change_closes_the_open_status_the_day_before(engine: Engine) -> None:
    forms.record_client(engine, COORDINATOR, _entry(), today=TODAY)
    forms.change_status(
        engine, COORDINATOR, "F-1", "career_coaching", date(2026, 6, 1), today=TODAY
    )
    episodes = _query(
        engine, "SELECT status_code, start_date, end_date FROM status_episode ORDER BY start_date"
    )
    assert [(s, str(a), str(b) if b else None) for s, a, b in episodes] == [
        ("work_trial", "2026-04-01", "2026-05-31"),
        ("career_coaching", "2026-06-01", None),
    ]
    with pytest.raises(FormInvalid) as same:
        forms.change_status(
            engine, COORDINATOR, "F-1", "career_coaching", date(2026, 7, 1), today=TODAY
        )
    assert _fields(same) == {"status": "asiakas on jo tässä tilassa"}
    with pytest.raises(FormInvalid) as early:
        forms.change_status(engine, COORDINATOR, "F-1", "work_trial", date(2026, 5, 1), today=TODAY)
    assert "start_date" in _fields(early)
    with pytest.raises(FormInvalid) as elsewhere:
        forms.change_status(engine, LIEKSA, "F-1", "work_trial", date(2026, 8, 1), today=TODAY)
    assert _fields(elsewhere) == {"client_code": "asiakastunnusta ”F-1” ei voi käyttää"}
    with pytest.raises(FormInvalid) as unknown:
        forms.change_status(engine, COORDINATOR, "EI-OLE", "work_trial", date(2026, 8, 1))
    assert "client_code" in _fields(unknown)


def test_an_exit_records_the_goal_closes_the_status_and_refuses_a_date_before_entry(
    engine: Engine,
) -> None:
    forms.record_client(engine, COORDINATOR, _entry(), today=TODAY)
    with pytest.raises(FormInvalid) as before_entry:
        forms.record_exit(engine, COORDINATOR, "F-1", date(2026, 3, 15), True, today=TODAY)
    assert _fields(before_entry) == {"exit_date": "päättymispäivä on ennen aloituspäivää 1.4.2026"}
    with pytest.raises(FormInvalid) as no_goal:
        forms.record_exit(engine, COORDINATOR, "F-1", date(2026, 9, 30), None, today=TODAY)
    assert "plan_goal_reached" in _fields(no_goal)
    forms.record_exit(engine, COORDINATOR, "F-1", date(2026, 9, 30), True, today=TODAY)
    assert [
        (str(e), g) for e, g in _query(engine, "SELECT exit_date, plan_goal_reached FROM client")
    ] == [("2026-09-30", True)]
    assert [str(e) for (e,) in _query(engine, "SELECT end_date FROM status_episode")] == [
        "2026-09-30"
    ]
    with pytest.raises(FormInvalid) as exited:
        forms.change_status(engine, COORDINATOR, "F-1", "career_coaching", date(2026, 10, 1))
    assert "start_date" in _fields(exited)


def test_an_outcome_names_its_employer_by_business_id(engine: Engine) -> None:
    load_samples(engine, "employers", "clients")
    forms.record_outcome(
        engine,
        COORDINATOR,
        "ESIM-0001",
        "employment_company",
        date(2026, 10, 1),
        employer="2934871-3",
        note="Vakituinen",
        today=TODAY,
    )
    rows = _query(
        engine,
        "SELECT e.business_id, o.note FROM outcome o JOIN employer e ON e.id = o.employer_id "
        "JOIN client c ON c.id = o.client_id WHERE c.code = 'ESIM-0001'",
    )
    assert rows == [("2934871-3", "Vakituinen")]
    with pytest.raises(FormInvalid) as unknown:
        forms.record_outcome(
            engine, COORDINATOR, "ESIM-0001", "education", date(2026, 10, 2), employer="9999999-9"
        )
    assert "business_id" in _fields(unknown)


def test_an_employer_with_its_partnership_and_the_business_id_check(engine: Engine) -> None:
    entry = forms.EmployerEntry("Testi Oy", "company", "2934871-3", "167")
    agreement = forms.PartnershipEntry(date(2026, 5, 1), signed_on=date(2026, 4, 20))
    forms.record_employer(engine, COORDINATOR, entry, agreement, today=TODAY)
    assert (
        _query(
            engine,
            "SELECT e.name, p.start_date FROM partnership_agreement p "
            "JOIN employer e ON e.id = p.employer_id",
        )[0][0]
        == "Testi Oy"
    )
    # The same employer again, renamed: updated in place
    forms.record_employer(
        engine, COORDINATOR, forms.EmployerEntry("Testi Oyj", "company", "2934871-3", "167")
    )
    assert _query(engine, "SELECT name FROM employer") == [("Testi Oyj",)]
    with pytest.raises(FormInvalid) as bad:
        forms.record_employer(
            engine, COORDINATOR, forms.EmployerEntry("X", "company", "2934871-4", "167")
        )
    assert "Y-tunnus ”2934871-4” ei kelpaa" in _fields(bad)["business_id"]
    with pytest.raises(FormInvalid) as missing:
        forms.record_employer(engine, COORDINATOR, forms.EmployerEntry("Y", "company", None, None))
    assert "business_id" in _fields(missing)


def test_a_partnership_signed_after_its_end_is_refused_at_the_signing_date(
    engine: Engine,
) -> None:
    """Issue 13.2: the form said nothing of an agreement signed after it had ended."""
    entry = forms.EmployerEntry("Testi Oy", "company", "2934871-3", "167")
    late = forms.PartnershipEntry(
        date(2026, 5, 1), signed_on=date(2026, 9, 1), end_date=date(2026, 8, 31)
    )
    before = contents(engine)
    with pytest.raises(FormInvalid) as refused:
        forms.record_employer(engine, COORDINATOR, entry, late, today=TODAY)
    assert _fields(refused) == {
        "signed_on": "allekirjoituspäivä on sopimuksen loppupäivän 31.8.2026 jälkeen"
    }
    assert contents(engine) == before
    # Signed on the last day is fine
    on_time = forms.PartnershipEntry(
        date(2026, 5, 1), signed_on=date(2026, 8, 31), end_date=date(2026, 8, 31)
    )
    forms.record_employer(engine, COORDINATOR, entry, on_time, today=TODAY)


def test_a_coordinator_adds_employers_of_no_municipality_but_not_of_another(
    engine: Engine,
) -> None:
    forms.record_employer(
        engine, COORDINATOR, forms.EmployerEntry("Alueen Oy", "company", "3012557-6")
    )
    with pytest.raises(AccessDenied):
        forms.record_employer(
            engine, COORDINATOR, forms.EmployerEntry("L Oy", "company", "2418865-0", "422")
        )
    with pytest.raises(AccessDenied):
        forms.record_employer(engine, DIRECTOR, forms.EmployerEntry("D Oy", "company", "2766120-4"))


def _grant(**changes: object) -> forms.GrantEntry:
    values: dict = {
        "employer": "2934871-3",
        "client_code": "ESIM-0001",
        "employment_start": date(2026, 10, 1),
        "contract_type": "permanent",
        "weekly_hours": Decimal("37.5"),
        "monthly_amount": Decimal("800"),
        "months": 12,
        "application_date": date(2026, 9, 20),
        "decision": "granted",
        "decision_date": date(2026, 9, 25),
        "de_minimis": True,
    }
    values.update(changes)
    return forms.GrantEntry(**values)


def test_a_grant_amount_is_monthly_times_months_and_counts_as_de_minimis(engine: Engine) -> None:
    load_samples(engine, "employers", "clients")
    assert forms.grant_amount(Decimal("800"), 12) == Decimal("9600.00")
    assert forms.grant_amount(None, 12) is None
    forms.record_grant(engine, COORDINATOR, _grant(), today=TODAY)
    [(amount, de_minimis)] = _query(engine, "SELECT amount, de_minimis_amount FROM bonus_grant")
    assert Decimal(str(amount)) == Decimal(str(de_minimis)) == Decimal("9600")


@pytest.fixture
def generous_limits(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A project file whose limits allow bonuses far above any real one (to reach the de
    minimis ceiling with few grants)."""
    original = Path(get_settings().project_file).read_text(encoding="utf-8")
    edited = tmp_path / "project.toml"
    edited.write_text(original.replace("bonus_monthly_euros = 1500", "bonus_monthly_euros = 50000"))
    monkeypatch.setenv("POLKU_PROJECT_FILE", str(edited))
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_the_de_minimis_ceiling_refuses_with_a_clear_message_and_warns_near_it(
    engine: Engine, generous_limits: None
) -> None:
    load_samples(engine, "employers", "clients")
    forms.record_grant(engine, COORDINATOR, _grant(monthly_amount=Decimal(20000)), today=TODAY)
    warned = forms.record_grant(
        engine,
        COORDINATOR,
        _grant(
            client_code="ESIM-0003",
            monthly_amount=Decimal(1000),
            employment_start=date(2026, 10, 2),
        ),
        today=TODAY,
    )
    assert [w.key for w in warned.warnings] == ["ingest.warning.de_minimis"]
    before = contents(engine)
    with pytest.raises(FormInvalid) as over:
        forms.record_grant(
            engine,
            COORDINATOR,
            _grant(
                client_code="ESIM-0001",
                monthly_amount=Decimal(4100),  # 240 000 + 12 000 + 49 200 > 300 000
                employment_start=date(2026, 10, 3),
            ),
            today=TODAY,
        )
    message = _fields(over)["de_minimis_amount"]
    assert "Pielisen Puutyö Oy" in message and "300\u00a0000,00\u00a0€" in message
    assert contents(engine) == before
    # Not de minimis aid (an association, say): no ceiling
    forms.record_grant(
        engine,
        COORDINATOR,
        _grant(
            client_code="ESIM-0001",
            monthly_amount=Decimal(4000),
            employment_start=date(2026, 10, 3),
            de_minimis=False,
        ),
        today=TODAY,
    )


def test_a_grant_for_a_client_of_another_municipality_is_refused(engine: Engine) -> None:
    load_samples(engine, "employers", "clients")
    with pytest.raises(FormInvalid):
        forms.record_grant(engine, COORDINATOR, _grant(client_code="ESIM-0004"), today=TODAY)


def test_a_code_of_another_municipality_reads_as_a_code_that_cannot_be_used(
    engine: Engine,
) -> None:
    """Issue 12.11: the forms neither name the client's municipality nor tell its code from
    an unknown one."""
    load_samples(engine, "employers", "clients")  # ESIM-0004 is a client of Lieksa
    said: dict[str, dict[str | None, str]] = {}
    for code in ("ESIM-0004", "EI-OLE"):
        attempts = {
            "status": lambda code=code: forms.change_status(
                engine, COORDINATOR, code, "work_trial", date(2026, 8, 1), today=TODAY
            ),
            "exit": lambda code=code: forms.record_exit(
                engine, COORDINATOR, code, date(2026, 9, 30), True, today=TODAY
            ),
            "outcome": lambda code=code: forms.record_outcome(
                engine, COORDINATOR, code, "employment_company", date(2026, 9, 1), today=TODAY
            ),
            "grant": lambda code=code: forms.record_grant(
                engine, COORDINATOR, _grant(client_code=code), today=TODAY
            ),
        }
        for form, attempt in attempts.items():
            with pytest.raises(FormInvalid) as refused:
                attempt()
            said[f"{form} {code}"] = {
                field: reason.replace(code, "<code>") for field, reason in _fields(refused).items()
            }
            assert "Lieksa" not in str(_fields(refused))
    for form in ("status", "exit", "outcome", "grant"):
        assert said[f"{form} ESIM-0004"] == said[f"{form} EI-OLE"], form
        assert said[f"{form} ESIM-0004"] == {
            "client_code": "asiakastunnusta ”<code>” ei voi käyttää"
        }
    # A new client with the code of another municipality's client: the same words
    with pytest.raises(FormInvalid) as taken:
        forms.record_client(engine, COORDINATOR, _entry("ESIM-0004"), today=TODAY)
    assert _fields(taken) == {"client_code": "asiakastunnusta ”ESIM-0004” ei voi käyttää"}


def test_costs_of_own_municipality_and_project_wide_costs_for_admins(engine: Engine) -> None:
    cost = forms.CostInput("salaries", date(2026, 4, 20), Decimal("123.45"), "Palkat 4/2026", "167")
    forms.record_cost(engine, COORDINATOR, cost, today=TODAY)
    wide = forms.CostInput("salaries", date(2026, 4, 20), Decimal("999"), "Palkat 4/2026")
    with pytest.raises(AccessDenied):
        forms.record_cost(engine, COORDINATOR, wide, today=TODAY)
    forms.record_cost(engine, SYSTEM, wide, today=TODAY)
    with pytest.raises(FormInvalid) as bad:
        forms.record_cost(
            engine, SYSTEM, forms.CostInput("esf_plus", date(2026, 4, 20), Decimal(1), "x")
        )
    assert "budget_line" in _fields(bad)
    assert _query(engine, "SELECT created_by FROM cost_entry ORDER BY amount") == [
        (COORDINATOR.email,),
        (SYSTEM.email,),
    ]


def test_the_client_list_is_newest_first_and_searches_limits_and_counts(engine: Engine) -> None:
    load_samples(engine, "clients")
    every = forms.clients(engine, SYSTEM)
    assert forms.client_count(engine, SYSTEM) == len(every) == 8
    assert list(every["entry_date"]) == sorted(every["entry_date"], reverse=True)
    assert list(forms.clients(engine, SYSTEM, limit=3)["code"]) == list(every["code"][:3])
    assert list(forms.clients(engine, SYSTEM, search=" esim-0002 ")["code"]) == ["ESIM-0002"]
    assert forms.client_count(engine, SYSTEM, search="Esim-0002") == 1
    # A search is text, not a pattern
    assert forms.client_count(engine, SYSTEM, search="%") == 0
    active = forms.clients(engine, SYSTEM, active=True)
    assert 0 < len(active) < len(every) and active["exit_date"].isna().all()
    # The coordinator's count is of their own municipality only
    assert forms.client_count(engine, COORDINATOR) == (every["municipality"] == "167").sum()


def test_the_pickers_show_only_what_the_actor_may_see(engine: Engine) -> None:
    load_samples(engine, "employers", "clients", "episodes")
    own = forms.clients(engine, COORDINATOR)
    assert set(own["municipality"]) == {"167"}
    assert dict(zip(own["code"], own["status"], strict=True))["ESIM-0001"] == "municipal_trainee"
    assert len(forms.clients(engine, SYSTEM)) == 8
    with pytest.raises(AccessDenied):
        forms.clients(engine, DIRECTOR)
    assert len(forms.employers(engine, COORDINATOR)) == 6
    assert list(forms.cost_lines(engine)["code"]) == ["salaries", "flat_rate"]


GLUED = "HETU010594Y9021"  # a valid code written right after letters (issue 12.2)


@pytest.mark.parametrize(
    ("field", "save"),
    [
        ("client_code", lambda e: forms.record_client(e, COORDINATOR, _entry(code=GLUED))),
        ("plan_goal", lambda e: forms.record_client(e, COORDINATOR, _entry(plan_goal=GLUED))),
        ("client_code", lambda e: forms.change_status(e, COORDINATOR, GLUED, "career", TODAY)),
        ("client_code", lambda e: forms.record_exit(e, COORDINATOR, GLUED, TODAY, True)),
        (
            "note",
            lambda e: forms.record_outcome(
                e, COORDINATOR, "ESIM-0001", "education", date(2026, 10, 2), note=f"x {GLUED}"
            ),
        ),
        (
            "business_id",
            lambda e: forms.record_outcome(
                e, COORDINATOR, "ESIM-0001", "education", date(2026, 10, 2), employer=GLUED
            ),
        ),
        (
            "name",
            lambda e: forms.record_employer(
                e, COORDINATOR, forms.EmployerEntry(f"Oy {GLUED}", "company", "2934871-3", "167")
            ),
        ),
        (
            "note",
            lambda e: forms.record_employer(
                e,
                COORDINATOR,
                forms.EmployerEntry("Testi Oy", "company", "2934871-3", "167"),
                forms.PartnershipEntry(date(2026, 5, 1), note=GLUED),
            ),
        ),
        ("business_id", lambda e: forms.record_grant(e, COORDINATOR, _grant(employer=GLUED))),
        ("client_code", lambda e: forms.record_grant(e, COORDINATOR, _grant(client_code=GLUED))),
        (
            "description",
            lambda e: forms.record_cost(
                e,
                COORDINATOR,
                forms.CostInput("salaries", date(2026, 5, 1), Decimal("10"), GLUED, "167"),
            ),
        ),
    ],
    ids=[
        "client-code", "plan-goal", "status", "exit", "outcome-note", "outcome-employer",
        "employer-name", "partnership-note", "grant-employer", "grant-client", "cost",
    ],
)  # fmt: skip
def test_a_code_after_letters_is_refused_in_every_text_field_and_never_echoed(
    engine: Engine, field: str, save
) -> None:
    load_samples(engine, "employers", "clients")
    before = contents(engine)
    with pytest.raises(FormInvalid) as invalid:
        save(engine)
    reasons = _fields(invalid)
    assert "sisältää henkilötunnuksen" in reasons[field]
    assert not any("010594Y9021" in r for r in reasons.values())
    assert contents(engine) == before
    assert _query(engine, "SELECT COUNT(*) FROM audit_log WHERE new_value LIKE '%010594%'") == [
        (0,)
    ]


# --- numbers as typed, and the project file's limits (issue 13.4) ----------------------------


@pytest.mark.parametrize(
    ("typed", "whole", "value"),
    [
        ("800,50", False, Decimal("800.50")),
        ("800.50", False, Decimal("800.50")),
        ("1 234,5", False, Decimal("1234.5")),
        ("1\u00a0234,50", False, Decimal("1234.50")),  # a no-break space, as Excel copies it
        ("1\u202f234", False, Decimal("1234")),
        ("  37,5 ", False, Decimal("37.5")),
        ("-12,40", False, Decimal("-12.40")),
        ("12", True, 12),
        ("12,0", True, 12),
        ("", False, None),
        ("   ", True, None),
    ],
)
def test_numbers_are_read_as_finns_write_them(typed: str, whole: bool, value: object) -> None:
    assert forms.parse_number(typed, whole=whole) == value


@pytest.mark.parametrize(
    ("typed", "fi", "en"),
    [
        ("1,234", Decimal("1.234"), Decimal("1234")),  # a decimal comma, or English grouping
        ("1,234.50", None, Decimal("1234.50")),
        ("800,50", Decimal("800.50"), Decimal("800.50")),
        ("12,345,678", None, Decimal("12345678")),
    ],
)
def test_english_grouping_is_read_in_english_only(typed: str, fi: object, en: object) -> None:
    assert forms.parse_number(typed, lang="en") == en
    if fi is None:
        with pytest.raises(ValueError):
            forms.parse_number(typed, lang="fi")
    else:
        assert forms.parse_number(typed, lang="fi") == fi


@pytest.mark.parametrize(
    ("typed", "whole"),
    [("1.234,50", False), ("1,234.50", False), ("800,", False), ("12 e", False), ("6,5", True)],
)
def test_what_is_not_a_number_is_refused_by_field_without_echo(typed: str, whole: bool) -> None:
    with pytest.raises(FormInvalid) as invalid:
        forms.read_numbers({"months" if whole else "monthly_amount": typed}, ("months",))
    ((field, reason),) = _fields(invalid).items()
    assert field == ("months" if whole else "monthly_amount")
    assert "kokonaisluku" in reason if whole else "kirjoita luku" in reason
    assert typed not in reason


def test_a_decimal_comma_read_as_thousands_is_refused_by_the_limits(engine: Engine) -> None:
    load_samples(engine, "employers", "clients")
    before = contents(engine)
    with pytest.raises(FormInvalid) as invalid:
        forms.record_grant(
            engine, COORDINATOR, _grant(monthly_amount=Decimal("80050"), weekly_hours=Decimal(375))
        )
    fields = _fields(invalid)
    assert fields["monthly_amount"].startswith("80\u00a0050,00\u00a0€ on yli uskottavan ylärajan")
    assert "1\u00a0500,00\u00a0€" in fields["monthly_amount"]
    assert "enintään 40" in fields["weekly_hours"]
    assert contents(engine) == before
    with pytest.raises(FormInvalid) as cost:
        forms.record_cost(
            engine,
            COORDINATOR,
            forms.CostInput("salaries", date(2026, 4, 20), Decimal("12345050"), "Palkat", "167"),
        )
    assert "uskottavan ylärajan" in _fields(cost)["amount"]
    assert contents(engine) == before


def test_the_limits_come_from_the_project_file(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = Path(get_settings().project_file).read_text(encoding="utf-8")
    assert "bonus_monthly_euros = 1500" in original
    edited = tmp_path / "project.toml"
    edited.write_text(original.replace("bonus_monthly_euros = 1500", "bonus_monthly_euros = 700"))
    monkeypatch.setenv("POLKU_PROJECT_FILE", str(edited))
    get_settings.cache_clear()
    try:
        assert project.limits().bonus_monthly_euros == Decimal(700)
        with pytest.raises(FormInvalid) as invalid:
            forms.check_grant(_grant(monthly_amount=Decimal("800")))
        assert "700,00\u00a0€" in _fields(invalid)["monthly_amount"]
        assert forms.check_grant(_grant(monthly_amount=Decimal("650"), months=3)) == Decimal(
            "1950.00"
        )
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
