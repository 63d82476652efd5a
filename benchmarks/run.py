"""`make bench` (`python -m benchmarks.run`): Polku at ten times the project's expected size.

The project expects more than 5 000 clients; "scale 10" here is ten times that, 50 000+
clients with their histories (`python -m polku init --sample --scale 45`: the sample's own
scale 1 is the project as it stood in November 2026, about 1 150 clients), against "scale 1",
about 5 000 clients (`--scale 4.5`). On SQLite and, when a server can be started (or
--postgres-url names one), PostgreSQL, it measures:

- every page each role may open (a director: of one municipality and the region view; a
  coordinator: of their municipality), through AppTest from the entrypoint: cold (every
  Streamlit cache empty, a new session) and warm (a rerun), the median of --repeat runs;
- each page's floor in the same run: a bare page drawing as many charts, metrics and tables
  from DataFrames already in memory;
- every indicator query of polku/metrics.py, region-wide and for one municipality;
- the import of a 50 000-row client CSV by polku.ingest against the floor of pandas.read_csv
  plus one bulk insert;
- the bytes of every chart spec sent to the browser, the peak memory, scale 1 against 10.

It prints a table and writes benchmarks/results/latest.json; the exit status is 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import imports, pages, queries
from benchmarks.databases import ROOT, Backend, build_sample, postgres_server, run_child

RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
# --scale of `python -m polku init --sample` for the benchmark's scale 10 and scale 1
SCALE_10 = 45.0
SCALE_1 = 4.5
IMPORT_ROWS = 50_000

# The targets at scale 10 (the issue "Performance benchmark at ten times the project's size")
WARM_FLOOR_RATIO = 2.0
COLD_FLOOR_RATIO = 5.0
CHART_BYTES = 100_000
IMPORT_ROWS_PER_S = 10_000
IMPORT_FLOOR_RATIO = 3.0
PEAK_RSS_MB = 500
SCALE_GROWTH = 2.0

DIRECTOR, COORDINATOR = "director", "coordinator"
# Pages whose content does not depend on the sidebar's municipality: measured once
ONE_VIEW = {"pages/project.py"}


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
    build_peak_mb: float


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
    db = Database(backend.name, label, scale, url, _clients(url), child.seconds, child.peak_rss_mb)
    log(f"{backend.name}: scale {label}: {db.clients} clients in {db.build_s:.0f} s")
    return db


def _users(url: str) -> dict[str, tuple[str, str]]:
    """The sample's director and coordinator: e-mail and their municipality's name."""
    from sqlmodel import Session, select

    from models import Municipality, User, UserMunicipality
    from polku import db as polku_db
    from polku.sample import DEMO_COORDINATOR, DEMO_DIRECTOR

    engine = polku_db.make_engine(url)
    found = {}
    with Session(engine) as session:
        for role, email in ((DIRECTOR, DEMO_DIRECTOR), (COORDINATOR, DEMO_COORDINATOR)):
            name = session.exec(
                select(Municipality.name)
                .join(UserMunicipality, UserMunicipality.municipality_code == Municipality.code)
                .join(User, User.id == UserMunicipality.user_id)
                .where(User.email == email)
            ).first()
            found[role] = (email, name or "")
    engine.dispose()
    return found


def views(url: str) -> tuple[list[pages.View], dict[str, dict[str, Any]]]:
    """Every page each role may open, in each view that applies, and each role's registry."""
    pages.use_database(url)
    result, registries = [], {}
    for role, (email, home) in _users(url).items():
        registries[role] = pages.registry(pages.View("pages/overview.py", role, email, None))
        for page in pages.pages_of(registries[role]):
            if role == DIRECTOR:
                scopes = [None] if page in ONE_VIEW else [home, None]
            else:
                scopes = [home]
            result += [pages.View(page, role, email, scope) for scope in scopes]
    return result, registries


def measure_pages(db: Database, repeat: int, with_floor: bool) -> list[pages.PageTimes]:
    wanted, registries = views(db.url)
    pages.use_database(db.url)
    for view in wanted:  # imports and Python's first-run costs are not the cache's
        pages.measure(view, registries[view.role], 1, with_floor)
    out = []
    for view in wanted:
        times = pages.measure(view, registries[view.role], repeat, with_floor)
        log(
            f"{db.backend} scale {db.scale_label}: {view.label:<12} {view.role:<11} "
            f"{view.municipality or 'region':<8} cold {_fmt(times.median(times.cold))} "
            f"warm {_fmt(times.median(times.warm))} floor {_fmt(times.median(times.floor))}"
        )
        out.append(times)
    return out


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
            result["process_peak_rss_mb"] = child.peak_rss_mb
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
        "peak_rss_mb": max(r["process_peak_rss_mb"] for r in runs["ingest"]),
    }


def _page_record(backend: str, ten: pages.PageTimes, one: pages.PageTimes | None) -> dict:
    view = ten.view
    cold, warm, floor = (ten.median(ten.cold), ten.median(ten.warm), ten.median(ten.floor))
    record: dict[str, Any] = {
        "backend": backend,
        "page": view.page,
        "role": view.role,
        "view": view.municipality or "region",
        "cold_s": cold,
        "warm_s": warm,
        "floor_s": floor,
        "cold_floor_ratio": cold / floor if cold and floor else None,
        "warm_floor_ratio": warm / floor if warm and floor else None,
        "charts": len(ten.drawn.charts) if ten.drawn else 0,
        "metrics": ten.drawn.metrics if ten.drawn else 0,
        "tables": len(ten.drawn.tables) if ten.drawn else 0,
    }
    if one is not None:
        cold1, warm1 = one.median(one.cold), one.median(one.warm)
        record.update(
            scale1_cold_s=cold1,
            scale1_warm_s=warm1,
            growth=max(
                cold / cold1 if cold and cold1 else 0.0, warm / warm1 if warm and warm1 else 0.0
            ),
        )
    return record


