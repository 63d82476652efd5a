"""The Talous page's parts. Every figure comes from one function of polku/money.py, the
municipality's part from money.share_of; here they only meet their viewer as Finnish text.

Privacy: persons' pay is the admins' alone (money.staff_costs asks READ_STAFF); to everyone
else a month or period whose sum stands for one or two persons' pay arrives merged into the
next (money.months_shown, periods_shown), and no total is shown while all the costs are the
pay of fewer than three (money.totals_shown)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from polku import charts, exports, i18n, metrics, money, payment_application, privacy
from polku.access import ADMIN, ANALYST, Actor, Permission
from polku.ui import data
from polku.ui.dashboard import show_chart
from polku.ui.resources import engine
from polku.ui.state import lang, t
from polku.ui.tables import plain_table
from polku.ui.tabs import lazy_tabs

AS_OF_KEY = "talous_paiva"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_LABEL_KEYS = (
    "costs plan forecast budget euros month role fte planned_fte cost_per_result region "
    "municipality"
).split()
_EUROS = [*money.AMOUNTS, *(f"cumulative_{a}" for a in money.AMOUNTS), "planned_total"]


def labels() -> dict[str, str]:
    return {key: t(f"chart.{key}") for key in _LABEL_KEYS}


def euro(value: float | None) -> str:
    return (
        privacy.hidden_label(lang())
        if value is None or pd.isna(value)
        else i18n.fmt_euro(float(value), 0, lang())
    )


@dataclass(frozen=True)
class View:
    """Who looks, at which municipality (None: the region), its part of the project, as of."""

    viewer: Actor
    code: str | None
    share: float
    as_of: date
    start: date
    end: date
    scope: str

    def figures(self, frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        """A money frame's euro `columns` as the view's part of them."""
        return money.share_of(frame, self.share, columns)

    def one(self, figures: Any, columns: list[str]) -> dict[str, Any]:
        """A money dataclass as the view's part of it."""
        row = self.figures(pd.DataFrame([asdict(figures)]), columns).iloc[0]
        return {str(k): v for k, v in row.items()}


def scope_of(viewer: Actor, code: str | None, names: dict[str, str]) -> str | None:
    """The municipality shown: the sidebar's; coordinators and directors read their own
    municipality's part, never the region's totals (their first municipality)."""
    if code is None and viewer.role not in (ADMIN, ANALYST) and viewer.municipalities:
        st.info(t("finance.own_municipality"))
        return sorted(viewer.municipalities, key=lambda c: names.get(c, c))[0]
    return code


def view(viewer: Actor, code: str | None, names: dict[str, str]) -> View | None:
    """The as-of picker and the caption saying what is shown; None without money rules."""
    try:
        rules = data.read(money.rules, None)
    except money.MoneyRulesMissing:
        st.warning(t("finance.no_rules"))
        return None
    share = data.read(money.municipality_share, viewer, code)
    last = min(money.metrics.today(), rules.end)
    # The picker sits in a popover whose button names the day: most visits keep today, and a
    # closed popover does not load the date picker's code (about 0,1 s of every first view)
    kept = st.session_state.get(AS_OF_KEY)
    shown = kept if isinstance(kept, date) and rules.start <= kept <= last else last
    chooser = st.popover(
        t("finance.as_of.button", day=i18n.fmt_date(shown, lang())),
        icon=":material/calendar_month:",
        help=t("finance.as_of.help"),
    )
    picked = chooser.date_input(
        t("finance.as_of"),
        value=last,
        min_value=rules.start,
        max_value=last,
        format=i18n.date_format("input", lang()),
        key=AS_OF_KEY,
    )
    as_of = picked if isinstance(picked, date) else last
    scope = names.get(code or "", t("app.region"))
    st.caption(t("finance.scope", scope=scope, period=i18n.fmt_period(rules.start, as_of, lang())))
    if code is not None:
        st.caption(t("finance.share_note", share=i18n.fmt_percent(share, 1, lang())))
    return View(viewer, code, share, as_of, rules.start, rules.end, scope)


