"""Benchmark PRAP Tracker at national scale and at 10x: ``make bench`` or ``python -m bench``.

For each data size it builds a fresh PostgreSQL database of its own, loads the reference data
and ``seed_demo --scale N``, then measures every page in-process (SQL queries per request,
median and p95 server time over at least 50 requests, peak memory of the CSV export) in rounds
(``--rounds``): each round measures every size in turn, so the 10x/1x ratio of a page is taken
within a round, between figures of the same minutes, and reported as the median over the rounds
with its spread. At national size it also serves the site with gunicorn on 127.0.0.1 and drives
it with ``wrk`` for a fixed time and connection count: requests per second and p50/p95/p99
latency for ``/healthz`` (the framework's floor), the Dorset roadmap and the national
comparison, and each page's ratio to ``/healthz``. It also times the search page (plain,
filtered, a phrase, a misspelling, ``/search.json``) and the two writes that keep the search
index current: rewriting one force's documents, and rebuilding the whole index. Figures go to
stdout as a table and to ``bench-results/<time>.json``.

The load test runs in interleaved rounds (``--rounds``, 3): each round drives ``/healthz``, then
each page followed by ``/healthz`` again, so each page's ratio to ``/healthz`` is taken against
the floor measured just before and just after it (the mean of the two), and a burst of other
work on a shared machine falls on both; the report gives the median and the spread (lowest and
highest) over the rounds. wrk asks for each page as a browser does, accepting gzip (the cached
pages are sent compressed), and for ``/national/`` once more without it. The force measured is
the generated force with the most deliverables (``seed_demo --scale`` multiplies those; Dorset's
real roadmap stays the same at every scale). The site logs at ``BENCH_LOG_LEVEL`` (default
``INFO``, as in production: the request log line is part of each request's cost).

Options: ``--scales 1,10``, ``--requests 50``, ``--duration 10`` (seconds per wrk run),
``--rounds 3``, ``--connections 16``, ``--port 8765``, ``--skip-load``, ``--database-url`` (or
``BENCH_DATABASE_URL``; default ``postgres://postgres@127.0.0.1:5432/prap_bench``; each scale's
database is that name with ``_x<scale>`` appended, ``prap_bench_x1`` and ``prap_bench_x10``,
dropped and recreated), ``--cache-url`` (or ``BENCH_CACHE_URL``; default the local-memory cache;
with ``redis://127.0.0.1:6379/15`` the site runs as in production, versions read from Redis;
that Redis database is emptied between measurements).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", 8765))


#: What browsers send: a public page from the cache is sent to them gzip-compressed.
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"
ACCEPT_ENCODING = f"Accept-Encoding: {BROWSER_ACCEPT_ENCODING}"
#: A load path ending with this is asked for without ``Accept-Encoding`` (as ``curl`` does):
#: the page uncompressed. Shown beside the others, not judged by the cached-page target.
UNCOMPRESSED = " (uncompressed)"


def load_paths(force: str) -> list[str]:
    """``/healthz`` first: the floor every other path is compared with. Each is asked for
    as a browser asks (with ``Accept-Encoding``) unless it ends with :data:`UNCOMPRESSED`."""
    return [
        "/healthz",
        f"/forces/{force}/",
        "/national/",
        # An address with a parameter nobody else sends: the page from the cache all the same.
        "/national/?utm_source=bench",
        "/search/?q=stop+and+search",
        f"/forces/{force}/disparities/",
        "/national/disparities/",
        "/national/" + UNCOMPRESSED,
    ]


WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50=%d p95=%d p99=%d requests=%d errors=%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def environment(database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-key-not-a-secret",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "INFO"),
    }
    if os.environ.get("BENCH_CACHE_URL"):
        env["CACHE_URL"] = os.environ["BENCH_CACHE_URL"]
    return env


def database_for(database_url: str, scale: int) -> str:
    """The database of one scale: ``database_url``'s name with ``_x<scale>`` appended, so
    every scale's data is there at once and the pages of each are measured in turn."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_x{scale}"))


