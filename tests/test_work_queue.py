"""polku/work_queue.py on hand-made data (SQLite and PostgreSQL): each rule at its boundaries,
the scope (a coordinator never sees another municipality's work), and the page Tehtävät and the
checklist's deadline flags through AppTest."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, insert, select, update
from streamlit.testing.v1 import AppTest

from models import metadata
from polku import db, i18n, metrics, project
from polku import work_queue as wq
from polku.access import AccessDenied, Actor
from polku.users import SYSTEM
from tests.test_app import (
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    add_user,
    app_db,  # noqa: F401  (fixture)
    signed_in_app,
)

AS_OF = date(2027, 6, 15)
JOENSUU, LIEKSA = "167", "422"
COORDINATOR = Actor("k@example.fi", "coordinator", frozenset({JOENSUU}))
RULES = project.WorkQueueRules(stale_client_months=6, due_soon_days=14, report_due_days=30)

_item = metadata.tables["checklist_item"]
_client = metadata.tables["client"]
_episode = metadata.tables["status_episode"]
_employer = metadata.tables["employer"]
_grant = metadata.tables["bonus_grant"]
_report = metadata.tables["report"]


def _items(engine: Engine, municipality: str) -> list[int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(_item.c.id).where(_item.c.municipality_code == municipality).order_by(_item.c.id)
        )
        return [int(r[0]) for r in rows]


def _set_item(engine: Engine, item_id: int, due: date, status: str = "in_progress") -> None:
    with engine.begin() as conn:
        conn.execute(update(_item).where(_item.c.id == item_id).values(due_date=due, status=status))


def _client_row(engine: Engine, code: str, municipality: str, entry: date, **more) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                insert(_client).values(
                    code=code,
                    municipality_code=municipality,
                    birth_year=1990,
                    entry_date=entry,
                    **more,
                )
            ).inserted_primary_key[0]
        )


def _episode_row(engine: Engine, client: int, start: date, end: date | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(_episode).values(
                client_id=client, status_code=_first_status(conn), start_date=start, end_date=end
            )
        )


def _first_status(conn) -> str:
    return str(conn.execute(select(metadata.tables["client_status"].c.code)).scalars().first())


def _grant_row(engine: Engine, client: int, start: date, decision: str = "granted", **more) -> None:
    with engine.begin() as conn:
        employer = conn.execute(select(_employer.c.id).where(_employer.c.name == "Työnantaja"))
        employer_id = employer.scalar()
        if employer_id is None:
            employer_id = conn.execute(
                insert(_employer).values(
                    name="Työnantaja", employer_type="private_person", municipality_code=JOENSUU
                )
            ).inserted_primary_key[0]
        conn.execute(
            insert(_grant).values(
                employer_id=employer_id,
                client_id=client,
                employment_start=start,
                contract_type="permanent",
                weekly_hours=37.5,
                monthly_amount=500,
                months=6,
                amount=3000,
                application_date=start - timedelta(days=30),
                decision_date=None if decision == "pending" else start - timedelta(days=10),
                decision=decision,
                **more,
            )
        )


def _of(items: list[wq.WorkItem], kind: str) -> list[wq.WorkItem]:
    return [i for i in items if i.kind == kind]


# --- checklist items: overdue, due within 14 days, later ------------------------------------


def test_checklist_items_overdue_and_due_soon_but_not_later_or_done(engine: Engine) -> None:
    ids = _items(engine, JOENSUU)
    _set_item(engine, ids[0], AS_OF - timedelta(days=3))  # overdue
    _set_item(engine, ids[1], AS_OF + timedelta(days=14))  # due on the last day of the window
    _set_item(engine, ids[2], AS_OF + timedelta(days=15))  # later
    _set_item(engine, ids[3], AS_OF - timedelta(days=9), "done")
    _set_item(engine, ids[4], AS_OF - timedelta(days=9), "not_applicable")
    found = _of(wq.work_queue(engine, COORDINATOR, AS_OF, rules=RULES), wq.CHECKLIST)
    assert [(i.due, i.days_overdue, i.overdue) for i in found] == [
        (AS_OF - timedelta(days=3), 3, True),
        (AS_OF + timedelta(days=14), -14, False),
    ]
    assert all(i.link == "vaihelistat?kunta=Joensuu" for i in found)
    assert found[0].deadline("fi") == "Myöhässä 3 pv"
    assert found[1].deadline("en") == "14 d left"


# --- bonus follow-ups at 6 and 12 months -------------------------------------------------------


def test_follow_ups_fall_due_at_6_and_12_months_while_unanswered(engine: Engine) -> None:
    six = _client_row(engine, "J-SIX", JOENSUU, date(2026, 11, 1))
    _grant_row(engine, six, date(2026, 12, 15))  # 6 months today
    early = _client_row(engine, "J-EARLY", JOENSUU, date(2026, 11, 1))
    _grant_row(engine, early, date(2026, 12, 16))  # 6 months tomorrow
    twelve = _client_row(engine, "J-TWELVE", JOENSUU, date(2026, 3, 1))
    _grant_row(engine, twelve, date(2026, 6, 1), employed_after_6_months=True)
    done = _client_row(engine, "J-DONE", JOENSUU, date(2026, 3, 1))
    _grant_row(
        engine,
        done,
        date(2026, 6, 1),
        employed_after_6_months=True,
        employed_after_12_months=False,
    )
    refused = _client_row(engine, "J-REFUSED", JOENSUU, date(2026, 3, 1))
    _grant_row(engine, refused, date(2026, 6, 1), decision="refused")
    pending = _client_row(engine, "J-PENDING", JOENSUU, date(2026, 3, 1))
    _grant_row(engine, pending, date(2026, 6, 1), decision="pending")

    found = _of(wq.work_queue(engine, COORDINATOR, AS_OF, rules=RULES), wq.FOLLOW_UP)
    assert sorted((i.client_code, i.params["months"], i.due) for i in found) == [
        ("J-SIX", 6, date(2027, 6, 15)),
        ("J-TWELVE", 12, date(2027, 6, 1)),
    ]
    assert {i.link for i in found} == {
        "asiakaskortti?asiakas=J-SIX",
        "asiakaskortti?asiakas=J-TWELVE",
    }
    assert all("J-" not in i.label("fi") + i.label("en") for i in found)


def test_a_follow_up_of_a_month_end_start_falls_on_the_shorter_months_last_day() -> None:
    row = {
        "client_code": "X",
        "municipality": JOENSUU,
        "employment_start": date(2026, 8, 31),
        "employed_after_6_months": None,
        "employed_after_12_months": None,
    }
    assert [i.due for i in wq.follow_ups_due([row], date(2027, 2, 28))] == [date(2027, 2, 28)]
    assert wq.follow_ups_due([row], date(2027, 2, 27)) == []


# --- clients without a status change ---------------------------------------------------------


def test_stale_clients_are_active_ones_without_a_change_for_over_six_months(engine: Engine) -> None:
    _client_row(engine, "J-EXACT", JOENSUU, date(2026, 12, 15))  # exactly 6 months: not yet
    _client_row(engine, "J-OVER", JOENSUU, date(2026, 12, 14))  # a day over
    started = _client_row(engine, "J-STARTED", JOENSUU, date(2026, 1, 1))
    _episode_row(engine, started, date(2026, 1, 1), date(2027, 1, 31))
    _episode_row(engine, started, date(2027, 2, 1))  # a new status after the cutoff
    ended = _client_row(engine, "J-ENDED", JOENSUU, date(2026, 1, 1))
    _episode_row(engine, ended, date(2026, 1, 1), date(2027, 1, 10))  # an end is a change
    planned = _client_row(engine, "J-PLANNED", JOENSUU, date(2026, 1, 1))
    _episode_row(engine, planned, date(2026, 1, 1), date(2027, 9, 1))  # an end still ahead
    _client_row(engine, "J-LEFT", JOENSUU, date(2026, 1, 1), exit_date=date(2027, 6, 1))
    _client_row(engine, "J-FUTURE", JOENSUU, date(2027, 7, 1))

    found = _of(wq.work_queue(engine, COORDINATOR, AS_OF, rules=RULES), wq.STALE_CLIENT)
    assert sorted(i.client_code for i in found) == ["J-OVER", "J-PLANNED"]
    over = next(i for i in found if i.client_code == "J-OVER")
    assert (over.due, over.days_overdue) == (date(2027, 6, 14), 1)
    longer = project.WorkQueueRules(stale_client_months=7, due_soon_days=14, report_due_days=30)
    found = _of(wq.work_queue(engine, COORDINATOR, AS_OF, rules=longer), wq.STALE_CLIENT)
    assert [i.client_code for i in found] == ["J-PLANNED"]


# --- indicators behind their expected value ------------------------------------------------


def test_indicators_behind_and_a_rate_only_once_someone_has_left(engine: Engine) -> None:
    definitions = metrics.indicators(engine)
    counts = definitions[definitions["kind"] == "count"]
    found = _of(wq.work_queue(engine, COORDINATOR, AS_OF, rules=RULES), wq.INDICATOR)
    # Nothing recorded a year into the project: every count is behind; the rate has no one yet
    assert sorted(i.params["indicator"]["fi"] for i in found) == sorted(counts["name_fi"])
    assert all(i.link == "mittarit?kunta=Joensuu" and i.due is None for i in found)
    for n in range(5):
        _client_row(
            engine,
            f"J-LEFT{n}",
            JOENSUU,
            date(2026, 5, 1),
            exit_date=date(2027, 1, 1),
            plan_goal_reached=False,
        )
    found = _of(wq.work_queue(engine, COORDINATOR, AS_OF, rules=RULES), wq.INDICATOR)
    rate = definitions[definitions["kind"] == "rate"]["name_fi"].iloc[0]
    assert rate in {i.params["indicator"]["fi"] for i in found}
    label = next(i for i in found if i.params["indicator"]["fi"] == rate).label("fi")
    assert label.startswith(f"{rate}: {i18n.fmt_percent(0, 0, 'fi')}")


# --- reports due -------------------------------------------------------------------------------


def test_reports_of_ended_periods_are_due_until_submitted(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(_report), [{"code": "MK1", "state": "approved"}])
        conn.execute(insert(_report), [{"code": "MK2", "state": "draft"}])
    found = _of(wq.work_queue(engine, SYSTEM, AS_OF, rules=RULES), wq.REPORT)
    # MK1 approved; MK2 ended 28.2.2027, overdue from 30 days later; MK3 has not ended
    assert [(i.params["period"], i.due, i.overdue) for i in found] == [
        ("MK2", date(2027, 3, 30), True)
    ]
    assert found[0].link == "raportit"
    assert _of(wq.work_queue(engine, COORDINATOR, AS_OF, rules=RULES), wq.REPORT) == []


def test_report_due_boundaries_and_the_final_report() -> None:
    periods = [("P1", date(2027, 1, 31)), ("P2", date(2027, 2, 28))]
    due = wq.reports_due(periods, {"P1": "submitted"}, date(2027, 2, 28), 10)
    assert due == []  # P1 submitted; P2 ends today
    due = wq.reports_due(periods, {}, date(2027, 2, 10), 10, project_end=date(2027, 2, 1))
    assert [(i.key, i.due, i.days_overdue, i.overdue) for i in due] == [
        ("tasks.label.report", date(2027, 2, 10), 0, False),
        ("tasks.label.final_report", date(2027, 2, 11), -1, False),
    ]


# --- scope -------------------------------------------------------------------------------------


def _two_municipalities(engine: Engine, as_of: date) -> None:
    """In Joensuu and in Lieksa: an overdue checklist item, a stale client, a follow-up due."""
    for code, prefix in ((JOENSUU, "J"), (LIEKSA, "L")):
        _set_item(engine, _items(engine, code)[0], as_of - timedelta(days=3))
        _client_row(engine, f"{prefix}-STALE", code, as_of - timedelta(days=400))
        client = _client_row(engine, f"{prefix}-BONUS", code, as_of - timedelta(days=400))
        _episode_row(engine, client, as_of - timedelta(days=30))
        _grant_row(engine, client, as_of - timedelta(days=200))


def test_a_coordinator_never_sees_another_municipalitys_work(engine: Engine) -> None:
    _two_municipalities(engine, AS_OF)
    mine = wq.work_queue(engine, COORDINATOR, AS_OF, rules=RULES)
    assert {i.municipality for i in mine} == {JOENSUU}
    assert {i.client_code for i in mine if i.client_code} == {"J-STALE", "J-BONUS"}
    everyone = wq.work_queue(engine, SYSTEM, AS_OF, rules=RULES)
    assert {JOENSUU, LIEKSA, None} <= {i.municipality for i in everyone}
    assert {i.municipality for i in wq.work_queue(engine, SYSTEM, AS_OF, LIEKSA, RULES)} == {LIEKSA}
    with pytest.raises(AccessDenied):
        wq.work_queue(engine, COORDINATOR, AS_OF, LIEKSA, RULES)
    for role in ("director", "analyst"):
        with pytest.raises(AccessDenied):
            wq.work_queue(engine, Actor("x@example.fi", role, frozenset({JOENSUU})), AS_OF)


def test_the_project_files_thresholds_are_read(project_file) -> None:
    rules = project.work_queue_rules()
    assert rules.stale_client_months > 0 and rules.due_soon_days > 0
    assert rules.report_due_days > 0


# --- the page Tehtävät and the checklist's flags (AppTest) -----------------------------------

COORDINATOR_EMAIL, DIRECTOR_EMAIL = "koordinaattori@example.fi", "johtaja@example.fi"


@pytest.fixture
def queue_app(app_db: str) -> str:  # noqa: F811
    add_user(app_db, COORDINATOR_EMAIL, "coordinator", JOENSUU)
    add_user(app_db, DIRECTOR_EMAIL, "director", JOENSUU)
    engine = db.make_engine(app_db)
    _two_municipalities(engine, metrics.today())
    engine.dispose()
    return app_db


def _open(email: str, page: str, kunta: str | None = None) -> AppTest:
    at = signed_in_app(email)
    if kunta:
        at.query_params["kunta"] = kunta
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_the_tasks_page_shows_a_coordinator_their_own_queue(queue_app: str) -> None:
    at = _open(COORDINATOR_EMAIL, "app_pages/tasks.py")
    assert at.title[0].value == i18n.t("page.tasks", "fi")
    metrics_shown = {m.label: m.value for m in at.metric}
    assert metrics_shown[i18n.t("tasks.kind.checklist", "fi")] == "1"
    assert metrics_shown[i18n.t("tasks.kind.stale_client", "fi")] == "1"  # J-STALE
    tables = [t.value for t in at.dataframe]
    shown = " ".join(frame.to_csv() for frame in tables)
    assert "J-STALE" in shown and "L-STALE" not in shown and "Lieksa" not in shown
    checklist = next(f for f in tables if "vaihelistat?kunta=Joensuu" in set(f["link"]))
    assert checklist["deadline"].iloc[0] == "⚠ Myöhässä 3 pv"  # an icon and text
    assert "asiakaskortti?asiakas=J-STALE" in shown
    # No reports section for a coordinator (the reports are the admin's)
    assert i18n.t("tasks.kind.report", "fi") not in [h.value for h in at.subheader]


def test_a_director_cannot_open_the_tasks_page(queue_app: str) -> None:
    at = signed_in_app(DIRECTOR_EMAIL).run()
    with pytest.raises(ValueError):
        at.switch_page("app_pages/tasks.py").run()


def test_the_municipalitys_checklist_flags_its_overdue_items(queue_app: str) -> None:
    at = _open(COORDINATOR_EMAIL, "app_pages/checklists.py", "Joensuu")
    warnings = " ".join(w.value for w in at.warning)
    assert i18n.t("checklists.flags.deadlines", "fi", overdue="1", soon="0", days="14") in warnings
    captions = [c.value for c in at.caption]
    assert any(c.startswith("⚠ ") and c.endswith(": Myöhässä 3 pv") for c in captions), captions


def _my_settings(at: AppTest) -> AppTest:
    """The user opens the sidebar's "My settings": its toggle is drawn only then."""
    assert not at.toggle
    at.session_state["omat_asetukset"] = True
    return at.run()


