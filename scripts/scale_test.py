#!/usr/bin/env python
"""Scale-out test: two app servers of the same release behind nginx, sharing PostgreSQL and
Redis, with a task worker on each "host", under load throughout.

Run by ``.ci/run``; run it by hand (as root, or as a user who may run PostgreSQL's initdb),
with Debian's ``nginx`` installed:

    .venv/bin/python scripts/scale_test.py

It starts everything it needs on loopback and stops everything it started: its own throwaway
PostgreSQL cluster (as ``scripts/fault_test.py`` does; never the shared server), a key prefix
of its own in the Redis at ``--cache-url``, two gunicorn instances (``gunicorn.conf.py``, two
workers each), nginx in front of them as the load balancer, two ``db_worker`` task workers,
a small SMTP sink that counts the e-mails sent, and bounded load (fixed clients, a 5-second
timeout per request). It exits 0 only when every check holds:

1. **Two ``migrate`` runs at once** on an empty database both succeed and leave every
   migration applied (they take turns on a PostgreSQL advisory lock).
2. **Rolling restart**, as a deployment does it: instance A is taken out of nginx's rotation
   (``down``, then a graceful ``nginx -s reload``: requests already sent to it finish there),
   stopped gracefully, started again, checked ready and put back; then B. No request through
   nginx fails meanwhile.
3. **A second release**: a copy of the project whose stylesheet differs (so its hashed static
   file names differ) replaces A, then B. While both releases run, each instance's pages name
   only its own release's static files (a page cached by the first release is never served
   by the second: the cache key includes ``RELEASE``), and every static file either release
   names is served through nginx (from one shared folder each release adds its files to, as
   ``deploy/nginx.conf`` and ``compose.yaml`` do). No request fails during the switch.
4. **Background e-mail sent once**: e-mails queued while both workers run are each sent
   exactly once; an e-mail alert's digest, queued for the workers and also sent by the daily
   ``send_alert_digests`` command run on both hosts at once, reaches its follower once.
5. **Sign-in throttling across instances**: wrong passwords sent alternately to A and B are
   counted together, and the account is paused after the limit whichever instance answers.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fault_test import (
    SHARED_POSTGRES_PORT,
    Result,
    ThrowawayPostgres,
    fetch,
    port_in_use,
)

PROJECT = Path(__file__).resolve().parent.parent
LOAD_PATHS = ("/", "/forces/", "/national/", "/forces/dorset/", "/workstreams/", "/healthz")
STYLESHEET = "static/css/prap.css"
STATIC_LINK = re.compile(r'(?:href|src)="(/static/[^"]+)"')
ACCOUNT_LIMIT = 4
MIGRATE = ["migrate", "--noinput", "--verbosity", "0"]


# The SMTP sink -------------------------------------------------------------------------------


class SmtpSink:
    """Just enough SMTP to accept messages on loopback and count them by subject."""

    def __init__(self, port: int):
        self.port = port
        self.subjects: collections.Counter[str] = collections.Counter()
        self.recipients: collections.Counter[str] = collections.Counter()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.ready = threading.Event()

    def start(self) -> None:
        self.thread.start()
        self.ready.wait(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._session, "127.0.0.1", self.port)
        )
        self.ready.set()
        self.loop.run_until_complete(server.serve_forever())

    async def _session(self, reader, writer) -> None:
        def send(line: str) -> None:
            writer.write(line.encode() + b"\r\n")

        send("220 sink ESMTP")
        await writer.drain()
        while line := await reader.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                send("250 sink")
            elif command.startswith("RCPT"):
                self.recipients[command.split(":", 1)[1].strip(" <>").lower()] += 1
                send("250 OK")
            elif command.startswith(("MAIL", "RSET", "NOOP")):
                send("250 OK")
            elif command == "DATA":
                send("354 go ahead")
                await writer.drain()
                lines = []
                while (data := await reader.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(data.decode(errors="replace"))
                subject = next(
                    (x[len("Subject:") :].strip() for x in lines if x.startswith("Subject:")), ""
                )
                self.subjects[subject] += 1
                send("250 queued")
            elif command == "QUIT":
                send("221 bye")
                await writer.drain()
                break
            else:
                send("502 not implemented")
            await writer.drain()
        writer.close()


# Processes ----------------------------------------------------------------------------------


@dataclass
class Instance:
    """One app server: a gunicorn of one release on one port."""

    name: str
    port: int
    release: str
    tree: Path
    static_root: Path
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Run:
    work: Path
    env: dict[str, str]
    logs: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    nginx: str = "nginx"
    nginx_port: int = 0

    def manage(self, tree: Path, *args: str, extra: dict | None = None) -> None:
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=tree,
            env={**self.env, **(extra or {})},
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def spawn(self, name: str, args: list[str], tree: Path, extra: dict) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("a")
        process = subprocess.Popen(  # noqa: S603
            args,
            cwd=tree,
            env={**self.env, **extra},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def start(self, instance: Instance) -> None:
        instance.process = self.spawn(
            f"gunicorn-{instance.name}",
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "prap.wsgi"],
            instance.tree,
            {
                "GUNICORN_BIND": f"127.0.0.1:{instance.port}",
                "RELEASE": instance.release,
                "STATIC_ROOT": str(instance.static_root),
            },
        )
        wait_for(f"{instance.base}/readyz", 60, f"instance {instance.name}")

    def balance(self, instances: list[Instance], *, down: Instance | None = None) -> None:
        """Write nginx's configuration (``down`` out of rotation) and reload it gracefully:
        requests already sent to an instance finish there."""
        nginx_config(
            self.work,
            self.nginx_port,
            [i.port for i in instances],
            down=down.port if down else None,
        )
        subprocess.run(  # noqa: S603
            [self.nginx, "-p", str(self.work), "-c", str(self.work / "nginx.conf"), "-s", "reload"],
            check=True,
            capture_output=True,
        )
        time.sleep(1)  # the old nginx workers finish what they were sending

    def replace(self, instances: list[Instance], instance: Instance, **changes) -> None:
        """The rolling-restart step for one instance: out of rotation, stopped gracefully,
        started (with ``changes``), ready, back in rotation."""
        self.balance(instances, down=instance)
        self.stop(instance.process)
        for name, value in changes.items():
            setattr(instance, name, value)
        self.start(instance)
        self.balance(instances)

    def stop(self, process: subprocess.Popen | None, timeout: float = 40) -> None:
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(url: str, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer {url} within {timeout:.0f} s")


def nginx_config(work: Path, port: int, upstreams: list[int], down: int | None = None) -> Path:
    """nginx in front of ``upstreams``; the one on port ``down`` is taken out of rotation."""
    servers = "\n".join(
        f"    server 127.0.0.1:{p} max_fails=0{' down' if p == down else ''};" for p in upstreams
    )
    config = work / "nginx.conf"
    config.write_text(
        f"""
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/logs/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {work}/nginx-body;
  proxy_temp_path {work}/nginx-proxy;
  upstream app {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{port};
    # As deploy/nginx.conf: every release's static files from one shared folder.
    location /static/ {{
      alias {work}/static-shared/;
    }}
    location / {{
      proxy_pass http://app;
      proxy_set_header Host 127.0.0.1;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
    }}
  }}
}}
"""
    )
    return config


# Load -----------------------------------------------------------------------------------------


class Load:
    """Clients fetching public pages through nginx until stopped."""

    def __init__(self, base: str, clients: int):
        self.base = base
        self.results: list[Result] = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(clients)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> list[Result]:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)
        return self.results

    def _client(self, offset: int) -> None:
        n = offset
        while not self.stopping.is_set():
            result = fetch(self.base, LOAD_PATHS[n % len(LOAD_PATHS)])
            n += 1
            with self.lock:
                self.results.append(result)

    def failures_since(self, moment: float) -> list[Result]:
        with self.lock:
            return [r for r in self.results if r.started >= moment and not r.ok]


def page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
        return response.read().decode()


def static_links(html: str) -> set[str]:
    return set(STATIC_LINK.findall(html))


# The checks ---------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


def check_concurrent_migrate(run: Run) -> Check:
    started = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", *MIGRATE],
            cwd=PROJECT,
            env=run.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300)[0] for process in started]
    codes = [process.returncode for process in started]
    pending = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=PROJECT,
        env=run.env,
        capture_output=True,
        text=True,
        check=False,
    )
    passed = codes == [0, 0] and pending.returncode == 0
    detail = f"exit statuses {codes}; unapplied migrations afterwards: " + (
        "none" if pending.returncode == 0 else "some"
    )
    if not passed:
        detail += "\n" + "\n".join(o[-2000:] for o in outputs if o)
    return Check("two migrate runs at once", passed, detail)


def check_rolling_restart(run: Run, load: Load, instances: list[Instance]) -> Check:
    moment = time.monotonic()
    for instance in instances:
        run.replace(instances, instance)
    failed = load.failures_since(moment)
    served = len([r for r in load.results if r.started >= moment])
    return Check(
        "rolling restart of A then B",
        not failed,
        f"{served} requests through nginx during the restarts, {len(failed)} failed",
    )


def prepare_release(run: Run, first: Instance, name: str) -> tuple[Path, Path]:
    """A copy of the project whose stylesheet differs, and its own static folder, whose files
    are added to the shared one."""
    tree = run.work / f"release-{name}"
    shutil.copytree(
        PROJECT,
        tree,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "staticfiles", "test-results", "node_modules", "*.sqlite3", ".env"
        ),
    )
    stylesheet = tree / STYLESHEET
    stylesheet.write_text(stylesheet.read_text() + f"\n/* release {name} */\n")
    static_root = run.work / f"static-{name}"
    run.manage(
        tree,
        "collectstatic",
        "--noinput",
        "--verbosity",
        "0",
        extra={"STATIC_ROOT": str(static_root), "RELEASE": name},
    )
    share_static(run.work, static_root)
    return tree, static_root


def share_static(work: Path, static_root: Path) -> None:
    """Add a release's static files to the folder nginx serves (as the release step does in
    compose.yaml): the earlier releases' files stay."""
    shutil.copytree(static_root, work / "static-shared", dirs_exist_ok=True)