def summary(v: View) -> bool:
    """A card per amount against its budget and the time plan; False when nothing is shown."""
    st.header(t("finance.summary"))
    if not data.read(money.totals_shown, v.viewer, v.as_of):
        st.info(t("finance.nothing_shown"))
        return False
    table = v.figures(
        data.read(money.budget_table, v.viewer, v.as_of),
        ["actual", "budget", "planned", "ahead_of_plan"],
    )
    for column, row in zip(st.columns(len(table)), table.to_dict("records"), strict=True):
        with column, st.container(border=True, height="stretch"):
            ahead = float(row["ahead_of_plan"])
            st.metric(
                t(f"finance.amount.{row['amount']}"),
                euro(row["actual"]),
                delta=t(
                    "finance.ahead" if ahead > 0 else "finance.behind", amount=euro(abs(ahead))
                ),
                delta_color="off",
            )
            share = i18n.fmt_percent(float(row["used_share"]), 1, lang())
            st.caption(
                t(
                    "finance.card",
                    share=share,
                    budget=euro(row["budget"]),
                    planned=euro(row["planned"]),
                )
            )
    if not money.sees_pay(v.viewer):
        st.caption(t("finance.merged_note"))
    return True


def _month_name(first: date, last: date) -> str:
    names = [i18n.fmt_month(first, lang()), i18n.fmt_month(last, lang())]
    return names[0] if first == last else "–".join(names)


def costs(v: View) -> None:
    """The cumulative chart with the forecast, and the tables by month and payment period."""
    months = v.figures(data.read(money.months_shown, v.viewer, v.as_of), _EUROS)
    plan = v.figures(data.read(money.time_plan, v.viewer), ["planned_total"])
    ahead = data.read(money.forecast, v.viewer, v.as_of)
    L = labels()
    series = [
        pd.DataFrame(
            {
                "month_end": [money.month_end(m) for m in months["month"]],
                "series": "costs",
                "euros": months["cumulative_total"],
            }
        ),
        plan.rename(columns={"planned_total": "euros"}).assign(series="plan"),
    ]
    if ahead is not None:
        line = v.one(
            ahead, ["spent", "forecast_total", "monthly_pace", "total_budget", "difference"]
        )
        series.append(
            pd.DataFrame(
                {
                    "month_end": [money.month_end(ahead.pace_months[-1]), v.end],
                    "series": "forecast",
                    "euros": [line["spent"], line["forecast_total"]],
                }
            )
        )
    drawn = pd.concat(series, ignore_index=True)
    drawn["euros_label"] = [euro(e) for e in drawn["euros"]]
    table = drawn.assign(
        month_end=[i18n.fmt_date(d, lang()) for d in drawn["month_end"]],
        series=drawn["series"].map(L),
    )[["month_end", "series", "euros_label"]]
    table.columns = [L["month"], "", L["euros"]]
    show_chart(
        charts.costs_against_plan,
        drawn,
        table,
        name=f"talous_kertyma_{v.code or 'alue'}",
        key="finance_costs",
        title=t("chart.costs.title", scope=v.scope),
        budget=float(plan["planned_total"].iloc[-1]),
        today=v.as_of,
        labels=L,
        lang=lang(),
    )
    forecast(v, ahead)
    st.header(t("finance.costs"))
    by_month, by_period = st.tabs([t("finance.by_month"), t("finance.by_period")])
    amounts = {a: t(f"finance.amount.{a}") for a in money.AMOUNTS}
    with by_month:
        shown = pd.DataFrame(
            {t("finance.col.month"): map(_month_name, months["month_from"], months["month"])}
        )
        for column, header in [
            *amounts.items(),
            ("cumulative_total", t("finance.col.cumulative")),
            ("planned_total", t("finance.col.planned")),
        ]:
            shown[header] = [euro(x) for x in months[column]]
        plain_table(shown)
    with by_period:
        periods = v.figures(
            data.read(money.periods_shown, v.viewer, v.as_of),
            [*money.AMOUNTS, "cumulative_total", "planned_total"],
        )
        shown = pd.DataFrame(
            {
                t("finance.col.period"): [
                    f if f == c else f"{f}–{c}"
                    for f, c in zip(periods["code_from"], periods["code"], strict=True)
                ],
                t("finance.col.status"): [t(f"finance.status.{s}") for s in periods["status"]],
            }
        )
        for column, header in [
            *amounts.items(),
            ("cumulative_total", t("finance.col.cumulative")),
            ("planned_total", t("finance.col.planned")),
        ]:
            shown[header] = [euro(x) for x in periods[column]]
        plain_table(shown)


