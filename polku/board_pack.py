"""The board pack: one municipality's or the region's figures as a PDF for a municipal board
or council (issue 17 point 1), in Finnish or English.

Everything in it is what the overview, Mittarit, Vaihelistat and Talous pages show the same
viewer: the same reads of polku/metrics.py, polku/checklists.py and polku/money.py, shaped by
the same polku/present.py functions (so a director's counts of 1–4 read "< 5" through
privacy.protect, exactly as on screen), charts from the same polku/charts.py builders rendered
to SVG by vl-convert. polku/pdf.py typesets polku/templates/board_pack.typ with the text as
JSON data (nothing becomes markup). Each section reads once: no per-client loops.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import altair as alt
import pandas as pd
from sqlalchemy import Engine

from polku import charts, checklists, i18n, metrics, money, present, privacy
from polku import pdf as documents
from polku.access import ADMIN, ANALYST, Actor, Permission, check

TEMPLATE = documents.TEMPLATES / "board_pack.typ"
# The charts' width in pixels before the PDF scales them to the text width
CHART_WIDTH = 760


def file_name(municipality: str | None, as_of: date) -> str:
    """tilannekatsaus_167_2026-11-30.pdf, or …_alue_… for the region."""
    return f"tilannekatsaus_{municipality or 'alue'}_{as_of.isoformat()}.pdf"


def board_pack(db: Engine, actor: Actor, municipality: str | None, as_of: date, lang: str) -> bytes:
    """The board pack of `municipality` (None: the whole region) on `as_of`, as the actor
    may see it, as a PDF."""
    return documents.compile_template(TEMPLATE, pack_data(db, actor, municipality, as_of, lang))


def _table(header: list[str], rows: list[list[str]], align: str) -> dict[str, Any]:
    return {"header": header, "rows": rows, "align": list(align)}


def _svg(chart: alt.TopLevelMixin) -> str:
    spec = charts.for_print(chart, validate=False)
    spec["width"] = CHART_WIDTH
    return documents.svg(spec)


def pack_data(
    db: Engine, actor: Actor, municipality: str | None, as_of: date, lang: str
) -> dict[str, Any]:
    """Everything the board pack prints, as JSON-ready text: the template only lays it out."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    lang = i18n.language(lang)
    project = metrics.project_info(db)
    if project is None:
        raise money.MoneyRulesMissing("the project definition has not been loaded")
    names = dict(zip(*(metrics.municipalities(db)[k] for k in ("code", "name")), strict=True))
    scope = names[municipality] if municipality else i18n.t("board.region", lang)
    kpis = metrics.kpis(db, actor, municipality, as_of)
    region_kpis = kpis if municipality is None else metrics.kpis(db, actor, None, as_of)
    labels = charts.dashboard_labels(lang)
    return {
        "lang": lang,
        "project": i18n.localized_name(
            {"name_fi": project.name_fi, "name_en": project.name_en}, lang
        ),
        "title": i18n.t("board.title", lang),
        "scope": scope,
        "cover": [
            [i18n.t("board.scope", lang), scope],
            [i18n.t("board.as_of", lang), i18n.fmt_date(as_of, lang)],
            [
                i18n.t("board.period", lang),
                i18n.fmt_period(project.start_date, project.end_date, lang),
            ],
        ],
        "made": i18n.t("board.made", lang),
        "headings": {
            key: i18n.t(f"board.{key}", lang)
            for key in (
                "kpis",
                "changes",
                "charts",
                "comparison",
                "phases",
                "overdue",
                "money",
                "definitions",
            )
        },
        "kpis_caption": i18n.t("board.kpis.caption", lang),
        "kpis": _kpi_table(kpis, actor, lang),
        "privacy_note": i18n.t("privacy.note", lang) if actor.suppresses_small_counts else "",
        "changes_caption": i18n.t("overview.changes.caption", lang),
        "changes": _changes(db, actor, municipality, as_of, lang),
        "comparison": (
            None
            if municipality is None
            else _comparison_table(kpis, region_kpis, actor, scope, lang)
        ),
        "charts": _charts(db, actor, municipality, as_of, project, kpis, region_kpis, scope, lang),
        "phases": _phases(db, actor, municipality, lang),
        "overdue": _overdue(db, actor, municipality, as_of, lang),
        "overdue_none": i18n.t("board.overdue.none", lang),
        "money": _money(db, actor, municipality, as_of, names, lang),
        "definitions": _definitions(db, kpis, lang),
        "labels": labels,
    }


