"""Behind API Gateway the app lives under a stage prefix (/api/); the page must too.

A small proxy serves the stack under /api/ only, so any URL the page builds
from the site root instead of from its own address fails.
"""

import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Site
from tests.browser.page_kit import (
    button,
    create_account,
    expect_board,
    expect_lists,
    refresh_by_api,
    refresh_cookie,
)

PREFIX = "/api/"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade"}


def prefix_proxy(upstream: str) -> type[BaseHTTPRequestHandler]:
    address = urlsplit(upstream).netloc

    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def forward(self) -> None:
            if not self.path.startswith(PREFIX):
                self.send_error(404, "outside the stage prefix")
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            connection = http.client.HTTPConnection(address, timeout=10)
            try:
                path = "/" + self.path[len(PREFIX) :]
                connection.request(self.command, path, body=body, headers=headers)
                self.relay(connection.getresponse())
            finally:
                connection.close()

        def relay(self, response: http.client.HTTPResponse) -> None:
            payload = response.read()
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = forward

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Proxy


@pytest.fixture
def staged_url(site: Site) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), prefix_proxy(site.base_url))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_page_works_under_a_stage_prefix(page: Page, site: Site, staged_url: str) -> None:
    account = create_account(site.base_url)
    page.goto(staged_url)
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password", exact=True).fill(account.password)
    button(page, "Log in").click()

    page.get_by_label("New item").fill("behind the gateway")
    button(page, "Add").click()
    button(page, "Mark done: behind the gateway").click()

    expect_lists(page, [], ["behind the gateway"])
    page.goto(staged_url + "v1/auth/logout")
    page.wait_for_url(staged_url)
    expect(button(page, "Log in")).to_be_visible()


def test_the_session_cookie_works_under_a_stage_prefix(
    page: Page, site: Site, staged_url: str
) -> None:
    # GIVEN a page logged in under the prefix, which the app behind the proxy never sees
    account = create_account(site.base_url)
    page.goto(staged_url)
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password", exact=True).fill(account.password)
    button(page, "Log in").click()
    expect_board(page)
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "todo_refresh"]
    assert cookie["path"] == "/api/v2/auth"

    # WHEN the page is reloaded, THEN its cookie refreshes the session
    page.reload()
    expect_board(page)

    # AND logging out revokes that session and clears the cookie
    session = refresh_cookie(page)
    button(page, "Log out").click()
    expect(button(page, "Log in")).to_be_visible()
    assert refresh_cookie(page) is None
    assert refresh_by_api(site.base_url, session).status == 401