def forecast(v: View, ahead: money.Forecast | None) -> None:
    """The total at the last six months' pace against the budget: over- or underspend."""
    st.subheader(t("finance.forecast"))
    if ahead is None:
        st.caption(t("finance.forecast.none"))
        return
    line = v.one(ahead, ["spent", "forecast_total", "monthly_pace", "total_budget", "difference"])
    st.write(
        t(
            "finance.forecast.text",
            months=i18n.fmt_int(len(ahead.pace_months), lang()),
            pace=euro(line["monthly_pace"]),
            total=euro(line["forecast_total"]),
            budget=euro(line["total_budget"]),
        )
    )
    over = float(line["difference"])
    key = "finance.overspend" if over > 0 else "finance.underspend"
    st.metric(
        t("chart.forecast"),
        euro(line["forecast_total"]),
        delta=t(key, amount=euro(abs(over))),
        delta_color="inverse",
    )


def staff_time(v: View, role_names: dict[str, str]) -> None:
    """FTE by role by month against the plan: time, not pay, so every role may see it."""
    st.header(t("finance.staff_time"))
    st.caption(t("finance.staff_time.note"))
    fte = data.read(money.fte_by_role, v.viewer, v.as_of)
    fte = fte.assign(
        month_end=[money.month_end(m) for m in fte["month"]],
        role=[role_names.get(r, r) for r in fte["role"]],
    )
    L = labels()
    table = pd.DataFrame(
        {
            L["month"]: [i18n.fmt_month(m, lang()) for m in fte["month"]],
            L["role"]: fte["role"],
            L["fte"]: [i18n.fmt_decimal(x, 2, lang()) for x in fte["fte"]],
            L["planned_fte"]: [i18n.fmt_decimal(x, 2, lang()) for x in fte["planned_fte"]],
        }
    )
    show_chart(
        charts.fte_against_plan,
        fte,
        table,
        name="talous_htv",
        key="finance_fte",
        title=t("chart.fte.title"),
        labels=L,
        lang=lang(),
    )


def municipal_shares(v: View, visible: list[str]) -> None:
    """Each (visible) municipality's part of the own financing to date."""
    st.header(t("finance.municipal_shares"))
    parts = data.read(money.municipal_financing, v.viewer, v.as_of)
    parts = parts[parts["code"].isin(visible)]
    st.dataframe(
        pd.DataFrame(
            {
                t("finance.col.municipality"): parts["name"],
                t("finance.col.share"): [i18n.fmt_percent(s, 1, lang()) for s in parts["share"]],
                t("finance.col.amount"): [euro(a) for a in parts["amount"]],
            }
        ),
        hide_index=True,
    )


