"""Coming back to the tab brings the page up to date through /v2/sync, without a reload."""

from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import Site
from tests.browser.elsewhere import Device
from tests.browser.page_kit import add_item, create_account, expect_lists, log_in


def test_focus_syncs_changes_made_elsewhere_without_reloading(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    device = Device.of(site.base_url, account)
    log_in(page, account)
    add_item(page, "mine")
    add_item(page, "old")
    page.evaluate("window.stillTheSamePage = true")
    old = next(todo for todo in device.todos() if todo["title"] == "old")
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))

    # WHEN another device adds a todo, deletes one and makes a list, and the tab regains focus
    device.add("from phone")
    device.send("DELETE", f"v2/todos/{old['id']}")
    device.send("POST", "v2/lists", {"title": "Made on the phone"})
    page.evaluate("window.dispatchEvent(new Event('focus'))")

    # THEN the page shows them
    expect_lists(page, ["mine", "from phone"], [])
    expect(page.locator("#list-tabs")).to_contain_text("Made on the phone")

    # AND it got them from one sync since its last cursor, not a reload or a re-read
    assert page.evaluate("window.stillTheSamePage") is True
    urls = [request.url for request in requests]
    assert urls
    assert all("/v2/sync?" in url and "cursor=" in url for url in urls), urls
    assert page.evaluate("sessionStorage.length + localStorage.length") == 1  # just the session


def test_a_todo_made_elsewhere_appears_on_focus_in_its_manual_place(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    device = Device.of(site.base_url, account)
    first = device.add("first")
    device.add("second")
    log_in(page, account)
    expect_lists(page, ["first", "second"], [])
    newest = device.add("newest")
    device.send("POST", f"v2/todos/{newest['id']}/move", {"after": first["id"]})

    page.evaluate("window.dispatchEvent(new Event('focus'))")

    expect_lists(page, ["first", "newest", "second"], [])
