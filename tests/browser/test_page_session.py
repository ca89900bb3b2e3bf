"""The page's session: silent refresh, and the account controls that end it.

Log out everywhere, change password and delete account, each checked
through the API afterwards: what the page says happened must have happened
on the server.
"""

import time
from collections.abc import Iterator

import jwt
import pytest
from playwright.sync_api import Browser, Page, Response, expect

from tests.browser.conftest import DESKTOP, Site, Watch
from tests.browser.page_kit import (
    add_item,
    api_log_in,
    button,
    create_account,
    expect_board,
    expect_lists,
    log_in,
    open_settings,
    refresh_by_api,
    refresh_cookie,
)
from tests.support.api import bearer
from tests.support.client import http_client
from tests.support.stack import started_stack

NEW_PASSWORD = "a newer long password"


def message(page: Page):
    return page.locator("#board-message")


def is_password_grant(response: Response) -> bool:
    return "username" in (response.request.post_data_json or {})


def is_refresh_grant(response: Response) -> bool:
    body = response.request.post_data_json or {}
    return body.get("grant_type") == "refresh_token" and response.status == 200


@pytest.fixture(scope="module")
def short_lived_site(site: Site) -> Iterator[Site]:
    """A stack of its own whose v2 access tokens last one minute, the shortest setting."""
    with started_stack("moto", extra_env={"ACCESS_TOKEN_MINUTES": "1"}) as stack:
        yield Site(f"{stack.base_url}/", stack.secret)


def test_the_page_refreshes_its_access_token_before_it_expires(
    browser: Browser, watch: Watch, short_lived_site: Site
) -> None:
    base_url = short_lived_site.base_url
    context = browser.new_context(base_url=base_url, viewport=DESKTOP)
    context.on("page", watch.attach)
    page = context.new_page()
    refused: list[str] = []
    page.on("response", lambda r: r.status == 401 and refused.append(r.url))
    account = create_account(base_url)

    # GIVEN a page logged in with an access token that lasts a minute
    with page.expect_response(is_password_grant) as logging_in:
        log_in(page, account)
    first = logging_in.value.json()
    expires_at = jwt.decode(first["access_token"], options={"verify_signature": False})["exp"]
    assert first["expires_in"] == 60

    # WHEN nothing happens on the page until the token would have expired
    with page.expect_response(is_refresh_grant, timeout=70_000) as refreshing:
        pass
    assert time.time() < expires_at, "the refresh came only after the token expired"
    page.wait_for_timeout((expires_at - time.time() + 1.5) * 1000)
    expired = http_client(base_url)("GET", "v2/todos", None, bearer(first["access_token"]))
    assert expired.status == 401  # the first token is no use any more

    # THEN the page still works, with the refreshed token, and was never refused
    add_item(page, "after the first token expired")
    expect_lists(page, ["after the first token expired"], [])
    assert refreshing.value.json()["access_token"] != first["access_token"]
    assert refused == [base_url + "v2/auth/token"]  # only the arrival's try, with no cookie yet
    context.close()
    assert (watch.dialogs, watch.errors, watch.csp_violations) == ([], [], [])


def test_log_out_everywhere_ends_every_session(new_context, site: Site) -> None:
    # GIVEN one person logged in on two devices
    account = create_account(site.base_url)
    laptop, phone = (new_context().new_page() for _ in range(2))
    log_in(laptop, account)
    log_in(phone, account)
    phone_session = refresh_cookie(phone)

    # WHEN they log out everywhere on the laptop
    open_settings(laptop)
    button(laptop, "Log out everywhere").click()

    # THEN the laptop says so, and the phone's session no longer refreshes
    expect(laptop.get_by_role("alert")).to_contain_text("logged out everywhere")
    expect(laptop.get_by_label("Username")).to_be_visible()
    assert refresh_by_api(site.base_url, phone_session).status == 401
    phone.reload()
    expect(button(phone, "Log in")).to_be_visible()


def test_changing_the_password_takes_the_new_one_and_refuses_the_old(
    page: Page, site: Site
) -> None:
    account = create_account(site.base_url)
    log_in(page, account)
    open_settings(page)

    page.get_by_label("Current password").fill(account.password)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    button(page, "Change password").click()

    expect(message(page)).to_have_text(
        "Your password was changed. Every other device has been logged out."
    )
    expect(page.get_by_label("Current password")).to_have_value("")
    assert api_log_in(site.base_url, account.username).status == 401
    assert api_log_in(site.base_url, account.username, NEW_PASSWORD).status == 200
    # AND this page is still signed in, with a new session
    add_item(page, "after the change")
    page.reload()
    expect_lists(page, ["after the change"], [])


def test_a_wrong_current_password_changes_nothing_and_says_so(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    log_in(page, account)
    open_settings(page)

    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    button(page, "Change password").click()

    expect(message(page)).to_have_text(
        "That is not your current password, so your password was not changed."
    )
    expect(message(page)).to_have_attribute("role", "alert")
    expect(page.get_by_label("Current password")).to_be_focused()
    assert api_log_in(site.base_url, account.username).status == 200
    expect_board(page)


def test_deleting_the_account_asks_first_and_cancel_keeps_it(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    log_in(page, account)
    add_item(page, "keep me")
    open_settings(page)

    page.get_by_label("Your password", exact=True).fill(account.password)
    button(page, "Delete account").click()

    # THEN nothing is deleted until confirmed; cancelling keeps everything
    expect(button(page, "Yes, delete my account")).to_be_focused()
    button(page, "Keep my account").click()
    expect(message(page)).to_have_text("Your account was not deleted.")
    expect(button(page, "Yes, delete my account")).to_be_hidden()
    assert api_log_in(site.base_url, account.username).status == 200
    expect_lists(page, ["keep me"], [])


def test_deleting_the_account_once_confirmed_removes_it(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    log_in(page, account)
    add_item(page, "soon gone")
    session = refresh_cookie(page)
    open_settings(page)

    page.get_by_label("Your password", exact=True).fill(account.password)
    button(page, "Delete account").click()
    button(page, "Yes, delete my account").click()

    expect(page.get_by_role("alert")).to_have_text(
        "Your account and all its items have been deleted."
    )
    expect(page.get_by_label("Username")).to_be_visible()
    assert api_log_in(site.base_url, account.username).status == 401
    assert refresh_by_api(site.base_url, session).status == 401


def test_deleting_with_a_wrong_password_deletes_nothing_and_says_so(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    log_in(page, account)
    open_settings(page)

    page.get_by_label("Your password", exact=True).fill("not my password")
    button(page, "Delete account").click()
    button(page, "Yes, delete my account").click()

    expect(message(page)).to_have_text("That password is wrong, so your account was not deleted.")
    expect(page.get_by_label("Your password", exact=True)).to_be_focused()
    assert api_log_in(site.base_url, account.username).status == 200


def test_a_too_short_new_password_is_refused_in_words(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    log_in(page, account)
    open_settings(page)

    page.get_by_label("Current password").fill(account.password)
    page.get_by_label("New password").fill("short")
    button(page, "Change password").click()

    expect(message(page)).to_contain_text("The new password must")
    expect(page.get_by_label("New password")).to_have_value("short")
    assert api_log_in(site.base_url, account.username).status == 200
