"""polku/project.py: the project definition file loads into the tables, idempotently."""

from __future__ import annotations

import ast
import re
import tokenize
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from models import (
    BudgetLine,
    ChecklistItem,
    ChecklistTemplateItem,
    ClientStatus,
    Indicator,
    Municipality,
    Phase,
    Project,
    StaffRole,
    TargetGroup,
)
from polku import db
from polku.project import ProjectFileError, load_project, read_project_file
from tests.conftest import PROJECT_FILE, PROJECT_FILES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def plan() -> dict:
    with PROJECT_FILE.open("rb") as handle:
        return tomllib.load(handle)


def test_the_plan_facts_are_in_the_database(engine, plan) -> None:
    with Session(engine) as s:
        project = s.get(Project, 1)
        assert project is not None
        assert (project.start_date.isoformat(), project.end_date.isoformat()) == (
            "2026-03-01",
            "2029-09-30",
        )
        municipalities = {m.code: m for m in s.exec(select(Municipality))}
        assert len(municipalities) == 13
        # Codes are three-character strings: the leading zero survives
        assert municipalities["090"].name == "Heinävesi"
        assert municipalities["167"].population == 78741
        assert project.lead_municipality_code == "167"

        assert s.exec(select(func.count()).select_from(ClientStatus)).one() == 7
        assert s.exec(select(func.count()).select_from(TargetGroup)).one() == 4
        targets = {i.code: Decimal(str(i.target)) for i in s.exec(select(Indicator))}
        assert targets["clients"] == 5000
        assert targets["partner_companies"] == 150
        assert targets["placed_at_companies"] == 1000
        assert targets["supported_entrepreneurship"] == 40
        assert targets["bonus_employers"] == 300
        assert targets["plan_goal_reached"] == Decimal("0.7")

        lines = {b.code: b for b in s.exec(select(BudgetLine))}
        costs = sum(Decimal(str(b.amount)) for b in lines.values() if b.kind == "cost")
        financing = sum(Decimal(str(b.amount)) for b in lines.values() if b.kind == "financing")
        assert costs == financing == Decimal("8731852")
        # The flat rate is 40 % of salaries, rounded to the euro
        salaries = Decimal(str(lines["salaries"].amount))
        assert abs(salaries * Decimal("0.4") - Decimal(str(lines["flat_rate"].amount))) < 1
        fte = sum(Decimal(str(r.fte)) for r in s.exec(select(StaffRole)))
        assert fte == Decimal("30.5")


def test_phases_items_and_checklists_follow_the_file(engine, plan) -> None:
    with Session(engine) as s:
        for wp in plan["work_packages"]:
            phases = s.exec(
                select(Phase).where(Phase.work_package_code == wp["code"]).order_by(Phase.position)
            ).all()
            assert [p.code for p in phases] == [p["code"] for p in wp["phases"]]
            for phase, spec in zip(phases, wp["phases"], strict=True):
                items = s.exec(
                    select(ChecklistTemplateItem)
                    .where(ChecklistTemplateItem.phase_id == phase.id)
                    .order_by(ChecklistTemplateItem.position)
                ).all()
                assert [i.name_fi for i in items] == [i["name_fi"] for i in spec["items"]]
        # One checklist per municipality for WP1, one region-wide list for WP2
        per_scope = dict(
            s.exec(
                select(ChecklistItem.municipality_code, func.count()).group_by(
                    ChecklistItem.municipality_code
                )
            ).all()
        )
        wp1_items = sum(len(p["items"]) for p in plan["work_packages"][0]["phases"])
        wp2_items = sum(len(p["items"]) for p in plan["work_packages"][1]["phases"])
        assert per_scope.pop(None) == wp2_items
        assert len(per_scope) == 13
        assert set(per_scope.values()) == {wp1_items}


def _snapshot(engine) -> dict[str, list]:
    with Session(engine) as s:
        return {
            model.__tablename__: sorted(
                tuple(sorted(row.model_dump(exclude={"updated_at", "created_at"}).items()))
                for row in s.exec(select(model))
            )
            for model in (Municipality, Indicator, Phase, ChecklistTemplateItem, ChecklistItem)
        }


