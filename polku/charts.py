"""Altair builders: an aggregated DataFrame in, a Chart out (tested through chart.to_dict()).

Charts never receive client-level rows: their callers pass counts from polku/metrics.py or
polku/checklists.py, and each builder keeps only the columns it draws. Colours are
colour-blind-safe (ColorBrewer's single-hue sequential blues for shares, Okabe & Ito for
categories); labels come from polku/i18n.py; numbers and dates follow the viewer's language.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import altair as alt
import pandas as pd

from polku import i18n, present

# Sequential, single-hue, colour-blind safe; the share done runs from 0 to 1
HEATMAP_SCHEME: Literal["blues"] = "blues"
# The current phase's border: orange stands apart from every blue of the scheme
CURRENT_COLOUR = "#d95f02"
# Above this share the cell is dark enough for white text
DARK_CELL = 0.6
CURRENT_MARK = "\u25b6"  # ▶
COMPLETE_MARK = "\u2713"  # ✓


def phase_cell_label(done: int, total: int, current: bool, complete: bool) -> str:
    """ "3 / 6", with ▶ for the current phase and ✓ for a complete one."""
    text = f"{int(done)} / {int(total)}"
    if current:
        return f"{CURRENT_MARK} {text}"
    return f"{COMPLETE_MARK} {text}" if complete else text


def phase_matrix_frame(matrix: pd.DataFrame, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The matrix as drawn and tabled: municipality, phase (numbered name), position, done,
    total, share (and as text: "50 %"), current, label ("▶ 3 / 6") and state (complete /
    current phase / upcoming).

    `matrix` has the columns of polku.checklists.region_matrix (counts, no client rows)."""
    phase_names = [
        f"{int(position)}. {i18n.localized_name({'name_fi': fi, 'name_en': en}, lang)}"
        for position, fi, en in zip(
            matrix["position"], matrix["name_fi"], matrix["name_en"], strict=True
        )
    ]
    states = [
        i18n.t(
            "checklists.phase.complete"
            if complete
            else ("checklists.phase.current" if current else "checklists.phase.upcoming"),
            lang,
        )
        for complete, current in zip(matrix["complete"], matrix["current"], strict=True)
    ]
    return pd.DataFrame(
        {
            "municipality": matrix["municipality_name"].astype(str),
            "phase": phase_names,
            "position": matrix["position"].astype("int64"),
            "done": matrix["done"].astype("int64"),
            "total": matrix["total"].astype("int64"),
            "share": matrix["share"].astype(float).round(4),
            "share_label": [
                present.done_label(d, n, lang)
                for d, n in zip(matrix["done"], matrix["total"], strict=True)
            ],
            "current": matrix["current"].astype(bool),
            "label": [
                phase_cell_label(d, t, c, k)
                for d, t, c, k in zip(
                    matrix["done"],
                    matrix["total"],
                    matrix["current"],
                    matrix["complete"],
                    strict=True,
                )
            ],
            "state": states,
        }
    )


