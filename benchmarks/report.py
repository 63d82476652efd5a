"""The README's "Performance" figures, made from benchmarks/results/latest.json (and the load
figures from load.json), so the two never disagree (tests compare them).

    python -m benchmarks.report            print the Markdown
    python -m benchmarks.report --write    put it into README.md between its markers
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
README = ROOT / "README.md"
START = "<!-- benchmark figures: python -m benchmarks.report --write -->"
END = "<!-- end of benchmark figures -->"
LOAD_RESULTS = ROOT / "benchmarks" / "results" / "load.json"
LOAD_START = "<!-- load figures: python -m benchmarks.report --write -->"
LOAD_END = "<!-- end of load figures -->"
BOARD_RESULTS = ROOT / "benchmarks" / "results" / "board_pack.json"
BOARD_START = "<!-- board pack figures: python -m benchmarks.report --write -->"
BOARD_END = "<!-- end of board pack figures -->"
NATIONAL_RESULTS = ROOT / "benchmarks" / "results" / "national.json"
NATIONAL_START = "<!-- national figures: python -m benchmarks.report --write -->"
NATIONAL_END = "<!-- end of national figures -->"


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _x(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}×"


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def _worst(target: str, value: Any) -> str:
    if "chart" in target and isinstance(value, int | float):
        return f"{value / 1000:.1f} KB"
    if "memory" in target and isinstance(value, int | float):
        return f"{value:.0f} MB"
    if isinstance(value, int | float) and value >= 1000:
        return _n(value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _targets_table(result: dict[str, Any], heading: str) -> list[str]:
    """Each target with its worst measured value and whether it is met, as table lines."""
    return [
        f"| {heading} | Worst measured | Met |",
        "|---|---|---|",
        *(
            f"| {t['target']} | {_worst(t['target'], t['worst'])} | "
            f"{'yes' if t['met'] else '**no**'} |"
            for t in result["targets"]
        ),
    ]


def markdown(result: dict[str, Any]) -> str:
    """The figures of one benchmark run as Markdown."""
    machine = result["machine"]
    scales = result["scales"]
    lines = [
        f"Measured {result['generated_at'][:10]} on {machine['cpus']} CPUs (Python "
        f"{machine['python']}), {', '.join(result['backends'])}: scale 10 = "
        f"{_n(scales['10']['clients'])} clients (`init --sample --scale "
        f"{scales['10']['sample_scale']:g}`), scale 1 = {_n(scales['1']['clients'])}. "
        f"Run time {result['run_seconds'] / 60:.0f} min; load average "
        f"{machine['load_average_at_start']:.1f} at the start.",
        "",
        *_targets_table(result, "Target at scale 10"),
    ]
    lines += [
        "",
        "Pages (seconds, median of the runs; floor = a bare page drawing from memory the "
        "elements the page drew: as many metrics, charts of as many rows, tables and data "
        "editors of as many rows and columns, input widgets of each kind with as many options, "
        "in the same forms, tabs, expanders and columns; cold = a new session, every cache "
        "empty, against the floor's first run in a new AppTest; warm = a rerun against the "
        "floor's rerun; growth = cold at scale 10 / cold at scale 1):",
        "",
        "| Backend | Page | Role | Scope | Cold | Floor | Warm | Floor | Cold/floor | "
        "Warm/floor | Growth |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in result["pages"]:
        page = Path(p["page"]).stem
        lines.append(
            f"| {p['backend']} | {page} | {p['role']} | {p['view']} | {_s(p['cold_s'])} | "
            f"{_s(p['floor_s'])} | {_s(p['warm_s'])} | {_s(p.get('floor_warm_s'))} | "
            f"{_x(p['cold_floor_ratio'])} | {_x(p['warm_floor_ratio'])} | {_x(p['growth'])} |"
        )
    loads = result.get("browser") or []
    if loads:
        lines += [
            "",
            "Browser (headless Chromium, the admin, seconds from navigation to the page fully "
            "drawn, median of the loads, each a new session; bare page = the same elements, "
            "generated; returning = Streamlit's files in the browser's cache, first visit = "
            "an empty cache):",
            "",
            "| Page | Returning | Bare page | Ratio | First visit | Bare page | Ratio |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {Path(b['page']).stem} | {_s(b['load_s'])} | {_s(b['bare_s'])} | "
            f"{_x(b['ratio'])} | {_s(b.get('first_load_s'))} | {_s(b.get('first_bare_s'))} | "
            f"{_x(b.get('first_ratio'))} |"
            for b in loads
        ]
    lines += ["", "| Backend | Import of 50 000 client rows | Rows/s | Floor | Ratio |"]
    lines.append("|---|---|---|---|---|")
    for i in result["import"]["by_backend"]:
        if "error" in i:
            lines.append(f"| {i['backend']} | {i['error']} | – | – | – |")
            continue
        lines.append(
            f"| {i['backend']} | {i['seconds']:.1f} s | {_n(i['rows_per_s'])} | "
            f"{i['floor_s']:.1f} s | {_x(i['floor_ratio'])} |"
        )
    measured = result.get("import_limits")  # absent from runs made before it was measured
    if measured:
        lines += ["", "| Over-limit file | Size | Refused in | Peak memory |", "|---|---|---|---|"]
        lines += [
            f"| {r['file']} | {r['file_mb']:.0f} MB | {r['seconds'] * 1000:.0f} ms | "
            f"{r['peak_rss_mb']:.0f} MB |"
            for r in measured["refusals"]
        ]
        lines += [
            "",
            "| Backend | Page warm | With a 50 000-row import in the worker | In a thread |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {b['backend']} | {_s(b['warm_s'])} | {_s(b['warm_import_in_worker_s'])} "
            f"({_x(b['slowdown_worker'])}) | {_s(b['warm_import_in_thread_s'])} "
            f"({_x(b['slowdown_thread'])}) |"
            for b in measured["background"]
        ]
    largest = max(result["charts"], key=lambda c: c["bytes"], default=None)
    slowest = max(result["queries"], key=lambda q: q["seconds"], default=None)
    lines.append("")
    if largest:
        lines.append(
            f"Largest chart spec: {largest['bytes'] / 1000:.1f} KB ({largest['title']}); "
            f"{len(result['charts'])} charts measured."
        )
    if slowest:
        lines.append(
            f"Slowest of {len(result['queries'])} indicator queries: "
            f"`{slowest['function']}` ({slowest['scope']}, {slowest['backend']}) "
            f"{slowest['seconds'] * 1000:.0f} ms."
        )
    lines.append(
        f"Peak memory: {result['peak_rss_mb']:.0f} MB (the app process opening every page: "
        f"{result['peak_rss']['app_process_mb']:.0f} MB; the import's: "
        f"{result['peak_rss']['import_process_mb']:.0f} MB)."
    )
    return "\n".join(lines)


def readme_block(readme: str, markers: tuple[str, str] = (START, END)) -> str:
    """What the README holds between its markers."""
    start, end = readme.index(markers[0]) + len(markers[0]), readme.index(markers[1])
    return readme[start:end].strip("\n")


def load_markdown(result: dict[str, Any]) -> str:
    """The figures of one `make load` run as Markdown."""
    roles = ", ".join(f"{n} {role}s" for role, n in result["roles"].items())
    places = "/".join(str(n) for n in result["coordinators_per_municipality"].values())
    load_avg = result["load_average"]
    saves = result["saves"]
    lines = [
        f"Measured {result['generated_at'][:10]} on {result['machine']['cpus']} CPUs, "
        f"{result['backend']}, scale {result['scale']:g} ({_n(result['clients'])} clients): "
        f"{result['sessions']} sessions ({roles}; coordinators {places} per municipality) on "
        f"one `streamlit run` process, starting actions for {result['duration_s']:.0f} s (the "
        f"last one finished at {result['seconds']:.0f} s), {result['think_s']:g} s between "
        f"actions on average. The app process used {result['app_cpu_s']:.0f} CPU-seconds "
        f"({result['app_cpu_s'] / result['seconds']:.0%} of one core), the driver "
        f"{result['driver_cpu_s']:.0f}. Load average of the machine {load_avg['before'][0]:.1f} "
        f"before, {load_avg['after'][0]:.1f} after (1 min).",
        "",
        "| Requests | Errors | Lost writes | Duplicated writes | Saves: saved / refused as "
        "stale | Drawn page p50 | p95 |",
        "|---|---|---|---|---|---|---|",
        f"| {_n(result['requests'])} | {result['errors']} | {result['lost_writes']} | "
        f"{result['duplicated_writes']} | {saves['saved']} / {saves['refused_stale']} | "
        f"{_s(result['p50_s'])} s | {_s(result['p95_s'])} s |",
        "",
        "| Action | Requests | p50 | p95 |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {kind} | {_n(result['requests_by_kind'][kind])} | {_s(t['p50_s'])} s | "
        f"{_s(t['p95_s'])} s |"
        for kind, t in result["by_kind"].items()
    ]
    lines += ["", "| Page | Requests | p50 | p95 |", "|---|---|---|---|"]
    lines += [
        f"| {page} | {_n(t['requests'])} | {_s(t['p50_s'])} s | {_s(t['p95_s'])} s |"
        for page, t in result["by_page"].items()
    ]
    return "\n".join(lines)


def board_markdown(result: dict[str, Any]) -> str:
    """The board pack's times (benchmarks/board_pack.py) as Markdown."""
    lines = [
        f"Measured {result['measured_on']} at scale {result['scale']:g}, load average "
        f"{result['load_average_before']:.1f} before and {result['load_average_after']:.1f} after "
        f"(1 min); target: the region's pack under {result['target_s']:g} s. Worst region: "
        f"{_s(result['worst_region_s'])} s.",
        "",
        "| Backend | Role | Scope | First run | Median of the next | PDF size |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['backend']} | {r['role']} | {r['scope']} | {_s(r['first_s'])} s | "
        f"{_s(r['median_s'])} s | {_n(r['bytes'] // 1024)} KB |"
        for r in result["runs"]
    ]
    return "\n".join(lines)


