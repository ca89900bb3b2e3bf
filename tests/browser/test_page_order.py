"""The manual order: Move up and Move down from the keyboard, and drag and drop, on the server."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site
from tests.browser.elsewhere import Device
from tests.browser.item_rows import row as pending_row
from tests.browser.page_kit import button, create_account, expect_lists, log_in


def logged_in_with(page: Page, site: Site, titles: list[str]) -> Device:
    account = create_account(site.base_url)
    device = Device.of(site.base_url, account)
    for title in titles:
        device.add(title)
    log_in(page, account)
    expect_lists(page, titles, [])
    return device


def row(page: Page, title: str):
    return pending_row(page, "pending", title)


def test_move_up_and_move_down_work_from_the_keyboard(page: Page, site: Site) -> None:
    device = logged_in_with(page, site, ["a", "b", "c", "d"])
    expect(button(page, "Move up: a")).to_have_count(0)  # nothing above the first
    expect(button(page, "Move down: d")).to_have_count(0)

    button(page, "Move up: c").focus()
    page.keyboard.press("Enter")
    expect_lists(page, ["a", "c", "b", "d"], [])
    expect(button(page, "Move up: c")).to_be_focused()
    assert device.titles() == ["a", "c", "b", "d"]

    page.keyboard.press("Enter")  # to the top: focus moves to the button still there
    expect_lists(page, ["c", "a", "b", "d"], [])
    expect(button(page, "Move down: c")).to_be_focused()
    assert device.titles() == ["c", "a", "b", "d"]

    button(page, "Move down: b").focus()
    page.keyboard.press("Space")
    expect_lists(page, ["c", "a", "d", "b"], [])
    expect(button(page, "Move up: b")).to_be_focused()
    assert device.titles() == ["c", "a", "d", "b"]

    page.reload()
    expect_lists(page, ["c", "a", "d", "b"], [])


def test_moving_a_done_item_keeps_it_among_the_done(page: Page, site: Site) -> None:
    device = logged_in_with(page, site, ["a", "b", "c"])
    for title in ("a", "c"):
        button(page, f"Mark done: {title}").click()
    expect_lists(page, ["b"], ["a", "c"])

    button(page, "Move up: c").click()

    expect_lists(page, ["b"], ["c", "a"])
    assert device.titles() == ["c", "a", "b"]


def test_drag_and_drop_reorders_and_the_server_keeps_that_order(page: Page, site: Site) -> None:
    device = logged_in_with(page, site, ["a", "b", "c", "d"])

    row(page, "d").drag_to(row(page, "a"))  # up: takes the place of a
    expect_lists(page, ["d", "a", "b", "c"], [])
    assert device.titles() == ["d", "a", "b", "c"]

    row(page, "a").drag_to(row(page, "c"))  # down: takes the place of c
    expect_lists(page, ["d", "b", "c", "a"], [])
    assert device.titles() == ["d", "b", "c", "a"]

    page.reload()
    expect_lists(page, ["d", "b", "c", "a"], [])
