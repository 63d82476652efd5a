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

from polku import i18n

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
            "share_label": [i18n.fmt_percent(share, 0, lang) for share in matrix["share"]],
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
    return chart.configure(locale={**locale, "number": {**locale["number"], "percent": percent}})


# ---------------------------------------------------------------------------------------------
# Dashboard charts. Each takes an aggregated frame from polku/metrics.py (already suppressed
# for the viewer where it counts people) and the language; titles say what the chart shows.

# Okabe & Ito: distinguishable with every common colour-vision deficiency
OKABE_ITO = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
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


def _finish(chart: Any, title: str, lang: str) -> Any:
    """Title, locale and palette shared by every dashboard chart."""
    locale = _LOCALES.get(lang, _LOCALES["fi"])
    # Set on the builder's own new chart: each .properties()/.configure_*() deep-copies it
    chart.title = title
    chart.width = "container"
    chart.config = alt.Config(
        locale=locale,
        range=alt.RangeConfig(category=OKABE_ITO),
        title=alt.TitleConfig(anchor="start", fontSize=15),
    )
    return chart


def _month_axis(lang: str) -> alt.Axis:
    return alt.Axis(format=MONTH_FORMAT.get(lang, MONTH_FORMAT["fi"]), title=None, labelAngle=0)


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
        x=alt.X("month_end:T", axis=_month_axis(lang)),
        y=alt.Y("value:Q", title=None, axis=alt.Axis(format=value_format)),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top")),
        strokeDash=alt.StrokeDash(
            "series:N",
            scale=alt.Scale(domain=[labels["actual"], labels["expected"]], range=[[1, 0], [6, 4]]),
            legend=None,
        ),
        tooltip=[
            alt.Tooltip(
                "month_end:T",
                title=labels["month"],
                format=DATE_FORMAT.get(lang, DATE_FORMAT["fi"]),
            ),
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
    frame: pd.DataFrame, *, title: str, category: str, labels: dict[str, str], lang: str
) -> alt.Chart:
    """Bars per month, stacked by `category` (e.g. status). Columns: month_end, <category>,
    clients (empty where suppressed), clients_label."""
    data = frame.assign(month_end=pd.to_datetime(frame["month_end"]))
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month_end):O", axis=_month_axis(lang), title=None),
            y=alt.Y("sum(clients):Q", title=labels["clients"], axis=alt.Axis(format=",.0f")),
            color=alt.Color(
                f"{category}:N",
                title=labels[category],
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            order=alt.Order(f"{category}:N"),
            tooltip=[
                alt.Tooltip(
                    "month_end:T",
                    title=labels["month"],
                    format=DATE_FORMAT.get(lang, DATE_FORMAT["fi"]),
                ),
                alt.Tooltip(f"{category}:N", title=labels[category]),
                alt.Tooltip("clients_label:N", title=labels["clients"]),
            ],
        )
    )
    return _finish(chart, title, lang)


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
    data = frame.copy()
    if time_axis:
        data[x] = pd.to_datetime(data[x])
        category = alt.X(f"yearmonth({x}):O", axis=_month_axis(lang), title=None)
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
    base = alt.Chart(frame).encode(
        y=alt.Y("name:N", title=None, sort=None),
        tooltip=[
            alt.Tooltip("name:N", title=labels["municipality"]),
            alt.Tooltip("actual_label:N", title=labels["actual"]),
            alt.Tooltip("expected:Q", title=labels["expected"], format=value_format),
            alt.Tooltip("target:Q", title=labels["target"], format=value_format),
        ],
    )
    bar = base.mark_bar(color=OKABE_ITO[0]).encode(
        x=alt.X("actual:Q", title=labels["actual"], axis=alt.Axis(format=value_format))
    )
    expected = base.mark_tick(color=OKABE_ITO[1], thickness=3, size=18).encode(x="expected:Q")
    target = base.mark_tick(color="#000000", thickness=2, size=18).encode(x="target:Q")
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
            x=alt.X("month_end:T", axis=_month_axis(lang)),
            y=alt.Y("employers:Q", title=labels["employers"], axis=alt.Axis(format=",.0f")),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top")),
            tooltip=[
                alt.Tooltip(
                    "month_end:T",
                    title=labels["month"],
                    format=DATE_FORMAT.get(lang, DATE_FORMAT["fi"]),
                ),
                alt.Tooltip("series:N", title=None),
                alt.Tooltip("employers:Q", title=labels["employers"], format=",.0f"),
            ],
        )
    )
    return _finish(chart, title, lang)
