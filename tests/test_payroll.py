"""Staff and monthly salaries (issue 15, points 2 and 3) on real databases: the two import kinds
(admins only, refusals audited), their rules (a month within the employment, the unit-cost
hours cap a warning, the declared ranges), one spell per month, the forms, and the admin's
export importing back unchanged; others never see these rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from polku import access, audit, db, exports, forms, i18n, ingest
from polku.access import AccessDenied, Actor
from polku.ingest import FormInvalid
from polku.users import SYSTEM
from tests.test_access import forget_refusal_sinks  # noqa: F401
from tests.test_app import (
    ADMIN_EMAIL,
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    add_user,
    app_db,  # noqa: F401  (fixture)
    open_tab,
    signed_in_app,
)
from tests.test_ingest import (
    ANALYST,
    COORDINATOR,
    DIRECTOR,
    TODAY,
    csv_bytes,
    data_contents,
    run,
    where,
)

STAFF = ["Nimi", "Rooli", "Työaikaosuus", "Kunta", "Alkupäivä", "Loppupäivä"]
SALARY = ["Nimi", "Kuukausi", "Bruttopalkka", "Tunnit"]


def _staff(*rows: list[Any]) -> bytes:
    return csv_bytes([STAFF, *rows])


def _salaries(*rows: list[Any], header: list[str] = SALARY) -> bytes:
    return csv_bytes([header, *rows])


def _ok(report: ingest.ImportReport) -> ingest.ImportReport:
    assert report.committed or (report.dry_run and not report.errors), [
        p.text() for p in report.problems
    ]
    return report


def _same(value: Any) -> Any:
    """A value as both backends give it: SQLite's floats and date strings as PostgreSQL's."""
    if isinstance(value, float):
        return Decimal(str(value))
    return value.isoformat() if isinstance(value, date) else value


def _query(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(_same(v) for v in r) for r in conn.execute(text(sql)).all()]


def _unit_cost(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE money_rules SET salary_model = 'unit_cost', annual_hours = 1720 "
                "WHERE id = 1"
            )
        )


@pytest.fixture
def staffed(engine: Engine) -> Engine:
    """A half-time work coach from April, and a person with two spells (one each half-year)."""
    _ok(
        run(
            engine,
            "staff",
            _staff(
                ["Olli Koe", "Työvalmentaja", "0,5", "167", "1.4.2026", ""],
                ["Aino Koe", "work_coach", "1", "422", "1.3.2026", "30.6.2026"],
                ["Aino Koe", "Ura-agentti", "1", "422", "1.7.2026", ""],
            ),
        )
    )
    return engine


# ---------------------------------------------------------------------------------------------
# The import


def test_the_sample_files_import_and_a_second_time_change_nothing(engine: Engine) -> None:
    for kind in ("staff", "salaries"):
        _ok(run(engine, kind, ingest.sample_path(kind).read_bytes()))
    before = data_contents(engine)
    assert len(before["staff_member"]) == 4 and len(before["salary_record"]) == 5
    for kind in ("staff", "salaries"):
        again = _ok(run(engine, kind, ingest.sample_path(kind).read_bytes()))
        assert (again.added, again.changed, again.unchanged) == (0, 0, again.rows)
    assert data_contents(engine) == before


def test_an_office_file_windows_1252_decimal_commas_finnish_dates(engine: Engine) -> None:
    data = _staff(["Äijälä Öystilä", "Työvalmentaja", "0,75", "Joensuu", "1.4.2026", ""])
    _ok(run(engine, "staff", data.decode().encode("cp1252")))
    assert _query(engine, "SELECT name, role_code, fte, municipality_code FROM staff_member") == [
        ("Äijälä Öystilä", "work_coach", Decimal("0.750"), "167")
    ]


def test_an_unknown_role_is_an_error_at_its_row_and_column(engine: Engine) -> None:
    report = run(engine, "staff", _staff(["Olli Koe", "Lähettipoika", "1", "", "1.4.2026", ""]))
    assert where(report) == {(2, "Rooli", "ingest.error.unknown.staff_role")}
    assert not report.committed and _query(engine, "SELECT * FROM staff_member") == []


def test_the_same_name_and_start_in_another_role_is_refused(staffed: Engine) -> None:
    report = run(staffed, "staff", _staff(["olli koe", "Ura-agentti", "1", "", "1.4.2026", ""]))
    assert where(report) == {(2, "Rooli", "ingest.error.staff_role_clash")}


def test_a_salary_month_outside_the_employment_is_an_error(staffed: Engine) -> None:
    report = run(staffed, "salaries", _salaries(["Olli Koe", "1.3.2026", "1 500,00", ""]))
    assert where(report) == {(2, "Kuukausi", "ingest.error.outside_employment")}
    assert "Olli Koe" in report.errors[0].text() and "1.3.2026" in report.errors[0].text()
    unknown = run(staffed, "salaries", _salaries(["Eino Koe", "1.5.2026", "1 500,00", ""]))
    assert where(unknown) == {(2, "Nimi", "ingest.error.unknown_person")}


def test_a_month_two_spells_cover_is_refused_until_the_role_says_which(engine: Engine) -> None:
    _ok(
        run(
            engine,
            "staff",
            _staff(
                ["Aino Koe", "Työvalmentaja", "0,5", "", "1.3.2026", ""],
                ["Aino Koe", "Ura-agentti", "0,5", "", "1.5.2026", ""],
            ),
        )
    )
    report = run(engine, "salaries", _salaries(["Aino Koe", "15.5.2026", "1 200,00", ""]))
    assert where(report) == {(2, "Nimi", "ingest.error.ambiguous_person")}
    assert "1.5.2026" in report.errors[0].text()
    with_role = _salaries(
        ["Aino Koe", "Ura-agentti", "15.5.2026", "1 200,00", ""],
        ["Aino Koe", "", "1.4.2026", "1 100,00", ""],  # one spell then: no role needed
        header=["Nimi", "Rooli", "Kuukausi", "Bruttopalkka", "Tunnit"],
    )
    _ok(run(engine, "salaries", with_role))
    stored = _query(
        engine,
        "SELECT m.role_code, s.month FROM salary_record s JOIN staff_member m "
        "ON m.id = s.staff_member_id ORDER BY s.month",
    )
    assert stored == [
        ("work_coach", "2026-04-01"),
        ("career_agent", "2026-05-01"),
    ]


def test_salaries_and_hours_out_of_their_declared_ranges_are_errors(staffed: Engine) -> None:
    report = run(
        staffed,
        "salaries",
        _salaries(
            ["Olli Koe", "1.4.2026", "60 000,00", "120"], ["Olli Koe", "1.5.2026", "1", "300"]
        ),
    )
    assert {(r, c) for r, c, _ in where(report)} == {(2, "Bruttopalkka"), (3, "Tunnit")}


def _year_of_hours(hours: str) -> bytes:
    return _salaries(*(["Olli Koe", f"1.{m}.2026", "1 500,00", hours] for m in range(4, 10)))


def test_hours_over_the_share_of_1720_h_warn_under_the_unit_cost_model(staffed: Engine) -> None:
    # Half time: 860 h a year. Six months of 150 h = 900 h
    side_cost = _ok(run(staffed, "salaries", _year_of_hours("150"), dry_run=True))
    assert side_cost.problems == []  # the side-cost model counts no hours
    _unit_cost(staffed)
    report = _ok(run(staffed, "salaries", _year_of_hours("150")))
    [warning] = report.problems
    assert (warning.row, warning.column, warning.key) == (
        7,
        "Tunnit",
        "ingest.warning.hours_over_cap",
    )
    assert "900 h" in warning.text() and "860 h" in warning.text()
    # The stored months count: one more month over the cap warns again, 140 h a month does not
    more = run(staffed, "salaries", _salaries(["Olli Koe", "1.10.2026", "1 500,00", "10"]))
    assert [p.key for p in more.problems] == ["ingest.warning.hours_over_cap"]
    below = _ok(run(staffed, "salaries", _year_of_hours("140"), dry_run=True))
    assert below.problems == []  # 6 × 140 h + 10 h = 850 h


@pytest.mark.parametrize(
    "actor", [COORDINATOR, DIRECTOR, ANALYST], ids=["coordinator", "director", "analyst"]
)
def test_only_admins_import_staff_and_a_refusal_is_audited(
    engine: Engine,
    actor: Actor,
    forget_refusal_sinks: None,  # noqa: F811
) -> None:
    access.audit_refusals_to(audit.refusal_writer(engine))
    for kind, data in (
        ("staff", ingest.sample_path("staff").read_bytes()),
        ("salaries", ingest.sample_path("salaries").read_bytes()),
    ):
        with pytest.raises(AccessDenied):
            ingest.import_file(engine, actor, kind, data, today=TODAY)
    assert _query(engine, "SELECT * FROM staff_member") == []
    rows = audit.recent(engine)
    assert (
        list(zip(rows["action"], rows["user_email"], rows["detail"], strict=True))
        == [("refused", actor.email, "read_staff")] * 2
    )
    assert "staff" not in ingest.import_kinds(actor) and "salaries" not in ingest.import_kinds(
        actor
    )
    assert {"staff", "salaries"} <= set(ingest.import_kinds(SYSTEM))


# ---------------------------------------------------------------------------------------------
# The forms


def test_the_staff_and_salary_forms_save_with_the_import_rules(staffed: Engine) -> None:
    saved = forms.submit(
        "staff",
        staffed,
        SYSTEM,
        {"name": "Eino Koe", "role": "company_agent", "fte": "0,8", "municipality": "",
         "start_date": date(2026, 5, 1), "end_date": None},
    )  # fmt: skip
    assert saved.key == "Eino Koe/2026-05-01"
    assert _query(
        staffed, "SELECT fte, municipality_code FROM staff_member WHERE name = 'Eino Koe'"
    ) == [(Decimal("0.800"), None)]
    salary = {"name": "Eino Koe", "role": None, "month": date(2026, 6, 17),
              "gross_salary": "2 900,50", "hours": "", "annual_gross_cost": ""}  # fmt: skip
    forms.submit("salary", staffed, SYSTEM, salary)
    assert _query(staffed, "SELECT month, gross_salary FROM salary_record") == [
        ("2026-06-01", Decimal("2900.50"))
    ]
    with pytest.raises(FormInvalid) as invalid:
        forms.submit("salary", staffed, SYSTEM, {**salary, "month": date(2026, 4, 1)})
    assert [(p.field, p.key) for p in invalid.value.problems] == [
        ("month", "ingest.error.outside_employment")
    ]
    with pytest.raises(FormInvalid) as invalid:
        forms.submit("staff", staffed, SYSTEM, {"name": "X", "role": "nope", "fte": "1",
                                                "start_date": date(2026, 5, 1)})  # fmt: skip
    assert ("role", "ingest.error.unknown.staff_role") in {
        (p.field, p.key) for p in invalid.value.problems
    }
    with pytest.raises(AccessDenied):
        forms.submit("salary", staffed, COORDINATOR, salary)
    with pytest.raises(AccessDenied):
        forms.staff_names(staffed, COORDINATOR)


# ---------------------------------------------------------------------------------------------
# The export


def test_the_admins_export_imports_back_unchanged_and_others_get_no_staff(
    engine: Engine, tmp_path: Path
) -> None:
    for kind in ("staff", "salaries"):
        _ok(run(engine, kind, ingest.sample_path(kind).read_bytes()))
    before = data_contents(engine)
    result = exports.export(engine, SYSTEM, "csv", tmp_path / "admin")
    files = {path.stem: path for path in result.files}
    salaries = files["salaries"].read_text(encoding="utf-8-sig").splitlines()
    assert salaries[0] == "Nimi;Rooli;Kuukausi;Bruttopalkka;Tunnit;Vuoden bruttokustannus"
    assert "Aino Esimerkki;Työvalmentaja;1.7.2026;1560,25;;" in salaries
    for kind in ("staff", "salaries"):
        again = _ok(run(engine, kind, files[kind].read_bytes(), filename=files[kind].name))
        assert (again.added, again.changed) == (0, 0), kind
    [book] = exports.export(engine, SYSTEM, "xlsx", tmp_path / "book").files
    for kind in ("staff", "salaries"):
        again = _ok(run(engine, kind, book.read_bytes(), filename=book.name))
        assert (again.added, again.changed, again.sheet) == (0, 0, ingest.KINDS[kind].sheet)
    assert data_contents(engine) == before
    for actor in (COORDINATOR, ANALYST):
        for fmt in ("csv", "xlsx", "parquet"):
            out = exports.export(engine, actor, fmt, tmp_path / f"{actor.role}-{fmt}")
            assert not {"staff", "salaries", "staff_member", "salary_record"} & set(out.rows)
            names = [p.name for p in (tmp_path / f"{actor.role}-{fmt}").rglob("*")]
            private = ("staff.", "salaries.", "staff_member", "salary_record")
            assert names and not [n for n in names if n.startswith(private)], names


# ---------------------------------------------------------------------------------------------
# The Asiakkaat page and the Tuonti page


def _page(email: str, page: str) -> AppTest:
    at = signed_in_app(email)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_the_staff_forms_and_imports_are_offered_to_admins_only(app_db: str) -> None:  # noqa: F811
    add_user(app_db, "k@joensuu.example", "coordinator", "167")
    engine = db.make_engine(app_db)
    _ok(ingest.import_file(engine, SYSTEM, "staff", ingest.sample_path("staff").read_bytes()))
    engine.dispose()
    staff_tabs = {i18n.t("forms.tab.staff", "fi"), i18n.t("forms.tab.salary", "fi")}
    kinds = {i18n.t("kind.staff", "fi"), i18n.t("kind.salaries", "fi")}
    admin = _page(ADMIN_EMAIL, "app_pages/clients.py")
    assert staff_tabs <= {tab.label for tab in admin.tabs}
    salary = i18n.t("forms.tab.salary", "fi")  # only the open tab's form is drawn
    names = open_tab(admin, "asiakkaat_tab", salary).selectbox(key="salary_name_0").options
    assert "Maija Esimerkki" in names and "Aino Esimerkki" in names
    assert kinds <= set(_page(ADMIN_EMAIL, "app_pages/data_import.py").selectbox[0].options)
    coordinator = _page("k@joensuu.example", "app_pages/clients.py")
    assert not staff_tabs & {tab.label for tab in coordinator.tabs}
    offered = set(_page("k@joensuu.example", "app_pages/data_import.py").selectbox[0].options)
    assert not kinds & offered and i18n.t("kind.clients", "fi") in offered