def phase_heatmap(
    matrix: pd.DataFrame, lang: str = i18n.DEFAULT_LANGUAGE, title: str | None = None
) -> alt.LayerChart:
    """Municipalities × phases: colour by the share done, "done / total" in each cell, the
    current phase framed in orange and marked ▶, a tooltip per cell."""
    data = phase_matrix_frame(matrix, lang)
    phases = list(dict.fromkeys(data.sort_values("position")["phase"]))
    municipalities = list(dict.fromkeys(data["municipality"]))

    def t(key: str) -> str:
        return i18n.t(key, lang)

    x = alt.X(
        "phase:N",
        sort=phases,
        title=t("checklists.col.phase"),
        axis=alt.Axis(orient="top", labelAngle=0, labelLimit=180),
    )
    y = alt.Y("municipality:N", sort=municipalities, title=t("checklists.col.municipality"))
    tooltip = [
        alt.Tooltip("municipality:N", title=t("checklists.col.municipality")),
        alt.Tooltip("phase:N", title=t("checklists.col.phase")),
        alt.Tooltip("done:Q", title=t("checklists.col.done")),
        alt.Tooltip("total:Q", title=t("checklists.col.total")),
        alt.Tooltip("share_label:N", title=t("checklists.chart.share")),
        alt.Tooltip("state:N", title=t("checklists.chart.state")),
    ]
    base = alt.Chart(data)
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        x=x,
        y=y,
        color=alt.Color(
            "share:Q",
            title=t("checklists.chart.share"),
            scale=alt.Scale(scheme=HEATMAP_SCHEME, domain=[0, 1]),
            legend=alt.Legend(format=".0%"),
        ),
        tooltip=tooltip,
    )
    current = (
        base.transform_filter(alt.datum.current)
        .mark_rect(filled=False, stroke=CURRENT_COLOUR, strokeWidth=3)
        .encode(x=x, y=y, tooltip=tooltip)
    )
    labels = base.mark_text(fontSize=12).encode(
        x=x,
        y=y,
        text=alt.Text("label:N"),
        color=alt.condition(alt.datum.share > DARK_CELL, alt.value("white"), alt.value("#1f1f1f")),
        tooltip=tooltip,
    )
    chart = alt.LayerChart(
        layer=[cells, current, labels],
        title=title or t("checklists.chart.title"),
        height=max(120, 30 * len(municipalities)),
    )
    # The legend's percentages in the viewer's number format: 50 % in Finnish
    locale = _LOCALES.get(lang, _LOCALES["fi"])
    percent = "\u00a0%" if i18n.language(lang) == "fi" else "%"
    return chart.configure(
        aria=False,  # as the dashboard charts (see _finish)
        mark=alt.MarkConfig(aria=False),
        locale={**locale, "number": {**locale["number"], "percent": percent}},
    )


# ---------------------------------------------------------------------------------------------
# Dashboard charts. Each takes an aggregated frame from polku/metrics.py (already suppressed
# for the viewer where it counts people) and the language; titles say what the chart shows.

# Okabe & Ito: distinguishable with every common colour-vision deficiency; orange, sky blue
# and yellow darkened to 3:1 against the white background (WCAG 1.4.11)
OKABE_ITO = [
    "#0072B2",
    "#C17A00",
    "#009E73",
    "#CC79A7",
    "#3B8DC2",
    "#D55E00",
    "#8A7D00",
    "#000000",
]
# Vega's number and time locales, so axes and tooltips read 1 234,5 and 29.11.2026 in Finnish
_LOCALES: dict[str, dict[str, Any]] = {
    "fi": {
        "number": {
            "decimal": ",",
            "thousands": "\u00a0",
            "grouping": [3],
            "currency": ["", "\u00a0€"],
        },
        "time": {
            "dateTime": "%A, %-d. %Bta %Y klo %X",
            "date": "%-d.%-m.%Y",
            "time": "%H:%M:%S",
            "periods": ["a.m.", "p.m."],
            "days": [
                "sunnuntai", "maanantai", "tiistai", "keskiviikko", "torstai", "perjantai",
                "lauantai",
            ],
            "shortDays": ["Su", "Ma", "Ti", "Ke", "To", "Pe", "La"],
            "months": [
                "tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu",
                "heinäkuu", "elokuu", "syyskuu", "lokakuu", "marraskuu", "joulukuu",
            ],
            "shortMonths": [
                "tammi", "helmi", "maalis", "huhti", "touko", "kesä", "heinä", "elo", "syys",
                "loka", "marras", "joulu",
            ],
        },
    },
    "en": {
        "number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]},
    },
}  # fmt: skip
DATE_FORMAT = {"fi": "%-d.%-m.%Y", "en": "%-d %b %Y"}
MONTH_FORMAT = {"fi": "%-m/%Y", "en": "%b %Y"}
# One colour per meaning, whatever the language of its label
MEANING_COLOURS = {
    "actual": OKABE_ITO[0],
    "expected": OKABE_ITO[1],
    "target": "#000000",
    "partnerships": OKABE_ITO[0],
    "bonus_employers": OKABE_ITO[2],
    "costs": OKABE_ITO[0],
    "plan": OKABE_ITO[1],
    "forecast": OKABE_ITO[5],
    "budget": "#000000",
    "region": "#000000",
}
# Downloads at print size: 1 000 px wide (2 000 px in the PNG), the title on its own lines
PRINT_WIDTH = 1000
PNG_SCALE = 2


_LABEL_KEYS = (
    "actual expected target today month clients status target_group stage municipality "
    "employers partnerships bonus_employers euros_granted"
).split()