def test_loading_twice_changes_nothing(engine) -> None:
    before = _snapshot(engine)
    with Session(engine) as s:
        report = load_project(s)
        s.commit()
    assert report.unchanged, (report.added, report.changed)
    assert _snapshot(engine) == before


def test_an_edited_target_updates_in_place_and_keeps_checklist_work(engine, tmp_path) -> None:
    text = PROJECT_FILE.read_text(encoding="utf-8")
    edited = re.sub(
        r'(code = "clients"\nposition = 1\nkind = "count"\n)target = 5000', r"\1target = 4000", text
    )
    assert edited != text
    changed_file = tmp_path / "project.toml"
    changed_file.write_text(edited, encoding="utf-8")
    with Session(engine) as s:
        item = s.exec(select(ChecklistItem).order_by(ChecklistItem.id)).first()
        assert item is not None
        item.status = "done"
        s.commit()
        report = load_project(s, changed_file)
        s.commit()
        assert report.changed == {"indicator": 1} and not report.added
        assert Decimal(str(s.get(Indicator, "clients").target)) == 4000  # type: ignore[union-attr]
        assert s.get(ChecklistItem, item.id).status == "done"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("[project]", "[projekti]", 1), r"\[project\] is missing"),
        (lambda t: t.replace('lead_municipality = "167"', 'lead_municipality = "999"'), "999"),
        (lambda t: t.replace('code = "090"', "code = 90"), "3 digits"),
        (lambda t: t + "\n[[broken\n", "project.toml"),
        # An indicator no rule computes and no outcome type names
        (
            lambda t: t.replace(
                'code = "clients"\nposition = 1', 'code = "in_training"\nposition = 1'
            ),
            "'in_training': no rule computes it",
        ),
        (
            lambda t: t.replace('director_municipality = "422"', 'director_municipality = "999"'),
            r"\[demo\] director_municipality '999' is unknown",
        ),
        (lambda t: t.replace("as_of = 2026-11-29", "as_of = 2030-01-01"), r"\[demo\] as_of"),
    ],
)
def test_a_broken_project_file_is_a_clear_error(engine, tmp_path, change, message) -> None:
    broken = tmp_path / "project.toml"
    broken.write_text(change(PROJECT_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    with Session(engine) as s, pytest.raises(ProjectFileError, match=message):
        load_project(s, broken)


def test_each_project_file_loads_as_it_is_written(area_db_url: str, project_file: Path) -> None:
    """North Karelia's file and a made-up area's: municipalities, phases, indicators, period."""
    with project_file.open("rb") as handle:
        plan = tomllib.load(handle)
    engine = db.make_engine(area_db_url)
    with Session(engine) as s:
        project = s.get(Project, 1)
        assert project is not None
        assert (project.start_date, project.end_date) == (
            plan["project"]["start"],
            plan["project"]["end"],
        )
        codes = {m.code for m in s.exec(select(Municipality))}
        assert codes == {m["code"] for m in plan["municipalities"]}
        for wp in plan["work_packages"]:
            phases = s.exec(select(Phase).where(Phase.work_package_code == wp["code"])).all()
            assert len(phases) == len(wp["phases"])
        targets = {i.code: Decimal(str(i.target)) for i in s.exec(select(Indicator))}
        assert targets == {i["code"]: Decimal(str(i["target"])) for i in plan["indicators"]}
    engine.dispose()


def test_missing_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ProjectFileError, match="file not found"):
        read_project_file(tmp_path / "nope.toml")


def _python_sources() -> list[Path]:
    sources = [*ROOT.glob("polku/**/*.py"), ROOT / "models.py", ROOT / "streamlit_app.py"]
    return [p for p in [*sources, *ROOT.glob("app_pages/*.py")] if p.exists()]


def _tokens(path: Path) -> list[tokenize.TokenInfo]:
    with path.open("rb") as handle:
        return list(tokenize.tokenize(handle.readline))


def _plan_facts(path: Path) -> dict[str, set]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    p = data["project"]
    return {
        # Names anywhere in the text, comments and docstrings included
        "names": {m["name"].casefold() for m in data["municipalities"]},
        # Codes as a string literal of their own ("167")
        "codes": {m["code"] for m in data["municipalities"]},
        "dates": {p["start"], p["end"]},
        # Budget and staff figures as number literals (targets such as 1 000 are too common a
        # number to look for: the runs on the other project file show they come from the file)
        "numbers": {Decimal(str(b["amount"])) for b in data.get("budget_lines", [])}
        | {Decimal(str(sum(r["fte"] for r in data.get("staffing", {}).get("roles", []))))},
    }


# The region and the plan's shape in words (phase counts, the heatmap's size)
FORBIDDEN_WORDS = re.compile(
    r"karjala|karelia|four phases|neljä vaihetta|range\(4\)"
    r"|\b13 ?[×x] ?4\b|\b13 (kunta|municipalit)",
    re.IGNORECASE,
)


def _hard_coded(paths: list[Path], project_files: list[Path]) -> list[str]:
    """Every fact of the project files (and the region's name) that the Python files spell out."""
    facts = [_plan_facts(f) for f in project_files]
    names = set().union(*(f["names"] for f in facts))
    codes = set().union(*(f["codes"] for f in facts))
    numbers = set().union(*(f["numbers"] for f in facts))
    days = set().union(*(f["dates"] for f in facts))
    # In code: date(2026, 3, 1), or a string that is the day (docstrings may show formats)
    day_calls = {f"date({d.year}, {d.month}, {d.day})" for d in days}
    day_strings = {d.isoformat() for d in days} | {f"{d.day}.{d.month}.{d.year}" for d in days}
    found = []
    for path in paths:
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        text = path.read_text(encoding="utf-8")
        folded = text.casefold()
        found += [f"{where}: {name}" for name in sorted(names) if name in folded]
        found += [f"{where}: {day}" for day in sorted(day_calls) if day in text]
        found += [f"{where}: {m.group()}" for m in FORBIDDEN_WORDS.finditer(text)]
        for token in _tokens(path):
            if token.type == tokenize.STRING:
                try:
                    value = ast.literal_eval(token.string)
                except (ValueError, SyntaxError):
                    continue
                if value in codes or value in day_strings:
                    found.append(f"{where}:{token.start[0]}: {token.string}")
            elif token.type == tokenize.NUMBER and "j" not in token.string.lower():
                number = Decimal(str(ast.literal_eval(token.string)))
                if number in numbers:
                    found.append(f"{where}:{token.start[0]}: {token.string}")
    return found


def test_no_plan_fact_is_hard_coded_in_python() -> None:
    """Municipality names and codes, the period, the region, the number of phases and the
    targets live in the project files, not in the code: the app runs on any project file."""
    offenders = _hard_coded(_python_sources(), PROJECT_FILES)
    assert offenders == []


def test_the_hard_coding_check_finds_each_kind_of_fact(tmp_path) -> None:
    """The check above would catch a planted fact of either project file."""
    planted = {
        "name.py": "LEAD = 'Joensuu'\n",
        "other_name.py": "# the demo director of Kuusiranta\n",
        "code.py": "DEFAULT = '167'\n",
        "other_code.py": "x = {'733': 1}\n",
        "start.py": "from datetime import date\nSTART = date(2026, 3, 1)\n",
        "end.py": "END = '2027-12-31'\n",
        "budget.py": "SALARIES = 6_237_037\n",
        "region.py": '"""Monitoring of North Karelia."""\n',
        "phases.py": "for phase in range(4):\n    pass\n",
    }
    for name, text in planted.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert _hard_coded([path], PROJECT_FILES), name
    clean = tmp_path / "clean.py"
    clean.write_text("CODE = '999'\nLIMIT = 500\n", encoding="utf-8")
    assert _hard_coded([clean], PROJECT_FILES) == []
