"""The page in a real headless Chromium, against the real local stack.

One local stack (tests/support/stack.py) serves the whole session: the
serialised embedded DynamoDB that `make run` uses, and one local server,
whose signing secret the tests know so they can forge tokens. Chromium is Debian's
(/usr/bin/chromium), driven by Playwright through pytest-playwright's
fixtures (`browser`, `new_context`, `page`); Playwright never downloads a
browser of its own. Without Chromium the tests skip, saying why, except under
CI=true, where a missing browser is a failure.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from tests.support.stack import started_stack
from tools.screenshot import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Dialog, Page

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
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch, of Debian's Chromium; skipped without it (failed in CI)."""
    reason = _why_no_browser()
    if reason and os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    if reason:
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def site(browser: "Browser") -> Iterator[Site]:
    """Depends on the browser so that a missing browser skips before the stack starts."""
    with started_stack("moto") as stack:
        yield Site(f"{stack.base_url}/", stack.secret)


@pytest.fixture(scope="session")
def base_url(site: Site) -> str:
    """pytest-playwright opens every context at this address."""
    return site.base_url


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def new_context(new_context: Callable[..., "BrowserContext"], watch: Watch) -> Iterator:
    """pytest-playwright's fresh browser contexts (separate storage, like separate people).

    Every page they open is watched, and the test fails on any dialog,
    uncaught error or CSP violation. pytest-playwright's `page` comes from here too.
    """
    contexts: list[BrowserContext] = []

    def make(**options: object) -> "BrowserContext":
        context = new_context(**{"viewport": DESKTOP, **options})
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
