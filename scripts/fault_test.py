#!/usr/bin/env python
"""Load-and-fault test: does a PostgreSQL restart cost failed requests once it is back?

Not a unit test; run it by hand (as root, or as a user who may run PostgreSQL's initdb):

    .venv/bin/python scripts/fault_test.py
    .venv/bin/python scripts/fault_test.py --before 15 --outage 5 --after 25 --concurrency 4

It starts everything it needs and stops everything it started:

1. its own throwaway PostgreSQL cluster (initdb into a temporary folder, as the ``postgres``
   OS user via runuser when run as root) on a spare loopback port (5439 by default; it refuses
   5432 and any port already in use, so a shared server is never touched);
2. migrates, loads the reference and demo data, collects static files;
3. gunicorn with gunicorn.conf.py on 127.0.0.1 (2 workers), the production settings
   (persistent connections with health checks; the Redis cache at ``--cache-url``, under a
   key prefix of its own);
4. a bounded load loop: fixed concurrency and duration, loopback only, a 5-second timeout per
   request, on ``/`` (reads the database), ``/readyz`` (database and cache) and ``/healthz``
   (no database);
5. mid-load, stops PostgreSQL (fast shutdown, which drops every connection), waits, starts it;
6. reports requests and failures before, during and after the outage, and exits 1 if any
   request that started after PostgreSQL was back failed, or if the public page cached before
   the outage (``/``) failed during it (it is served from the cache: with the content
   versions in Redis, as it is, since nothing can be written meanwhile; should their keys
   have expired, as the last copy marked "may be out of date"; ``/readyz`` answers 503
   then, as it should).
"""

from __future__ import annotations

import argparse
import collections
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PATHS = ("/", "/readyz", "/healthz")
SHARED_POSTGRES_PORT = 5432