def check_release_switch(run: Run, load: Load, nginx_base: str, instances: list[Instance]) -> Check:
    first_links = static_links(page(f"{instances[0].base}/"))
    tree, static_root = prepare_release(run, instances[0], "r2")
    moment = time.monotonic()
    problems = []
    for index, instance in enumerate(instances):
        run.replace(instances, instance, release="r2", tree=tree, static_root=static_root)
        if index == 0:
            # Both releases run: each instance's pages name only its own release's files.
            for path in ("/", "/forces/dorset/", "/national/"):
                new = static_links(page(f"{instances[0].base}{path}"))
                old = static_links(page(f"{instances[1].base}{path}"))
                if not new or new == old:
                    problems.append(f"{path}: release r2 served release r1's page")
            mixed = first_links | static_links(page(f"{instances[0].base}/"))
            for link in sorted(mixed):
                for _ in range(4):  # through nginx: both instances answer in turn
                    result = fetch(nginx_base, link)
                    if not result.ok:
                        problems.append(f"{link}: {result.status or result.error}")
                        break
    failed = load.failures_since(moment)
    served = len([r for r in load.results if r.started >= moment])
    if failed:
        problems.append(f"{len(failed)} of {served} requests failed during the switch")
    detail = "; ".join(problems) or (
        f"{served} requests through nginx during the switch, none failed; each release's "
        "pages named only its own static files, and all of both releases' were served"
    )
    return Check("second release, one instance at a time", not problems, detail)


