"""The import's limits and its worker process (issue 12.5):

(a) the time to refuse an over-limit file, a zip-bomb workbook and a 50 MB CSV, and the peak
    memory of the process that refuses it (a child of its own, so the peak is its own):

        python -m benchmarks.limits refuse FILE   (prints one JSON line)

(b) a page's warm rerun while a 50 000-row import is checked in the background, in the worker
    process the Tuonti page uses (polku.ui.imports), against the same rerun with no import and
    with the import in a thread of the app's process (where the page ran it before).
"""

from __future__ import annotations

import io
import json
import statistics
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

from benchmarks.databases import peak_rss_mb

# The files refused: a workbook of a few MB that unpacks to about 1 GB, and a 50 MB CSV
BOMB_UNPACKED_MB = 1000
BIG_CSV_MB = 50


def write_zip_bomb(path: Path, unpacked_mb: int = BOMB_UNPACKED_MB) -> int:
    """A valid client workbook whose sheet's XML is `unpacked_mb` MB of rows; its size."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Asiakastunnus", "Kunta", "Syntymävuosi", "Aloituspäivä"])
    base = io.BytesIO()
    book.save(base)
    part = "xl/worksheets/sheet1.xml"
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    chunk = row * (1_000_000 // len(row))
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            if info.filename != part:
                dst.writestr(info, src.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
                continue
            head, tail = src.read(part).split(b"</sheetData>")
            member = zipfile.ZipInfo(part)
            member.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(member, "w", force_zip64=True) as out:
                out.write(head)
                for _ in range(unpacked_mb):
                    out.write(chunk)
                out.write(b"</sheetData>" + tail)
    return path.stat().st_size


def write_big_csv(path: Path, megabytes: int = BIG_CSV_MB) -> int:
    """A client CSV of `megabytes` MB; its size."""
    header = "Asiakastunnus;Kunta;Syntymävuosi;Aloituspäivä\n".encode()
    line = b"A-000001;167;1980;1.3.2026\n"
    with path.open("wb") as out:
        out.write(header)
        block = line * 10_000
        for _ in range(megabytes * 1_000_000 // len(block) + 1):
            out.write(block)
    return path.stat().st_size


def refuse(path: Path) -> dict[str, Any]:
    """polku.ingest's reading of the file, timed from the bytes in memory to its refusal."""
    from polku import ingest

    data = path.read_bytes()
    started = time.perf_counter()
    try:
        ingest.read_table(data, path.name, "clients")
        key = None
    except ingest.FileUnreadable as unreadable:
        key = unreadable.problem.key
    seconds = time.perf_counter() - started
    return {"file_mb": round(len(data) / 1e6, 1), "seconds": seconds, "refused": key,
            "peak_rss_mb": round(peak_rss_mb(), 1)}  # fmt: skip


def measure_background(url: str, csv_path: Path, repeat: int) -> dict[str, Any]:
    """The coordinator's overview page, warm, with no import, with a 50 000-row check in the
    worker process, and with the same check in a thread of this process."""
    from benchmarks import pages
    from polku import db
    from polku.ui import imports
    from polku.users import SYSTEM

    data = csv_path.read_bytes()
    engine = db.make_engine(url)
    users = pages.sample_users(url)
    email, home = users[pages.COORDINATOR]
    view = pages.View("app_pages/overview.py", pages.COORDINATOR, email, home)
    pages.use_database(url)
    registry = pages.registry(view)
    at = pages.open_page(view, registry)

    def rerun() -> float:
        started = time.perf_counter()
        at.run()
        return time.perf_counter() - started

    at.run()  # one untimed rerun
    quiet = [rerun() for _ in range(repeat)]

    def in_worker() -> list[float]:
        job = imports.start(engine, SYSTEM, "clients", data, csv_path.name, dry_run=True)
        time.sleep(0.5)  # the worker's start is not the import's work
        times = []
        while len(times) < repeat:
            if job.done():
                job.result()
                job = imports.start(engine, SYSTEM, "clients", data, csv_path.name, dry_run=True)
            times.append(rerun())
        job.future.result()
        return times

    def in_thread() -> list[float]:
        def check() -> None:
            imports.run_here(engine, SYSTEM, "clients", data, csv_path.name, dry_run=True)

        times: list[float] = []
        while len(times) < repeat:
            worker = threading.Thread(target=check, daemon=True)
            worker.start()
            while worker.is_alive() and len(times) < repeat:
                times.append(rerun())
            worker.join()
        return times

    in_worker()  # the worker process's first start is a one-off
    with_worker = in_worker()
    with_thread = in_thread()
    engine.dispose()
    warm = statistics.median(quiet)
    worker_s, thread_s = statistics.median(with_worker), statistics.median(with_thread)
    return {
        "page": view.page,
        "role": view.role,
        "view": home,
        "import_rows": data.count(b"\n") - 1,
        "warm_s": warm,
        "warm_import_in_worker_s": worker_s,
        "warm_import_in_thread_s": thread_s,
        "slowdown_worker": worker_s / warm,
        "slowdown_thread": thread_s / warm,
    }


def main(argv: list[str]) -> int:
    what, path = argv
    if what != "refuse":
        raise SystemExit(f"unknown measurement {what!r}")
    print(json.dumps(refuse(Path(path))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