@dataclass
class Result:
    path: str
    started: float
    finished: float
    status: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status == 200


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def postgres_bin() -> Path:
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    if not candidates:
        found = shutil.which("initdb")
        if not found:
            sys.exit("PostgreSQL server binaries (initdb, pg_ctl) are not installed.")
        return Path(found).parent
    return candidates[-1].parent


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own in a temporary folder, on 127.0.0.1:port only."""

    def __init__(self, root: Path, port: int):
        self.bin = postgres_bin()
        self.root = root / "postgres"
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = port
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, text=True)  # noqa: S603

    def create(self) -> None:
        self.root.mkdir()
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            str(self.bin / "initdb"),
            "--pgdata",
            str(self.data),
            "--username",
            "postgres",
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c synchronous_commit=off"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        # Fast shutdown: every client connection is dropped, as in a crash or failover.
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        status = subprocess.run(  # noqa: S603
            [*self.as_postgres, str(self.bin / "pg_ctl"), "-D", str(self.data), "status"],
            capture_output=True,
            check=False,
        )
        return status.returncode == 0

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


def wait_until_ready(base: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not become ready within {timeout:.0f} s")


def fetch(base: str, path: str) -> Result:
    started = time.monotonic()
    status = error = None
    try:
        with urllib.request.urlopen(f"{base}{path}", timeout=5) as response:  # noqa: S310
            response.read()
            status = response.status
    except urllib.error.HTTPError as failure:
        status = failure.code
    except (urllib.error.URLError, OSError) as failure:
        error = type(getattr(failure, "reason", failure)).__name__
    return Result(path, started, time.monotonic(), status, error)


def load(
    base: str, concurrency: int, until: float, results: list[Result]
) -> list[threading.Thread]:
    lock = threading.Lock()

    def worker(offset: int) -> None:
        n = offset
        while time.monotonic() < until:
            result = fetch(base, PATHS[n % len(PATHS)])
            n += 1
            with lock:
                results.append(result)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    return threads


def describe(results: list[Result]) -> str:
    failed = [r for r in results if not r.ok]
    reasons = collections.Counter(
        f"{r.path} {r.status if r.status is not None else r.error}" for r in failed
    )
    detail = ", ".join(f"{reason} x{count}" for reason, count in sorted(reasons.items()))
    return f"{len(results):5d} requests, {len(failed):4d} failed" + (
        f"  ({detail})" if detail else ""
    )


def report(results: list[Result], down: float, up: float, started: float) -> int:
    before = [r for r in results if r.finished < down]
    during = [r for r in results if r.finished >= down and r.started < up]
    after = [r for r in results if r.started >= up]
    slowest_after = max((r.finished - r.started for r in after), default=0.0)
    print()
    print("PRAP Tracker load-and-fault test: gunicorn + PostgreSQL restart")
    print(
        f"  PostgreSQL stopped at t={down - started:.1f} s and was accepting connections "
        f"again at t={up - started:.1f} s (outage {up - down:.1f} s)"
    )
    print(f"  before the outage: {describe(before)}")
    print(f"  during the outage: {describe(during)}")
    print(f"  after it was back: {describe(after)}")
    print(f"  slowest request after it was back: {slowest_after * 1000:.0f} ms")
    cached_during = [r for r in during if r.path == "/"]
    print(f"  the cached page / during the outage: {describe(cached_during)}")
    failed = any(not r.ok for r in after) or any(not r.ok for r in cached_during)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-port", type=int, default=5439)
    parser.add_argument("--http-port", type=int, default=8779)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/12", help="Redis")
    parser.add_argument("--concurrency", type=int, default=4, help="parallel clients")
    parser.add_argument("--before", type=float, default=15, help="seconds of load before")
    parser.add_argument("--outage", type=float, default=5, help="seconds PostgreSQL is down")
    parser.add_argument("--after", type=float, default=25, help="seconds of load after")
    options = parser.parse_args()

    if options.pg_port == SHARED_POSTGRES_PORT:
        sys.exit("Refusing port 5432: that is the shared PostgreSQL server. Pick a spare port.")
    for port in (options.pg_port, options.http_port):
        if port_in_use(port):
            sys.exit(f"127.0.0.1:{port} is already in use; pick another port.")
    if not 1 <= options.concurrency <= 16:
        sys.exit("--concurrency must be between 1 and 16.")
    if options.before + options.outage + options.after > 300:
        sys.exit("The whole run is limited to 300 seconds.")

    work = Path(tempfile.mkdtemp(prefix="prap-fault-"))
    work.chmod(0o755)  # the postgres user must reach its folder inside
    postgres = ThrowawayPostgres(work, options.pg_port)
    gunicorn: subprocess.Popen | None = None
    base = f"http://127.0.0.1:{options.http_port}"
    env = {
        **os.environ,
        "DATABASE_URL": postgres.url("prap"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATIC_ROOT": str(work / "static"),
        "CONN_MAX_AGE": "60",
        # Shared by the workers, as in production with several instances: a worker that
        # gunicorn recycles mid-run starts with an empty local-memory cache, and could then
        # serve no copy of a page during the outage.
        "CACHE_URL": f"{options.cache_url}?key_prefix=fault-{secrets.token_hex(6)}",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{options.http_port}",
        "WEB_CONCURRENCY": str(options.workers),
    }
    try:
        print(f"Starting a throwaway PostgreSQL on 127.0.0.1:{options.pg_port} in {work}")
        postgres.create()
        postgres.start()
        subprocess.run(  # noqa: S603
            [*postgres.as_postgres, str(postgres.bin / "createdb"), "-h", "127.0.0.1", "-p",
             str(options.pg_port), "-U", "postgres", "prap"],
            check=True,
        )  # fmt: skip
        print("Migrating, loading reference and demo data, collecting static files")
        for command in (
            ["migrate", "--noinput", "--verbosity", "0"],
            ["load_reference"],
            ["seed_demo"],  # as of today, the day the pages are served
            ["collectstatic", "--noinput", "--verbosity", "0"],
        ):
            subprocess.run(  # noqa: S603
                [sys.executable, "manage.py", *command],
                cwd=PROJECT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        print(f"Starting gunicorn ({options.workers} workers) on {base}")
        with (work / "gunicorn.log").open("w") as log:
            gunicorn = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "prap.wsgi"],
                cwd=PROJECT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_ready(base, timeout=60)

        total = options.before + options.outage + options.after
        print(
            f"Load: {options.concurrency} clients for {total:.0f} s; PostgreSQL stops after "
            f"{options.before:.0f} s for {options.outage:.0f} s"
        )
        results: list[Result] = []
        started = time.monotonic()
        threads = load(base, options.concurrency, started + total, results)
        time.sleep(options.before)
        down = time.monotonic()
        postgres.stop()
        time.sleep(options.outage)
        postgres.start()
        up = time.monotonic()
        for thread in threads:
            thread.join(timeout=total + 30)
        return report(results, down, up, started)
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=40)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait()
        if postgres.data.exists() and postgres.running():
            postgres.stop()
        shutil.rmtree(work, ignore_errors=True)
        print("Stopped gunicorn and PostgreSQL; removed", work)


if __name__ == "__main__":
    sys.exit(main())
