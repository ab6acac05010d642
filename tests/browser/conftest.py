"""The browser test harness: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page a test looks at goes through `visit` (or `audit` after a click or a form post):
the HTTP status is checked, axe-core runs on the page and any serious or critical
violation fails the test, JavaScript errors and Content-Security-Policy refusals fail it
too, and a full-page screenshot is saved as tests/browser/screenshots/<test>-<n>.png.

Playwright's own browser downloads are never used: `/usr/bin/chromium` (Debian's package,
see scripts/ensure-chromium.sh) or $CHROMIUM. Without it the tests are skipped, except under
CI=true, where they fail.
"""

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse
# every ORM call made here (fixtures, assertions) with SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
FAILING_IMPACTS = {"serious", "critical"}
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    if not os.access(CHROMIUM, os.X_OK):
        reason = (
            f"Chromium is not installed at {CHROMIUM}: run scripts/ensure-chromium.sh "
            "(apt-get install -y chromium) or set CHROMIUM"
        )
        if IN_CI:
            pytest.fail(f"{reason}. Under CI=true a missing browser is a failure.", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class PageProblems:
    """JavaScript errors and CSP refusals seen on a page since the last audit."""

    def __init__(self, page) -> None:
        self.messages: list[str] = []
        page.on("pageerror", lambda error: self.messages.append(f"JavaScript error: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error" and (
            "Content Security Policy" in message.text or "Refused to" in message.text
        ):
            self.messages.append(f"Console: {message.text}")

    def take(self) -> list[str]:
        messages, self.messages = self.messages, []
        return messages


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) and page for each test, in en-GB and Europe/London."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    new_page.problems = PageProblems(new_page)
    yield new_page
    context.close()


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"][:5]:
            target = ", ".join(str(t) for t in node["target"])
            html = re.sub(r"\s+", " ", node.get("html", ""))[:200]
            lines.append(f"    at {target}: {html}")
            if node.get("failureSummary"):
                summary = re.sub(r"\s+", " ", node["failureSummary"])[:300]
                lines.append(f"      {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.fixture
def audit(request) -> Callable:
    """audit(page): run axe on the page as it is now, fail on serious/critical, save a screenshot."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    counter = {"n": 0}
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")

    def run(page, *, allow_problems: bool = False) -> dict:
        counter["n"] += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"{test_name}-{counter['n']}.png"
        page.screenshot(path=str(shot), full_page=True)

        results = axe.run(page).response
        failing = [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]
        assert not failing, (
            f"axe found {len(failing)} serious or critical accessibility violation(s) on {page.url} "
            f"(screenshot: {shot.relative_to(SCREENSHOTS.parent.parent.parent)}):\n"
            + _format_violations(failing)
        )
        problems = page.problems.take() if hasattr(page, "problems") else []
        if not allow_problems:
            assert not problems, f"Problems on {page.url}:\n" + "\n".join(problems)
        return results

    return run


@pytest.fixture
def visit(audit) -> Callable:
    """visit(page, path, status=200): go to a path of the live server, check the status, then audit it."""

    def run(page, path: str, *, status: int = 200):
        response = page.goto(path)
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"{path} answered {response.status}, expected {status}"
        audit(page)
        return response

    return run


@pytest.fixture
def sign_in_as(live_server) -> Callable[..., None]:
    """sign_in_as(page, user): give the page's browser context a signed-in session (no form)."""

    def run(page, user) -> None:
        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        page.context.add_cookies(
            [{"name": name, "value": client.cookies[name].value, "url": live_server.url, "httpOnly": True}]
        )
        assert client.session[SESSION_KEY] == str(user.pk)

    return run
