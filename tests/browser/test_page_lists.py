"""Lists on the page: shown, switched, made, renamed, and deleted only after asking."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site
from tests.browser.elsewhere import Device
from tests.browser.page_kit import add_item, button, create_account, expect_lists, log_in


def tab(page: Page, title: str):
    return page.locator("#list-tabs").get_by_role("button", name=title, exact=True)


def test_a_new_list_is_made_switched_to_and_keeps_its_own_items(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    device = Device.of(site.base_url, account)
    log_in(page, account)
    add_item(page, "post letter")
    expect(tab(page, "Tasks")).to_have_attribute("aria-current", "true")

    # WHEN a list is made with the New list field, and an item added to it
    page.get_by_label("New list", exact=True).fill("Groceries")
    button(page, "Create list").click()

    # THEN it is current, empty, and what is added goes into it on the server
    expect(tab(page, "Groceries")).to_have_attribute("aria-current", "true")
    expect(page.locator("#list-title")).to_have_text("Groceries")
    expect(page.get_by_label("New list", exact=True)).to_have_value("")
    expect_lists(page, [], [])
    add_item(page, "milk")
    groceries = next(lst for lst in device.lists() if lst["title"] == "Groceries")
    assert device.titles(groceries["id"]) == ["milk"]
    assert device.titles() == ["post letter"]

    # AND switching shows each list's own items
    tab(page, "Tasks").click()
    expect(tab(page, "Tasks")).to_have_attribute("aria-current", "true")
    expect_lists(page, ["post letter"], [])
    tab(page, "Groceries").click()
    expect_lists(page, ["milk"], [])


def test_a_list_is_renamed_and_deleted_only_after_saying_yes(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    device = Device.of(site.base_url, account)
    trip = device.send("POST", "v2/lists", {"title": "Trip"})
    device.add("passport", list_id=trip["id"])
    device.add("stay at home")
    log_in(page, account)
    expect(button(page, "Delete list")).to_be_hidden()  # the default list stays
    tab(page, "Trip").click()
    expect_lists(page, ["passport"], [])

    # Rename
    button(page, "Rename list").click()
    page.get_by_label("List name").fill("Lisbon trip")
    button(page, "Save list name").click()
    expect(tab(page, "Lisbon trip")).to_have_attribute("aria-current", "true")
    expect(button(page, "Rename list")).to_be_focused()
    assert {lst["title"] for lst in device.lists()} == {"Tasks", "Lisbon trip"}

    # Delete asks first, in the page; keeping it changes nothing
    button(page, "Delete list").click()
    expect(page.locator("#delete-list-question")).to_have_text(
        "Delete the list \u201cLisbon trip\u201d and its 1 item? This can\u2019t be undone."
    )
    button(page, "Keep the list").click()
    expect(page.locator("#delete-list-dialog")).to_be_hidden()
    assert len(device.lists()) == 2

    # Saying yes deletes it with its items, and goes back to the default list
    button(page, "Delete list").click()
    button(page, "Delete the list").click()
    expect(tab(page, "Lisbon trip")).to_have_count(0)
    expect(tab(page, "Tasks")).to_have_attribute("aria-current", "true")
    expect_lists(page, ["stay at home"], [])
    assert [lst["title"] for lst in device.lists()] == ["Tasks"]