def national_markdown(result: dict[str, Any]) -> str:
    """The national-scale run (`make bench-national`) as Markdown."""
    machine, scales = result["machine"], result["scales"]
    lines = [
        f"Measured {result['generated_at'][:10]} on {machine['cpus']} CPUs, PostgreSQL: scale "
        f"100 = {_n(scales['10']['clients'])} clients (`init --sample --scale "
        f"{scales['10']['sample_scale']:g}`, built in "
        f"{_n(result['databases'][0]['build_s'])} s) against scale 10 = "
        f"{_n(scales['1']['clients'])}. Run time {result['run_seconds'] / 60:.0f} min; load "
        f"average {machine['load_average_at_start']:.1f} at the start and "
        f"{machine['load_average_at_end']:.1f} at the end.",
        "",
        *_targets_table(result, "Target at national scale"),
    ]
    lines += [
        "",
        "| Page | Role | View | Cold | Warm | Warm floor | Warm/floor | Cold at scale 10 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {Path(p['page']).stem} | {p['role']} | {p['view']} | {_s(p['cold_s'])} | "
        f"{_s(p['warm_s'])} | {_s(p['floor_warm_s'])} | {_x(p['warm_floor_ratio'])} | "
        f"{_s(p['scale1_cold_s'])} |"
        for p in result["pages"]
    ]
    lines.append("")
    lines += [
        f"Import of {_n(i['rows'])} client rows ({i['backend']}): {_n(i['rows_per_s'])} rows/s, "
        f"{_x(i['floor_ratio'])} its floor. Peak memory of the app process opening every page "
        f"at scale 100: {result['peak_rss']['app_process_mb']:.0f} MB."
        for i in result["import"]["by_backend"]
        if "error" not in i
    ]
    return "\n".join(lines)


