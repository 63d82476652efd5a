"""The import benchmark: a 50 000-row client CSV in the format of data/sample/clients.csv,
made from the sample data, imported into a fresh database by polku.ingest, against the floor
of pandas.read_csv plus one bulk insert. Each import runs in a child process of its own, so its
peak memory is its own:

    python -m benchmarks.imports ingest|floor DATABASE_URL FILE   (prints one JSON line)
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, create_engine, select

from benchmarks.databases import peak_rss_mb
from models import metadata
from polku import db, i18n

UNAVAILABLE = "polku.ingest not available"
HEADERS = [
    "Asiakastunnus", "Kunta", "Syntymävuosi", "Sukupuoli", "Koulutustaso", "Työmarkkina-asema",
    "Työttömyyskuukaudet", "Kohderyhmät", "Aloituspäivä", "Päättymispäivä",
    "Suunnitelman tavoite", "Tavoite saavutettu",
]  # fmt: skip


def _fi_date(day: object) -> str:
    if day is None:
        return ""
    day = pd.Timestamp(str(day)).date()
    return f"{day.day}.{day.month}.{day.year}"


def write_clients_csv(source_url: str, path: Path, rows: int) -> int:
    """The first `rows` clients of the sample database as a client import file, written as an
    office user would: Finnish headers and labels, semicolons, d.m.yyyy dates, UTF-8 with BOM."""
    c, ctg, tg = (metadata.tables[t].c for t in ("client", "client_target_group", "target_group"))
    engine = create_engine(source_url)
    with engine.connect() as conn:
        clients = conn.execute(select(metadata.tables["client"]).order_by(c.id).limit(rows)).all()
        names = dict(conn.execute(select(tg.code, tg.name_fi)).all())
        groups: dict[int, list[str]] = {}
        memberships = select(ctg.client_id, ctg.target_group_code).order_by(
            ctg.client_id, ctg.target_group_code
        )
        for client_id, code in conn.execute(memberships):
            groups.setdefault(client_id, []).append(names[code])
    engine.dispose()
    reached = {True: "kyllä", False: "ei", None: ""}
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADERS)
        for r in clients:
            writer.writerow(
                [
                    r.code, r.municipality_code, r.birth_year,
                    i18n.code_label("gender", r.gender, "fi") if r.gender else "",
                    r.education_level or "",
                    i18n.code_label("labour_status", r.labour_status_at_entry, "fi")
                    if r.labour_status_at_entry else "",
                    "" if r.unemployment_months is None else r.unemployment_months,
                    ", ".join(groups.get(r.id, [])), _fi_date(r.entry_date),
                    _fi_date(r.exit_date), r.plan_goal or "", reached[r.plan_goal_reached],
                ]
            )  # fmt: skip
    return len(clients)


def _connected(url: str) -> Engine:
    """An engine that has connected once, as the app's has: the driver's import and the first
    connection are not the import's work."""
    engine = db.make_engine(url)
    with engine.connect():
        pass
    return engine


def ingest(url: str, path: Path) -> dict[str, object]:
    """polku.ingest's import of the file, timed from the bytes in memory to the commit."""
    try:
        from polku import ingest as polku_ingest
        from polku.users import SYSTEM
    except ImportError:
        return {"error": UNAVAILABLE}
    if not hasattr(polku_ingest, "import_file"):
        return {"error": UNAVAILABLE}
    data = path.read_bytes()
    engine = _connected(url)
    started = time.perf_counter()
    report = polku_ingest.import_file(engine, SYSTEM, "clients", data, path.name)
    seconds = time.perf_counter() - started
    engine.dispose()
    problems = [p for p in getattr(report, "problems", []) if getattr(p, "is_error", False)]
    if problems:
        return {"error": f"the import refused the file: {problems[0].text()}"}
    return {"seconds": seconds, "rows": report.rows, "peak_rss_mb": peak_rss_mb()}


def floor(url: str, path: Path) -> dict[str, object]:
    """The floor: pandas.read_csv, the columns turned into the table's values without any
    checks, and one bulk insert into the client table, the fastest the backend has
    (db.bulk_insert: COPY on PostgreSQL, the driver's executemany on SQLite)."""
    engine = _connected(url)
    started = time.perf_counter()
    frame = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    labels = {
        name: {i18n.code_label(name, code, "fi"): code for code in i18n.CODE_SETS[name]}
        for name in ("gender", "labour_status")
    }

    def day(column: str) -> pd.Series:
        parsed = pd.to_datetime(frame[column], format="%d.%m.%Y", errors="coerce")
        return parsed.dt.date.astype(object).where(parsed.notna(), None)

    def optional(series: pd.Series) -> pd.Series:
        return series.astype(object).where(series != "", None)

    rows = pd.DataFrame(
        {
            "code": frame["Asiakastunnus"],
            "municipality_code": frame["Kunta"].str.zfill(3),
            "birth_year": frame["Syntymävuosi"].astype(int),
            "gender": optional(frame["Sukupuoli"]).map(labels["gender"]),
            "education_level": optional(frame["Koulutustaso"]),
            "labour_status_at_entry": optional(frame["Työmarkkina-asema"]).map(
                labels["labour_status"]
            ),
            "unemployment_months": pd.to_numeric(frame["Työttömyyskuukaudet"]).astype("Int64"),
            "entry_date": day("Aloituspäivä"),
            "exit_date": day("Päättymispäivä"),
            "plan_goal": optional(frame["Suunnitelman tavoite"]),
            "plan_goal_reached": frame["Tavoite saavutettu"].map({"kyllä": True, "ei": False}),
        }
    )
    records = rows.astype(object).where(rows.notna(), None).to_dict("records")
    with engine.begin() as conn:
        db.bulk_insert(conn, metadata.tables["client"], records)
    seconds = time.perf_counter() - started
    engine.dispose()
    return {"seconds": seconds, "rows": len(records), "peak_rss_mb": peak_rss_mb()}


def main(argv: list[str]) -> int:
    what, url, path = argv
    result = (ingest if what == "ingest" else floor)(url, Path(path))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
