"""The benchmark's databases: a throwaway PostgreSQL server, fresh databases on each backend,
and the sample data built by the real command line (`python -m polku init --sample`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
PG_SCRIPT = ROOT / "scripts" / "pg-test-server"


@dataclass
class Child:
    """A finished child process: its wall time and output."""

    seconds: float
    stdout: str
    stderr: str = ""


def run_child(args: list[str], env: dict[str, str] | None = None) -> Child:
    """Run a command to its end; fails loudly on a non-zero exit."""
    started = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[1:5])} failed: {done.stderr.strip()[-2000:]}")
    return Child(seconds, done.stdout, done.stderr)


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started (after exec: its own, unlike
    ru_maxrss, which a child inherits from the parent it was forked from)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Backend:
    """Makes fresh databases on one backend (sqlite files or a PostgreSQL server)."""

    def __init__(self, name: str, workdir: Path, admin_url: str | None = None) -> None:
        self.name = name
        self.workdir = workdir
        self.admin_url = admin_url

    def fresh(self, label: str) -> str:
        """The URL of a new empty database."""
        name = f"bench_{label}_{uuid.uuid4().hex[:6]}"
        if self.name == "sqlite":
            return f"sqlite:///{self.workdir / (name + '.db')}"
        return self._create(name, "")

    def copy(self, template: str, label: str) -> str:
        """A new database holding what `template` holds (a file copy; CREATE ... TEMPLATE)."""
        name = f"bench_{label}_{uuid.uuid4().hex[:6]}"
        if self.name == "sqlite":
            target = self.workdir / (name + ".db")
            shutil.copyfile(make_url(template).database or "", target)
            return f"sqlite:///{target}"
        return self._create(name, f' TEMPLATE "{make_url(template).database}"')

    def _create(self, name: str, options: str) -> str:
        """CREATE DATABASE on the PostgreSQL server; the new database's URL."""
        assert self.admin_url
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{options}'))
        admin.dispose()
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)


def build_sample(url: str, scale: float | None) -> Child:
    """`python -m polku init [--sample --scale N]` into `url`; its output is the summary."""
    args = [sys.executable, "-m", "polku", "init", "--database-url", url]
    if scale is not None:
        args += ["--sample", "--scale", f"{scale:g}"]
    child = run_child(args)
    if url.startswith("postgresql"):
        # Fresh tables have no planner statistics until autovacuum gets to them; production has
        analyze(url)
    return child


def analyze(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()


@contextmanager
def postgres_server(url: str | None) -> Iterator[str | None]:
    """An admin URL of a PostgreSQL server: `url` when given, else a throwaway server started
    by scripts/pg-test-server (None when it cannot start, e.g. no server binaries)."""
    if url:
        yield url.replace("postgresql://", "postgresql+psycopg://", 1)
        return
    parent = Path(tempfile.mkdtemp(prefix="polku-bench-pg-"))
    parent.chmod(0o755)  # the server runs as the `postgres` user
    data_dir = parent / "data"
    port = str(57000 + os.getpid() % 1000)
    started = subprocess.run(
        [str(PG_SCRIPT), "start", str(data_dir), port], capture_output=True, text=True
    )
    if started.returncode != 0:
        print(f"PostgreSQL not available: {started.stderr.strip()[:300]}", file=sys.stderr)
        shutil.rmtree(parent, ignore_errors=True)
        yield None
        return
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(PG_SCRIPT), "stop", str(data_dir)], check=False)
        shutil.rmtree(parent, ignore_errors=True)
