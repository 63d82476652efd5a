"""Imports checked and saved off the session's thread: a large file is read, checked and
saved in a worker process of its own (not a thread: the import is Python work, and a thread
would hold the interpreter lock that every other user's page needs), while the page polls its
progress. A small file is worked on in the session, where starting a process would cost more.

Either way the file is parsed once: the check's report carries the table it read, and the
commit is given that table. Streamlit-free, so the worker process imports little.
"""

from __future__ import annotations

import multiprocessing
import queue
import sys
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from polku import db, ingest
from polku.access import Actor
from polku.config import get_settings

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_progress: Any = None  # the workers' queue of (job id, share done)
_shares: dict[str, float] = {}
_worker_progress: Any = None  # in a worker: the same queue


def in_background(data: bytes) -> bool:
    """Whether a file this large is worked on in the worker process (the settings say)."""
    return len(data) >= get_settings().import_background_bytes


def run_here(
    engine: Engine,
    actor: Actor,
    kind: str,
    data: bytes,
    filename: str,
    *,
    dry_run: bool,
    table: ingest.RawTable | None = None,
    progress: ingest.Progress | None = None,
) -> ingest.ImportReport:
    """The import in this thread: read the file (unless `table` is the check's) and import it."""
    return _work(
        engine, actor, kind, data, filename, dry_run, table, ingest.Limits.from_settings(), progress
    )


def _work(
    engine: Engine,
    actor: Actor,
    kind: str,
    data: bytes,
    filename: str,
    dry_run: bool,
    table: ingest.RawTable | None,
    limits: ingest.Limits,
    progress: ingest.Progress | None,
) -> ingest.ImportReport:
    if table is None:
        try:
            table = ingest.read_table(data, filename, kind, limits)
        except ingest.FileUnreadable as unreadable:
            return ingest.ImportReport(kind=kind, dry_run=dry_run, problems=[unreadable.problem])
    return ingest.import_file(
        engine, actor, kind, b"", filename, dry_run=dry_run, progress=progress, table=table
    )


@dataclass
class Job:
    """An import running in the worker process, for the file of `stamp`."""

    id: str
    stamp: Any
    dry_run: bool
    future: Future[ingest.ImportReport] = field(repr=False)

    def done(self) -> bool:
        return self.future.done()

    def share(self) -> float:
        """The share of the work done, as the worker last reported it."""
        _drain()
        return _shares.get(self.id, 0.0)

    def result(self) -> ingest.ImportReport:
        """The report (raises what the worker raised); the job is forgotten."""
        try:
            return self.future.result()
        except BrokenProcessPool:
            _forget_pool()
            raise
        finally:
            _shares.pop(self.id, None)


def start(
    engine: Engine,
    actor: Actor,
    kind: str,
    data: bytes,
    filename: str,
    *,
    dry_run: bool,
    stamp: Any = None,
    table: ingest.RawTable | None = None,
) -> Job:
    """The import, started in the worker process; the database is the engine's."""
    job_id = uuid.uuid4().hex
    url = engine.url.render_as_string(hide_password=False)
    limits = ingest.Limits.from_settings()  # this process's settings, not the worker's
    with _without_main_script():
        future = _executor().submit(
            _work_in_worker, job_id, url, actor, kind, data, filename, dry_run, table, limits
        )
    return Job(job_id, stamp, dry_run, future)


@contextmanager
def _without_main_script() -> Iterator[None]:
    """A spawned worker would run the parent's main script again (Streamlit's or pytest's
    command line) before its first job; it needs only polku, so that script is hidden while the
    pool starts its process (on its first submit)."""
    main = sys.modules["__main__"]
    script = main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        if script is not None:
            main.__file__ = script


def _executor() -> ProcessPoolExecutor:
    global _pool, _progress
    with _lock:
        if _pool is None:
            # A fresh interpreter: forking a server with threads running is not safe
            context = multiprocessing.get_context("spawn")
            _progress = context.Queue()
            _pool = ProcessPoolExecutor(
                max_workers=1, mp_context=context, initializer=_start_worker, initargs=(_progress,)
            )
        return _pool


def _forget_pool() -> None:
    global _pool
    with _lock:
        _pool = None


def _drain() -> None:
    with _lock:
        while _progress is not None:
            try:
                job_id, share = _progress.get_nowait()
            except queue.Empty:
                break
            _shares[job_id] = share


def _start_worker(progress: Any) -> None:
    global _worker_progress
    _worker_progress = progress


def _work_in_worker(
    job_id: str,
    url: str,
    actor: Actor,
    kind: str,
    data: bytes,
    filename: str,
    dry_run: bool,
    table: ingest.RawTable | None,
    limits: ingest.Limits,
) -> ingest.ImportReport:
    def report(share: float) -> None:
        if _worker_progress is not None:
            _worker_progress.put((job_id, share))

    engine = db.make_engine(url)
    try:
        return _work(engine, actor, kind, data, filename, dry_run, table, limits, report)
    finally:
        engine.dispose()