def recreate_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def analyze(database_url: str) -> None:
    """Planner statistics for the freshly loaded rows, as autovacuum keeps them on a live
    database: without them PostgreSQL plans every query for empty tables."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def load(database_url: str, scale: int) -> dict[str, int]:
    env = environment(database_url)
    recreate_database(database_url)
    started = time.perf_counter()
    manage(env, "migrate", "--noinput")
    manage(env, "load_reference")
    # As of the day the benchmark runs, so the pages it measures tell the same story as the
    # data (the 1x and 10x figures of one run share that day).
    manage(env, "seed_demo", "--scale", str(scale))
    analyze(database_url)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    counts = result_of(
        subprocess.run(
            [PYTHON, "-m", "bench.measure", "--counts"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    counts["load seconds"] = round(time.perf_counter() - started, 1)
    return counts


def measure_pages(database_url: str, requests: int) -> list[dict]:
    result = subprocess.run(
        [PYTHON, "-m", "bench.measure", "--requests", str(requests)],
        cwd=ROOT,
        env=environment(database_url),
        check=True,
        capture_output=True,
        text=True,
    )
    return result_of(result.stdout)


#: The in-process timings of a page, combined over the rounds by their median.
TIMINGS = ("median_ms", "p95_ms", "cached_median_ms", "cached_p95_ms")


def median_of(values: list[float], digits: int = 2) -> float | str:
    """The median of ``values``, or "" when there are none (a figure a row does not have)."""
    return round(statistics.median(values), digits) if values else ""


def spread(values: list[float]) -> str:
    """Lowest-highest of ``values``, as the tables print it ("" when there are none)."""
    return f"{min(values)}-{max(values)}" if values else ""


def is_download(row: dict) -> bool:
    """A file of every row (the CSV export): its time follows its rows, so it is judged by
    its memory, not by the pages' time targets."""
    return row["path"].endswith(".csv")


def combine_rounds(rounds: list[list[dict]]) -> list[dict]:
    """One row per page from its rows of every round (``measure_pages`` output, the pages in
    the same order each time): each timing the median over the rounds, with the spread
    (lowest-highest) of the uncached median; the queries and the rest as in the first
    round, and every round kept."""
    combined = []
    for rows in zip(*rounds, strict=True):
        row = dict(rows[0])
        for name in TIMINGS:
            row[name] = median_of([r[name] for r in rows if r[name] != ""])
        row["median_spread"] = spread([r["median_ms"] for r in rows])
        row["rounds"] = list(rows)
        combined.append(row)
    return combined


def compare_scales(small: list[dict], big: list[dict]) -> list[dict]:
    """Each page at the largest scale against the smallest, round by round: in each round
    the two scales are measured one after the other, so a ratio is taken between figures of
    the same minutes, and a slow stretch of the machine falls on both. The median ratio over
    the rounds, with its spread; beside it, how much the page itself grew (``bytes_ratio``):
    a page that shows ten times as much, such as the roadmap of a force with ten times the
    deliverables, is told apart from one that only has more data behind it."""

    def ratios(a: dict, b: dict, name: str) -> list[float]:
        return [
            round(y[name] / x[name], 2)
            for x, y in zip(a["rounds"], b["rounds"], strict=True)
            if x[name] and y[name]
        ]

    comparison = []
    for a, b in zip(small, big, strict=True):
        uncached = ratios(a, b, "median_ms")
        row = {
            "page": a["page"],
            "queries": f"{a['queries']} -> {b['queries']}",
            "same_queries": all(
                x["queries"] == y["queries"] for x, y in zip(a["rounds"], b["rounds"], strict=True)
            ),
            "peak_kib": f"{a['peak_kib']} -> {b['peak_kib']}" if a["peak_kib"] else "",
            "write": a["path"] == "(write)",
            "download": is_download(a),
            "bytes_ratio": round(b["bytes"] / a["bytes"], 2) if a.get("bytes") else "",
            "median_ratio": median_of(uncached),
            "median_ratio_spread": spread(uncached),
            "p95_ratio": median_of(ratios(a, b, "p95_ms")),
            "cached_median_ratio": median_of(ratios(a, b, "cached_median_ms")),
        }
        comparison.append(row)
    return comparison


