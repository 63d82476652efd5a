"""The Talous page (issue 15): each role's view, what it refuses, the page's figures equal to
polku/money.py's for the sample, on both backends; and the money chart builders' specs are in
tests/test_charts.py."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from polku import db, i18n, metrics, money, sample
from polku.access import Actor
from polku.ui import finance
from tests.test_app import (
    ADMIN_EMAIL,
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    add_user,
    app_db,  # noqa: F401  (fixture)
    each_tab,
    open_tab,
    shown_tables,
    signed_in_app,
)
from tests.test_director_privacy import deferred  # noqa: F401  (fixture)

COORDINATOR, DIRECTOR, ANALYST = (
    "talous.koordinaattori@example.fi",
    "talous.johtaja@example.fi",
    "talous.analyytikko@example.fi",
)
ADMIN_ACTOR = Actor(email=ADMIN_EMAIL, role="admin")


def _fi(key: str, **values: object) -> str:
    return i18n.t(key, "fi", **values)


@pytest.fixture
def sample_db(app_db: str) -> str:  # noqa: F811
    """The sample (python -m polku init --sample), a coordinator of Joensuu, a director of
    Lieksa and an analyst."""
    engine = db.make_engine(app_db)
    with db.session_scope(engine) as session:
        sample.load_sample(session)
    engine.dispose()
    add_user(app_db, COORDINATOR, "coordinator", "167")
    add_user(app_db, DIRECTOR, "director", "422")
    add_user(app_db, ANALYST, "analyst")
    return app_db


def _finance(email: str, municipality: str | None = None) -> AppTest:
    at = signed_in_app(email)
    if municipality:
        at.query_params["kunta"] = municipality
    at.run()
    at.switch_page("app_pages/finance.py").run()
    assert not at.exception, at.exception
    return at


def _sections(at: AppTest) -> Iterator[str]:
    """The page with each of its sections (tabs) open in turn."""
    return each_tab(at, finance.SECTION_TAB_KEY)


def _open(at: AppTest, section: str) -> AppTest:
    return open_tab(at, finance.SECTION_TAB_KEY, _fi(f"finance.tab.{section}"))


def _headers(at: AppTest) -> list[str]:
    """The headers of every section of the page."""
    return [h.value for _ in _sections(at) for h in at.header]


def _cells(at: AppTest) -> set[str]:
    """Every cell of every section's tables, as shown."""
    return {
        str(v)
        for _ in _sections(at)
        for frame in shown_tables(at)
        for v in frame.to_numpy().ravel()
    }


def _euro(value: float) -> str:
    return i18n.fmt_euro(value, 0, "fi")


@pytest.mark.parametrize("email", [ADMIN_EMAIL, ANALYST])
def test_the_region_view_equals_polku_money(sample_db: str, email: str) -> None:
    at = _finance(email)
    engine = db.make_engine(sample_db)
    today = metrics.today()
    table = money.budget_table(engine, ADMIN_ACTOR, today).set_index("amount")
    ahead = money.forecast(engine, ADMIN_ACTOR, today)
    engine.dispose()
    cards = {m.label: m.value for m in at.metric}
    for amount, row in table.iterrows():
        assert cards[_fi(f"finance.amount.{amount}")] == _euro(row["actual"])
    captions = [c.value for c in at.caption]
    total = table.loc["total"]
    share = i18n.fmt_percent(total["used_share"], 1, "fi")
    assert _fi("finance.card", share=share, budget=_euro(total["budget"]),
               planned=_euro(total["planned"])) in captions  # fmt: skip
    assert ahead is not None and cards[_fi("chart.forecast")] == _euro(ahead.forecast_total)
    # costs with forecast, cost per result, FTE: each in its section
    assert sum(len(at.get("vega_lite_chart")) for _ in _sections(at)) == 3


