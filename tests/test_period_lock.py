"""The lock of approved periods (issue 16.3, 16.7) on real databases (SQLite and PostgreSQL):
while a payment period's report is approved, a change to data dated in it is refused through
every entry path (the forms, the client card's corrections and deletions, the import, the CLI)
with a message naming the period, and nothing is written; a submitted or reopened (draft)
report locks nothing, and data dated outside the period is accepted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from models import Client
from polku import client_card, db, forms, i18n, metrics, period_lock
from polku.access import Actor
from polku.ingest import FormInvalid, Problem
from polku.ui.text import plain
from tests.test_app import (
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    add_user,
    app_db,  # noqa: F401  (fixture)
    signed_in_app,
)
from tests.test_cli import polku
from tests.test_ingest import COORDINATOR, TODAY, contents, csv_bytes, load_samples, run

ADMIN = Actor("admin@example.fi", "admin")
# MK1 of data/project.toml: 1.3.2026–31.8.2026; the next, MK2, runs to 28.2.2027
LOCKED = "MK1"
IN_LOCKED, AFTER_LOCKED = date(2026, 8, 20), date(2026, 9, 20)
NAMED_FI = "maksatuskauden MK1 (1.3.2026–31.8.2026) raportti on hyväksytty"
NAMED_EN = "the report of payment period MK1 (1 Mar 2026–31 Aug 2026) has been approved"


def set_report(engine: Engine, code: str, state: str) -> None:
    """The report's state as polku/reporting.py would leave it (approve, submit, reopen)."""
    with engine.begin() as conn:
        done = conn.execute(
            text("UPDATE report SET state = :state WHERE code = :code"),
            {"state": state, "code": code},
        )
        if done.rowcount == 0:
            conn.execute(
                text("INSERT INTO report (code, state) VALUES (:code, :state)"),
                {"state": state, "code": code},
            )


def _query(engine: Engine, sql: str, **params: object) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params).all()]


def _refused(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.key == period_lock.KEY]


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    """The sample data; ESIM-0003 (entered 1.4.2026, in MK1) has an outcome on 10.8.2026."""
    load_samples(engine)
    forms.record_outcome(
        engine, COORDINATOR, "ESIM-0003", "education", date(2026, 8, 10), today=TODAY
    )
    return engine


def test_locked_periods_are_the_approved_reports_periods(loaded: Engine) -> None:
    with loaded.connect() as conn:
        assert period_lock.locked_periods(conn) == ()
    set_report(loaded, "MK2", "submitted")
    set_report(loaded, LOCKED, "approved")
    set_report(loaded, "final", "approved")  # the final report is no payment period
    with loaded.connect() as conn:
        assert period_lock.locked_periods(conn) == (
            period_lock.LockedPeriod(LOCKED, date(2026, 3, 1), date(2026, 8, 31)),
        )
        assert period_lock.locked_period(conn, date(2026, 8, 31)).code == LOCKED  # type: ignore[union-attr]
        assert period_lock.locked_period(conn, date(2026, 9, 1)) is None
        assert period_lock.locked_period(conn, date(2026, 2, 28)) is None


# ---------------------------------------------------------------------------------------------
# The forms

_GRANT: dict[str, object] = {
    "employer": "2934871-3",
    "client_code": "ESIM-0003",
    "employment_start": date(2026, 8, 1),
    "contract_type": "fixed_term",
    "weekly_hours": Decimal("30"),
    "monthly_amount": Decimal("500"),
    "months": 6,
    "application_date": date(2026, 7, 20),
    "decision": "granted",
}


def _client(day: date) -> Callable[[Engine, Actor], object]:
    entry = forms.ClientEntry(
        "L-1", "167", 1990, day, status="work_trial", gender="female", target_groups=("youth",)
    )
    return lambda engine, actor: forms.record_client(engine, actor, entry, today=TODAY)


def _exit(day: date) -> Callable[[Engine, Actor], object]:
    # ESIM-0001 entered 3.3.2026 (in MK1): only the exit's date counts for an exit
    return lambda engine, actor: forms.record_exit(
        engine, actor, "ESIM-0001", day, True, today=TODAY
    )


def _outcome(day: date) -> Callable[[Engine, Actor], object]:
    return lambda engine, actor: forms.record_outcome(
        engine, actor, "ESIM-0003", "employment_company", day, employer="2934871-3", today=TODAY
    )


def _grant(day: date) -> Callable[[Engine, Actor], object]:
    # The employment starts in MK1 either way: a grant counts by its decision's date
    entry = forms.GrantEntry(**_GRANT, decision_date=day)  # type: ignore[arg-type]
    return lambda engine, actor: forms.record_grant(engine, actor, entry, today=TODAY)