def result_of(output: str):
    """What ``bench.measure`` printed after its marker, among the site's log lines."""
    marker = "BENCH-RESULT "
    line = next(line for line in output.splitlines() if line.startswith(marker))
    return json.loads(line.removeprefix(marker))


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds}s")


def drive(path: str, duration: int, connections: int, script: Path) -> dict:
    address = path.removesuffix(UNCOMPRESSED)
    headers = [] if path.endswith(UNCOMPRESSED) else ["--header", ACCEPT_ENCODING]
    output = subprocess.run(
        [
            "wrk",
            "--threads",
            "2",
            "--connections",
            str(connections),
            "--duration",
            f"{duration}s",
            "--timeout",
            "10s",
            *headers,
            "--script",
            str(script),
            f"http://127.0.0.1:{PORT}{address}",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=duration + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    figures = dict(re.findall(r"(\w+)=(\d+)", output.split("BENCH", 1)[1]))
    return {
        "path": path,
        "requests_per_second": round(rps, 1),
        "p50_ms": int(figures["p50"]) / 1000,
        "p95_ms": int(figures["p95"]) / 1000,
        "p99_ms": int(figures["p99"]) / 1000,
        "requests": int(figures["requests"]),
        "errors": int(figures["errors"]),
    }


def load_test(
    database_url: str, duration: int, connections: int, rounds: int, force: str
) -> list[dict]:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk (make bench does this).")
    env = environment(database_url)
    # The shared cache may hold the pages of the scale measured last: served from it, they
    # would be another database's pages.
    subprocess.run(
        [PYTHON, "-m", "bench.measure", "--empty-caches"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    config = ROOT / "gunicorn.conf.py"
    command = [PYTHON, "-m", "gunicorn", "prap.wsgi", "--bind", f"127.0.0.1:{PORT}"]
    command += ["--config", str(config)] if config.exists() else ["--workers", "2"]
    env["GUNICORN_BIND"] = f"127.0.0.1:{PORT}"
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/healthz")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        paths = load_paths(force)
        for path in paths:
            drive(path, 2, connections, Path(script.name))  # warm caches and connections

        def drive_one(path: str) -> dict:
            return drive(path, duration, connections, Path(script.name))

        return [summarise(path, found) for path, found in bracketed(paths, rounds, drive_one)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def bracketed(paths: list[str], rounds: int, drive_one) -> list[tuple[str, list[dict]]]:
    """Each path's runs, each run with its ratio to the floor (``paths[0]``, ``/healthz``)
    measured just before and just after it: every round drives the floor, then each page
    followed by the floor again (floor, page, floor, page... floor). On a shared machine the
    speed of the processor drifts over seconds; a page compared with a floor measured
    minutes earlier in the round carried that drift into its ratio."""
    floor_path, pages = paths[0], paths[1:]
    runs: dict[str, list[dict]] = {path: [] for path in paths}
    for _ in range(rounds):
        before = drive_one(floor_path)
        before["ratio_to_healthz"] = 1.0
        runs[floor_path].append(before)
        for path in pages:
            run = drive_one(path)
            after = drive_one(floor_path)
            after["ratio_to_healthz"] = 1.0
            runs[floor_path].append(after)
            floor = (before["requests_per_second"] + after["requests_per_second"]) / 2 or 1
            run["healthz_around"] = round(floor, 1)
            run["ratio_to_healthz"] = round(run["requests_per_second"] / floor, 3)
            runs[path].append(run)
            before = after
    return [(path, runs[path]) for path in paths]


def summarise(path: str, runs: list[dict]) -> dict:
    """Median and spread (lowest to highest) over the rounds of one path."""

    def of(name: str) -> list[float]:
        return [run[name] for run in runs]

    return {
        "path": path,
        "rounds": len(runs),
        "requests_per_second": median_of(of("requests_per_second"), 3),
        "rps_spread": spread(of("requests_per_second")),
        "ratio_to_healthz": median_of(of("ratio_to_healthz"), 3),
        "ratio_spread": spread(of("ratio_to_healthz")),
        "p50_ms": median_of(of("p50_ms"), 3),
        "p95_ms": median_of(of("p95_ms"), 3),
        "p95_spread": spread(of("p95_ms")),
        "p99_ms": median_of(of("p99_ms"), 3),
        "errors": sum(run["errors"] for run in runs),
        "runs": runs,
    }


def machine() -> dict:
    """What the figures were measured on: processors, model, memory, system, Python."""
    cpuinfo = Path("/proc/cpuinfo")
    meminfo = Path("/proc/meminfo")
    models = (
        re.findall(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        if cpuinfo.exists()
        else []
    )
    memory = (
        re.search(r"^MemTotal:\s+(\d+) kB", meminfo.read_text(), re.M) if meminfo.exists() else None
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": models[0] if models else platform.processor() or platform.machine(),
        "memory_gib": round(int(memory[1]) / 1024 / 1024, 1) if memory else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
    }


def targets(report: dict) -> list[dict]:
    """Each target of the benchmark, the figure that decides it, and whether it is met."""
    rows = []
    # The writes measured beside the pages (keeping the search index current) are compared
    # in the tables but judged by no page target.
    comparison = [row for row in report.get("comparison", []) if not row.get("write")]
    if comparison:
        grown = [row["page"] for row in comparison if not row["same_queries"]]
        rows.append(
            {
                "target": "same queries at both sizes, every page",
                "figure": "all equal" if not grown else "grows: " + ", ".join(grown),
                "met": not grown,
            }
        )
        pages = [row for row in comparison if not row.get("download")]
        for column, label in (("cached_median_ratio", "cached"), ("median_ratio", "uncached")):
            over = [f"{r['page']} {r[column]}x" for r in pages if r[column] and r[column] > 2]
            worst = max((r[column] for r in pages if r[column]), default=0)
            rows.append(
                {
                    "target": f"10x time <= 2x, every page ({label})",
                    "figure": ("over: " + ", ".join(over)) if over else f"worst {worst}x",
                    "met": not over,
                }
            )
        peaks = [r["peak_kib"] for r in comparison if r["peak_kib"]]
        for peak in peaks:
            small, big = (int(value) for value in peak.split(" -> "))
            rows.append(
                {
                    "target": "CSV export peak memory flat (10x within 25%)",
                    "figure": f"{small} -> {big} KiB",
                    "met": big <= small * 1.25,
                }
            )
    rows += page_targets(report)
    load = report.get("load")
    if load:
        for row in load["results"][1:]:
            if row["path"].endswith(UNCOMPRESSED):
                continue  # for comparison: browsers ask for the page compressed
            rows.append(
                {
                    "target": (
                        f"{row['path']} >= {CACHED_RATIO_GOAL} x /healthz req/s, "
                        f"p95 < {PAGE_P95_MS} ms"
                    ),
                    "figure": (
                        f"{row['ratio_to_healthz']} x ({row['ratio_spread']}), "
                        f"p95 {row['p95_ms']} ms"
                    ),
                    "met": row["ratio_to_healthz"] >= CACHED_RATIO_GOAL
                    and row["p95_ms"] < PAGE_P95_MS,
                }
            )
    return rows


#: Uncached server time goals (p95, ms): every page at the first scale, and the national
#: comparison at the last one. The CSV export writes every row, so it is judged by its memory.
PAGE_P95_MS = 50
NATIONAL_P95_MS_AT_LARGEST = 100
#: Cached pages under load: requests per second as a share of /healthz's in the same round.
CACHED_RATIO_GOAL = 0.8


def page_targets(report: dict) -> list[dict]:
    """The uncached p95 goals of the pages: under ``PAGE_P95_MS`` at the first scale, and
    ``/national/`` under ``NATIONAL_P95_MS_AT_LARGEST`` at the last."""
    scales = list(report["scales"])
    if not scales:
        return []
    rows = []
    first = [
        row
        for row in report["scales"][scales[0]]["pages"]
        if row["path"] != "(write)" and not is_download(row)
    ]
    over = [f"{row['page']} {row['p95_ms']}" for row in first if row["p95_ms"] >= PAGE_P95_MS]
    worst = max((row["p95_ms"] for row in first), default=0)
    rows.append(
        {
            "target": f"uncached p95 < {PAGE_P95_MS} ms at {scales[0]}x, every page",
            "figure": ("over: " + ", ".join(over)) if over else f"worst {worst} ms",
            "met": not over,
        }
    )
    if len(scales) > 1:
        national = next(
            row for row in report["scales"][scales[-1]]["pages"] if row["path"] == "/national/"
        )
        rows.append(
            {
                "target": f"/national/ uncached p95 < {NATIONAL_P95_MS_AT_LARGEST} ms at "
                f"{scales[-1]}x",
                "figure": f"{national['p95_ms']} ms",
                "met": national["p95_ms"] < NATIONAL_P95_MS_AT_LARGEST,
            }
        )
    return rows


def print_table(title: str, rows: list[dict], columns: list[str]) -> None:
    print(f"\n{title}")
    widths = [max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(row.get(c, "")).ljust(w) for c, w in zip(columns, widths, strict=True)))


def main() -> None:
    global PORT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/prap_bench"
        ),
    )
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", ""))
    parser.add_argument("--skip-load", action="store_true")
    options = parser.parse_args()
    PORT = options.port
    if options.cache_url:
        os.environ["BENCH_CACHE_URL"] = options.cache_url
    database_url = options.database_url
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "scales": {},
    }
    scales = [int(s) for s in options.scales.split(",")]
    databases = {scale: database_for(database_url, scale) for scale in scales}
    counts_by_scale = {}
    for scale in scales:
        print(f"Loading scale {scale}...", flush=True)
        counts_by_scale[scale] = load(databases[scale], scale)
        print_table(
            f"Data at scale {scale}", [counts_by_scale[scale]], list(counts_by_scale[scale])
        )
    # The pages in rounds, each round measuring every scale in turn (``compare_scales``).
    measured: dict[int, list[list[dict]]] = {scale: [] for scale in scales}
    for number in range(1, options.rounds + 1):
        for scale in scales:
            print(f"Pages at scale {scale}, round {number}...", flush=True)
            measured[scale].append(measure_pages(databases[scale], options.requests))
    for scale in scales:
        pages = combine_rounds(measured[scale])
        report["scales"][scale] = {"data": counts_by_scale[scale], "pages": pages}
        print_table(
            f"Pages at scale {scale} (in-process, {options.requests} requests each, median "
            f"over {options.rounds} rounds; median_spread: the uncached median's "
            "lowest-highest)",
            pages,
            [
                "page",
                "status",
                "queries",
                "cached_queries",
                "median_ms",
                "median_spread",
                "p95_ms",
                "cached_median_ms",
                "cached_p95_ms",
                "peak_kib",
            ],
        )
    if not options.skip_load:
        scale = scales[0]
        load_rows = load_test(
            databases[scale],
            options.duration,
            options.connections,
            options.rounds,
            counts_by_scale[scale]["scaled force"],
        )
        report["load"] = {
            "scale": scale,
            "connections": options.connections,
            "duration_s": options.duration,
            "rounds": options.rounds,
            "cache": options.cache_url or "local memory",
            "results": load_rows,
        }
        print_table(
            f"Load at scale {scale}: wrk, {options.connections} connections, "
            f"{options.duration}s each, {options.rounds} interleaved rounds (median, "
            "lowest-highest), gunicorn on 127.0.0.1",
            load_rows,
            [
                "path",
                "requests_per_second",
                "rps_spread",
                "ratio_to_healthz",
                "ratio_spread",
                "p50_ms",
                "p95_ms",
                "p95_spread",
                "p99_ms",
                "errors",
            ],
        )
    if len(scales) > 1:
        comparison = compare_scales(
            report["scales"][scales[0]]["pages"], report["scales"][scales[-1]]["pages"]
        )
        report["comparison"] = comparison
        print_table(
            f"Scale {scales[0]} vs {scales[-1]} (the ratio in each round, median over the "
            "rounds; median_ratio_spread: lowest-highest)",
            comparison,
            [
                "page",
                "queries",
                "same_queries",
                "bytes_ratio",
                "median_ratio",
                "median_ratio_spread",
                "p95_ratio",
                "cached_median_ratio",
                "peak_kib",
            ],
        )
    report["targets"] = targets(report)
    print_table("Targets", report["targets"], ["target", "figure", "met"])
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    path = out / f"bench-{report['when'].replace(':', '')}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"\nFigures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