def check_mail_sent_once(run: Run, sink: SmtpSink, count: int = 20) -> Check:
    tag = secrets.token_hex(4)
    script = (
        "from prap.mail import send_email\n"
        f"for n in range({count}):\n"
        f"    send_email.enqueue(to=['panel@example.org'], subject=f'Scale {tag} {{n}}', "
        "body='Once only.')\n"
    )
    run.manage(PROJECT, "shell", "-c", script)
    wanted = {f"Scale {tag} {n}" for n in range(count)}
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not wanted <= set(sink.subjects):
        time.sleep(0.5)
    time.sleep(3)  # long enough for a second copy to arrive, if one were coming
    got = {s: n for s, n in sink.subjects.items() if s in wanted}
    twice = sorted(s for s, n in got.items() if n > 1)
    missing = sorted(wanted - set(got))
    passed = not twice and not missing
    return Check(
        "e-mail queued with two workers is sent once",
        passed,
        f"{count} queued, {sum(got.values())} sent, {len(twice)} twice, {len(missing)} missing",
    )


def check_digest_sent_once(run: Run, sink: SmtpSink) -> Check:
    """A follower of Dorset and an event: the worker on each host gets the digest task, and the
    daily digest command runs on both hosts at once; the follower gets one message."""
    email = f"follower-{secrets.token_hex(3)}@example.org"
    run.manage(
        PROJECT,
        "shell",
        "-c",
        "import datetime as dt\n"
        "from django.db import transaction\n"
        "from django.utils import timezone\n"
        "import alerts\n"
        "from alerts.models import Subscription\n"
        "from plans.models import Force\n"
        "now = timezone.now()\n"
        "force = Force.objects.get(slug='dorset')\n"
        f"Subscription.objects.create(email={email!r}, force=force, "
        "created_at=now - dt.timedelta(hours=2), confirmed_at=now - dt.timedelta(hours=1))\n"
        "with transaction.atomic():\n"
        "    alerts.record_event(force, 'return_published', 'Q2 update published.', "
        "'/forces/dorset/', now)\n",
    )
    both = [
        subprocess.Popen(
            [sys.executable, "manage.py", "send_alert_digests"],
            cwd=PROJECT,
            env=run.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    codes = [process.wait(timeout=120) for process in both]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not sink.recipients[email]:
        time.sleep(0.5)
    time.sleep(3)  # long enough for a second copy to arrive, if one were coming
    got = sink.recipients[email]
    return Check(
        "an alert digest with two workers and the daily command on both hosts is sent once",
        got == 1 and codes == [0, 0],
        f"{got} message(s) to the follower; daily command exit statuses {codes}",
    )


def sign_in_attempt(base: str, email: str, jar: http.cookiejar.CookieJar) -> str:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/accounts/sign-in/", timeout=5).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": email, "password": "not the password"}
    ).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{base}/accounts/sign-in/", data=data, headers={"Referer": f"{base}/accounts/sign-in/"}
    )
    try:
        return opener.open(request, timeout=5).read().decode()
    except urllib.error.HTTPError as error:
        return error.read().decode()


