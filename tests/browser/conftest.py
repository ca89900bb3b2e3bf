"""The page in a real headless Chromium, against the real local stack.

One local stack (tests/support/stack.py) serves the whole session: the
serialised embedded DynamoDB that `make run` uses, and one local server,
whose signing secret the tests know so they can forge tokens. Chromium is Debian's
(/usr/bin/chromium), driven by Playwright; Playwright never downloads a
browser of its own. Without Chromium the tests skip, saying why, except under
CI=true, where a missing browser is a failure.
"""

import importlib.util
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.stack import started_stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Dialog, Page

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1024, "height": 768}


@dataclass(frozen=True)
class Site:
    base_url: str  # ends with "/": the page's own address
    secret: str


@dataclass
class Watch:
    """What a page did that no test should allow: dialogs, uncaught errors, CSP refusals."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def on_dialog(self, dialog: "Dialog") -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_console(self, message: "ConsoleMessage") -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def attach(self, page: "Page") -> None:
        page.on("dialog", self.on_dialog)
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))


def _why_no_browser() -> str | None:
    if not CHROMIUM.is_file():
        return f"Chromium not found at {CHROMIUM}: apt-get install chromium"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is missing: pip install -r requirements-dev.txt"
    return None


@pytest.fixture(scope="session")
def chromium() -> Iterator["Browser"]:
    reason = _why_no_browser()
    if reason and os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(chromium: "Browser") -> Iterator[Site]:
    """Depends on chromium so that a missing browser skips before the stack starts."""
    with started_stack("moto") as stack:
        yield Site(f"{stack.base_url}/", stack.secret)


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def new_context(chromium: "Browser", site: Site, watch: Watch) -> Iterator:
    """Make fresh browser contexts (separate storage, like separate people).

    Every page they open is watched, and the test fails on any dialog,
    uncaught error or CSP violation.
    """
    contexts: list[BrowserContext] = []

    def make(**options: object) -> "BrowserContext":
        settings = {"base_url": site.base_url, "viewport": DESKTOP, **options}
        context = chromium.new_context(**settings)
        context.set_default_timeout(10_000)
        context.on("page", watch.attach)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert watch.dialogs == [], "a dialog opened"
    assert watch.errors == [], "the page threw"
    assert watch.csp_violations == [], "the page broke its own CSP"


@pytest.fixture
def page(new_context) -> "Page":
    return new_context().new_page()
