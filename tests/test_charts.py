"""polku/charts.py through chart.to_dict(): the phase heatmap's encodings, title, tooltips,
colour scheme and the aggregated values it carries (no client rows)."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine

from polku import charts, checklists
from polku.access import Actor

PHASES = [("mapping", "Kartoitusvaihe", "Mapping"), ("pilot", "Pilotointivaihe", "Pilot")]
# Colour-blind-safe sequential schemes of Vega (single hue, or perceptually uniform)
SAFE_SEQUENTIAL = {"blues", "greens", "greys", "purples", "oranges", "viridis", "cividis"}


def _matrix() -> pd.DataFrame:
    """Two municipalities × two phases, as polku.checklists.region_matrix gives them."""
    rows = []
    cells = {
        ("167", "Joensuu"): [(2, 2, True, False), (0, 1, False, True)],
        ("422", "Lieksa"): [(1, 2, False, True), (0, 1, False, False)],
    }
    for (code, name), values in cells.items():
        for position, ((phase, fi, en), (done, total, complete, current)) in enumerate(
            zip(PHASES, values, strict=True), start=1
        ):
            rows.append(
                {
                    "municipality": code,
                    "municipality_name": name,
                    "work_package": "WP1",
                    "phase": phase,
                    "position": position,
                    "name_fi": fi,
                    "name_en": en,
                    "done": done,
                    "total": total,
                    "share": done / total,
                    "required": total,
                    "required_done": done,
                    "started": done,
                    "complete": complete,
                    "current": current,
                    "flagged": False,
                }
            )
    return pd.DataFrame(rows, columns=checklists.MATRIX_COLUMNS)


def _spec(lang: str = "fi") -> dict:
    return charts.phase_heatmap(_matrix(), lang).to_dict()


def _values(spec: dict) -> list[dict]:
    (dataset,) = spec["datasets"].values()
    return dataset


def test_the_heatmap_is_titled_and_layered() -> None:
    spec = _spec()
    assert spec["title"] == "Vaihelistojen eteneminen kunnittain"
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rect", "rect", "text"]
    assert charts.phase_heatmap(_matrix(), title="Oma otsikko").to_dict()["title"] == "Oma otsikko"


def test_cells_are_coloured_by_the_share_done_on_a_colour_blind_safe_scale() -> None:
    cells = _spec()["layer"][0]["encoding"]
    assert cells["color"]["field"] == "share"
    assert cells["color"]["type"] == "quantitative"
    assert cells["color"]["scale"] == {"domain": [0, 1], "scheme": charts.HEATMAP_SCHEME}
    assert charts.HEATMAP_SCHEME in SAFE_SEQUENTIAL
    assert cells["x"]["field"] == "phase" and cells["y"]["field"] == "municipality"
    assert cells["x"]["sort"] == ["1. Kartoitusvaihe", "2. Pilotointivaihe"]
    assert cells["y"]["sort"] == ["Joensuu", "Lieksa"]
    assert (cells["x"]["title"], cells["y"]["title"]) == ("Vaihe", "Kunta")


def test_each_cell_says_done_of_total_and_the_current_phase_is_framed() -> None:
    spec = _spec()
    text = spec["layer"][2]["encoding"]
    assert text["text"]["field"] == "label"
    frame = spec["layer"][1]
    assert frame["transform"] == [{"filter": "datum.current"}]
    assert frame["mark"]["filled"] is False and frame["mark"]["strokeWidth"] >= 2
    labels = {(v["municipality"], v["phase"]): v["label"] for v in _values(spec)}
    assert labels == {
        ("Joensuu", "1. Kartoitusvaihe"): "\u2713 2 / 2",
        ("Joensuu", "2. Pilotointivaihe"): "\u25b6 0 / 1",
        ("Lieksa", "1. Kartoitusvaihe"): "\u25b6 1 / 2",
        ("Lieksa", "2. Pilotointivaihe"): "0 / 1",
    }


def test_tooltips_name_the_cell_and_its_counts() -> None:
    tooltip = _spec()["layer"][0]["encoding"]["tooltip"]
    assert [(t["field"], t["title"]) for t in tooltip] == [
        ("municipality", "Kunta"),
        ("phase", "Vaihe"),
        ("done", "Valmiina"),
        ("total", "Yhteensä"),
        ("share_label", "Valmiina"),
        ("state", "Vaiheen tila"),
    ]


def test_the_chart_carries_only_the_aggregated_cells() -> None:
    matrix = _matrix().assign(client_code="X123")  # a column the chart has no use for
    values = _values(charts.phase_heatmap(matrix).to_dict())
    assert len(values) == len(matrix) == 4
    assert set(values[0]) == {
        "municipality",
        "phase",
        "position",
        "done",
        "total",
        "share",
        "share_label",
        "current",
        "label",
        "state",
    }
    assert [(v["done"], v["total"], v["share"]) for v in values] == [
        (2, 2, 1.0),
        (0, 1, 0.0),
        (1, 2, 0.5),
        (0, 1, 0.0),
    ]
    assert [v["state"] for v in values] == ["Valmis", "Nykyinen vaihe", "Nykyinen vaihe", "Tulossa"]
    assert [v["share_label"] for v in values] == ["100\u00a0%", "0\u00a0%", "50\u00a0%", "0\u00a0%"]


def test_numbers_follow_the_viewers_language() -> None:
    fi = _spec("fi")["config"]["locale"]["number"]
    assert (fi["decimal"], fi["thousands"], fi["percent"]) == (",", "\u00a0", "\u00a0%")
    en = _spec("en")
    assert en["config"]["locale"]["number"]["percent"] == "%"
    assert {v["share_label"] for v in _values(en)} == {"100%", "0%", "50%"}


def test_english_labels() -> None:
    spec = _spec("en")
    assert spec["title"] == "Checklist progress by municipality"
    assert spec["layer"][0]["encoding"]["x"]["sort"] == ["1. Mapping", "2. Pilot"]
    assert {v["state"] for v in _values(spec)} == {"Complete", "Current phase", "Upcoming"}


def test_the_heatmap_of_a_real_database_has_thirteen_by_four_cells(engine: Engine) -> None:
    matrix = checklists.region_matrix(engine, Actor(email="a@example.fi", role="admin"))
    values = _values(charts.phase_heatmap(matrix).to_dict())
    assert len(values) == 13 * 4
    assert sum(v["current"] for v in values) == 13
    assert {v["label"] for v in values if v["phase"].startswith("2.")} == {"0 / 6"}


@pytest.mark.parametrize(
    ("done", "total", "current", "complete", "label"),
    [
        (3, 6, False, False, "3 / 6"),
        (3, 6, True, False, "\u25b6 3 / 6"),
        (6, 6, False, True, "\u2713 6 / 6"),
    ],
)
def test_cell_labels(done: int, total: int, current: bool, complete: bool, label: str) -> None:
    assert charts.phase_cell_label(done, total, current, complete) == label


# ---- Dashboard charts (issue 13.7): colour by meaning, one tick a month, print-size downloads


def _trajectory(lang: str) -> dict:
    from datetime import date

    from polku import i18n, metrics

    ends = metrics.month_ends(date(2026, 3, 1), date(2026, 6, 15))
    frame = pd.DataFrame(
        {"month_end": ends, "actual": [0, 6, 12, 40], "actual_label": ["0", "6", "12", "40"],
         "expected": [10.0, 20.0, 30.0, 35.0]}
    )  # fmt: skip
    labels = {
        k: i18n.t(f"chart.{k}", lang) for k in ("actual", "expected", "today", "month", "target")
    }
    return charts.indicator_trajectory(
        frame, title="T", kind="count", today=ends[-1], labels=labels, lang=lang
    ).to_dict()


def test_actual_has_one_colour_in_every_language() -> None:
    from polku import i18n

    colours = {}
    for lang in ("fi", "en"):
        scale = _trajectory(lang)["layer"][0]["encoding"]["color"]["scale"]
        by_label = dict(zip(scale["domain"], scale["range"], strict=True))
        colours[lang] = (
            by_label[i18n.t("chart.actual", lang)],
            by_label[i18n.t("chart.expected", lang)],
        )
    assert colours["fi"] == colours["en"]
    assert colours["fi"][0] != colours["fi"][1]


def test_the_month_axis_has_one_tick_per_month() -> None:
    axis = _trajectory("fi")["layer"][0]["encoding"]["x"]["axis"]
    ticks = [(v["year"], v["month"]) for v in axis["values"]]
    assert len(ticks) == len(set(ticks)) == 4  # March to June, each once
    assert axis["format"] == charts.MONTH_FORMAT["fi"]


def test_a_download_is_print_size_with_the_whole_title() -> None:
    import vl_convert as vlc
    from PIL import Image

    title = "Työllistymissuunnitelman tavoitteen saavuttaneet: toteuma ja tavoitepolku, Koko alue"
    frame = pd.DataFrame(
        {"name": ["Joensuu", "Lieksa"], "actual": [0.5, None], "actual_label": ["50 %", "–"],
         "expected": [0.7, 0.7], "target": [0.7, 0.7]}
    )  # fmt: skip
    labels = {"municipality": "Kunta", "actual": "Toteuma", "expected": "E", "target": "T"}
    chart = charts.against_target(frame, title=title, kind="rate", labels=labels, lang="fi")
    spec = charts.for_print(chart)
    image = Image.open(__import__("io").BytesIO(vlc.vegalite_to_png(spec, scale=2)))
    assert image.width >= 2 * charts.PRINT_WIDTH
    svg = vlc.vegalite_to_svg(spec)
    assert title in svg  # not cut with an ellipsis


# ---------------------------------------------------------------------------------------------
# The Talous page's charts

MONEY_LABELS = {
    k: k
    for k in (
        "costs", "plan", "forecast", "budget", "euros", "month", "role", "fte", "planned_fte",
        "cost_per_result", "region", "municipality",
    )
}  # fmt: skip


def test_costs_against_plan_draws_the_forecast_dashed_and_the_budget_in_meaning_colours() -> None:
    from datetime import date

    frame = pd.DataFrame(
        {
            "month_end": [
                date(2026, 3, 31),
                date(2026, 3, 31),
                date(2026, 3, 31),
                date(2029, 9, 30),
            ],
            "series": ["costs", "plan", "forecast", "forecast"],
            "euros": [100.0, 120.0, 100.0, 900.0],
            "euros_label": ["100 €", "120 €", "100 €", "900 €"],
        }
    )
    spec = charts.costs_against_plan(
        frame, title="T", budget=1000.0, today=date(2026, 4, 2), labels=MONEY_LABELS, lang="fi"
    ).to_dict()
    lines = spec["layer"][0]["encoding"]
    assert lines["color"]["scale"] == {
        "domain": ["costs", "plan", "forecast"],
        "range": [charts.MEANING_COLOURS[m] for m in ("costs", "plan", "forecast")],
    }
    dashes = dict(
        zip(
            lines["strokeDash"]["scale"]["domain"],
            lines["strokeDash"]["scale"]["range"],
            strict=True,
        )
    )
    assert dashes["costs"] == [1, 0] and dashes["forecast"] not in ([1, 0], dashes["plan"])
    assert spec["layer"][1]["mark"]["color"] == charts.MEANING_COLOURS["budget"]
    assert lines["y"]["axis"]["format"] == ",.0f"
    assert spec["config"]["locale"]["number"]["currency"] == ["", "\u00a0€"]
    rows = [r for values in spec["datasets"].values() for r in values]
    assert {c for r in rows if "series" in r for c in r} == {
        "month_end",
        "series",
        "euros",
        "euros_label",
    }


def test_fte_against_plan_has_a_solid_and_a_dashed_line_per_role() -> None:
    frame = pd.DataFrame(
        {"month_end": ["2026-03-31"] * 2, "role": ["Työvalmentaja", "Hankepäällikkö"],
         "fte": [10.5, 1.0], "planned_fte": [19.0, 1.0], "difference": [-8.5, 0.0]}
    )  # fmt: skip
    spec = charts.fte_against_plan(frame, title="H", labels=MONEY_LABELS, lang="en").to_dict()
    actual, plan = spec["layer"]
    assert (
        actual["encoding"]["y"]["field"] == "fte"
        and plan["encoding"]["y"]["field"] == "planned_fte"
    )
    assert plan["mark"]["strokeDash"] == [6, 4] and "strokeDash" not in actual["mark"]
    assert actual["encoding"]["color"]["field"] == "role"
    rows = [r for values in spec["datasets"].values() for r in values]
    assert {c for r in rows for c in r} == {"month_end", "role", "fte", "planned_fte"}


def test_cost_per_result_bars_with_the_region_as_a_rule() -> None:
    frame = pd.DataFrame(
        {"name": ["Joensuu", "Lieksa"], "cost_per_result": [1500.0, None],
         "cost_per_result_label": ["1 500 €", "–"], "results": [80, 3]}
    )  # fmt: skip
    spec = charts.cost_per_result_bars(
        frame, title="C", region=1400.0, labels=MONEY_LABELS, lang="fi"
    ).to_dict()
    bars, rule, _ = spec["layer"]
    assert bars["mark"]["color"] == charts.MEANING_COLOURS["costs"]
    assert rule["mark"]["color"] == charts.MEANING_COLOURS["region"]
    assert bars["encoding"]["x"]["field"] == "cost_per_result"
    rows = [r for values in spec["datasets"].values() for r in values]
    # The results' counts are not in the chart's data: only what it draws
    assert not any("results" in r for r in rows)
    no_region = charts.cost_per_result_bars(
        frame, title="C", region=None, labels=MONEY_LABELS, lang="fi"
    )
    assert len(no_region.to_dict()["layer"]) == 1
