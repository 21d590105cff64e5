"""Real-browser tests: Debian's chromium driven by playwright, audited with axe-core.

Skipped, with a clear reason, when /usr/bin/chromium is absent (``make test`` says so too).
"""

import os
import re
from pathlib import Path

import pytest

# The live server runs in a thread beside playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 720}
#: The title of a page that shows an error summary; check it with
#: ``expect(page).to_have_title(ERROR_TITLE)``, which waits for the page the click loads
#: (``page.title()`` read at once may still be the empty title of a page being loaded).
ERROR_TITLE = re.compile(r"^Error: ")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason="chromium is not installed"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def narrow_page(browser, live_server):
    context = browser.new_context(viewport=NARROW, base_url=live_server.url, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the page; describe each violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
            }
        },
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
    ]


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Content Security Policy: every browser test can watch for violations. Chromium reports a
# blocked inline script, style or handler three ways: a console error ("Refused to ..."), a
# `securitypolicyviolation` DOM event, and (when blocked code was needed) a page error. The
# fixture collects all three, across navigations, so a test asserts one empty list.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__prapReportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile || location.href}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def csp_violations(page) -> list[str]:
    """CSP violations and JavaScript errors seen by ``page`` so far (read after ``settle``)."""
    seen: list[str] = []

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            seen.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    page.expose_function("__prapReportCspViolation", lambda text: seen.append(f"event: {text}"))
    page.add_init_script(_REPORT_VIOLATIONS)
    return seen


def settle(page) -> None:
    """Let the page finish loading and run queued tasks, so every violation event has been
    delivered before a test reads ``csp_violations``."""
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")
    page.evaluate("() => new Promise((resolve) => requestAnimationFrame(() => resolve()))")


def sign_in(page, user, password: str | None = None) -> None:
    """Both steps of signing in, as a person does them: e-mail address and password, then
    the code their authenticator app shows (the persona gets an app if they have none)."""
    from tests.conftest import PASSWORD
    from tests.mfa import fresh_code, give_authenticator

    device = give_authenticator(user)
    page.goto("/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password or PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-step/verify/**")
    page.get_by_label("Security code").fill(fresh_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")
