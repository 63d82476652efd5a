"""The dashboards' Streamlit parts: cached indicator reads, KPI cards, and charts with their
data table and PNG / SVG / CSV downloads.

Every read asks polku/access.py before the cache is consulted; the cached values are
aggregates, the same for every viewer allowed to see them. Suppression for directors is
applied after the cache, where a number meets its viewer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
import vl_convert as vlc
from streamlit.elements.vega_charts import (
    _convert_altair_to_vega_lite_spec as _altair_to_spec,  # st.altair_chart's own conversion
)

from polku import board_pack, charts, i18n, metrics, present
from polku.access import Actor, Permission, check
from polku.ui.data import TTL, Source, engine_of, source
from polku.ui.state import lang, t
from polku.ui.tables import plain_table

# One typed, cached wrapper per metrics function: the cached function takes the database URL and
# the choices (its cache key); the public one checks access first, on every call.


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=100)
def _kpis(
    src: Source, municipality: str | None, as_of: date, target_group: str | None, _actor: Actor
) -> pd.DataFrame:
    return metrics.kpis(engine_of(src), _actor, municipality, as_of, target_group)


def kpis(
    actor: Actor, municipality: str | None, as_of: date, target_group: str | None = None
) -> pd.DataFrame:
    """metrics.kpis, cached; access checked first."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    return _kpis(source(), municipality, as_of, target_group, actor)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=100)
def _indicator_series(
    src: Source, municipality: str | None, start: date, end: date, group: str | None, _actor: Actor
) -> pd.DataFrame:
    return metrics.indicator_series(engine_of(src), _actor, municipality, start, end, group)


def indicator_series(
    actor: Actor, municipality: str | None, start: date, end: date, target_group: str | None
) -> pd.DataFrame:
    """metrics.indicator_series, cached; access checked first."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    return _indicator_series(source(), municipality, start, end, target_group, actor)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=100)
def _active_by_status(
    src: Source, municipality: str | None, start: date, end: date, group: str | None, _actor: Actor
) -> pd.DataFrame:
    return metrics.active_by_status(engine_of(src), _actor, municipality, start, end, group)


def active_by_status(
    actor: Actor, municipality: str | None, start: date, end: date, target_group: str | None
) -> pd.DataFrame:
    """metrics.active_by_status, cached; access checked first."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    return _active_by_status(source(), municipality, start, end, target_group, actor)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=100)
def _new_clients_per_month(
    src: Source, municipality: str | None, start: date, end: date, group: str | None, _actor: Actor
) -> pd.DataFrame:
    return metrics.new_clients_per_month(engine_of(src), _actor, municipality, start, end, group)


def new_clients_per_month(
    actor: Actor, municipality: str | None, start: date, end: date, target_group: str | None
) -> pd.DataFrame:
    """metrics.new_clients_per_month, cached; access checked first."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    return _new_clients_per_month(source(), municipality, start, end, target_group, actor)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=100)
def _clients_by_target_group(
    src: Source, municipality: str | None, as_of: date, _actor: Actor
) -> pd.DataFrame:
    return metrics.clients_by_target_group(engine_of(src), _actor, municipality, as_of)


def clients_by_target_group(actor: Actor, municipality: str | None, as_of: date) -> pd.DataFrame:
    """metrics.clients_by_target_group, cached; access checked first."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    return _clients_by_target_group(source(), municipality, as_of, actor)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=100)
def _outcome_funnel(
    src: Source, municipality: str | None, as_of: date, target_group: str | None, _actor: Actor
) -> pd.DataFrame:
    return metrics.outcome_funnel(engine_of(src), _actor, municipality, as_of, target_group)


def outcome_funnel(
    actor: Actor, municipality: str | None, as_of: date, target_group: str | None
) -> pd.DataFrame:
    """metrics.outcome_funnel, cached; access checked first."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    return _outcome_funnel(source(), municipality, as_of, target_group, actor)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=100)
def _employer_series(
    src: Source, municipality: str | None, start: date, end: date, _actor: Actor
) -> pd.DataFrame:
    return metrics.employer_series(engine_of(src), _actor, municipality, start, end)


def employer_series(actor: Actor, municipality: str | None, start: date, end: date) -> pd.DataFrame:
    """metrics.employer_series, cached; access checked first."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    return _employer_series(source(), municipality, start, end, actor)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=100)