def _salary(day: date) -> Callable[[Engine, Actor], object]:
    values = {"name": "Olli Esimerkki", "role": None, "month": day, "gross_salary": Decimal("3000")}
    return lambda engine, actor: forms.record_salary(engine, ADMIN, values, today=TODAY)


def _partnership(day: date) -> Callable[[Engine, Actor], object]:
    employer = forms.EmployerEntry("Uusi Kumppani Oy", "company", "1234567-1", "167")
    agreement = forms.PartnershipEntry(day, signed_on=day)
    return lambda engine, actor: forms.record_employer(
        engine, actor, employer, agreement, today=TODAY
    )


# A form, the field its refusal names, and the table it adds a row to (None: an exit changes
# its client's row)
FORMS = {
    "client": (_client, "entry_date", "client"),
    "exit": (_exit, "exit_date", None),
    "outcome": (_outcome, "outcome_date", "outcome"),
    "grant": (_grant, "decision_date", "bonus_grant"),
    "salary": (_salary, "month", "salary_record"),
    "partnership": (_partnership, "start_date", "partnership_agreement"),
}


@pytest.mark.parametrize("form", FORMS)
def test_a_form_dated_in_an_approved_period_is_refused_naming_it_and_writes_nothing(
    loaded: Engine, form: str
) -> None:
    save, field, _ = FORMS[form]
    set_report(loaded, LOCKED, "approved")
    before = contents(loaded)
    with pytest.raises(FormInvalid) as refused:
        save(IN_LOCKED)(loaded, COORDINATOR)
    [problem] = _refused(refused.value.problems)
    assert problem.field == field
    assert NAMED_FI in problem.reason("fi")
    assert problem.reason("fi").endswith("Pääkäyttäjä voi avata raportin.")
    assert NAMED_EN in problem.reason("en")
    assert contents(loaded) == before


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("state", ["submitted", "reopened"])
def test_a_submitted_or_reopened_period_accepts_the_same_form(
    loaded: Engine, form: str, state: str
) -> None:
    save, _, table = FORMS[form]
    if state == "reopened":  # approved, then back to a draft by an admin
        set_report(loaded, LOCKED, "approved")
        set_report(loaded, LOCKED, "draft")
    else:
        set_report(loaded, LOCKED, "submitted")
    before = contents(loaded)
    save(IN_LOCKED)(loaded, COORDINATOR)
    after = contents(loaded)
    if table is None:
        assert _query(loaded, "SELECT plan_goal_reached FROM client WHERE code = 'ESIM-0001'") == [
            (True,)
        ]
    else:
        assert len(after[table]) == len(before[table]) + 1


@pytest.mark.parametrize("form", FORMS)
def test_a_form_dated_after_the_approved_period_is_accepted(loaded: Engine, form: str) -> None:
    save, _, _ = FORMS[form]
    set_report(loaded, LOCKED, "approved")
    save(AFTER_LOCKED)(loaded, COORDINATOR)


def test_exit_and_status_of_a_client_who_entered_in_the_locked_period_are_accepted(
    loaded: Engine,
) -> None:
    """Entry data is dated by the entry, the exit by the exit; no report figure reads the
    status episodes, so a status change is never locked."""
    set_report(loaded, LOCKED, "approved")
    forms.change_status(
        loaded, COORDINATOR, "ESIM-0003", "career_coaching", date(2026, 8, 1), today=TODAY
    )
    forms.record_exit(loaded, COORDINATOR, "ESIM-0003", AFTER_LOCKED, False, today=TODAY)
    assert _query(loaded, "SELECT exit_date FROM client WHERE code = 'ESIM-0003'") in (
        [(AFTER_LOCKED,)],
        [(AFTER_LOCKED.isoformat(),)],
    )


# ---------------------------------------------------------------------------------------------
# The client card


def _card_row(engine: Engine, kind: str, code: str, day_field: str, day: date):
    rows = client_card.load(engine, ADMIN, code).rows(kind)
    return next(r for r in rows if r.values[day_field] == day)


def test_the_card_refuses_moving_an_exit_out_of_the_locked_period(loaded: Engine) -> None:
    forms.record_exit(loaded, COORDINATOR, "ESIM-0003", IN_LOCKED, True, today=TODAY)
    set_report(loaded, LOCKED, "approved")
    exit_row = client_card.load(loaded, COORDINATOR, "ESIM-0003").exit
    before = contents(loaded)
    # The new date is outside the period, the old one in it: the period's figures would change
    with pytest.raises(FormInvalid) as moved:
        client_card.update(
            loaded, COORDINATOR, "exit", exit_row.id, exit_row.version,
            {"exit_date": AFTER_LOCKED}, today=TODAY,
        )  # fmt: skip
    [problem] = moved.value.problems
    assert problem.key == period_lock.KEY and problem.field == "exit_date"
    assert NAMED_FI in problem.reason("fi")
    # Clearing the exit (the card's delete of an exit) is a change to it too
    with pytest.raises(FormInvalid) as cleared:
        client_card.delete(loaded, COORDINATOR, "exit", exit_row.id, exit_row.version)
    assert [p.key for p in cleared.value.problems] == [period_lock.KEY]
    assert contents(loaded) == before
    set_report(loaded, LOCKED, "draft")  # reopened
    saved = client_card.update(
        loaded, COORDINATOR, "exit", exit_row.id, exit_row.version,
        {"exit_date": AFTER_LOCKED}, today=TODAY,
    )  # fmt: skip
    assert saved.version == exit_row.version + 1


