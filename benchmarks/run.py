"""`make bench` (`python -m benchmarks.run`): Polku at ten times the project's expected size.

The project expects more than 5 000 clients; scale 10 is ten times that, 55 000 clients with
their histories (`python -m polku init --sample --scale 10`), against scale 1, 5 500 clients
(`--scale 1`). On SQLite and, when a server can be started (or
--postgres-url names one), PostgreSQL, it measures:

- every page each role may open (a director: of one municipality and the region view; a
  coordinator: of their municipality), through AppTest from the entrypoint: cold (every
  Streamlit cache empty, a new session) and warm (a rerun), the median of --repeat runs;
- each page's floor in the same run: a bare page drawing as many charts, metrics and tables
  from DataFrames already in memory;
- every indicator query of polku/metrics.py, region-wide and for one municipality;
- the import of a 50 000-row client CSV by polku.ingest against the floor of pandas.read_csv
  plus one bulk insert;
- the import's limits: the time and peak memory to refuse a zip-bomb workbook and a 50 MB
  CSV; a page's warm rerun while a 50 000-row import is checked in the worker process (and,
  for comparison, in a thread of the app's process) against the rerun without it;
- the bytes of every chart spec sent to the browser; the peak memory of a process that opens
  every page, and of the import's; each page's cold time at scale 10 against scale 1 (both
  scales and the floor interleaved, so they share whatever else the machine is doing).

It prints a table and writes benchmarks/results/latest.json; the exit status is 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import imports, limits, pages, queries
from benchmarks.databases import (
    ROOT,
    Backend,
    build_sample,
    peak_rss_mb,
    postgres_server,
    run_child,
)
from benchmarks.targets import (
    BROWSER_FLOOR_RATIO,
    BROWSER_SECONDS,
    CHART_BYTES,
    COLD_FLOOR_RATIO,
    IMPORT_FLOOR_RATIO,
    IMPORT_ROWS_PER_S,
    PEAK_RSS_MB,
    SCALE_GROWTH,
    WARM_FLOOR_RATIO,
    WARM_FLOOR_RATIO_NATIONAL,
    WARM_SECONDS,
)

RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
# --scale of `python -m polku init --sample` for the benchmark's scale 10 and scale 1
SCALE_10 = 10.0
SCALE_1 = 1.0
QUICK_SCALES = (1.0, 0.1)  # --quick: every code path on small data
NATIONAL_SCALES = (100.0, 10.0)  # --national: 550 000 clients against 55 000
IMPORT_ROWS = 50_000


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Database:
    backend: str
    scale_label: str
    sample_scale: float
    url: str
    clients: int
    build_s: float


def _clients(url: str) -> int:
    from sqlalchemy import create_engine, func, select

    from models import Client

    engine = create_engine(url)
    with engine.connect() as conn:
        n = int(conn.execute(select(func.count()).select_from(Client)).scalar_one())
    engine.dispose()
    return n


def build(backend: Backend, label: str, scale: float) -> Database:
    url = backend.fresh(f"s{label}")
    log(f"{backend.name}: building scale {label} (init --sample --scale {scale:g})")
    child = build_sample(url, scale)
    db = Database(backend.name, label, scale, url, _clients(url), child.seconds)
    log(f"{backend.name}: scale {label}: {db.clients} clients in {db.build_s:.0f} s")
    return db


def measure_pages(ten: Database, one: Database, repeat: int) -> list[dict[str, pages.PageTimes]]:
    """Every view at both scales, interleaved, after one untimed pass (Python's imports and
    first runs are no cache's doing)."""
    wanted, registries = pages.views(ten.url)
    pages.add_region_users(one.url)
    urls = {"10": ten.url, "1": one.url}
    for view in wanted:
        pages.use_database(ten.url)
        pages.open_page(view, registries[view.email])
    out = []
    for view in wanted:
        times = pages.measure(view, registries[view.email], urls, repeat)
        t10, t1 = times["10"], times["1"]
        log(
            f"{ten.backend}: {view.label:<12} {view.role:<11} {view.municipality or 'region':<8} "
            f"cold {_fmt(t10.median(t10.cold))} (floor {_fmt(t10.median(t10.floor))}) "
            f"warm {_fmt(t10.median(t10.warm))} (floor {_fmt(t10.median(t10.floor_warm))}) "
            f"| scale 1 cold {_fmt(t1.median(t1.cold))} warm {_fmt(t1.median(t1.warm))}"
        )
        out.append(times)
    return out


def measure_memory(db: Database) -> float:
    """The peak memory of a process that only opens every page (see benchmarks/memory.py)."""
    child = run_child([sys.executable, "-m", "benchmarks.memory", db.url])
    peak = float(json.loads(child.stdout.strip().splitlines()[-1])["peak_rss_mb"])
    log(f"{db.backend}: app process peak memory {peak:.0f} MB")
    return peak


def measure_browser(url: str, repeat: int) -> list[dict]:
    """benchmarks/browser.py in a child process of its own, as the imports are: this process
    holds every page's AppTest by now, and its garbage collections (0,5 s and more over
    millions of objects) would stall the loop that watches the page being drawn."""
    child = run_child([sys.executable, "-m", "benchmarks.browser", url, "--repeat", str(repeat)])
    for line in child.stderr.splitlines():
        if line.startswith("browser: "):
            log(line)
    return list(json.loads(child.stdout))


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def measure_import(backend: Backend, sample_url: str, workdir: Path, repeat: int) -> dict:
    """Import the CSV into fresh databases: polku.ingest and the floor, alternately."""
    path = workdir / "clients.csv"
    if not path.exists():
        rows = imports.write_clients_csv(sample_url, path, IMPORT_ROWS)
        log(f"import file: {rows} rows, {path.stat().st_size / 1e6:.1f} MB")
    runs: dict[str, list[dict]] = {"ingest": [], "floor": []}
    template = backend.fresh("import_template")
    build_sample(template, None)  # the schema and the project definition, no clients
    for _ in range(repeat):
        for what in ("ingest", "floor"):
            url = backend.copy(template, f"import_{what}")
            child = run_child(
                [sys.executable, "-m", "benchmarks.imports", what, url, str(path)],
                env={**os.environ},
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
            if "error" in result:
                log(f"{backend.name}: import: {result['error']}")
                return {"backend": backend.name, "error": result["error"]}
            runs[what].append(result)
            log(f"{backend.name}: import {what}: {result['rows']} rows, {result['seconds']:.1f} s")
    seconds = sorted(r["seconds"] for r in runs["ingest"])[len(runs["ingest"]) // 2]
    floor_s = sorted(r["seconds"] for r in runs["floor"])[len(runs["floor"]) // 2]
    rows = runs["ingest"][0]["rows"]
    return {
        "backend": backend.name,
        "rows": rows,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "floor_s": floor_s,
        "floor_rows_per_s": rows / floor_s,
        "floor_ratio": seconds / floor_s,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs["ingest"]),
    }


def measure_refusals(workdir: Path) -> list[dict]:
    """The time and peak memory to refuse each over-limit file, each in a child process."""
    out = []
    for name, write in (
        ("zip bomb (.xlsx)", limits.write_zip_bomb),
        ("50 MB CSV", limits.write_big_csv),
    ):
        path = workdir / ("bomb.xlsx" if "xlsx" in name else "big.csv")
        write(path)
        child = run_child([sys.executable, "-m", "benchmarks.limits", "refuse", str(path)])
        result = {"file": name, **json.loads(child.stdout.strip().splitlines()[-1])}
        log(
            f"refused {name} ({result['file_mb']} MB): {result['refused']} in "
            f"{result['seconds']:.3f} s, peak {result['peak_rss_mb']:.0f} MB"
        )
        out.append(result)
        path.unlink()
    return out


def measure_background(backend: Backend, db: Database, workdir: Path, repeat: int) -> dict:
    """A page's warm rerun while the 50 000-row import is checked in the background."""
    path = workdir / "clients.csv"
    if not path.exists():
        imports.write_clients_csv(db.url, path, IMPORT_ROWS)
    result = {"backend": backend.name, **limits.measure_background(db.url, path, repeat)}
    log(
        f"{backend.name}: {result['page']} warm {result['warm_s']:.2f} s; with an import in "
        f"the worker {result['warm_import_in_worker_s']:.2f} s, in a thread "
        f"{result['warm_import_in_thread_s']:.2f} s"
    )
    return result


def _ratio(value: float | None, floor: float | None) -> float | None:
    return value / floor if value and floor else None


def _page_record(backend: str, ten: pages.PageTimes, one: pages.PageTimes) -> dict:
    view = ten.view
    cold, warm = ten.median(ten.cold), ten.median(ten.warm)
    floor, floor_warm = ten.median(ten.floor), ten.median(ten.floor_warm)
    cold1, warm1 = one.median(one.cold), one.median(one.warm)
    drawn = ten.drawn or pages.Drawn()
    return {
        "backend": backend,
        "page": view.page,
        "role": view.role,
        "scope": view.scope,
        "view": view.municipality or "region",
        "cold_s": cold,
        "warm_s": warm,
        "floor_s": floor,  # the floor's cold run (a new AppTest)
        "floor_warm_s": floor_warm,  # ... and its rerun
        "cold_floor_ratio": _ratio(cold, floor),
        "warm_floor_ratio": _ratio(warm, floor_warm),
        "charts": len(drawn.charts),
        "metrics": drawn.metrics,
        "tables": len(drawn.tables),
        "elements": dict(sorted(drawn.kinds.items())),
        "scale1_cold_s": cold1,
        "scale1_warm_s": warm1,
        # A page load does its work cold; a warm rerun is served from the caches
        "growth": cold / cold1 if cold and cold1 else None,
        "warm_growth": warm / warm1 if warm and warm1 else None,
    }


def targets(result: dict) -> list[dict]:
    """Each target of the issue with the worst measured value and whether it is met."""
    page_rows = result["pages"]
    warm_ratio = result.get("warm_floor_limit", WARM_FLOOR_RATIO)
    checks = [
        (f"page warm ≤ {warm_ratio:g}× its warm floor", "warm_floor_ratio", warm_ratio, page_rows),
        (f"page cold ≤ {COLD_FLOOR_RATIO:g}× its cold floor", "cold_floor_ratio",
         COLD_FLOOR_RATIO, page_rows),
        (f"page warm ≤ {WARM_SECONDS:g} s", "warm_s", WARM_SECONDS, page_rows),
        ("chart spec ≤ 100 KB", "bytes", CHART_BYTES, result["charts"]),
        ("page at scale 10 ≤ 2× scale 1", "growth", SCALE_GROWTH, page_rows),
        ("page warm at scale 10 ≤ 2× scale 1", "warm_growth", SCALE_GROWTH, page_rows),
    ]  # fmt: skip
    if result.get("national"):
        checks = [c for c in checks if c[1] in ("warm_floor_ratio", "bytes")]
    out = []
    for name, key, limit, rows in checks:
        worst = max((r[key] for r in rows if r.get(key) is not None), default=None)
        out.append(_target(name, limit, worst, worst is not None and worst <= limit))
    for imported in result["import"]["by_backend"]:
        name = imported["backend"]
        if "error" in imported:
            out.append(_target(f"import ({name})", None, imported["error"], False))
            continue
        speed, ratio = imported["rows_per_s"], imported["floor_ratio"]
        out.append(
            _target(f"import ≥ 10 000 rows/s ({name})", IMPORT_ROWS_PER_S, speed,
                    speed >= IMPORT_ROWS_PER_S)
        )  # fmt: skip
        out.append(
            _target(f"import ≤ 3× its floor ({name})", IMPORT_FLOOR_RATIO, ratio,
                    ratio <= IMPORT_FLOOR_RATIO)
        )  # fmt: skip
    if result.get("national"):
        # The national targets: every page's warm rerun and the import's speed (the
        # other figures are reported, judged at scale 10)
        return [t for t in out if t["target"].startswith(("page warm", "import ≥", "import ("))]
    loads = [b for b in result.get("browser", []) if b.get("load_s") is not None]
    if loads:
        slowest = max(b["load_s"] for b in loads)
        ratio = max(b["ratio"] or 0.0 for b in loads)
        out.append(_target(f"browser load ≤ {BROWSER_SECONDS:g} s", BROWSER_SECONDS, slowest,
                           slowest <= BROWSER_SECONDS))  # fmt: skip
        out.append(_target(f"browser load ≤ {BROWSER_FLOOR_RATIO:g}× the bare page",
                           BROWSER_FLOOR_RATIO, ratio, ratio <= BROWSER_FLOOR_RATIO))  # fmt: skip
    peak = result["peak_rss_mb"]
    out.append(_target("peak memory ≤ 500 MB", PEAK_RSS_MB, peak, peak <= PEAK_RSS_MB))
    return out


def _target(name: str, limit: float | None, worst: Any, met: bool) -> dict:
    return {"target": name, "limit": limit, "worst": worst, "met": met}


def table(result: dict) -> str:
    lines = [
        f"Polku benchmark {result['generated_at']}: scale 10 = {result['clients']} clients "
        f"(--scale {result['scales']['10']['sample_scale']:g}), scale 1 = "
        f"{result['scales']['1']['clients']} clients; {result['machine']['cpus']} CPUs",
        "",
        f"{'backend':<10} {'page':<24} {'role':<11} {'view':<8} {'cold s':>7} {'floor':>7} "
        f"{'warm s':>7} {'floor':>7} {'cold/fl':>7} {'warm/fl':>7} {'s1 cold':>7} {'growth':>6}",
    ]
    for r in result["pages"]:
        lines.append(
            f"{r['backend']:<10} {r['page']:<24} {r['role']:<11} {r['view']:<8} "
            f"{_fmt(r['cold_s']):>7} {_fmt(r['floor_s']):>7} {_fmt(r['warm_s']):>7} "
            f"{_fmt(r.get('floor_warm_s')):>7} {_fmt(r['cold_floor_ratio'], 1):>7} "
            f"{_fmt(r['warm_floor_ratio'], 1):>7} {_fmt(r.get('scale1_cold_s')):>7} "
            f"{_fmt(r.get('growth'), 2):>6}"
        )
    for b in result.get("browser", []):
        lines.append(
            f"browser {b['page']:<28} {b['load_s']:.2f} s; bare page {b['bare_s']:.2f} s "
            f"({_fmt(b['ratio'], 1)}×)"
        )
    lines += ["", f"{'backend':<10} {'indicator query':<32} {'scope':<8} {'ms':>8}"]
    for q in result["queries"]:
        lines.append(
            f"{q['backend']:<10} {q['function']:<32} {q['scope']:<8} {q['seconds'] * 1000:>8.1f}"
        )
    lines += ["", f"{'chart':<64} {'page':<16} {'view':<8} {'bytes':>8}"]
    for c in result["charts"]:
        lines.append(f"{c['title'][:64]:<64} {c['page']:<16} {c['view']:<8} {c['bytes']:>8}")
    lines.append("")
    for imported in result["import"]["by_backend"]:
        if "error" in imported:
            lines.append(f"import ({imported['backend']}): {imported['error']}")
        else:
            lines.append(
                f"import ({imported['backend']}): {imported['rows']} rows in "
                f"{imported['seconds']:.1f} s = {imported['rows_per_s']:.0f} rows/s; floor "
                f"{imported['floor_s']:.1f} s; ratio {imported['floor_ratio']:.2f}"
            )
    lines += limits_lines(result)
    lines.append(f"peak memory: {result['peak_rss_mb']:.0f} MB {result['peak_rss']}")
    lines.append(f"scale growth (largest page time scale 10 / 1): {result['scale_growth']:.2f}")
    lines += ["", "targets:"]
    for t in result["targets"]:
        worst = t["worst"]
        shown = f"{worst:.2f}" if isinstance(worst, float) else str(worst)
        lines.append(f"  {'MET ' if t['met'] else 'MISS'} {t['target']:<40} worst {shown}")
    lines.append(f"run time {result['run_seconds'] / 60:.1f} min")
    return "\n".join(lines)


def limits_lines(result: dict) -> list[str]:
    """The import limits' figures (absent from results made before they were measured)."""
    measured = result.get("import_limits") or {}
    lines = [
        f"refused {r['file']} ({r['file_mb']} MB): {r['refused']} in {r['seconds']:.3f} s, "
        f"peak memory {r['peak_rss_mb']:.0f} MB"
        for r in measured.get("refusals", [])
    ]
    lines += [
        f"{b['backend']}: {b['page']} warm rerun {b['warm_s']:.2f} s; while a "
        f"{b['import_rows']}-row import is checked in the worker process "
        f"{b['warm_import_in_worker_s']:.2f} s ({b['slowdown_worker']:.1f}×), in a thread of "
        f"the app {b['warm_import_in_thread_s']:.2f} s ({b['slowdown_thread']:.1f}×)"
        for b in measured.get("background", [])
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="runs per median (default 5)")
    parser.add_argument("--import-repeat", type=int, default=5, help="imports per median")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("POLKU_BENCH_POSTGRES_URL"),
        help="an admin URL of a running server (default: start a throwaway one)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="the JSON written")
    parser.add_argument(
        "--scales",
        type=float,
        nargs=2,
        default=(SCALE_10, SCALE_1),
        metavar=("TEN", "ONE"),
        help=f"--scale of the sample for scale 10 and 1 (default {SCALE_10:g} {SCALE_1:g})",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="every code path on small data, once (scale 1 and 0.1, one run per median, a "
        "5 000-row import, one browser load); writes results/quick.json, not the figures",
    )
    parser.add_argument(
        "--national",
        action="store_true",
        help="national scale: scale 100 (550 000 clients) against scale 10, PostgreSQL only; "
        "writes results/national.json",
    )
    parser.add_argument("--browser-repeat", type=int, default=5, help="browser loads per median")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser timings")
    args = parser.parse_args(argv)
    global IMPORT_ROWS  # noqa: PLW0603 -- the quick run imports a tenth
    if args.quick:
        args.repeat, args.import_repeat, args.browser_repeat = 1, 1, 1
        args.scales = QUICK_SCALES if args.scales == (SCALE_10, SCALE_1) else args.scales
        IMPORT_ROWS = IMPORT_ROWS // 10
        args.out = args.out if args.out != RESULTS else RESULTS.with_name("quick.json")
    if args.national:
        args.backends = "postgresql"
        args.scales = NATIONAL_SCALES if args.scales == (SCALE_10, SCALE_1) else args.scales
        args.out = args.out if args.out != RESULTS else RESULTS.with_name("national.json")
    started = time.perf_counter()
    wanted = [b.strip() for b in args.backends.split(",") if b.strip()]
    result: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            # Other work on the machine slows every run; the floors, interleaved, share it
            "load_average_at_start": os.getloadavg()[0],
        },
        "scale_label": "10",
        "scale_note": (
            "scale 10 = ten times the 5 000+ clients the project expects (python -m polku init "
            "--sample --scale 10); scale 1 = the project's planned size (--scale 1)"
        ),
        "scales": {},
        "backends": [],
        "pages": [],
        "queries": [],
        "import": {"by_backend": []},
        "charts": [],
        "databases": [],
        "import_limits": {"refusals": [], "background": []},
        "browser": [],
        "mode": "quick" if args.quick else "national" if args.national else "full",
    }
    if args.national:
        result["national"] = True
        result["warm_floor_limit"] = WARM_FLOOR_RATIO_NATIONAL
        result["scale_note"] = (
            "national scale: '10' = scale 100 (550 000 clients, python -m polku init --sample "
            "--scale 100), '1' = scale 10; PostgreSQL only"
        )
    app_peak = 0.0
    with (
        tempfile.TemporaryDirectory(prefix="polku-bench-") as tmp,
        postgres_server(args.postgres_url if "postgresql" in wanted else "") as pg_url,
    ):
        workdir = Path(tmp)
        backends = []
        if "sqlite" in wanted:
            backends.append(Backend("sqlite", workdir))
        if "postgresql" in wanted:
            if pg_url:
                backends.append(Backend("postgresql", workdir, pg_url))
            else:
                result["postgresql_skipped"] = "no PostgreSQL server could be started"
        for backend in backends:
            result["backends"].append(backend.name)
            ten = build(backend, "10", args.scales[0])
            one = build(backend, "1", args.scales[1])
            for db in (ten, one):
                result["databases"].append(db.__dict__ | {"url": None})
                result["scales"].setdefault(
                    db.scale_label, {"sample_scale": db.sample_scale, "clients": db.clients}
                )
            for times in measure_pages(ten, one, args.repeat):
                t10 = times["10"]
                result["pages"].append(_page_record(backend.name, t10, times["1"]))
                if backend is backends[0] and t10.drawn:
                    result["charts"] += [
                        {"page": t10.view.page, "role": t10.view.role,
                         "view": t10.view.municipality or "region", "title": title,
                         "bytes": size, "rows": rows}
                        for size, rows, title in t10.drawn.charts
                    ]  # fmt: skip
            app_peak = max(app_peak, measure_memory(ten))
            if backend is backends[0] and not args.no_browser:
                result["browser"] = measure_browser(ten.url, args.browser_repeat)
            from polku import db as polku_db

            engine = polku_db.make_engine(ten.url)
            _, home = pages.sample_users(ten.url)[pages.COORDINATOR]
            code = _municipality_code(ten.url, home)
            log(f"{backend.name}: indicator queries")
            result["queries"] += [
                {"backend": backend.name, **q.__dict__}
                for q in queries.measure(engine, code, args.repeat)
            ]
            engine.dispose()
            result["import_limits"]["background"].append(
                measure_background(backend, ten, workdir, args.repeat)
            )
            pages.clear_caches()
            result["import"]["by_backend"].append(
                measure_import(backend, ten.url, workdir, args.import_repeat)
            )
        result["import_limits"]["refusals"] = measure_refusals(workdir)
    result["clients"] = result["scales"]["10"]["clients"]
    by_backend = result["import"]["by_backend"]
    measured = [i for i in by_backend if "error" not in i]
    # The figures: the slowest backend's speed and the largest ratio
    result["import"]["rows_per_s"] = min((i["rows_per_s"] for i in measured), default=None)
    result["import"]["floor_ratio"] = max((i["floor_ratio"] for i in measured), default=None)
    imported = max((i.get("peak_rss_mb", 0.0) for i in by_backend), default=0.0)
    result["peak_rss"] = {
        "app_process_mb": round(app_peak, 1),
        "import_process_mb": round(imported, 1),
        "benchmark_process_mb": round(peak_rss_mb(), 1),
    }
    # Polku's processes: the app's (every page at scale 10) and the import's
    result["peak_rss_mb"] = round(max(app_peak, imported), 1)
    result["scale_growth"] = max((p["growth"] or 0.0 for p in result["pages"]), default=0.0)
    result["run_seconds"] = time.perf_counter() - started
    result["machine"]["load_average_at_end"] = os.getloadavg()[0]
    result["targets"] = targets(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nwritten: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0 if all(t["met"] for t in result["targets"]) else 1


def _municipality_code(url: str, name: str) -> str:
    from polku import db as polku_db
    from polku import metrics

    engine = polku_db.make_engine(url)
    frame = metrics.municipalities(engine)
    engine.dispose()
    return str(frame.loc[frame["name"] == name, "code"].iloc[0])


if __name__ == "__main__":
    sys.exit(main())