def _comparison(src: Source, as_of: date, target_group: str | None, _actor: Actor) -> pd.DataFrame:
    return metrics.municipality_comparison(engine_of(src), _actor, as_of, target_group)


def comparison(actor: Actor, as_of: date, target_group: str | None) -> pd.DataFrame:
    check(actor, Permission.READ_AGGREGATES, None)
    return _comparison(source(), as_of, target_group, actor)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=100)
def _changes(
    src: Source, municipality: str | None, as_of: date, _actor: Actor
) -> tuple[list[tuple[str, date, str | None]], pd.DataFrame]:
    engine = engine_of(src)
    windows = metrics.change_windows(engine, as_of)
    days = [day for _, day, _ in windows]
    return windows, metrics.changes_since(engine, _actor, municipality, days, as_of)


def changes(
    actor: Actor, municipality: str | None, as_of: date
) -> tuple[list[tuple[str, date, str | None]], pd.DataFrame]:
    """metrics.change_windows and changes_since, cached; access checked first."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    return _changes(source(), municipality, as_of, actor)


@st.cache_data(ttl=300, show_spinner=False)
def _code_list(src: Source, table: str) -> pd.DataFrame:
    return metrics.code_list(engine_of(src), table)


def code_names(table: str, language: str) -> dict[str, str]:
    """Code -> name in the language, of a code list of the project definition."""
    frame = _code_list(source(), table)
    return {row["code"]: i18n.localized_name(row, language) for row in frame.to_dict("records")}


# ---------------------------------------------------------------------------------------------
# KPI cards


def kpi_cards(frame: pd.DataFrame, actor: Actor) -> None:
    """One card per indicator: actual, target, share of target, expected by the day, and
    whether it is ahead or behind; the rate with its numerator and denominator. A value hidden
    from the viewer ("< 5") shows neither its share, its progress, nor ahead/behind, from which
    it would follow."""
    rows = present.kpi_values(frame, actor, lang()).to_dict("records")
    for start in range(0, len(rows), 3):
        for column, row in zip(st.columns(3), rows[start : start + 3], strict=False):
            with column, st.container(border=True, height="stretch"):
                kind = str(row["kind"])
                name = i18n.localized_name(row, lang())
                ahead, hidden = bool(row["ahead"]), bool(row["hidden"])
                st.metric(
                    name,
                    str(row["actual_label"]),
                    delta=None if hidden else (t("kpi.ahead") if ahead else t("kpi.behind")),
                    delta_color="green" if ahead else "orange",
                    delta_arrow="up" if ahead else "down",
                    help=t("kpi.help.rate" if kind == "rate" else "kpi.help.count"),
                )
                target, expected = (
                    present.number_label(float(row["target"]), kind, lang()),
                    present.number_label(float(row["expected"]), kind, lang()),
                )
                if hidden:
                    st.caption(t("kpi.target_line.hidden", target=target, expected=expected))
                    st.caption(t("privacy.note"))
                    continue
                share = row["share_of_target"]
                st.caption(
                    t(
                        "kpi.target_line",
                        target=target,
                        share=i18n.fmt_percent(float(share or 0), 0, lang()),
                        expected=expected,
                    )
                )
                if kind == "rate":
                    st.caption(
                        t(
                            "kpi.rate_parts",
                            numerator=i18n.fmt_int(int(row["numerator"]), lang()),
                            denominator=i18n.fmt_int(int(row["denominator"]), lang()),
                        )
                    )
                else:
                    st.progress(min(float(share or 0), 1.0))


# ---------------------------------------------------------------------------------------------
# What changed, and the board pack


def changes_section(actor: Actor, municipality: str | None, as_of: date) -> None:
    """What changed since the previous month and payment period, as the viewer may see it
    (the same table as the board pack's)."""
    st.subheader(t("overview.changes"))
    st.caption(t("overview.changes.caption"))
    windows, frame = changes(actor, municipality, as_of)
    header, rows = present.change_table(windows, frame, actor, lang())
    st.dataframe(pd.DataFrame(rows, columns=header), hide_index=True, height="content")


def board_pack_button(actor: Actor, municipality: str | None, as_of: date) -> None:
    """One button: the board pack of this view as a PDF, made only when clicked."""
    language, db = lang(), engine_of(source())
    st.download_button(
        t("overview.board_pack"),
        data=lambda: board_pack.board_pack(db, actor, municipality, as_of, language),
        file_name=board_pack.file_name(municipality, as_of),
        mime="application/pdf",
        key="board_pack",
        icon=":material/picture_as_pdf:",
        help=t("overview.board_pack.help"),
        on_click="ignore",
    )


# ---------------------------------------------------------------------------------------------
# Charts


def _png(spec: dict) -> bytes:
    return vlc.vegalite_to_png(spec, scale=charts.PNG_SCALE)


def _svg(spec: dict) -> bytes:
    return vlc.vegalite_to_svg(spec).encode("utf-8")


def csv_bytes(table: pd.DataFrame, language: str) -> bytes:
    """A shown table as CSV in the language's convention: Finnish `;` (the decimal comma is
    in the text), English `,`; UTF-8 with a byte-order mark so Excel reads ä and ö."""
    separator = ";" if i18n.language(language) == "fi" else ","
    return table.to_csv(index=False, sep=separator).encode("utf-8-sig")


# Altair checks every part of a chart against the Vega-Lite schema as it is made (its "debug
# mode"), and the whole again in to_dict: most of a chart's cost. The builders' whole specs are
# validated by the tests (tests/test_charts.py), not on every draw.
alt.utils.schemapi.disable_debug_mode()


class _Unvalidated:
    """A chart whose conversion skips Altair's schema validation (see above)."""

    def __init__(self, chart: alt.TopLevelMixin) -> None:
        self.chart = chart

    def to_dict(self) -> dict[str, Any]:
        return self.chart.to_dict(validate=False)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=500)