def cost_per_result(v: View, visible: list[str], indicator_names: dict[str, str]) -> None:
    """Euros per result, region and per municipality, each with its definition beside it."""
    st.header(t("finance.cost_per_result"))
    region = data.read(money.cost_per_result, v.viewer, v.as_of)
    places = data.read(money.cost_per_result_by_municipality, v.viewer, v.as_of, visible)
    hides = v.viewer.suppresses_small_counts
    rows = []
    for r in region.to_dict("records"):
        rows.append(
            {
                t("finance.col.indicator"): indicator_names.get(r["indicator"], r["indicator"]),
                t("finance.col.results"): i18n.fmt_int(r["results"], lang()),
                t("finance.col.costs"): euro(r["total_costs"]),
                t("finance.col.cost_per_result"): euro(r["cost_per_result"]),
                t("finance.col.definition"): t(f"finance.define.{r['indicator']}"),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    st.caption(t("finance.define.municipality"))
    # A director's 1–4 results are "< 5"; their € per result would give the count back
    places["cost_per_result"] = [
        None if hides and privacy.is_small(n) else c
        for n, c in zip(places["results"], places["cost_per_result"], strict=True)
    ]
    places["cost_per_result_label"] = [euro(c) for c in places["cost_per_result"]]
    pick = st.selectbox(
        t("finance.col.indicator"),
        list(region["indicator"]),
        format_func=lambda i: indicator_names.get(i, i),
        key="talous_tulos",
    )
    one = places[places["indicator"] == pick]
    whole = region[region["indicator"] == pick]["cost_per_result"]
    table = pd.DataFrame(
        {
            t("finance.col.municipality"): one["name"],
            t("finance.col.results"): [
                privacy.fmt_count(n, v.viewer, lang()) for n in one["results"]
            ],
            t("finance.col.costs"): [euro(c) for c in one["total_costs"]],
            t("finance.col.cost_per_result"): one["cost_per_result_label"],
        }
    )
    show_chart(
        charts.cost_per_result_bars,
        one,
        table,
        name=f"talous_tulos_{pick}",
        key="finance_per_result",
        title=t("chart.cost_per_result.title", indicator=indicator_names.get(pick, pick)),
        region=None if whole.empty or whole.iloc[0] is None else float(whole.iloc[0]),
        labels=labels(),
        lang=lang(),
    )
    st.caption(t(f"finance.define.{pick}"))


def staff_costs(v: View, role_names: dict[str, str]) -> None:
    """Persons' costs to date: admins only (READ_STAFF); nobody else sees this section."""
    if not v.viewer.may(Permission.READ_STAFF):
        return
    st.header(t("finance.staff_costs"))
    st.caption(t("finance.staff_costs.note"))
    people = data.read(money.staff_costs, v.viewer, v.as_of)
    st.dataframe(
        pd.DataFrame(
            {
                t("finance.col.name"): people["name"],
                t("finance.col.role"): [role_names.get(r, r) for r in people["role"]],
                t("finance.col.fte"): [i18n.fmt_percent(x, 0, lang()) for x in people["fte"]],
                t("finance.col.start"): [i18n.fmt_date(d, lang()) for d in people["start"]],
                t("finance.col.end"): [
                    i18n.fmt_date(d, lang()) if d is not None and not pd.isna(d) else ""
                    for d in people["end"]
                ],
                t("finance.col.gross_salary"): [euro(x) for x in people["gross_salary"]],
                t("finance.col.hours"): [i18n.fmt_decimal(x, 1, lang()) for x in people["hours"]],
                t("finance.col.eligible_salaries"): [euro(x) for x in people["eligible_salaries"]],
            }
        ),
        hide_index=True,
    )


def _file_bytes(write: Any, suffix: str) -> bytes:
    """What a polku writer puts in a file, as bytes for a download (made only when asked)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"file{suffix}"
        write(path)
        return path.read_bytes()


SECTION_TAB_KEY = "talous_osio"


def sections(
    v: View,
    visible: list[str],
    indicator_names: dict[str, str],
    role_names: dict[str, str],
    *,
    costs_shown: bool,
) -> None:
    """The page's sections as tabs; only the open one is read and drawn (opening another
    reruns the page). Costs are left out while they would show a person's pay
    (`costs_shown` False); staff time is time, not pay, and always there."""
    parts: dict[str, Callable[[], None]] = {}
    if costs_shown:
        parts["finance.tab.costs"] = lambda: costs(v)
        parts["finance.tab.shares"] = lambda: municipal_shares(v, visible)
        parts["finance.tab.per_result"] = lambda: cost_per_result(v, visible, indicator_names)

    def staff() -> None:
        staff_time(v, role_names)
        staff_costs(v, role_names)

    parts["finance.tab.staff"] = staff
    lazy_tabs(parts, SECTION_TAB_KEY)


def admin_files(viewer: Actor) -> None:
    """The files an admin sends on: a payment period's attachment to the payment application,
    and the de minimis register export."""
    if not viewer.may(Permission.MANAGE):
        return
    st.subheader(t("finance.files"))
    periods = data.read(money.payment_periods, None)
    language = lang()
    labels = {
        row["code"]: f"{row['code']} · {i18n.fmt_period(row['start'], row['end'], language)}"
        for row in periods.to_dict("records")
    }
    left, right = st.columns(2)
    with left:
        code = st.selectbox(
            t("finance.files.period"),
            list(labels),
            format_func=lambda c: labels[c],
            key="talous_kausi",
        )
        if code:
            st.download_button(
                t("finance.files.payment_application"),
                data=lambda: _file_bytes(
                    lambda path: payment_application.write_workbook(
                        engine(), viewer, code, path, language
                    ),
                    ".xlsx",
                ),
                file_name=f"maksatushakemuksen-liite-{code}.xlsx",
                mime=XLSX,
                icon=":material/download:",
                on_click="ignore",
            )
    with right:
        st.caption(t("finance.files.register.help"))
        st.download_button(
            t("finance.files.register"),
            data=lambda: _file_bytes(
                lambda path: exports.export_de_minimis_register(
                    engine(), viewer, "xlsx", path, language
                ),
                ".xlsx",
            ),
            file_name=f"de-minimis-{metrics.today().isoformat()}.xlsx",
            mime=XLSX,
            icon=":material/download:",
            on_click="ignore",
        )
