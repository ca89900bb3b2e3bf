"""A person's whole visit: sign up, keep a list, come back, log out."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site
from tests.browser.page_kit import (
    add_item,
    button,
    create_account,
    expect_board,
    expect_lists,
    item,
    log_in,
    refresh_by_api,
    refresh_cookie,
)
from tests.support.values import unique


def test_a_new_person_signs_up_and_works_through_their_list(page: Page) -> None:
    # GIVEN the page, switched to the sign-up form
    page.goto("./")
    button(page, "Create an account").click()
    name = unique("ada")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Email").fill(f"{name}@example.com")
    page.get_by_label("Password", exact=True).fill("a long password")

    # WHEN they sign up, they are logged straight in to an empty list
    button(page, "Sign up").click()
    expect_board(page)
    expect(page.locator("#who")).to_have_text(name)
    expect_lists(page, [], [])
    expect(page.get_by_text("Nothing pending.")).to_be_visible()

    # AND they add three items, which show in order
    for title in ("washing", "cooking", "ironing"):
        add_item(page, title)
    expect_lists(page, ["washing", "cooking", "ironing"], [])

    # AND mark one done, then move it back to pending
    button(page, "Mark done: cooking").click()
    expect_lists(page, ["washing", "ironing"], ["cooking"])
    expect(button(page, "Mark pending: cooking")).to_be_focused()
    button(page, "Mark pending: cooking").click()
    expect_lists(page, ["washing", "cooking", "ironing"], [])

    # AND rename one and delete another
    button(page, "Rename: washing").click()
    page.get_by_label("New title").fill("laundry")
    button(page, "Save: washing").click()
    expect_lists(page, ["laundry", "cooking", "ironing"], [])
    expect(button(page, "Rename: laundry")).to_be_focused()
    button(page, "Mark done: ironing").click()
    button(page, "Delete: cooking").click()
    expect_lists(page, ["laundry"], ["ironing"])

    # THEN a fresh read of the page shows exactly the same, from the server
    page.reload()
    expect_lists(page, ["laundry"], ["ironing"])


def test_reloading_or_opening_another_tab_keeps_the_session(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    log_in(page, account)
    add_item(page, "still here")

    page.reload()

    expect_board(page)
    expect(page.get_by_label("Password", exact=True)).to_be_hidden()
    expect(page.locator("#who")).to_have_text(account.username)
    expect(item(page, "pending", "still here")).to_be_visible()
    # AND a new tab of the same browser is signed in too
    other = page.context.new_page()
    other.goto("./")
    expect(item(other, "pending", "still here")).to_be_visible()
    expect(other.locator("#who")).to_have_text(account.username)


def test_the_access_token_is_in_no_storage_and_the_refresh_token_in_an_http_only_cookie(
    page: Page, site: Site
) -> None:
    log_in(page, create_account(site.base_url))

    stored = page.evaluate(
        "[...Object.values(localStorage), ...Object.values(sessionStorage)].join(' ')"
    )
    assert "eyJ" not in stored  # no JWT, whose header always starts so
    assert page.evaluate("document.cookie") == ""  # script cannot read the cookie
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "todo_refresh"]
    assert (cookie["httpOnly"], cookie["secure"], cookie["sameSite"]) == (True, True, "Strict")
    assert cookie["path"] == "/v2/auth"


def test_the_log_out_button_revokes_the_session_and_forgets_it(page: Page, site: Site) -> None:
    log_in(page, create_account(site.base_url))
    add_item(page, "private")
    old_refresh_token = refresh_cookie(page)
    assert old_refresh_token is not None

    button(page, "Log out").click()

    expect(page.get_by_text("You\u2019re logged out.")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("")
    expect(page.get_by_text("private")).to_have_count(0)
    assert page.evaluate("sessionStorage.length + localStorage.length") == 0
    assert refresh_cookie(page) is None
    # THEN the server has revoked it: the old refresh token no longer refreshes
    assert refresh_by_api(site.base_url, old_refresh_token).status == 401
    page.reload()
    expect(button(page, "Log in")).to_be_visible()


def test_a_failed_log_out_says_so_and_keeps_the_session(page: Page, site: Site) -> None:
    log_in(page, create_account(site.base_url))
    page.route("**/v2/auth/revoke", lambda route: route.abort("connectionrefused"))

    button(page, "Log out").click()

    expect(page.locator("#board-message")).to_contain_text("Can\u2019t reach the server.")
    expect_board(page)
    page.unroute("**/v2/auth/revoke")
    button(page, "Log out").click()
    expect(page.get_by_text("You\u2019re logged out.")).to_be_visible()


def test_the_v1_logout_page_also_ends_the_pages_session(page: Page, site: Site) -> None:
    log_in(page, create_account(site.base_url))
    old_refresh_token = refresh_cookie(page)

    page.goto("v1/auth/logout")

    page.wait_for_url(site.base_url)
    expect(button(page, "Log in")).to_be_visible()
    assert refresh_cookie(page) is None
    assert refresh_by_api(site.base_url, old_refresh_token).status == 401


def test_logging_in_again_after_logging_out_shows_the_same_list(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    log_in(page, account)
    add_item(page, "kept on the server")
    button(page, "Log out").click()

    log_in(page, account)

    expect_lists(page, ["kept on the server"], [])


def test_a_token_an_earlier_version_kept_in_session_storage_is_dropped(
    page: Page, site: Site
) -> None:
    page.goto("./")
    page.evaluate("sessionStorage.setItem('todo.session', '{\"token\": \"eyJ.old\"}')")

    page.reload()

    expect(button(page, "Log in")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('todo.session')") is None