def dashboard_labels(lang: str) -> dict[str, str]:
    """The dashboard charts' axis and legend titles in the language (the page's and the board
    pack's)."""
    return {key: i18n.t(f"chart.{key}", lang) for key in _LABEL_KEYS} | {
        "month_end": i18n.t("chart.month", lang)
    }


def month_label(day: date, lang: str) -> str:
    """A month as the axes show it: 3/2026 (fi), Mar 2026 (en)."""
    return i18n.fmt_month(pd.Timestamp(day).date(), lang)


def _meaning_scale(labels: dict[str, str], meanings: list[str]) -> alt.Scale:
    """A colour scale whose domain is the labels of `meanings`, each in its own colour."""
    return alt.Scale(
        domain=[labels[m] for m in meanings], range=[MEANING_COLOURS[m] for m in meanings]
    )


def chart_description(title: str, table: pd.DataFrame, lang: str) -> str:
    """What a screen reader says for a chart: its title, and where its data is as a table."""
    return i18n.t(
        "chart.description",
        lang,
        title=title,
        rows=i18n.fmt_int(len(table), lang),
        columns=", ".join(str(c) for c in table.columns),
    )


def for_print(chart: alt.TopLevelMixin, *, validate: bool = True) -> dict[str, Any]:
    """The chart's spec for a PNG / SVG download: print width, the whole title. Without
    `validate` Altair's schema check (most of the cost) is skipped: the builders' specs are
    validated by tests/test_charts.py."""
    spec = chart.to_dict(validate=validate)
    spec["width"] = PRINT_WIDTH
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    title = spec.get("title")
    if isinstance(title, str):
        spec["title"] = {"text": title, "limit": 0}
    return spec


def _finish(chart: Any, title: str, lang: str) -> Any:
    """Title, locale and palette shared by every dashboard chart."""
    locale = _LOCALES.get(lang, _LOCALES["fi"])
    # Set on the builder's own new chart: each .properties()/.configure_*() deep-copies it
    chart.title = title
    chart.width = "container"
    chart.config = alt.Config(
        # No ARIA per mark: screen readers get the chart's name (st.vega_lite_chart's alt)
        # and its data table, not one unnamed or raw-column-named node per bar (WCAG 1.1.1)
        aria=False,
        mark=alt.MarkConfig(aria=False),
        locale=locale,
        range=alt.RangeConfig(category=OKABE_ITO),
        title=alt.TitleConfig(anchor="start", fontSize=15),
    )
    return chart


def _month_axis(lang: str, months: list[Any] | None = None) -> alt.Axis:
    """A time axis with a tick on each given month end (so each month is labelled once)."""
    values = None
    if months is not None:
        days = sorted({pd.Timestamp(m).date() for m in months})
        values = [alt.DateTime(year=d.year, month=d.month, date=d.day) for d in days]
    return alt.Axis(
        format=MONTH_FORMAT.get(lang, MONTH_FORMAT["fi"]),
        title=None,
        labelAngle=0,
        labelOverlap=True,
        values=values if values is not None else alt.Undefined,
    )


def _month_category(frame: pd.DataFrame, column: str, lang: str) -> tuple[pd.DataFrame, list[str]]:
    """`frame` with a `month` label column for a per-month bar axis, and every month's label
    in order (the axis keeps a month whose bars are all hidden or zero)."""
    days = pd.to_datetime(frame[column])
    labels = [month_label(d, lang) for d in days]
    order = [month_label(d, lang) for d in sorted(set(days))]
    return frame.assign(month=labels), order