def test_the_card_refuses_moving_an_outcome_into_the_locked_period(loaded: Engine) -> None:
    set_report(loaded, LOCKED, "approved")
    # ESIM-0002's outcome is on 28.9.2026, after the period
    row = _card_row(loaded, "outcomes", "ESIM-0002", "outcome_date", date(2026, 9, 28))
    before = contents(loaded)
    with pytest.raises(FormInvalid) as moved:
        client_card.update(
            loaded, COORDINATOR, "outcomes", row.id, row.version,
            {"outcome_date": date(2026, 8, 12)}, today=TODAY,
        )  # fmt: skip
    assert [(p.key, p.field) for p in moved.value.problems] == [(period_lock.KEY, "outcome_date")]
    assert contents(loaded) == before
    # Within the open period, the same correction goes through
    client_card.update(
        loaded, COORDINATOR, "outcomes", row.id, row.version,
        {"outcome_date": date(2026, 9, 29)}, today=TODAY,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "code", "day_field", "day"),
    [
        ("outcomes", "ESIM-0003", "outcome_date", date(2026, 8, 10)),
        ("grants", "ESIM-0006", "decision_date", date(2026, 8, 31)),
    ],
    ids=["outcome", "grant"],
)
def test_the_card_refuses_deleting_a_record_dated_in_the_locked_period(
    loaded: Engine, kind: str, code: str, day_field: str, day: date
) -> None:
    set_report(loaded, LOCKED, "approved")
    row = _card_row(loaded, kind, code, day_field, day)
    table = client_card.TABLE[kind]
    before = contents(loaded)
    with pytest.raises(FormInvalid) as refused:
        client_card.delete(loaded, ADMIN, kind, row.id, row.version)
    [problem] = refused.value.problems
    assert problem.key == period_lock.KEY and problem.field == day_field
    assert NAMED_FI in problem.reason("fi")
    assert contents(loaded) == before
    # The grant's later follow-up is no figure of the report: it may be recorded
    if kind == "grants":
        client_card.update(
            loaded, ADMIN, kind, row.id, row.version,
            {"employed_after_6_months": True}, today=TODAY,
        )  # fmt: skip
        row = _card_row(loaded, kind, code, day_field, day)
    set_report(loaded, LOCKED, "submitted")
    client_card.delete(loaded, ADMIN, kind, row.id, row.version)
    assert len(contents(loaded)[table]) == len(before[table]) - 1


# ---------------------------------------------------------------------------------------------
# The import and the CLI

OUTCOMES = [
    ["Asiakastunnus", "Tulos", "Päivämäärä"],
    ["ESIM-0004", "Koulutus", "1.10.2026"],  # after the period: fine on its own
    ["ESIM-0007", "Koulutus", "15.8.2026"],  # in the locked period
]


def test_an_import_with_a_row_dated_in_the_locked_period_is_refused_whole(
    loaded: Engine,
) -> None:
    set_report(loaded, LOCKED, "approved")
    before = contents(loaded)
    report = run(loaded, "outcomes", csv_bytes(OUTCOMES))
    assert not report.committed
    [problem] = report.errors
    assert (problem.row, problem.column, problem.key) == (3, "Päivämäärä", period_lock.KEY)
    assert problem.text("fi").startswith(f"rivi 3, sarake Päivämäärä: {NAMED_FI}")
    assert contents(loaded) == before
    set_report(loaded, LOCKED, "draft")
    assert run(loaded, "outcomes", csv_bytes(OUTCOMES)).committed


def test_an_import_changing_entry_data_of_a_client_who_entered_in_the_period_is_refused(
    loaded: Engine,
) -> None:
    set_report(loaded, LOCKED, "approved")
    sample = Path("data/sample/clients.csv").read_bytes().decode("utf-8-sig").splitlines()
    # The same file again changes nothing, so the lock has nothing to refuse
    assert run(loaded, "clients", "\n".join(sample).encode()).committed
    changed = list(sample)
    # ESIM-0002 (entered 16.3.2026): gender; ESIM-0001 (3.3.2026): target groups
    changed[2] = changed[2].replace(";Nainen;", ";Mies;")
    changed[1] = changed[1].replace(";Pitkäaikaistyöttömät;", ";Nuoret;")
    # ESIM-0008 entered 1.9.2026, after the period: its change alone would be fine
    changed[8] = changed[8].replace(";2001;", ";2000;")
    before = contents(loaded)
    report = run(loaded, "clients", "\n".join(changed).encode())
    assert {(p.row, p.column) for p in _refused(report.errors)} == {
        (3, "Sukupuoli"),
        (2, "Kohderyhmät"),
    }
    assert contents(loaded) == before