# ---------------------------------------------------------------------------------------------
# Sections


def _status(row: Mapping[Any, Any], lang: str) -> str:
    """Ahead or behind, in words with an arrow (not colour alone); none for a hidden value."""
    if row["hidden"]:
        return privacy.hidden_label(lang)
    return i18n.t("board.kpi.ahead" if row["ahead"] else "board.kpi.behind", lang)


def _kpi_table(kpis: pd.DataFrame, actor: Actor, lang: str) -> dict[str, Any]:
    """The overview's cards as rows: actual, target, expected by the day, share, status."""
    rows = []
    for row in present.kpi_values(kpis, actor, lang).to_dict("records"):
        kind = str(row["kind"])
        actual = str(row["actual_label"])
        if kind == "rate" and not row["hidden"]:
            actual += (
                " ("
                + i18n.t(
                    "kpi.rate_parts",
                    lang,
                    numerator=i18n.fmt_int(int(row["numerator"]), lang),
                    denominator=i18n.fmt_int(int(row["denominator"]), lang),
                )
                + ")"
            )
        share = row["share_of_target"]
        rows.append(
            [
                i18n.localized_name(row, lang),
                actual,
                present.number_label(float(row["target"]), kind, lang),
                present.number_label(float(row["expected"]), kind, lang),
                "–" if row["hidden"] or share is None else i18n.fmt_percent(float(share), 0, lang),
                _status(row, lang),
            ]
        )
    keys = ("indicator", "actual", "target", "expected", "share", "status")
    return _table([i18n.t(f"board.kpi.{k}", lang) for k in keys], rows, "lrrrrl")


def _changes(
    db: Engine, actor: Actor, municipality: str | None, as_of: date, lang: str
) -> dict[str, Any]:
    windows = metrics.change_windows(db, as_of)
    frame = metrics.changes_since(db, actor, municipality, [d for _, d, _ in windows], as_of)
    header, rows = present.change_table(windows, frame, actor, lang)
    return _table(header, rows, "l" + "r" * (len(header) - 1))


def _comparison_table(
    kpis: pd.DataFrame, region: pd.DataFrame, actor: Actor, scope: str, lang: str
) -> dict[str, Any]:
    """Each indicator in the municipality and in the region: actual and share of target."""
    mine = present.kpi_values(kpis, actor, lang).to_dict("records")
    whole = {r["indicator"]: r for r in present.kpi_values(region, actor, lang).to_dict("records")}

    def share(row: Mapping[Any, Any]) -> str:
        value = row["share_of_target"]
        hidden = row["hidden"] or value is None
        return "–" if hidden else i18n.fmt_percent(float(value), 0, lang)

    rows = [
        [
            i18n.localized_name(row, lang),
            str(row["actual_label"]),
            share(row),
            str(whole[row["indicator"]]["actual_label"]),
            share(whole[row["indicator"]]),
        ]
        for row in mine
    ]
    header = [
        i18n.t("board.kpi.indicator", lang),
        i18n.t("board.comparison.municipality", lang, municipality=scope),
        i18n.t("board.comparison.municipality_share", lang, municipality=scope),
        i18n.t("board.comparison.region", lang),
        i18n.t("board.comparison.region_share", lang),
    ]
    return _table(header, rows, "lrrrr")


def _code_names(db: Engine, table: str, lang: str) -> dict[str, str]:
    frame = metrics.code_list(db, table)
    return {row["code"]: i18n.localized_name(row, lang) for row in frame.to_dict("records")}