def indicator_trajectory(
    frame: pd.DataFrame, *, title: str, kind: str, today: date, labels: dict[str, str], lang: str
) -> alt.LayerChart:
    """One indicator over time: its cumulative actual, the target trajectory and today.

    `frame`: month_end, actual, expected (metrics.indicator_series for one indicator; actual
    may be empty where suppressed) and actual_label (text shown in the tooltip)."""
    value_format = ".0%" if kind == "rate" else ",.0f"
    long = pd.concat(
        [
            frame.assign(series=labels["actual"], value=frame["actual"]),
            frame.assign(series=labels["expected"], value=frame["expected"]),
        ],
        ignore_index=True,
    )[["month_end", "series", "value", "actual_label", "expected"]]
    long["month_end"] = pd.to_datetime(long["month_end"])
    base = alt.Chart(long).encode(
        x=alt.X("month_end:T", axis=_month_axis(lang, list(frame["month_end"]))),
        y=alt.Y("value:Q", title=None, axis=alt.Axis(format=value_format)),
        color=alt.Color(
            "series:N",
            title=None,
            scale=_meaning_scale(labels, ["actual", "expected"]),
            legend=alt.Legend(orient="top"),
        ),
        strokeDash=alt.StrokeDash(
            "series:N",
            scale=alt.Scale(domain=[labels["actual"], labels["expected"]], range=[[1, 0], [6, 4]]),
            legend=None,
        ),
        tooltip=[
            _month_tooltip(labels, lang),
            alt.Tooltip("actual_label:N", title=labels["actual"]),
            alt.Tooltip("expected:Q", title=labels["expected"], format=value_format),
        ],
    )
    lines = base.mark_line(point=True)
    now = alt.Chart(
        pd.DataFrame({"day": [pd.Timestamp(today)], "label": [labels["today"]]})
    ).encode(x="day:T")
    rule = now.mark_rule(color="#666666", strokeDash=[2, 2])
    text = now.mark_text(align="left", dx=4, dy=-4, color="#666666").encode(
        text="label:N", y=alt.value(0)
    )
    return _finish(alt.layer(lines, rule, text), title, lang)


def stacked_by_month(
    frame: pd.DataFrame,
    *,
    title: str,
    category: str,
    labels: dict[str, str],
    lang: str,
    months: list[date] | None = None,
) -> alt.Chart:
    """Bars per month, stacked by `category` (e.g. status); every month of `months` stays on
    the axis. Columns: month_end, <category>, clients (empty where suppressed), clients_label."""
    data, order = _month_category(
        frame[["month_end", category, "clients", "clients_label"]], "month_end", lang
    )
    if months is not None:
        order = [month_label(m, lang) for m in months]
    data = data.assign(month_end=pd.to_datetime(data["month_end"]))
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=_month_categories(order),
            y=alt.Y("sum(clients):Q", title=labels["clients"], axis=alt.Axis(format=",.0f")),
            color=alt.Color(
                f"{category}:N",
                title=labels[category],
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            order=alt.Order(f"{category}:N"),
            tooltip=[
                _month_tooltip(labels, lang),
                alt.Tooltip(f"{category}:N", title=labels[category]),
                alt.Tooltip("clients_label:N", title=labels["clients"]),
            ],
        )
    )
    return _finish(chart, title, lang)


def _month_tooltip(labels: dict[str, str], lang: str) -> alt.Tooltip:
    """The month end of a point, as the language writes dates."""
    return alt.Tooltip(
        "month_end:T", title=labels["month"], format=DATE_FORMAT.get(lang, DATE_FORMAT["fi"])
    )


def _month_categories(order: list[str]) -> alt.X:
    """Months as categories, each labelled once, in time order (every month of `order`)."""
    return alt.X(
        "month:O",
        sort=order,
        scale=alt.Scale(domain=order),
        axis=alt.Axis(labelAngle=0, labelOverlap=True),
        title=None,
    )


def bars(
    frame: pd.DataFrame,
    *,
    title: str,
    x: str,
    y: str,
    labels: dict[str, str],
    lang: str,
    horizontal: bool = False,
    color: str | None = None,
    time_axis: bool = False,
    value_format: str = ",.0f",
) -> alt.Chart:
    """Plain bars of `y` by `x` (a category, or a month when `time_axis`), tooltips from
    `<y>_label`. Optional grouping by `color` (bars side by side)."""
    data = frame[[c for c in dict.fromkeys([x, y, f"{y}_label", color]) if c]].copy()
    if time_axis:
        data, order = _month_category(data, x, lang)
        data[x] = pd.to_datetime(data[x])
        category = _month_categories(order)
    else:
        category = alt.X(
            f"{x}:N", title=None, sort=None, axis=alt.Axis(labelAngle=0, labelLimit=160)
        )
    value = alt.Y(f"{y}:Q", title=labels[y], axis=alt.Axis(format=value_format))
    tooltip = [alt.Tooltip(f"{x}:N" if not time_axis else f"{x}:T", title=labels[x])]
    if color:
        tooltip.append(alt.Tooltip(f"{color}:N", title=labels[color]))
    tooltip.append(alt.Tooltip(f"{y}_label:N", title=labels[y]))
    encoding: dict[str, Any] = {"tooltip": tooltip}
    if horizontal:
        encoding["y"] = alt.Y(f"{x}:N", title=None, sort=None, axis=alt.Axis(labelLimit=220))
        encoding["x"] = alt.X(f"{y}:Q", title=labels[y], axis=alt.Axis(format=value_format))
    else:
        encoding["x"], encoding["y"] = category, value
    if color:
        encoding["color"] = alt.Color(
            f"{color}:N",
            title=labels[color],
            sort=None,
            legend=alt.Legend(orient="bottom", columns=3),
        )
        encoding["yOffset" if horizontal else "xOffset"] = (
            alt.XOffset(f"{color}:N", sort=None)
            if not horizontal
            else alt.YOffset(f"{color}:N", sort=None)
        )
    chart = alt.Chart(data).mark_bar().encode(**encoding)
    return _finish(chart, title, lang)


