"""compose.yaml and deploy/nginx.conf: the production shape, checked without Docker (two app
instances behind nginx, PostgreSQL, Redis, a worker, a release step before the apps)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[2]
NGINX_CONF = PROJECT / "deploy" / "nginx.conf"


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((PROJECT / "compose.yaml").read_text())["services"]


def test_two_app_instances_share_one_image_database_and_redis(services):
    app1, app2 = services["app1"], services["app2"]
    assert app1 == app2
    assert app1["environment"]["CACHE_URL"].startswith("redis://redis:")
    assert "@db:5432/" in app1["environment"]["DATABASE_URL"]
    assert "ports" not in app1  # reachable through nginx only
    assert services["worker"]["image"] == app1["image"]
    assert "db_worker" in services["worker"]["command"]


def test_the_release_step_migrates_before_any_app_starts(services):
    release = services["release"]
    assert "manage.py migrate" in " ".join(release["command"])
    assert release["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("app1", "app2", "worker"):
        assert services[name]["depends_on"]["release"] == {
            "condition": "service_completed_successfully"
        }


def test_redis_is_a_cache_that_evicts_and_never_writes_to_disk(services):
    command = services["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert command[command.index("--save") + 1] == ""


def test_nginx_balances_over_both_instances_and_sets_the_forwarded_headers(services):
    conf = NGINX_CONF.read_text()
    upstream = re.search(r"upstream prap_app \{(.*?)\}", conf, re.S).group(1)
    assert re.findall(r"server (\S+?):8000", upstream) == ["app1", "app2"]
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert services["app1"]["environment"]["PROXY_HOPS"] == "1"
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in services["nginx"]["volumes"]


@pytest.mark.skipif(not shutil.which("nginx") or not shutil.which("openssl"), reason="no nginx")
def test_the_nginx_configuration_is_valid(tmp_path):
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    subprocess.run(  # noqa: S603  (fixed arguments)
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            tmp_path / "privkey.pem",
            "-out",
            tmp_path / "fullchain.pem",
        ],
        check=True,
        capture_output=True,
    )
    site = NGINX_CONF.read_text().replace("/etc/nginx/tls", str(tmp_path))
    site = re.sub(r"app(\d):8000", r"127.0.0.1:800\1", site)
    version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr  # noqa: S603
    if tuple(map(int, re.search(r"(\d+)\.(\d+)", version).groups())) < (1, 25):
        site = site.replace("http2 on;", "")  # the directive came with nginx 1.25.1
    (tmp_path / "site.conf").write_text(site)
    temp = " ".join(
        f"{kind}_temp_path {tmp_path};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{ access_log off; {temp} scgi_temp_path {tmp_path};\n"
        f"include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(  # noqa: S603
        [nginx, "-t", "-c", tmp_path / "nginx.conf", "-p", tmp_path],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_nginx_serves_every_releases_static_files_from_the_shared_volume(services):
    conf = NGINX_CONF.read_text()
    static = re.search(r"location /static/ \{(.*?)\}", conf, re.S).group(1)
    assert "alias /srv/static/;" in static
    assert "static:/srv/static:ro" in services["nginx"]["volumes"]
    assert "static:/srv/static" in services["release"]["volumes"]
    assert "cp -R /app/staticfiles/. /srv/static/" in services["release"]["command"][-1]