def _charts(
    db: Engine,
    actor: Actor,
    municipality: str | None,
    as_of: date,
    project: metrics.ProjectInfo,
    kpis: pd.DataFrame,
    region_kpis: pd.DataFrame,
    scope: str,
    lang: str,
) -> list[dict[str, str]]:
    """The Mittarit page's main charts over the whole project to the day, from the same
    builders and the same shaped data: each indicator against its trajectory, clients by
    status, the outcomes, and every municipality against its target per indicator."""
    labels = charts.dashboard_labels(lang)
    start = project.start_date
    found: list[dict[str, str]] = []
    series = metrics.indicator_series(db, actor, municipality, start, as_of)
    for row in kpis.to_dict("records"):
        indicator, kind = str(row["indicator"]), str(row["kind"])
        one = series[series["indicator"] == indicator].reset_index(drop=True)
        shown = present.indicator_values(one, actor, lang, indicator=indicator, kind=kind)
        title = i18n.t(
            "chart.trajectory.title", lang, indicator=i18n.localized_name(row, lang), scope=scope
        )
        chart: alt.TopLevelMixin = charts.indicator_trajectory(
            shown[["month_end", "actual", "actual_label", "expected"]],
            title=title, kind=kind, today=as_of, labels=labels, lang=lang,
        )  # fmt: skip
        found.append({"title": title, "svg": _svg(chart)})
    statuses = present.status_months(
        metrics.active_by_status(db, actor, municipality, start, as_of),
        _code_names(db, "client_status", lang),
        actor,
        lang,
        i18n.t("chart.other_statuses", lang),
    )
    title = i18n.t("chart.active_by_status.title", lang, scope=scope)
    chart = charts.stacked_by_month(
        statuses, title=title, category="status", labels=labels, lang=lang,
        months=metrics.month_ends(start, as_of),
    )  # fmt: skip
    found.append({"title": title, "svg": _svg(chart)})
    funnel = present.funnel(
        metrics.outcome_funnel(db, actor, municipality, as_of),
        _code_names(db, "target_group", lang),
        actor,
        lang,
    )
    title = i18n.t("chart.funnel.title", lang, scope=scope)
    chart = charts.bars(
        funnel, title=title, x="stage", y="clients", labels=labels, lang=lang,
        color="target_group",
    )  # fmt: skip
    found.append({"title": title, "svg": _svg(chart)})
    side = metrics.municipality_comparison(db, actor, as_of)
    for row in region_kpis.to_dict("records"):
        indicator = str(row["indicator"])
        one = present.comparison_values(side, region_kpis, indicator, actor, lang)
        title = f"{i18n.localized_name(row, lang)}: {i18n.t('chart.against_target.title', lang)}"
        chart = charts.against_target(
            one, title=title, kind=str(row["kind"]), labels=labels, lang=lang
        )
        found.append({"title": title, "svg": _svg(chart)})
    return found


def _phases(db: Engine, actor: Actor, municipality: str | None, lang: str) -> dict[str, Any]:
    """The overview's progress per phase with each phase's state: a municipality's gates
    (complete, current, upcoming); in the region the region's own checklist's gates and, for
    the phases run per municipality, in how many municipalities the phase is complete."""
    progress = metrics.phase_progress(db, actor, municipality)
    table = present.phase_progress_table(progress, lang)
    gates = checklists.read_checklist(db, actor, municipality).phases
    state = {
        (str(r["work_package"]), str(r["phase"])): i18n.t(
            f"checklists.phase.{checklists.phase_state(r)}", lang
        )
        for r in gates.to_dict("records")
    }
    if municipality is None:
        matrix = checklists.region_matrix(db, actor)
        for (wp, phase), group in matrix.groupby(["work_package", "phase"], sort=False):
            state[(str(wp), str(phase))] = i18n.t(
                "board.phases.municipalities_complete",
                lang,
                done=i18n.fmt_int(int(group["complete"].sum()), lang),
                total=i18n.fmt_int(len(group), lang),
            )
    # A work package's name once, on its first phase
    packages = [str(p) for p in table["work_package"]]
    table["work_package"] = [p if i == 0 or packages[i - 1] != p else "" for i, p in
                             enumerate(packages)]  # fmt: skip
    rows = [
        [
            str(shown["work_package"]),
            str(shown["phase"]),
            f"{i18n.fmt_int(int(shown['done']), lang)} / {i18n.fmt_int(int(shown['total']), lang)}",
            present.done_label(int(shown["done"]), int(shown["total"]), lang),
            state.get((str(code["work_package"]), str(code["phase"])), ""),
        ]
        for shown, code in zip(table.to_dict("records"), progress.to_dict("records"), strict=True)
    ]
    header = [
        i18n.t("overview.progress.work_package", lang),
        i18n.t("overview.progress.phase", lang),
        i18n.t("overview.progress.done", lang),
        i18n.t("overview.progress.share", lang),
        i18n.t("board.phases.state", lang),
    ]
    return _table(header, rows, "llrrl")


def _overdue(
    db: Engine, actor: Actor, municipality: str | None, as_of: date, lang: str
) -> dict[str, Any]:
    """The checklist items overdue on the day (titles, where, due date; no client data): the
    municipality's, or in the region every visible municipality's and the region's own."""
    due = checklists.deadlines(db, actor, as_of, days=0)
    due = due[due["overdue"]]
    if municipality is not None:
        due = due[due["municipality"] == municipality]
    region = i18n.t("board.region", lang)
    rows = [
        [
            i18n.localized_name(r, lang),
            str(r["municipality_name"] or region),
            i18n.fmt_date(r["due_date"], lang),
            present.deadline_label(int(r["days_left"]), lang),
        ]
        for r in due.to_dict("records")
    ]
    keys = ("item", "where", "due", "late")
    return _table([i18n.t(f"board.overdue.{k}", lang) for k in keys], rows, "llrl")


