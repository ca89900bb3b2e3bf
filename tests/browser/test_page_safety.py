"""Titles stay text, files come with the right headers, and people see only their own items."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Site, Watch
from tests.browser.page_kit import (
    add_item,
    button,
    create_account,
    expect_lists,
    item,
    log_in,
    refresh_cookie,
)
from tests.support.client import http_client

STATIC_DIR = Path(__file__).resolve().parents[2] / "chalicelib" / "static"
HOSTILE_TITLES = [
    "<img src=x onerror=alert(1)>",
    '"><script>alert(2)</script>',
    "<svg onload=alert(3)>",
]
FILES = {
    "": "text/html; charset=utf-8",
    "static/app.js": "text/javascript; charset=utf-8",
    "static/account.js": "text/javascript; charset=utf-8",
    "static/api.js": "text/javascript; charset=utf-8",
    "static/auth.js": "text/javascript; charset=utf-8",
    "static/board.js": "text/javascript; charset=utf-8",
    "static/messages.js": "text/javascript; charset=utf-8",
    "static/session.js": "text/javascript; charset=utf-8",
    "static/app.css": "text/css; charset=utf-8",
    "static/icon.svg": "image/svg+xml",
}


def test_titles_that_look_like_html_show_as_text_and_run_nothing(
    page: Page, site: Site, watch: Watch
) -> None:
    log_in(page, create_account(site.base_url))
    for title in HOSTILE_TITLES:
        add_item(page, title)
    button(page, f"Mark done: {HOSTILE_TITLES[0]}").click()
    button(page, f"Rename: {HOSTILE_TITLES[1]}").click()
    page.get_by_label("New title").fill("<b onmouseover=alert(4)>bold</b>")
    button(page, f"Save: {HOSTILE_TITLES[1]}").click()
    expect(item(page, "pending", "<b onmouseover=alert(4)>bold</b>")).to_be_visible()
    page.reload()

    expect_lists(page, ["<b onmouseover=alert(4)>bold</b>", HOSTILE_TITLES[2]], [HOSTILE_TITLES[0]])
    page.wait_for_load_state("networkidle")
    assert page.locator("main img, main script, main svg, main b").count() == 0
    assert watch.dialogs == []
    assert item(page, "done", HOSTILE_TITLES[0]).inner_html() == (
        "&lt;img src=x onerror=alert(1)&gt;"
    )


def test_the_dialog_watch_would_notice_a_script_that_ran(new_context, watch: Watch) -> None:
    """The XSS test relies on this watch: prove it sees an alert when one opens."""
    page = new_context().new_page()
    page.goto("./")
    page.evaluate("alert('ran')")
    assert watch.dialogs == ["alert: ran"]
    watch.dialogs.clear()


def test_no_script_builds_html_from_strings_or_evaluates_code() -> None:
    for script in STATIC_DIR.glob("*.js"):
        source = script.read_text()
        for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert risky not in source, f"{script.name} uses {risky}"
        assert "new Function" not in source


@pytest.mark.parametrize(("path", "content_type"), FILES.items(), ids=list(FILES))
def test_each_file_has_its_type_security_headers_and_revalidates(
    site: Site, path: str, content_type: str
) -> None:
    send = http_client(site.base_url)
    status, headers, _ = send("GET", path)
    assert status == 200
    assert headers["Content-Type"] == content_type
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-cache"
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy

    not_modified = send("GET", path, None, {"If-None-Match": headers["ETag"]})
    assert not_modified.status == 304
    assert not_modified.headers["ETag"] == headers["ETag"]
    assert not_modified.headers["X-Content-Type-Options"] == "nosniff"


def test_the_page_loads_nothing_from_anywhere_else(page: Page, site: Site) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, create_account(site.base_url))
    add_item(page, "local only")
    assert requested
    assert all(url.startswith(site.base_url) for url in requested), requested


def test_two_people_in_two_browsers_see_only_their_own_items(new_context, site: Site) -> None:
    ada, bob = (new_context().new_page() for _ in range(2))
    log_in(ada, create_account(site.base_url))
    log_in(bob, create_account(site.base_url))

    add_item(ada, "ada's secret")
    add_item(bob, "bob's plan")
    button(bob, "Mark done: bob's plan").click()
    ada.reload()
    bob.reload()

    expect_lists(ada, ["ada's secret"], [])
    expect_lists(bob, [], ["bob's plan"])
    ada_session, bob_session = refresh_cookie(ada), refresh_cookie(bob)
    assert ada_session is not None
    assert bob_session is not None
    assert ada_session != bob_session