def _chart_spec(builder: str, frame: pd.DataFrame, options: dict[str, Any]) -> dict[str, Any]:
    """The spec st.altair_chart would send for charts.<builder>(frame, **options), its data as
    Arrow: building and converting an Altair chart costs more than drawing it, so once per data."""
    return _altair_to_spec(_Unvalidated(getattr(charts, builder)(frame, **options)))  # type: ignore[arg-type]


def chart(
    build: Callable[..., alt.TopLevelMixin], frame: pd.DataFrame, description: str, **options: Any
) -> None:
    """The chart `build(frame, **options)` draws, its spec made once per data; `description`
    is its accessible name."""
    st.vega_lite_chart(
        spec=_chart_spec(build.__name__, frame, options), width="stretch", alt=description
    )


def show_chart(
    build: Callable[..., alt.TopLevelMixin],
    frame: pd.DataFrame,
    data: pd.DataFrame,
    *,
    name: str,
    key: str,
    **options: Any,
) -> None:
    """The chart `build(frame, **options)` draws (a polku.charts builder), its data as a table,
    and downloads: PNG, SVG and CSV, each made only when asked.

    `data` is what the viewer may see, as text in the viewer's formats (suppressed counts as
    "< 5"); it is also the CSV (Finnish: `;` and decimal comma; English: `,`)."""
    chart(
        build,
        frame,
        charts.chart_description(str(options.get("title", name)), data, lang()),
        **options,
    )
    with st.expander(t("chart.show_data")):
        plain_table(data)
    columns = st.columns([1, 1, 1, 5])
    downloads = (
        ("PNG", "png", "image/png", lambda: _png(charts.for_print(build(frame, **options)))),
        ("SVG", "svg", "image/svg+xml", lambda: _svg(charts.for_print(build(frame, **options)))),
        ("CSV", "csv", "text/csv", lambda: csv_bytes(data, lang())),
    )
    for column, (label, suffix, mime, make) in zip(columns, downloads, strict=False):
        with column:
            st.download_button(
                label,
                data=make,
                file_name=f"{name}.{suffix}",
                mime=mime,
                key=f"{key}_{suffix}",
                icon=":material/download:",
                on_click="ignore",
            )
