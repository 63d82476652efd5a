"""The committed benchmark results (`make bench` writes them): the shape the issue asks for,
every target met, and the README showing exactly these figures."""

from __future__ import annotations

import json

from benchmarks import report, targets

RESULT = json.loads(report.RESULTS.read_text(encoding="utf-8"))


def test_the_results_have_the_agreed_shape() -> None:
    pages = RESULT["pages"]
    assert pages and all({"page", "role", "cold_s", "warm_s", "floor_s"} <= set(p) for p in pages)
    # Every role: admin and analyst of the region, coordinator and director of one
    # municipality and of the region; each page's floor cold and warm
    assert {p["role"] for p in pages} == {"admin", "analyst", "director", "coordinator"}
    scopes = {(p["role"], p["scope"]) for p in pages}
    assert {(r, "municipality") for r in ("coordinator", "director")} <= scopes
    assert {(r, "region") for r in ("admin", "analyst", "coordinator", "director")} <= scopes
    assert all({"floor_warm_s", "warm_floor_ratio", "elements"} <= set(p) for p in pages)
    assert all(p["warm_floor_ratio"] == p["warm_s"] / p["floor_warm_s"] for p in pages)
    assert set(RESULT["backends"]) == {"sqlite", "postgresql"}
    assert {p["backend"] for p in pages} == {"sqlite", "postgresql"}
    assert {"rows_per_s", "floor_ratio"} <= set(RESULT["import"])
    assert RESULT["charts"] and all({"page", "bytes"} <= set(c) for c in RESULT["charts"])
    assert isinstance(RESULT["peak_rss_mb"], float)
    assert RESULT["scale_growth"] == max(p["growth"] for p in pages)
    assert RESULT["scales"]["10"]["clients"] >= 50_000
    assert RESULT["scales"]["1"]["clients"] >= 5_000


def test_the_browser_figures_cover_every_admin_page() -> None:
    admin_pages = {p["page"] for p in RESULT["pages"] if p["role"] == "admin"}
    loads = RESULT["browser"]
    assert {b["page"] for b in loads} == admin_pages
    assert all(b["load_s"] > 0 and b["bare_s"] > 0 for b in loads)


def test_the_import_limits_figures_have_their_shape() -> None:
    measured = RESULT["import_limits"]
    assert {r["file"] for r in measured["refusals"]} == {"zip bomb (.xlsx)", "50 MB CSV"}
    assert all(r["refused"] and r["seconds"] >= 0 for r in measured["refusals"])
    assert {b["backend"] for b in measured["background"]} == set(RESULT["backends"])
    assert all(b["warm_import_in_worker_s"] > 0 for b in measured["background"])


def test_each_target_is_judged_from_the_worst_measured_figure() -> None:
    """The summary neither flatters nor hides: each target's worst is the worst of its rows,
    and it is marked met exactly when that is within the limit (a missed target stays visible
    here and in the README; the issue is resolved when none is)."""
    pages, loads = RESULT["pages"], RESULT["browser"]
    worst = {t["target"]: t for t in RESULT["targets"]}

    def judged(name: str, value: float, *, at_least: bool = False) -> None:
        target = worst[name]
        assert target["worst"] == value, name
        assert target["met"] == (value >= target["limit"] if at_least else value <= target["limit"])

    judged(f"page warm ≤ {targets.WARM_FLOOR_RATIO:g}× its warm floor",
           max(p["warm_s"] / p["floor_warm_s"] for p in pages))  # fmt: skip
    judged(f"page cold ≤ {targets.COLD_FLOOR_RATIO:g}× its cold floor",
           max(p["cold_s"] / p["floor_s"] for p in pages))  # fmt: skip
    judged(f"page warm ≤ {targets.WARM_SECONDS:g} s", max(p["warm_s"] for p in pages))
    judged(f"browser load ≤ {targets.BROWSER_SECONDS:g} s", max(b["load_s"] for b in loads))
    judged(f"browser load ≤ {targets.BROWSER_FLOOR_RATIO:g}× the bare page",
           max(b["ratio"] for b in loads))  # fmt: skip
    judged("chart spec ≤ 100 KB", max(c["bytes"] for c in RESULT["charts"]))
    for imported in RESULT["import"]["by_backend"]:
        name = imported["backend"]
        judged(f"import ≥ 10 000 rows/s ({name})", imported["rows_per_s"], at_least=True)
        judged(f"import ≤ 3× its floor ({name})", imported["floor_ratio"])
    judged("peak memory ≤ 500 MB", RESULT["peak_rss_mb"])