def _put(readme: str, markers: tuple[str, str], text: str) -> str:
    start, end = readme.index(markers[0]) + len(markers[0]), readme.index(markers[1])
    return f"{readme[:start]}\n{text}\n{readme[end:]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--load-results", type=Path, default=LOAD_RESULTS)
    parser.add_argument("--write", action="store_true", help="update README.md")
    args = parser.parse_args(argv)
    text = markdown(json.loads(args.results.read_text(encoding="utf-8")))
    load = None
    if args.load_results.exists():  # `make load` writes it
        load = load_markdown(json.loads(args.load_results.read_text(encoding="utf-8")))
    if not args.write:
        print(text if load is None else f"{text}\n\n{load}")
        return 0
    readme = _put(README.read_text(encoding="utf-8"), (START, END), text)
    if load is not None:
        readme = _put(readme, (LOAD_START, LOAD_END), load)
    if BOARD_RESULTS.exists():  # benchmarks/board_pack.py writes it
        board = board_markdown(json.loads(BOARD_RESULTS.read_text(encoding="utf-8")))
        readme = _put(readme, (BOARD_START, BOARD_END), board)
    if NATIONAL_RESULTS.exists():  # `make bench-national` writes it
        national = national_markdown(json.loads(NATIONAL_RESULTS.read_text(encoding="utf-8")))
        readme = _put(readme, (NATIONAL_START, NATIONAL_END), national)
    README.write_text(readme, encoding="utf-8")
    print(f"README.md: figures of {args.results.name} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
