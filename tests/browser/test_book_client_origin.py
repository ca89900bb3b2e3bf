"""The book's React client calls the API from its own dev server, another origin.

A page on another local port plays that client: it signs up, logs in, reads
the `token` response header and sends it back in a `token` request header.
Chromium must preflight those calls; the devtools protocol shows each
preflight and its answer.
"""

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Site
from tests.browser.page_kit import PASSWORD, unique

CLIENT_PAGE = "<!doctype html><title>book client</title><script src='client.js'></script>"
# What the book's client does with fetch, against the API named in ?api=.
CLIENT_SCRIPT = """
const api = new URLSearchParams(location.search).get("api");
const json = { "Content-Type": "application/json" };
const post = (path, headers, body) =>
  fetch(`${api}${path}`, { method: "POST", headers, body: body && JSON.stringify(body) });
async function bookClient(name, password) {
  const signUp = await post("v1/user/create", json, { name, email: `${name}@x.example`, password });
  const login = await post("v1/auth/login", json, { username: name, password });
  const token = login.headers.get("token");
  const bodyToken = (await login.json()).token;
  const create = await post("v1/item/create/washing", { token });
  const get = await fetch(`${api}v1/item/get`, { headers: { token } });
  const statuses = [signUp.status, login.status, create.status, get.status];
  return { statuses, tokenHeader: token, bodyToken, state: await get.json() };
}
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def other_origin(tmp_path: Path) -> Iterator[str]:
    """A plain static server on another port, standing in for the React dev server."""
    (tmp_path / "index.html").write_text(CLIENT_PAGE)
    (tmp_path / "client.js").write_text(CLIENT_SCRIPT)
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def record_preflights(page: Page) -> dict[str, dict]:
    """OPTIONS preflights Chromium sends, by URL, with the status of their answers."""
    preflights: dict[str, dict] = {}
    devtools = page.context.new_cdp_session(page)

    def sent(event: dict) -> None:
        if event["request"]["method"] == "OPTIONS":
            preflights[event["requestId"]] = {"url": event["request"]["url"], "status": None}

    def answered(event: dict) -> None:
        if event["requestId"] in preflights:
            preflights[event["requestId"]]["status"] = event["response"]["status"]

    devtools.on("Network.requestWillBeSent", sent)
    devtools.on("Network.responseReceived", answered)
    devtools.send("Network.enable")
    return preflights


def test_a_page_on_another_origin_calls_v1_with_the_token_header(
    page: Page, site: Site, other_origin: str
) -> None:
    preflights = record_preflights(page)
    page.goto(f"{other_origin}?api={site.base_url}")
    assert not page.evaluate("location.href").startswith(site.base_url)

    result = page.evaluate("([n, p]) => bookClient(n, p)", [unique("book"), PASSWORD])

    # The real calls succeeded, and the exposed `token` header was readable from JS.
    assert result["statuses"] == [201, 200, 200, 200]
    assert result["tokenHeader"]
    assert result["tokenHeader"] == result["bodyToken"]
    assert result["state"]["pending_items"] == [{"title": "washing", "status": "PENDING"}]
    # Each non-simple call was preflighted, and every preflight was answered with success.
    urls = {p["url"] for p in preflights.values()}
    for path in ("v1/user/create", "v1/auth/login", "v1/item/create/washing", "v1/item/get"):
        assert site.base_url + path in urls
    assert all(200 <= p["status"] < 300 for p in preflights.values()), preflights