def test_a_coordinator_turns_their_own_digest_on_in_the_sidebar(queue_app: str) -> None:
    at = _my_settings(_open(COORDINATOR_EMAIL, "app_pages/tasks.py"))
    at.toggle(key="oma_viikkokooste").set_value(True).run()
    assert not at.exception
    engine = db.make_engine(queue_app)
    with engine.connect() as conn:
        users = metadata.tables["app_user"]
        opted = dict(conn.execute(select(users.c.email, users.c.weekly_digest)).all())
    engine.dispose()
    assert opted[COORDINATOR_EMAIL] is True and opted[DIRECTOR_EMAIL] is False


def test_each_coordinator_sees_their_own_digest_setting(queue_app: str) -> None:
    """The setting is read through the cache, kept per user: a colleague of the same role and
    municipality who opted in does not make it look on for this one."""
    colleague = "kollega@joensuu.example"
    add_user(queue_app, colleague, "coordinator", JOENSUU)
    first = _my_settings(_open(COORDINATOR_EMAIL, "app_pages/tasks.py"))
    first.toggle(key="oma_viikkokooste").set_value(True).run()
    first.run()  # read again after the save: the cache now holds this user's "on"
    assert first.toggle(key="oma_viikkokooste").value is True
    other = _my_settings(_open(colleague, "app_pages/tasks.py"))
    assert other.toggle(key="oma_viikkokooste").value is False