def against_target(
    frame: pd.DataFrame, *, title: str, kind: str, labels: dict[str, str], lang: str
) -> alt.LayerChart:
    """The municipalities side by side: a bar of the actual and a tick of the municipality's
    share of the target and of where it should be by now. Columns: name, actual, target,
    expected, actual_label."""
    value_format = ".0%" if kind == "rate" else ",.0f"
    frame = frame[["name", "actual", "actual_label", "expected", "target"]]
    base = alt.Chart(frame).encode(
        y=alt.Y("name:N", title=None, sort=None),
        tooltip=[
            alt.Tooltip("name:N", title=labels["municipality"]),
            alt.Tooltip("actual_label:N", title=labels["actual"]),
            alt.Tooltip("expected:Q", title=labels["expected"], format=value_format),
            alt.Tooltip("target:Q", title=labels["target"], format=value_format),
        ],
    )
    bar = base.mark_bar(color=MEANING_COLOURS["actual"]).encode(
        x=alt.X("actual:Q", title=labels["actual"], axis=alt.Axis(format=value_format))
    )
    expected = base.mark_tick(color=MEANING_COLOURS["expected"], thickness=3, size=18).encode(
        x="expected:Q"
    )
    target = base.mark_tick(color=MEANING_COLOURS["target"], thickness=2, size=18).encode(
        x="target:Q"
    )
    return _finish(alt.layer(bar, expected, target), title, lang)


def employer_lines(
    frame: pd.DataFrame, *, title: str, labels: dict[str, str], lang: str
) -> alt.Chart:
    """Partnerships in force and employers granted the bonus, per month end. Columns:
    month_end, partnerships, bonus_employers."""
    long = frame.melt(
        id_vars=["month_end"],
        value_vars=["partnerships", "bonus_employers"],
        var_name="series",
        value_name="employers",
    )
    long["series"] = long["series"].map(labels)
    long["month_end"] = pd.to_datetime(long["month_end"])
    chart = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("month_end:T", axis=_month_axis(lang, list(frame["month_end"]))),
            y=alt.Y("employers:Q", title=labels["employers"], axis=alt.Axis(format=",.0f")),
            color=alt.Color(
                "series:N",
                title=None,
                scale=_meaning_scale(labels, ["partnerships", "bonus_employers"]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                _month_tooltip(labels, lang),
                alt.Tooltip("series:N", title=None),
                alt.Tooltip("employers:Q", title=labels["employers"], format=",.0f"),
            ],
        )
    )
    return _finish(chart, title, lang)


# ---------------------------------------------------------------------------------------------
# Money charts (polku/money.py's figures, already merged or left out for the viewer)


