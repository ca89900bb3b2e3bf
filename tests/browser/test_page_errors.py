"""Failures a person meets, in plain words, with nothing they typed lost."""

from typing import Any

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Site
from tests.browser.page_kit import (
    add_item,
    api_token,
    button,
    create_account,
    expect_board,
    expect_lists,
    log_in,
    refresh_cookie,
)
from tests.support.api import bearer
from tests.support.client import http_client

NETWORK_DOWN = "Can\u2019t reach the server. Check your connection, then try again."


def message(page: Page):
    return page.locator("#board-message")


def test_a_wrong_password_says_so_and_keeps_the_username(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    page.goto("./")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password", exact=True).fill("not my password")

    button(page, "Log in").click()

    expect(page.get_by_role("alert")).to_have_text(
        "That username and password don\u2019t match. Check both and try again."
    )
    expect(page.get_by_label("Username")).to_have_value(account.username)
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    assert refresh_cookie(page) is None


def test_signing_up_with_a_taken_username_says_so(page: Page, site: Site) -> None:
    taken = create_account(site.base_url)
    page.goto("./")
    button(page, "Create an account").click()
    page.get_by_label("Username").fill(taken.username)
    page.get_by_label("Email").fill("someone-else@example.com")
    page.get_by_label("Password", exact=True).fill("a long password")

    button(page, "Sign up").click()

    expect(page.get_by_role("alert")).to_have_text("That username is taken. Please choose another.")
    expect(page.get_by_label("Email")).to_have_value("someone-else@example.com")
    expect(page.get_by_label("Username")).to_be_focused()


def test_a_duplicate_title_says_so_and_keeps_the_typed_text(page: Page, site: Site) -> None:
    log_in(page, create_account(site.base_url))
    add_item(page, "washing")

    page.get_by_label("New item").fill("washing")
    button(page, "Add").click()

    expect(message(page)).to_have_text("You already have an item called “washing”.")
    expect(page.get_by_label("New item")).to_have_value("washing")
    expect_lists(page, ["washing"], [])


def test_renaming_onto_a_taken_title_keeps_the_rename_open(page: Page, site: Site) -> None:
    log_in(page, create_account(site.base_url))
    add_item(page, "washing")
    add_item(page, "ironing")

    button(page, "Rename: ironing").click()
    page.get_by_label("New title").fill("washing")
    button(page, "Save: ironing").click()

    expect(message(page)).to_have_text("You already have an item called “washing”.")
    expect(page.get_by_label("New title")).to_have_value("washing")
    expect(page.get_by_label("New title")).to_be_focused()


def test_the_network_going_down_is_explained_and_nothing_is_lost(page: Page, site: Site) -> None:
    log_in(page, create_account(site.base_url))
    add_item(page, "bread")

    # WHEN the network drops and the person adds an item and tries a rename
    page.context.set_offline(True)
    page.get_by_label("New item").fill("milk")
    button(page, "Add").click()

    # THEN they are told, what they typed stays, and the list is marked as possibly old
    expect(message(page)).to_have_text(NETWORK_DOWN)
    expect(page.get_by_label("New item")).to_have_value("milk")
    expect(page.locator("#stale")).to_contain_text("may be out of date")
    expect(page.locator("#lists")).to_contain_class("stale")
    button(page, "Rename: bread").click()
    page.get_by_label("New title").fill("sourdough")
    button(page, "Save: bread").click()
    expect(page.get_by_label("New title")).to_have_value("sourdough")

    # WHEN the network is back, the page re-reads the list by itself and the marks clear
    page.context.set_offline(False)
    expect(page.locator("#stale")).to_be_hidden()
    expect(page.locator("#lists")).not_to_contain_class("stale")
    button(page, "Save: bread").click()
    button(page, "Add").click()
    expect_lists(page, ["sourdough", "milk"], [])
    expect(message(page)).to_be_empty()


def test_a_list_that_could_not_be_re_read_is_marked_until_a_retry_works(
    page: Page, site: Site
) -> None:
    log_in(page, create_account(site.base_url))
    add_item(page, "tea")
    page.route("**/v2/todos?*", lambda route: route.abort("connectionrefused"))

    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")

    expect(page.locator("#stale")).to_have_text(
        f"{NETWORK_DOWN} The list below may be out of date. Try again"
    )
    expect(page.locator("#lists")).to_contain_class("stale")
    page.unroute("**/v2/todos?*")
    button(page, "Try again").click()
    expect(page.locator("#stale")).to_be_hidden()
    expect(page.locator("#lists")).not_to_contain_class("stale")
    expect_lists(page, ["tea"], [])


def test_a_session_ended_elsewhere_goes_to_the_login_form_on_arrival(
    page: Page, site: Site
) -> None:
    # GIVEN a person who logged in here, whose session then ended elsewhere
    account = create_account(site.base_url)
    log_in(page, account)
    _send(site, None, "POST", "v2/auth/revoke", {"token": refresh_cookie(page)})

    # WHEN they come back to the page
    page.reload()

    # THEN they are asked to log in, told why, with their username filled in
    expect(page.get_by_role("alert")).to_contain_text("Your session has ended.")
    expect(page.get_by_label("Username")).to_have_value(account.username)
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    expect(page.get_by_label("New item")).to_be_hidden()


def test_logged_out_everywhere_mid_task_returns_to_login_and_keeps_the_draft(
    page: Page, site: Site
) -> None:
    # GIVEN a person with a list, half-way through typing a new item
    account = create_account(site.base_url)
    log_in(page, account)
    add_item(page, "first")
    page.get_by_label("New item").fill("typed before the end")

    # WHEN another device logs out everywhere, and they press Add
    _send(site, api_token(site.base_url, account), "DELETE", "v2/users/me/sessions")
    button(page, "Add").click()

    # THEN they are back at the login form, told why
    expect(page.get_by_role("alert")).to_contain_text("This session was ended")
    expect(page.get_by_label("New item")).to_be_hidden()

    # AND after logging in again the draft is still there, and adds fine
    page.get_by_label("Password", exact=True).fill(account.password)
    button(page, "Log in").click()
    expect_board(page)
    expect(page.get_by_label("New item")).to_have_value("typed before the end")
    button(page, "Add").click()
    expect_lists(page, ["first", "typed before the end"], [])


def test_an_edit_to_an_item_changed_elsewhere_is_refused_and_the_list_updated(
    page: Page, site: Site
) -> None:
    account = create_account(site.base_url)
    log_in(page, account)
    add_item(page, "call mum")
    add_item(page, "old note")

    # WHEN another device renames one item and deletes the other
    token = api_token(site.base_url, account)
    todos = {t["title"]: t["id"] for t in _list(site, token)}
    _send(site, token, "PATCH", f"v2/todos/{todos['call mum']}", {"title": "call mum back"})
    _send(site, token, "DELETE", f"v2/todos/{todos['old note']}")

    # THEN saving a rename of the old version is refused and nothing is overwritten
    button(page, "Rename: call mum").click()
    page.get_by_label("New title").fill("call dad")
    button(page, "Save: call mum").click()
    expect(message(page)).to_contain_text("changed somewhere else, so nothing was saved")
    assert [t["title"] for t in _list(site, token)] == ["call mum back"]

    # AND the page shows the latest, keeping the draft for the person to decide
    expect(page.get_by_label("New title")).to_have_value("call dad")
    expect(page.get_by_text("Now called “call mum back”")).to_be_visible()
    expect(page.locator("#pending-count")).to_have_text("1")
    button(page, "Cancel renaming: call mum back").click()
    expect_lists(page, ["call mum back"], [])


def test_returning_to_the_tab_shows_changes_made_elsewhere(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    log_in(page, account)
    add_item(page, "mine")
    _send(site, api_token(site.base_url, account), "POST", "v2/todos", {"title": "from phone"})

    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")

    expect_lists(page, ["mine", "from phone"], [])


def _list(site: Site, token: str) -> list[dict]:
    return _send(site, token, "GET", "v2/todos")["items"]


def _send(site: Site, token: str | None, method: str, path: str, body: dict | None = None) -> Any:
    """A change made elsewhere, such as on another device; it must succeed."""
    reply = http_client(site.base_url)(method, path, body, bearer(token) if token else {})
    assert reply.status < 300, reply
    return reply.body


def test_a_login_during_a_back_off_says_how_long_to_wait(page: Page, site: Site) -> None:
    # GIVEN a server answering logins as it does during a back-off (tests/routes
    # check when it does; here what the page makes of the answer matters)
    account = create_account(site.base_url)
    problem = {"title": "Too Many Requests", "status": 429, "detail": "Try again in 8 s."}

    def backing_off(route: Route) -> None:
        if "username" not in (route.request.post_data_json or {}):
            return route.continue_()  # the arrival's refresh goes through
        route.fulfill(status=429, json=problem, headers={"Retry-After": "8"})

    page.route("**/v2/auth/token", backing_off)
    page.goto("./")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password", exact=True).fill(account.password)

    # WHEN they log in, THEN they are told how long to wait
    button(page, "Log in").click()

    expect(page.get_by_role("alert")).to_have_text(
        "Too many wrong passwords. Please wait 8 seconds, then try again."
    )
