"""The book's React client calls the API from its own dev server, another origin.

A page on another local port sends exactly the requests the book's front end
sends (Rust Web Programming, 2nd ed., PacktPublishing's repository, the
`front_end/src` folder of the chapter 13-17 projects): the same methods,
paths, bodies and headers, through XMLHttpRequest as axios 0.26 (the version
its package.json pins) does. axios adds `Accept: application/json,
text/plain, */*` to every request and `Content-Type: application/json` to
every request with a body. The login form also sends two response headers as
request headers, `Access-Control-Allow-Origin: *` and
`Access-Control-Expose-Headers: *`, so its preflight asks for them.

The React client has no sign-up form (the book creates users with its
Postman collection), so the account is made over plain HTTP first.
"""

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Site
from tests.support.api import V1, board
from tests.support.client import http_client
from tests.support.values import PASSWORD, unique

CLIENT_PAGE = "<!doctype html><title>book client</title><script src='client.js'></script>"
# The book client's requests against the API named in ?api=. Each names the
# file of the book's front end it repeats; the values are the book's own.
CLIENT_SCRIPT = """
const api = new URLSearchParams(location.search).get("api");
const ACCEPT = { Accept: "application/json, text/plain, */*" };
const JSON_BODY = { ...ACCEPT, "Content-Type": "application/json" };

function send(method, path, headers, body) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, api + path);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.onload = () => resolve({
      status: xhr.status, body: JSON.parse(xhr.responseText),
      tokenHeader: xhr.getResponseHeader("token"),
    });
    xhr.onerror = () => resolve({ status: 0, body: null, tokenHeader: null });
    xhr.send(body === undefined ? null : JSON.stringify(body));
  });
}

// src/components/LoginForm.js: submitLogin
const logIn = (username, password) => send("POST", "v1/auth/login", {
  ...JSON_BODY, "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "*",
}, { username, password });
// src/App.js: getItems
const getItems = (token) => send("GET", "v1/item/get", { ...ACCEPT, token });
// src/components/CreateToDoItem.js: createItem (the title goes into the path as typed)
const createItem = (token, title) =>
  send("POST", "v1/item/create/" + title, { ...JSON_BODY, token }, {});
// src/components/ToDoItem.js: sendRequest, whose button is "edit" for a pending
// item and "delete" for a done one, sending the inverse of the item's status
const sendRequest = (token, button, title, status) => send("POST", "v1/item/" + button,
  { ...JSON_BODY, token }, { title, status: status === "PENDING" ? "DONE" : "PENDING" });

async function bookClient(username, password) {
  const replies = [await logIn(username, password)];
  const token = replies[0].body?.token;
  const steps = [
    () => getItems(token),
    () => createItem(token, "washing"),
    () => createItem(token, "cooking"),
    () => sendRequest(token, "edit", "washing", "PENDING"),
    () => sendRequest(token, "delete", "washing", "DONE"),
    () => getItems(token),
  ];
  for (const step of steps) {
    if (replies.at(-1).status !== 200) break;  // blocked: the console says why
    replies.push(await step());
  }
  return replies;
}
"""
BOOK_LOGIN_HEADERS = {
    "Accept": "application/json, text/plain, */*",
    "Content-Type": "application/json",
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "*",
}


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


def record_requests(page: Page) -> list[dict]:
    """Every request Chromium sends, in order: method, URL, headers and answer status."""
    requests: list[dict] = []
    devtools = page.context.new_cdp_session(page)

    def sent(event: dict) -> None:
        request = event["request"]
        requests.append({"id": event["requestId"], **request, "status": None})

    def answered(event: dict) -> None:
        waiting = [r for r in requests if r["id"] == event["requestId"] and r["status"] is None]
        if waiting:
            waiting[0]["status"] = event["response"]["status"]

    devtools.on("Network.requestWillBeSent", sent)
    devtools.on("Network.responseReceived", answered)
    devtools.send("Network.enable")
    return requests


def test_the_books_react_client_logs_in_and_works_its_list_from_another_origin(
    page: Page, site: Site, other_origin: str
) -> None:
    # GIVEN an account, and the book's client served from another origin
    name = V1(http_client(site.base_url)).sign_up(unique("book"))
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    requests = record_requests(page)
    page.goto(f"{other_origin}?api={site.base_url}")
    assert not page.evaluate("location.href").startswith(site.base_url)

    # WHEN it logs in, reads, creates two items, marks one done and deletes it
    replies = page.evaluate("([n, p]) => bookClient(n, p)", [name, PASSWORD])

    # THEN every call went through, with the state the book's server would give
    assert [reply["status"] for reply in replies] == [200] * 7, console
    login = replies[0]
    assert login["body"]["token"]
    assert login["tokenHeader"] == login["body"]["token"]  # exposed, so readable from JS
    assert replies[1]["body"] == board([], [])
    assert replies[3]["body"] == board(["washing", "cooking"], [])
    assert replies[4]["body"] == board(["cooking"], ["washing"])
    assert replies[6]["body"] == board(["cooking"], [])
    # AND Chromium sent the login as the book does, after a preflight that allowed it
    (login_request,) = [
        r for r in requests if r["method"] == "POST" and r["url"].endswith("auth/login")
    ]
    assert {k: login_request["headers"].get(k) for k in BOOK_LOGIN_HEADERS} == BOOK_LOGIN_HEADERS
    (login_preflight,) = [
        r for r in requests if r["method"] == "OPTIONS" and r["url"].endswith("auth/login")
    ]
    asked = login_preflight["headers"]["Access-Control-Request-Headers"].split(",")
    assert set(asked) == {
        "access-control-allow-origin",
        "access-control-expose-headers",
        "content-type",
    }
    # AND every call of the client was preflighted, each preflight answered with success
    preflights = [r for r in requests if r["method"] == "OPTIONS"]
    for path in ("auth/login", "item/get", "item/create/washing", "item/edit", "item/delete"):
        assert any(p["url"] == f"{site.base_url}v1/{path}" for p in preflights), path
    assert all(200 <= p["status"] < 300 for p in preflights), preflights