def test_the_cli_import_is_refused_naming_the_period(
    loaded: Engine, db_url: str, tmp_path: Path
) -> None:
    set_report(loaded, LOCKED, "approved")
    path = tmp_path / "tulokset.csv"
    path.write_bytes(csv_bytes(OUTCOMES))
    before = contents(loaded)
    result = polku("import", "outcomes", str(path), database_url=db_url)
    assert result.returncode == 1
    assert f"rivi 3, sarake Päivämäärä: {NAMED_FI}" in result.stderr
    assert result.stdout == ""
    assert contents(loaded) == before
    set_report(loaded, LOCKED, "submitted")
    result = polku("import", "outcomes", str(path), database_url=db_url)
    assert result.returncode == 0, result.stderr
    assert len(contents(loaded)["outcome"]) == len(before["outcome"]) + 2


# ---------------------------------------------------------------------------------------------
# The six-month follow-up is dated six months after the exit


def test_the_six_month_follow_up_counts_six_months_after_the_exit(loaded: Engine) -> None:
    forms.record_exit(loaded, COORDINATOR, "ESIM-0003", date(2026, 8, 20), True, today=TODAY)
    with loaded.connect() as conn:
        [old] = conn.execute(text("SELECT * FROM client WHERE code = 'ESIM-0003'")).mappings()
    followed = {**old, "employed_6_months": True}
    set_report(loaded, LOCKED, "approved")
    with loaded.connect() as conn:
        mk1 = period_lock.locked_periods(conn)
    # Left in MK1, six months on is 20.2.2027 in MK2: the follow-up is no change to MK1
    assert period_lock.refusal(mk1, "client", old, followed) is None
    set_report(loaded, LOCKED, "draft")
    set_report(loaded, "MK2", "approved")
    with loaded.connect() as conn:
        mk2 = period_lock.locked_periods(conn)
    refused = period_lock.refusal(mk2, "client", old, followed)
    assert refused is not None
    assert (refused.period.code, refused.column) == ("MK2", "employed_6_months")
    # Moving the exit within open MK1 moves a recorded follow-up's day within locked MK2
    moved = {"exit_date": date(2026, 8, 25)}
    refused = period_lock.refusal(mk2, "client", followed, {**followed, **moved})
    assert refused is not None and refused.period.code == "MK2"
    # ... and without a follow-up recorded, there is nothing in MK2 to change
    assert period_lock.refusal(mk2, "client", old, {**old, **moved}) is None


# ---------------------------------------------------------------------------------------------
# The page


def test_the_clients_page_shows_the_refusal_naming_the_period(app_db: str) -> None:  # noqa: F811
    user = "koordinaattori@joensuu.example"
    add_user(app_db, user, "coordinator", "167")
    today = metrics.today()
    left = today - timedelta(days=5)
    engine = db.make_engine(app_db)
    with Session(engine) as s:
        s.add(
            Client(
                code="T-1", municipality_code="167", birth_year=1990,
                entry_date=today - timedelta(days=60),
            )
        )  # fmt: skip
        s.commit()
    [(code, start, end)] = _query(
        engine,
        "SELECT code, start_date, end_date FROM payment_period"
        " WHERE start_date <= :day AND end_date >= :day",
        day=left,
    )
    set_report(engine, code, "approved")
    at = signed_in_app(user)
    at.query_params["kunta"] = "Joensuu"
    at.run()
    at.switch_page("app_pages/clients.py").run()
    at.session_state["asiakkaat_tab"] = i18n.t("forms.tab.exit", "fi")
    at.run()
    at.selectbox(key="exit_client_code_0").select("T-1")
    at.date_input(key="exit_exit_date_0").set_value(left)
    at.selectbox(key="exit_plan_goal_reached_0").select("yes")
    at.button(key=f"FormSubmitter:exit_form_0-{i18n.t('forms.save', 'fi')}").click().run()
    assert not at.exception, at.exception
    dates = (date.fromisoformat(str(start)[:10]), date.fromisoformat(str(end)[:10]))
    message = i18n.t(period_lock.KEY, "fi", period=code, dates=i18n.fmt_period(*dates, "fi"))
    assert any(plain(message[0].upper() + message[1:]) in e.value for e in at.error)
    assert _query(engine, "SELECT exit_date FROM client WHERE code = 'T-1'") == [(None,)]
    engine.dispose()