def test_the_readme_shows_the_committed_figures() -> None:
    readme = report.README.read_text(encoding="utf-8")
    assert report.readme_block(readme) == report.markdown(RESULT)


LOAD = json.loads(report.LOAD_RESULTS.read_text(encoding="utf-8"))


def test_the_load_run_is_the_one_the_issue_asks_for() -> None:
    # 25 sessions for 60 s on one app process, PostgreSQL at scale 10
    assert LOAD["sessions"] == 25 and LOAD["duration_s"] == 60 <= LOAD["seconds"]
    assert LOAD["backend"] == "postgresql" and LOAD["clients"] >= 50_000
    assert {"admin", "director", "coordinator"} <= set(LOAD["roles"])
    # Several coordinators of the same municipality saved at once
    assert max(LOAD["coordinators_per_municipality"].values()) >= 3
    assert LOAD["requests_by_kind"]["save"] > 0 and LOAD["requests_by_kind"]["page switch"] > 0
    assert LOAD["requests"] == sum(LOAD["requests_by_kind"].values())
    assert LOAD["saves"]["saved"] == LOAD["writes"]["saves_told_saved"]
    assert 0 < LOAD["p50_s"] <= LOAD["p95_s"]
    assert len(LOAD["load_average"]["before"]) == 3


def test_the_load_run_had_no_errors_and_lost_no_write() -> None:
    assert LOAD["errors"] == 0, LOAD["error_samples"]
    assert LOAD["lost_writes"] == 0 and LOAD["duplicated_writes"] == 0


def test_the_readme_shows_the_committed_load_figures() -> None:
    readme = report.README.read_text(encoding="utf-8")
    markers = (report.LOAD_START, report.LOAD_END)
    assert report.readme_block(readme, markers) == report.load_markdown(LOAD)


BOARD = json.loads(report.BOARD_RESULTS.read_text(encoding="utf-8"))


def test_the_board_pack_of_the_region_takes_under_ten_seconds_at_scale_10() -> None:
    assert BOARD["scale"] == 10 and BOARD["target_s"] == 10
    assert {r["backend"] for r in BOARD["runs"]} == {"sqlite", "postgresql"}
    assert {(r["role"], r["scope"]) for r in BOARD["runs"]} == {
        (role, scope) for role in ("admin", "director") for scope in ("region", "municipality")
    }
    region = [r for r in BOARD["runs"] if r["scope"] == "region"]
    assert BOARD["worst_region_s"] == max(max(r["first_s"], r["median_s"]) for r in region)
    assert BOARD["worst_region_s"] <= BOARD["target_s"]


def test_the_readme_shows_the_committed_board_pack_figures() -> None:
    readme = report.README.read_text(encoding="utf-8")
    markers = (report.BOARD_START, report.BOARD_END)
    assert report.readme_block(readme, markers) == report.board_markdown(BOARD)


NATIONAL = json.loads(report.NATIONAL_RESULTS.read_text(encoding="utf-8"))


def test_the_national_run_is_at_scale_100_on_postgresql_and_meets_its_targets() -> None:
    assert NATIONAL["mode"] == "national" and NATIONAL["backends"] == ["postgresql"]
    assert NATIONAL["scales"]["10"]["clients"] >= 500_000
    pages = NATIONAL["pages"]
    assert {(p["role"], p["scope"]) for p in pages} == {
        (p["role"], p["scope"]) for p in RESULT["pages"]
    }
    worst = max(p["warm_s"] / p["floor_warm_s"] for p in pages)
    assert worst <= targets.WARM_FLOOR_RATIO_NATIONAL
    assert NATIONAL["import"]["rows_per_s"] >= targets.IMPORT_ROWS_PER_S
    assert all(t["met"] for t in NATIONAL["targets"])


def test_the_readme_shows_the_committed_national_figures() -> None:
    readme = report.README.read_text(encoding="utf-8")
    markers = (report.NATIONAL_START, report.NATIONAL_END)
    assert report.readme_block(readme, markers) == report.national_markdown(NATIONAL)
