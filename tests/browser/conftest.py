"""Browser harness: Debian's headless Chromium driven by Playwright, axe-core on every page.

No browser is ever downloaded: the tests use the system Chromium (``/usr/bin/chromium``, or the
path in ``CHROMIUM_PATH``) and are skipped when it is absent, unless ``MAILLAGE_REQUIRE_BROWSER=1``
(set by CI) turns the skip into a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop in the main thread, which Django's ORM guard would
# take for async code. Test code and fixtures here are plain synchronous code: allow it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
SKIP_MESSAGE = (
    "Chromium absent: run `make browser` (Debian package chromium) to enable browser tests"
)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's own timeouts (ms): short enough that a hung page fails fast.
DEFAULT_TIMEOUT_MS = 10_000
BLOCKING_IMPACTS = ("serious", "critical")


def _chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
    return path if Path(path).is_file() and os.access(path, os.X_OK) else None


def _browser_required() -> bool:
    return os.environ.get("MAILLAGE_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = _chromium_path()
    if path is None:
        if _browser_required():
            pytest.fail(f"{SKIP_MESSAGE} (MAILLAGE_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(SKIP_MESSAGE)
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[object]:
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=LAUNCH_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh context (cookies, storage) per test, in French like the Pays' users."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core: {len(violations)} serious/critical violation(s) on {url}"]
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']}"
            f" ({violation.get('helpUrl', '')})"
        )
        for node in violation["nodes"]:
            target = ", ".join(str(part) for part in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    target: {target}")
            lines.append(f"      html: {node.get('html', '').strip()[:200]}")
            if summary:
                lines.append(f"      why: {summary[:400]}")
    return "\n".join(lines)


def assert_accessible(page) -> dict:
    """Run axe-core on the current page; fail on any serious or critical violation.

    Returns the raw axe response so a test can look at minor/moderate findings too.
    """
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page).response
    blocking = [v for v in response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(_format_violations(page.url, blocking), pytrace=False)
    return response