def money_scope(actor: Actor, municipality: str | None, names: dict[str, str]) -> str | None:
    """The municipality whose money is shown: as on Talous, coordinators and directors read
    their municipality's part, never the region's totals (their first municipality)."""
    if municipality is None and actor.role not in (ADMIN, ANALYST) and actor.municipalities:
        return sorted(actor.municipalities, key=lambda c: names.get(c, c))[0]
    return municipality


def _money(
    db: Engine,
    actor: Actor,
    municipality: str | None,
    as_of: date,
    names: dict[str, str],
    lang: str,
) -> dict[str, Any]:
    """The Talous page's summary for the viewer: the costs and financing against the budget
    and the time plan, as the municipality's part of the project, and the municipal shares."""
    try:
        rules = money.rules(db)
    except money.MoneyRulesMissing:
        return {"notes": [i18n.t("finance.no_rules", lang)], "table": None, "shares": None}
    code = money_scope(actor, municipality, names)
    day = min(as_of, rules.end)
    notes = []
    if code != municipality:
        notes.append(i18n.t("finance.own_municipality", lang))
    if not money.totals_shown(db, actor, day):
        return {"notes": [*notes, i18n.t("finance.nothing_shown", lang)], "table": None}
    share = money.municipality_share(db, actor, code)
    scope = names.get(code or "", i18n.t("board.region", lang))
    notes.append(i18n.t("finance.scope", lang, scope=scope,
                        period=i18n.fmt_period(rules.start, day, lang)))  # fmt: skip
    if code is not None:
        notes.append(i18n.t("finance.share_note", lang, share=i18n.fmt_percent(share, 1, lang)))
    if not money.sees_pay(actor):
        notes.append(i18n.t("finance.merged_note", lang))
    euro = lambda v: i18n.fmt_euro(float(v), 0, lang)  # noqa: E731
    budget = money.share_of(
        money.budget_table(db, actor, day), share, ["actual", "budget", "planned"]
    )
    rows = [
        [
            i18n.t(f"finance.amount.{r['amount']}", lang),
            euro(r["actual"]),
            euro(r["budget"]),
            i18n.fmt_percent(float(r["used_share"]), 1, lang),
            euro(r["planned"]),
        ]
        for r in budget.to_dict("records")
    ]
    keys = ("item", "actual", "budget", "used", "planned")
    parts = money.municipal_financing(db, actor, day)
    visible = [code] if code else [c for c in names if actor.may(Permission.READ_AGGREGATES, c)]
    parts = parts[parts["code"].isin(visible)]
    shares = [
        [str(r["name"]), i18n.fmt_percent(float(r["share"]), 1, lang), euro(r["amount"])]
        for r in parts.to_dict("records")
    ]
    return {
        "notes": notes,
        "table": _table([i18n.t(f"board.money.{k}", lang) for k in keys], rows, "lrrrr"),
        "shares_title": i18n.t("finance.municipal_shares", lang),
        "shares": _table(
            [i18n.t(f"finance.col.{k}", lang) for k in ("municipality", "share", "amount")],
            shares,
            "lrr",
        ),
    }


def _definitions(db: Engine, kpis: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """Each indicator's definition, then the trajectory's, the changes' and the money's."""
    outcome_types = metrics.outcome_indicators(db)
    types = _code_names(db, "outcome_type", lang)
    found = []
    for row in kpis.to_dict("records"):
        code, name = str(row["indicator"]), i18n.localized_name(row, lang)
        key = f"board.define.{code}"
        if key in i18n.CATALOGS[i18n.language(lang)]:
            text = i18n.t(key, lang)
        else:  # an indicator named like an outcome type (another project file's)
            kind = outcome_types.get(code, code)
            text = i18n.t("board.define.outcome", lang, name=types.get(kind, name))
        found.append({"title": name, "text": text})
    for key in ("expected", "changes", "money"):
        found.append({"title": "", "text": i18n.t(f"board.define.{key}", lang)})
    found.append({"title": "", "text": i18n.t("privacy.note", lang)})
    return found