def targets(result: dict) -> list[dict]:
    """Each target of the issue with the worst measured value and whether it is met."""
    page_rows = result["pages"]
    checks = [
        ("page warm ≤ 2× its floor", "warm_floor_ratio", WARM_FLOOR_RATIO, page_rows),
        ("page cold ≤ 5× its floor", "cold_floor_ratio", COLD_FLOOR_RATIO, page_rows),
        ("chart spec ≤ 100 KB", "bytes", CHART_BYTES, result["charts"]),
        ("page at scale 10 ≤ 2× scale 1", "growth", SCALE_GROWTH, page_rows),
    ]
    out = []
    for name, key, limit, rows in checks:
        worst = max((r[key] for r in rows if r.get(key) is not None), default=None)
        out.append(_target(name, limit, worst, worst is not None and worst <= limit))
    for imported in result["import"]:
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
        f"{'backend':<10} {'page':<16} {'role':<11} {'view':<8} {'cold s':>7} {'warm s':>7} "
        f"{'floor s':>7} {'cold/fl':>7} {'warm/fl':>7} {'s1 cold':>7} {'growth':>6}",
    ]
    for r in result["pages"]:
        lines.append(
            f"{r['backend']:<10} {r['page']:<16} {r['role']:<11} {r['view']:<8} "
            f"{_fmt(r['cold_s']):>7} {_fmt(r['warm_s']):>7} {_fmt(r['floor_s']):>7} "
            f"{_fmt(r['cold_floor_ratio'], 1):>7} {_fmt(r['warm_floor_ratio'], 1):>7} "
            f"{_fmt(r.get('scale1_cold_s')):>7} {_fmt(r.get('growth'), 2):>6}"
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
    for imported in result["import"]:
        if "error" in imported:
            lines.append(f"import ({imported['backend']}): {imported['error']}")
        else:
            lines.append(
                f"import ({imported['backend']}): {imported['rows']} rows in "
                f"{imported['seconds']:.1f} s = {imported['rows_per_s']:.0f} rows/s; floor "
                f"{imported['floor_s']:.1f} s; ratio {imported['floor_ratio']:.2f}"
            )
    lines.append(f"peak memory: {result['peak_rss_mb']:.0f} MB {result['peak_rss']}")
    lines.append(f"scale growth (largest page time scale 10 / 1): {result['scale_growth']:.2f}")
    lines += ["", "targets:"]
    for t in result["targets"]:
        worst = t["worst"]
        shown = f"{worst:.2f}" if isinstance(worst, float) else str(worst)
        lines.append(f"  {'MET ' if t['met'] else 'MISS'} {t['target']:<40} worst {shown}")
    lines.append(f"run time {result['run_seconds'] / 60:.1f} min")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="runs per median (default 5)")
    parser.add_argument("--import-repeat", type=int, default=3, help="imports per median")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("POLKU_BENCH_POSTGRES_URL"),
        help="an admin URL of a running server (default: start a throwaway one)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="the JSON written")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    wanted = [b.strip() for b in args.backends.split(",") if b.strip()]
    result: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "scale_label": "10",
        "scales": {},
        "backends": [],
        "pages": [],
        "queries": [],
        "import": [],
        "charts": [],
        "databases": [],
    }
    children_peak = 0.0
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
            ten = build(backend, "10", SCALE_10)
            one = build(backend, "1", SCALE_1)
            for db in (ten, one):
                result["databases"].append(db.__dict__ | {"url": None})
                children_peak = max(children_peak, db.build_peak_mb)
                result["scales"].setdefault(
                    db.scale_label, {"sample_scale": db.sample_scale, "clients": db.clients}
                )
            page_ten = measure_pages(ten, args.repeat, with_floor=True)
            page_one = {t.view: t for t in measure_pages(one, args.repeat, with_floor=False)}
            for times in page_ten:
                result["pages"].append(_page_record(backend.name, times, page_one.get(times.view)))
                if backend is backends[0] and times.drawn:
                    result["charts"] += [
                        {"page": times.view.page, "role": times.view.role,
                         "view": times.view.municipality or "region", "title": title,
                         "bytes": size, "rows": rows}
                        for size, rows, title in times.drawn.charts
                    ]  # fmt: skip
            from polku import db as polku_db

            engine = polku_db.make_engine(ten.url)
            _, home = _users(ten.url)[COORDINATOR]
            code = _municipality_code(ten.url, home)
            log(f"{backend.name}: indicator queries")
            result["queries"] += [
                {"backend": backend.name, **q.__dict__}
                for q in queries.measure(engine, code, args.repeat)
            ]
            engine.dispose()
            pages.clear_caches()
            result["import"].append(measure_import(backend, ten.url, workdir, args.import_repeat))
    result["clients"] = result["scales"]["10"]["clients"]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    imported = max((i.get("peak_rss_mb", 0.0) for i in result["import"]), default=0.0)
    result["peak_rss"] = {
        "app_process_mb": round(own, 1),
        "import_process_mb": round(imported, 1),
        "sample_generation_mb": round(children_peak, 1),
    }
    # The app's process (pages and queries) and the import's; generating the sample is not Polku
    result["peak_rss_mb"] = round(max(own, imported), 1)
    result["scale_growth"] = max((p.get("growth", 0.0) for p in result["pages"]), default=0.0)
    result["run_seconds"] = time.perf_counter() - started
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