def costs_against_plan(
    frame: pd.DataFrame,
    *,
    title: str,
    budget: float,
    today: date,
    labels: dict[str, str],
    lang: str,
) -> alt.LayerChart:
    """Cumulative total eligible costs against the straight-line time plan, the forecast to
    the project's end (dashed) and the budget (a rule). Long `frame`: month_end, series (one of
    "costs", "plan", "forecast"), euros, euros_label."""
    meanings = ["costs", "plan", "forecast"]
    data = frame[["month_end", "series", "euros", "euros_label"]].copy()
    data["month_end"] = pd.to_datetime(data["month_end"])
    data["series"] = data["series"].map(labels)
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("month_end:T", axis=_month_axis(lang)),
            y=alt.Y("euros:Q", title=labels["euros"], axis=alt.Axis(format=",.0f")),
            color=alt.Color(
                "series:N",
                title=None,
                scale=_meaning_scale(labels, meanings),
                legend=alt.Legend(orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(
                    domain=[labels[m] for m in meanings], range=[[1, 0], [2, 2], [6, 4]]
                ),
                legend=None,
            ),
            tooltip=[
                _month_tooltip(labels, lang),
                alt.Tooltip("series:N", title=None),
                alt.Tooltip("euros_label:N", title=labels["euros"]),
            ],
        )
    )
    limit = alt.Chart(pd.DataFrame({"budget": [budget], "label": [labels["budget"]]}))
    rule = limit.mark_rule(color=MEANING_COLOURS["budget"]).encode(y="budget:Q")
    text = limit.mark_text(align="left", dx=4, dy=-6, color=MEANING_COLOURS["budget"]).encode(
        y="budget:Q", x=alt.value(0), text="label:N"
    )
    now = alt.Chart(pd.DataFrame({"day": [pd.Timestamp(today)]})).mark_rule(
        color="#666666", strokeDash=[2, 2]
    )
    return _finish(alt.layer(lines, rule, text, now.encode(x="day:T")), title, lang)


def fte_against_plan(
    frame: pd.DataFrame, *, title: str, labels: dict[str, str], lang: str
) -> alt.LayerChart:
    """Full-time equivalents in use by role and month (solid) against each role's planned
    staffing (dashed, same colour). Columns: month_end, role (its name), fte, planned_fte."""
    data = frame[["month_end", "role", "fte", "planned_fte"]].copy()
    data["month_end"] = pd.to_datetime(data["month_end"])
    base = alt.Chart(data).encode(
        x=alt.X("month_end:T", axis=_month_axis(lang)),
        color=alt.Color(
            "role:N", title=labels["role"], sort=None, legend=alt.Legend(orient="bottom", columns=3)
        ),
        tooltip=[
            _month_tooltip(labels, lang),
            alt.Tooltip("role:N", title=labels["role"]),
            alt.Tooltip("fte:Q", title=labels["fte"], format=",.1f"),
            alt.Tooltip("planned_fte:Q", title=labels["planned_fte"], format=",.1f"),
        ],
    )
    actual = base.mark_line(point=True).encode(
        y=alt.Y("fte:Q", title=labels["fte"], axis=alt.Axis(format=",.1f"))
    )
    plan = base.mark_line(strokeDash=[6, 4], opacity=0.7).encode(y="planned_fte:Q")
    return _finish(alt.layer(actual, plan), title, lang)


def cost_per_result_bars(
    frame: pd.DataFrame, *, title: str, region: float | None, labels: dict[str, str], lang: str
) -> alt.LayerChart:
    """Euros per result of one indicator by municipality (bars), the region's as a rule.
    Columns: name, cost_per_result (empty where not shown), cost_per_result_label."""
    data = frame[["name", "cost_per_result", "cost_per_result_label"]]
    bars_ = (
        alt.Chart(data)
        .mark_bar(color=MEANING_COLOURS["costs"])
        .encode(
            y=alt.Y("name:N", title=None, sort=None, axis=alt.Axis(labelLimit=220)),
            x=alt.X(
                "cost_per_result:Q", title=labels["cost_per_result"], axis=alt.Axis(format=",.0f")
            ),
            tooltip=[
                alt.Tooltip("name:N", title=labels["municipality"]),
                alt.Tooltip("cost_per_result_label:N", title=labels["cost_per_result"]),
            ],
        )
    )
    layers: list[Any] = [bars_]
    if region is not None:
        whole = alt.Chart(pd.DataFrame({"region": [region], "label": [labels["region"]]}))
        layers.append(whole.mark_rule(color=MEANING_COLOURS["region"], size=2).encode(x="region:Q"))
        layers.append(
            whole.mark_text(align="left", dx=4, dy=-4, color=MEANING_COLOURS["region"]).encode(
                x="region:Q", y=alt.value(0), text="label:N"
            )
        )
    return _finish(alt.layer(*layers), title, lang)