def test_an_earlier_as_of_day_picked_in_its_popover_shows_the_costs_to_that_day(
    sample_db: str,
) -> None:
    at = _finance(ADMIN_EMAIL)
    engine = db.make_engine(sample_db)
    rules = money.rules(engine)
    today = min(metrics.today(), rules.end)
    day = today - timedelta(days=90)
    table = money.budget_table(engine, ADMIN_ACTOR, day).set_index("amount")
    engine.dispose()
    label = _fi("finance.as_of.button", day=i18n.fmt_date(today, "fi"))
    chooser = [b for b in at.get("popover") if b.proto.popover.label == label]
    assert chooser, "the popover names the day shown"
    assert chooser[0].get("date_input")[0].value == today

    at.date_input(key=finance.AS_OF_KEY).set_value(day).run()
    assert not at.exception, at.exception
    labels = [b.proto.popover.label for b in at.get("popover")]
    assert _fi("finance.as_of.button", day=i18n.fmt_date(day, "fi")) in labels
    period = i18n.fmt_period(rules.start, day, "fi")
    assert any(period in c.value for c in at.caption)
    cards = {m.label: m.value for m in at.metric}
    assert cards[_fi("finance.amount.total")] == _euro(table.loc["total", "actual"])


def test_only_admins_see_persons_pay(sample_db: str) -> None:
    engine = db.make_engine(sample_db)
    people = money.staff_costs(engine, ADMIN_ACTOR, metrics.today())
    engine.dispose()
    admin = _finance(ADMIN_EMAIL)
    assert _fi("finance.staff_costs") in _headers(admin)
    assert set(people["name"]) <= _cells(admin)
    for email, place in ((ANALYST, None), (COORDINATOR, "Joensuu"), (DIRECTOR, "Lieksa")):
        at = _finance(email, place)
        assert _fi("finance.staff_costs") not in _headers(at)
        cells = _cells(at)
        # No person's name and no person's summed pay anywhere in the view's tables
        assert not any(name in cells for name in people["name"])
        assert not any(_euro(x) in cells for x in people["eligible_salaries"])
        assert not any(_euro(x) in cells for x in people["gross_salary"])


@pytest.mark.parametrize(("email", "own"), [(COORDINATOR, "167"), (DIRECTOR, "422")])
def test_coordinators_and_directors_read_their_municipalitys_part(
    sample_db: str, email: str, own: str
) -> None:
    engine = db.make_engine(sample_db)
    today = metrics.today()
    share = money.municipality_share(engine, ADMIN_ACTOR, own)
    region = money.budget_table(engine, ADMIN_ACTOR, today).set_index("amount")
    names = metrics.municipalities(engine).set_index("code")["name"]
    engine.dispose()
    # The region picked in the sidebar: their own municipality's part is shown instead
    at = _finance(email)
    assert _fi("finance.own_municipality") in [i.value for i in at.info]
    cards = {m.label: m.value for m in at.metric}
    part = money.share_of(region.reset_index(), share, ["actual"]).set_index("amount")
    assert cards[_fi("finance.amount.total")] == _euro(part.loc["total", "actual"])
    assert cards[_fi("finance.amount.total")] != _euro(region.loc["total", "actual"])
    # The municipal financing table lists their municipality only
    (financing,) = [
        f.value
        for f in _open(at, "shares").dataframe
        if _fi("finance.col.amount") in f.value.columns
    ]
    assert list(financing[_fi("finance.col.municipality")]) == [names[own]]


def test_a_director_never_sees_cost_per_result_of_one_to_four_results(sample_db: str) -> None:
    engine = db.make_engine(sample_db)
    today = metrics.today()
    rows = money.cost_per_result_by_municipality(engine, ADMIN_ACTOR, today, ["422"])
    engine.dispose()
    small = rows[(rows["results"] >= 1) & (rows["results"] <= 4)]
    assert not small.empty  # the sample's Lieksa has a result of 1–4
    for indicator, costs in zip(small["indicator"], small["cost_per_result"], strict=True):
        director = _open(_finance(DIRECTOR, "Lieksa"), "per_result")
        director.selectbox(key="talous_tulos").set_value(indicator).run()
        unshown = _euro(costs)
        cells = {str(v) for f in shown_tables(director) for v in f.to_numpy().ravel()}
        assert unshown not in cells and "< 5" in cells


def test_euros_are_in_finnish_formats(sample_db: str) -> None:
    at = _finance(ADMIN_EMAIL)
    months = next(f for f in shown_tables(at) if _fi("finance.amount.total") in f.columns)
    totals = list(months[_fi("finance.amount.total")])
    assert totals and all(re.fullmatch(r"\d{1,3}(\u00a0\d{3})*\u00a0€", v) for v in totals)


