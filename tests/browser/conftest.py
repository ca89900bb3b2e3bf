"""The page in a real headless Chromium, against the real local stack.

One DynamoDB (moto's server) and one local server serve the whole session,
with a signing secret chosen here so tests can forge tokens. The database
runs in a process of its own: moto keeps its state per process, so an
in-process EmbeddedDynamoDB would share tables with the HTTP suite's, and
both create the same table. Chromium is Debian's
(/usr/bin/chromium), driven by Playwright; Playwright never downloads a
browser of its own. Without Chromium the tests skip, saying why, except under
CI=true, where a missing browser is a failure.
"""

import importlib.util
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from infra.dev_stack import (
    LOCAL_TABLE,
    OFFLINE_AWS_ENV,
    create_table,
    free_port,
    start_chalice,
    stop_process_group,
    wait_until_serving,
)

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


def start_dynamodb(port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    return subprocess.Popen(
        command,
        env={**os.environ, **OFFLINE_AWS_ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_until_listening(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with code {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto server did not listen on port {port} within {timeout} s")


@pytest.fixture(scope="session")
def site(chromium: "Browser") -> Iterator[Site]:
    """Depends on chromium so that a missing browser skips before the stack starts."""
    processes: list[subprocess.Popen] = []
    try:
        database_port = free_port()
        processes.append(start_dynamodb(database_port))
        wait_until_listening(database_port, processes[0])
        endpoint_url = f"http://127.0.0.1:{database_port}"
        create_table(endpoint_url, LOCAL_TABLE)
        secret = secrets.token_urlsafe(48)
        port = free_port()
        processes.append(start_chalice(port, endpoint_url, secret))
        base_url = f"http://127.0.0.1:{port}"
        wait_until_serving(base_url, processes[1])
        yield Site(f"{base_url}/", secret)
    finally:
        for process in reversed(processes):
            stop_process_group(process)


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