def check_throttle(run: Run, instances: list[Instance]) -> Check:
    email = f"scale-{secrets.token_hex(3)}@example.org"
    run.manage(
        PROJECT,
        "shell",
        "-c",
        "from accounts.models import User\n"
        f"User.objects.create_user(email={email!r}, password={secrets.token_urlsafe(16)!r}, "
        "role=User.Role.NATIONAL)",
    )
    answers = []
    for attempt in range(ACCOUNT_LIMIT + 2):
        instance = instances[attempt % 2]
        html = sign_in_attempt(instance.base, email, http.cookiejar.CookieJar())
        answers.append((instance.name, "too many attempts to sign in to this account" in html))
    paused_at = next((n for n, (_, paused) in enumerate(answers, 1) if paused), None)
    passed = paused_at == ACCOUNT_LIMIT and all(p for _, p in answers[ACCOUNT_LIMIT - 1 :])
    detail = f"limit {ACCOUNT_LIMIT}; attempts alternated " + ", ".join(
        f"{name}{'(paused)' if paused else ''}" for name, paused in answers
    )
    return Check("sign-in throttling counts across both instances", passed, detail)


# Main ------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-port", type=int, default=5438)
    parser.add_argument("--ports", default="8781,8782,8780", help="instance A, B and nginx")
    parser.add_argument("--smtp-port", type=int, default=8825)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/14", help="Redis")
    parser.add_argument("--clients", type=int, default=4, help="parallel clients (1-16)")
    options = parser.parse_args()

    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not nginx:
        sys.exit("nginx is not installed (apt-get install -y nginx).")
    port_a, port_b, port_nginx = (int(p) for p in options.ports.split(","))
    ports = (options.pg_port, port_a, port_b, port_nginx, options.smtp_port)
    if options.pg_port == SHARED_POSTGRES_PORT:
        sys.exit("Refusing port 5432: that is the shared PostgreSQL server. Pick a spare port.")
    for port in ports:
        if port_in_use(port):
            sys.exit(f"127.0.0.1:{port} is already in use; pick another port.")
    if not 1 <= options.clients <= 16:
        sys.exit("--clients must be between 1 and 16.")

    work = Path(tempfile.mkdtemp(prefix="prap-scale-"))
    work.chmod(0o755)  # the postgres user must reach its folder inside
    (work / "logs").mkdir()
    postgres = ThrowawayPostgres(work, options.pg_port)
    env = {
        **os.environ,
        "DATABASE_URL": postgres.url("prap"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "CONN_MAX_AGE": "60",
        "CACHE_URL": f"{options.cache_url}?key_prefix=scale-{secrets.token_hex(6)}",
        "EMAIL_URL": f"smtp://127.0.0.1:{options.smtp_port}",
        "TASKS_BACKEND": "database",
        "SIGN_IN_ACCOUNT_LIMIT": str(ACCOUNT_LIMIT),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_LOG_LEVEL": "warning",
        "WEB_CONCURRENCY": "2",
        "RELEASE": "r1",
        "STATIC_ROOT": str(work / "static-r1"),
    }
    run = Run(work, env, work / "logs", nginx=nginx, nginx_port=port_nginx)
    sink = SmtpSink(options.smtp_port)
    checks: list[Check] = []
    load: Load | None = None
    try:
        print(f"Starting a throwaway PostgreSQL on 127.0.0.1:{options.pg_port} in {work}")
        postgres.create()
        postgres.start()
        subprocess.run(  # noqa: S603
            [*postgres.as_postgres, str(postgres.bin / "createdb"), "-h", "127.0.0.1", "-p",
             str(options.pg_port), "-U", "postgres", "prap"],
            check=True,
        )  # fmt: skip
        print("Two migrate runs at once")
        checks.append(check_concurrent_migrate(run))
        print("Loading reference and demo data, collecting static files (release r1)")
        run.manage(PROJECT, "load_reference")
        run.manage(PROJECT, "seed_demo")
        run.manage(PROJECT, "collectstatic", "--noinput", "--verbosity", "0")
        share_static(work, work / "static-r1")
        sink.start()

        instances = [
            Instance("A", port_a, "r1", PROJECT, work / "static-r1"),
            Instance("B", port_b, "r1", PROJECT, work / "static-r1"),
        ]
        for instance in instances:
            run.start(instance)
        for n in (1, 2):
            run.spawn(f"worker-{n}", [sys.executable, "manage.py", "db_worker"], PROJECT, {})
        config = nginx_config(work, port_nginx, [i.port for i in instances])
        run.spawn(
            "nginx", [nginx, "-p", str(work), "-c", str(config), "-g", "daemon off;"], work, {}
        )
        nginx_base = f"http://127.0.0.1:{port_nginx}"
        wait_for(f"{nginx_base}/readyz", 30, "nginx")
        print(f"nginx on {nginx_base} in front of A ({port_a}) and B ({port_b}); load starts")
        load = Load(nginx_base, options.clients)
        load.start()
        time.sleep(3)

        print("E-mail through two workers")
        checks.append(check_mail_sent_once(run, sink))
        print("An alert digest from both hosts")
        checks.append(check_digest_sent_once(run, sink))
        print("Sign-in throttling across instances")
        checks.append(check_throttle(run, instances))
        print("Rolling restart")
        checks.append(check_rolling_restart(run, load, instances))
        print("A second release, one instance at a time")
        checks.append(check_release_switch(run, load, nginx_base, instances))
        time.sleep(2)
        results = load.stop()
        load = None
        failed = [r for r in results if not r.ok]
        checks.append(
            Check(
                "no failed request through nginx in the whole run",
                not failed,
                f"{len(results)} requests, {len(failed)} failed"
                + (
                    " ("
                    + ", ".join(
                        f"{k} x{v}"
                        for k, v in collections.Counter(
                            f"{r.path} {r.status or r.error}" for r in failed
                        ).items()
                    )
                    + ")"
                    if failed
                    else ""
                ),
            )
        )
    finally:
        if load is not None:
            load.stop()
        for process in reversed(run.processes):
            run.stop(process, timeout=30)
        if postgres.data.exists() and postgres.running():
            postgres.stop()
        logs = work / "logs"
        kept = Path(tempfile.gettempdir()) / "prap-scale-logs"
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(logs, kept, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)
        print(f"Stopped everything it started; logs kept in {kept}")

    print()
    print("PRAP Tracker scale-out test: two instances behind nginx, shared PostgreSQL and Redis")
    for check in checks:
        print(f"  [{'PASS' if check.passed else 'FAIL'}] {check.name}: {check.detail}")
    passed = len(checks) == 7 and all(check.passed for check in checks)
    print("All checks passed." if passed else "Some checks FAILED.")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