def test_a_month_paying_one_or_two_persons_is_merged_for_all_but_admins(
    sample_db: str,
) -> None:
    """Pay of two persons in the project's first month: the admin sees the month, the analyst
    sees it merged into the next, and no sum of the two persons' pay."""
    engine = db.make_engine(sample_db)
    today = metrics.today()
    first = money.rules(engine).start
    salary = money._salary  # noqa: SLF001  (test set-up of the salaries' table)
    with engine.begin() as conn:
        paid = [r[0] for r in conn.execute(
            salary.select().with_only_columns(salary.c.id).where(salary.c.month == first)
        )]  # fmt: skip
        conn.execute(salary.delete().where(salary.c.id.in_(paid[2:])))
    analyst = Actor(email=ANALYST, role="analyst")
    admin_months = money.months_shown(engine, ADMIN_ACTOR, today)
    months = money.months_shown(engine, analyst, today)
    engine.dispose()
    assert admin_months["month"].iloc[0] == first
    assert months["month_from"].iloc[0] == first and months["month"].iloc[0] > first
    assert months["total"].iloc[0] == pytest.approx(admin_months["total"].iloc[:2].sum())
    assert months["cumulative_total"].iloc[0] == pytest.approx(
        admin_months["cumulative_total"].iloc[1]
    )
    two_persons = admin_months["total"].iloc[0]
    cells = _cells(_finance(ANALYST))
    assert _euro(two_persons) not in cells
    assert _euro(two_persons) in _cells(_finance(ADMIN_EMAIL))
    assert _fi("finance.merged_note") in [c.value for c in _finance(ANALYST).caption]


def test_nothing_is_shown_to_others_while_the_costs_are_two_persons_pay(
    sample_db: str,
) -> None:
    engine = db.make_engine(sample_db)
    salary = money._salary  # noqa: SLF001
    with engine.begin() as conn:
        conn.execute(salary.delete().where(salary.c.staff_member_id > 2))
    engine.dispose()
    at = _finance(ANALYST)
    assert _fi("finance.nothing_shown") in [i.value for i in at.info]
    assert not at.metric and _fi("finance.costs") not in _headers(at)
    assert _fi("finance.staff_time") in _headers(at)  # time, not pay
    assert _finance(ADMIN_EMAIL).metric


def test_the_page_is_in_the_navigation_for_every_role(sample_db: str) -> None:
    for email in (ADMIN_EMAIL, ANALYST, COORDINATOR, DIRECTOR):
        at = _finance(email)
        assert at.title[0].value == _fi("page.finance")
        assert not at.error


def test_english_labels(sample_db: str) -> None:
    at = signed_in_app(ADMIN_EMAIL)
    at.query_params["kieli"] = "English"
    at.run()
    at.switch_page("app_pages/finance.py").run()
    assert not at.exception
    assert at.title[0].value == i18n.t("page.finance", "en")
    assert i18n.t("finance.summary", "en") in [h.value for h in at.header]


def test_admins_download_the_payment_application_and_the_register_from_the_page(
    sample_db: str,
    deferred: dict[str, tuple[Any, str]],  # noqa: F811
) -> None:
    at = _finance(ADMIN_EMAIL)
    files = {
        name: make()
        for button in at.get("download_button")
        if (file_id := button.proto.deferred_file_id) in deferred
        for make, name in [deferred[file_id]]
    }
    first = money.payment_periods(db.make_engine(sample_db))["code"].iloc[0]
    attachment = load_workbook(io.BytesIO(files[f"maksatushakemuksen-liite-{first}.xlsx"]))
    assert len(attachment.sheetnames) >= 3  # a sheet per part
    [register] = [data for name, data in files.items() if name.startswith("de-minimis-")]
    assert load_workbook(io.BytesIO(register)).active.max_row >= 1
    for email in (ANALYST, COORDINATOR):  # others get neither file
        buttons = _finance(email).get("download_button")
        ids = [b.proto.deferred_file_id for b in buttons]
        names = {deferred[i][1] for i in ids if i in deferred}
        assert not any(n.startswith(("maksatushakemuksen-liite", "de-minimis")) for n in names)
