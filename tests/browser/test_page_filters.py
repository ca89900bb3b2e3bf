"""Filters by status and due date, and Clear completed."""

from datetime import date, timedelta

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Site
from tests.browser.elsewhere import Device
from tests.browser.page_kit import button, create_account, expect_lists, log_in

ALL_PENDING = ["late", "soon", "later", "undated"]


def test_filters_show_items_by_status_and_by_due_date(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    device = Device.of(site.base_url, account)
    today = date.today()  # the browser runs on this machine, in its time zone
    device.add("late", due=(today - timedelta(days=2)).isoformat())
    device.add("soon", due=(today + timedelta(days=3)).isoformat())
    device.add("later", due=(today + timedelta(days=30)).isoformat())
    device.add("undated")
    done = device.add("finished", due=(today - timedelta(days=2)).isoformat())
    device.send("PATCH", f"v2/todos/{done['id']}", {"status": "DONE"})
    log_in(page, account)
    expect_lists(page, ALL_PENDING, ["finished"])
    status, due = page.get_by_label("Show"), page.get_by_label("Due", exact=True)

    status.select_option(label="Pending")
    expect(page.locator("#done-list")).to_be_hidden()
    expect_lists(page, ALL_PENDING, [])
    status.select_option(label="Done")
    expect(page.locator("#pending-list")).to_be_hidden()
    expect_lists(page, [], ["finished"])
    status.select_option(label="All")

    due.select_option(label="Overdue")
    expect_lists(page, ["late"], [])
    due.select_option(label="In the next 7 days")
    expect_lists(page, ["soon"], [])
    due.select_option(label="No due date")
    expect_lists(page, ["undated"], [])
    due.select_option(label="Any time")
    expect_lists(page, ALL_PENDING, ["finished"])


def test_clear_completed_deletes_the_lists_done_items_asking_again_while_there_are_more(
    page: Page, site: Site
) -> None:
    account = create_account(site.base_url)
    device = Device.of(site.base_url, account)
    for title in ("one", "two", "three", "kept"):
        todo = device.add(title)
        if title != "kept":
            device.send("PATCH", f"v2/todos/{todo['id']}", {"status": "DONE"})
    log_in(page, account)
    expect_lists(page, ["kept"], ["one", "two", "three"])
    calls: list[dict] = []

    def first_says_more(route: Route) -> None:
        """The server clears at most 900 a call: make the first answer say more are left."""
        answer = route.fetch().json()
        calls.append(answer)
        route.fulfill(json={**answer, "more": len(calls) == 1})

    page.route("**/v2/lists/default/clear", first_says_more)

    button(page, "Clear completed").click()

    expect_lists(page, ["kept"], [])
    assert [call["cleared"] for call in calls] == [3, 0]
    assert device.titles() == ["kept"]
