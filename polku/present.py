"""How numbers and names read to people: the values the pages draw, Streamlit-free so tests and
notebooks reuse them.

Which counts a director sees as "< 5" is decided by polku.privacy.protect alone; this module
only picks, once for every page, which of its shapes a value takes (a rate, a count of people,
a count of something else). Phase progress has one rounding rule: `done_percent`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from polku import i18n, metrics, privacy
from polku.access import Actor

# ---------------------------------------------------------------------------------------------
# Names


def localized(row: Mapping[str, Any] | Any, lang: str, prefix: str = "name") -> str:
    """`<prefix>_fi` or `<prefix>_en` of a row, Finnish where English is missing."""
    return i18n.localized_name(
        {"name_fi": row[f"{prefix}_fi"], "name_en": row[f"{prefix}_en"]}, lang
    )


def names(frame: pd.DataFrame, lang: str, prefix: str = "name") -> list[str]:
    """`localized` of each row of a frame."""
    return [
        i18n.localized_name({"name_fi": fi, "name_en": en}, lang)
        for fi, en in zip(frame[f"{prefix}_fi"], frame[f"{prefix}_en"], strict=True)
    ]


# ---------------------------------------------------------------------------------------------
# Phase progress


def done_percent(done: int, total: int) -> int:
    """Whole percent of a phase done, rounded DOWN: 100 % only when every item is done (a
    half-up 99.5 % would read as complete); an empty phase is 0 %."""
    return int(done) * 100 // int(total) if int(total) > 0 else 0


def done_label(done: int, total: int, lang: str) -> str:
    """`done_percent` as text: 83 % (fi), 83% (en)."""
    return i18n.fmt_percent(done_percent(done, total) / 100, 0, lang)


def percent_format(lang: str) -> str:
    """A printf format for a whole percent (a table's progress column): 83 % (fi), 83% (en)."""
    return "%d\u00a0%%" if i18n.language(lang) == "fi" else "%d%%"


def phase_progress_table(progress: pd.DataFrame, lang: str) -> pd.DataFrame:
    """polku.metrics.phase_progress as the overview tables it: names, done, total, percent."""
    return pd.DataFrame(
        {
            "work_package": names(progress, lang, "work_package_name"),
            "phase": names(progress, lang),
            "done": progress["done"],
            "total": progress["total"],
            "share": [
                done_percent(d, n) for d, n in zip(progress["done"], progress["total"], strict=True)
            ],
        }
    ).astype({"share": "int64"})


# ---------------------------------------------------------------------------------------------
# Numbers


def number_label(value: float, kind: str, lang: str) -> str:
    """A target or expected value: a rate as a whole percent, a count as a whole number."""
    if kind == "rate":
        return i18n.fmt_percent(value, 0, lang)
    return i18n.fmt_int(round(value), lang)


def money_labels(values: Sequence[float], lang: str) -> list[str]:
    """Whole euros: 6 237 037 € (fi), €6,237,037 (en)."""
    return [i18n.fmt_euro(v, 0, lang) for v in values]


def count_text(value: int, actor: Actor | None, lang: str, *, people: bool) -> str:
    """A count on a card: a count of people follows the viewer's small-count rule."""
    return privacy.fmt_count(value, actor, lang) if people else i18n.fmt_int(value, lang)


def parts_of_whole(whole: int, parts: list[int], actor: Actor | None, lang: str) -> list[str]:
    """The texts of counts of people that add up to a shown whole (entered = active +
    exited), so that no hidden part follows from the whole less the others."""
    shown = privacy.protect(
        pd.DataFrame({"value": parts}), actor, lang, shape="counts", total=whole
    )
    return list(shown["value_label"])


# ---------------------------------------------------------------------------------------------
# Indicators


def indicator_values(
    frame: pd.DataFrame,
    actor: Actor | None,
    lang: str,
    *,
    indicator: str,
    kind: str,
    shape: privacy.Shape = "cumulative",
    total: float | None = None,
) -> pd.DataFrame:
    """One indicator's `actual` as the viewer may see it, with `actual_label`: a rate by its
    parts, a count of people by the small-count rule (`total`: the shown whole that rows of
    municipalities add up to), any other count as it is."""
    if kind == "rate":
        rate_shape: privacy.Shape = "rates" if shape == "counts" else shape
        return privacy.protect(frame, actor, lang, shape=rate_shape, value="actual", rate=True)
    if indicator in metrics.PEOPLE_INDICATORS:
        return privacy.protect(frame, actor, lang, shape=shape, value="actual", total=total)
    out = frame.drop(columns=["numerator", "denominator"], errors="ignore")
    return out.assign(actual_label=[i18n.fmt_int(int(a), lang) for a in out["actual"]])


def kpi_values(frame: pd.DataFrame, actor: Actor | None, lang: str) -> pd.DataFrame:
    """The KPI rows (polku.metrics.kpis) as the viewer may see them: `actual_label` the text,
    `hidden` where it reads "< 5", and a rate's parts only where the rate itself is shown."""
    rows = []
    for row in frame.to_dict("records"):
        indicator, kind = str(row["indicator"]), str(row["kind"])
        one = pd.DataFrame([row])
        shown = indicator_values(one, actor, lang, indicator=indicator, kind=kind, shape="counts")
        hidden = bool(pd.isna(shown["actual"].iloc[0]))
        rows.append(
            {
                **row,
                "actual_label": shown["actual_label"].iloc[0],
                "hidden": hidden,
                "numerator": None if hidden else row["numerator"],
                "denominator": None if hidden else row["denominator"],
            }
        )
    return pd.DataFrame(rows)


def comparison_values(
    side: pd.DataFrame, kpis: pd.DataFrame, indicator: str, actor: Actor | None, lang: str
) -> pd.DataFrame:
    """One indicator in every municipality (polku.metrics.municipality_comparison), as the
    viewer may see it: the region's card (`kpis`) is the whole they add up to."""
    card = kpis[kpis["indicator"] == indicator].iloc[0]
    one = side[side["indicator"] == indicator].reset_index(drop=True)
    shown = indicator_values(
        one, actor, lang, indicator=indicator, kind=str(card["kind"]), shape="counts",
        total=float(card["actual"]),
    )  # fmt: skip
    return shown[["name", "actual", "actual_label", "expected", "target"]]


def signed(value: float, lang: str, *, euros: bool = False) -> str:
    """A change with its sign: +12, −3, 0; +1 234 € in euros."""
    text = i18n.fmt_euro(abs(value), 0, lang) if euros else i18n.fmt_int(round(abs(value)), lang)
    return ("+" if value > 0 else "\u2212" if value < 0 else "") + text


def changes(frame: pd.DataFrame, actor: Actor | None, lang: str) -> pd.DataFrame:
    """metrics.changes_since as the viewer may see it: one row per change (`change`, `name`),
    a column per earlier day (its ISO date) with the change's text. For a count of people the
    running totals on the earlier days and today are one cumulative series (privacy.protect):
    a change is shown only when both its ends are, so no hidden total and no step of 1–4
    between the two windows follows from what is shown."""
    rows = []
    for change, group in frame.groupby("change", sort=False):
        group = group.sort_values("since")
        row: dict[str, Any] = {
            "change": change,
            "name": i18n.t(f"overview.changes.{change}", lang),
        }
        now = float(group["now"].iloc[0])
        people = bool(group["people"].iloc[0])
        if people:
            series = pd.DataFrame({"value": [*group["before"], now]})
            shown = privacy.protect(series, actor, lang, shape="cumulative")["value"].notna()
        else:
            shown = pd.Series([True] * (len(group) + 1))
        for i, (since, difference) in enumerate(
            zip(group["since"], group["difference"], strict=True)
        ):
            if shown.iloc[i] and shown.iloc[-1]:
                text = signed(difference, lang, euros=change == "euros_granted")
            elif privacy.is_small(difference):
                text = privacy.suppressed_label(lang)
            else:
                text = privacy.hidden_label(lang)
            row[since.isoformat()] = text
        rows.append(row)
    return pd.DataFrame(rows)


def change_table(
    windows: Sequence[tuple[str, date, str | None]],
    frame: pd.DataFrame,
    actor: Actor | None,
    lang: str,
) -> tuple[list[str], list[list[str]]]:
    """What changed (metrics.change_windows and changes_since) as the overview and the board
    pack show it: the headings (the change, then each window) and a row of text per change."""
    shown = changes(frame, actor, lang)
    header = [i18n.t("overview.changes.change", lang)] + [
        i18n.t(f"overview.changes.{w}", lang, day=i18n.fmt_date(d, lang), period=p or "")
        for w, d, p in windows
    ]
    rows = [
        [str(r["name"]), *(str(r[d.isoformat()]) for _, d, _ in windows)]
        for r in shown.to_dict("records")
    ]
    return header, rows


def status_months(
    active: pd.DataFrame, statuses: Mapping[str, str], actor: Actor | None, lang: str, other: str
) -> pd.DataFrame:
    """Active clients by status and month, statuses by name; small ones merged into `other`."""
    named = active.assign(status=[statuses.get(s, s) for s in active["status"]])
    return privacy.protect(
        named, actor, lang, shape="stacked", value="clients", by="month_end", category="status",
        other=other,
    )  # fmt: skip


def new_clients(
    new: pd.DataFrame, clients: pd.DataFrame, actor: Actor | None, lang: str
) -> pd.DataFrame:
    """New clients per month; `clients` is the clients indicator as shown (indicator_values),
    so no hidden month follows from the shown running total."""
    cumulative = clients.rename(columns={"actual": "clients"})
    return privacy.protect(new, actor, lang, shape="flows", value="clients", cumulative=cumulative)


def target_groups(
    groups: pd.DataFrame, group_names: Mapping[str, str], actor: Actor | None, lang: str
) -> pd.DataFrame:
    """Clients by target group, groups by name."""
    shown = privacy.protect(groups, actor, lang, shape="counts", value="clients")
    shown["target_group"] = [group_names[g] for g in shown["target_group"]]
    return shown[["target_group", "clients", "clients_label"]]


def funnel(
    frame: pd.DataFrame, group_names: Mapping[str, str], actor: Actor | None, lang: str
) -> pd.DataFrame:
    """The outcome funnel, stages and target groups by name."""
    shown = privacy.protect(frame, actor, lang, shape="funnel", value="clients")
    shown["stage"] = [i18n.t(f"funnel.{s}", lang) for s in shown["stage"]]
    everyone = i18n.t("dash.all_groups", lang)
    shown["target_group"] = [group_names.get(g, everyone) for g in shown["target_group"]]
    return shown


def euros(employers: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Euros granted per month (sums of money: never suppressed), with their text."""
    labels = money_labels(list(employers["euros_granted"]), lang)
    return employers.assign(euros_granted_label=labels)[
        ["month_end", "euros_granted", "euros_granted_label"]
    ]


# ---------------------------------------------------------------------------------------------
# Checklists


def deadline_label(days: int, lang: str) -> str:
    """Days to a checklist item's due date: "3 days overdue", "due today", "in 5 days"."""
    if days < 0:
        return i18n.t("checklists.deadline.overdue", lang, days=i18n.fmt_int(-days, lang))
    if days == 0:
        return i18n.t("checklists.deadline.today", lang)
    return i18n.t("checklists.deadline.upcoming", lang, days=i18n.fmt_int(days, lang))


# ---------------------------------------------------------------------------------------------
# The project definition (every number as text in the language's format)


def municipality_table(municipalities: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Municipalities with their populations and shares of the region's."""
    return pd.DataFrame(
        {
            "name": municipalities["name"],
            "code": municipalities["code"],
            "population": [i18n.fmt_int(n, lang) for n in municipalities["population"]],
            "share": [i18n.fmt_percent(s, 1, lang) for s in municipalities["population_share"]],
        }
    )


def plan_items(items: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A phase's checklist items of the project plan."""
    return pd.DataFrame(
        {
            "position": items["item_position"].astype("int64"),
            "item": names(items, lang, "item_name"),
            "required": items["required"].astype(bool),
        }
    )


def target_table(targets: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The indicators' targets: rates as percentages, counts as whole numbers."""
    return pd.DataFrame(
        {
            "indicator": names(targets, lang),
            "kind": [i18n.code_label("indicator_kind", k, lang) for k in targets["kind"]],
            "target": [
                number_label(float(v), str(kind), lang)
                for kind, v in zip(targets["kind"], targets["target"], strict=True)
            ],
            "note": ["" if pd.isna(n) else str(n) for n in targets["note"]],
        }
    )


def budget_table(budget: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Budget lines in whole euros, with their shares."""
    return pd.DataFrame(
        {
            "line": names(budget, lang),
            "kind": [i18n.code_label("budget_kind", k, lang) for k in budget["kind"]],
            "amount": money_labels(list(budget["amount"]), lang),
            "share": ["" if pd.isna(s) else i18n.fmt_percent(s, 0, lang) for s in budget["share"]],
        }
    )


def staff_table(staff: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Staff roles with their full-time equivalents (one decimal)."""
    return pd.DataFrame(
        {"role": names(staff, lang), "fte": [i18n.fmt_decimal(v, 1, lang) for v in staff["fte"]]}
    )
