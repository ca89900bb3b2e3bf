"""Each item's notes and due date: set, changed, cleared; overdue said in words; never HTML."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site, Watch
from tests.browser.elsewhere import Device
from tests.browser.item_rows import row
from tests.browser.page_kit import add_item, button, create_account, log_in

# Fourteen hours ahead of UTC: for most of each UTC day its date is a day later.
FAR_EAST = "Pacific/Kiritimati"
HOSTILE = ["<img src=x onerror=alert(1)>", '"><script>alert(2)</script>', "<svg onload=alert(3)>"]


def test_notes_and_a_due_date_are_set_changed_and_cleared(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    device = Device.of(site.base_url, account)
    log_in(page, account)
    add_item(page, "pay rent")

    # Set both
    button(page, "Details: pay rent").click()
    page.get_by_label("Notes").fill("ring the bank first\nthen transfer")
    page.get_by_label("Due date").fill("2031-01-15")
    button(page, "Save details").click()
    expect(page.locator("#details-dialog")).to_be_hidden()
    expect(row(page, "pending", "pay rent")).to_contain_text("ring the bank first\nthen transfer")
    expect(row(page, "pending", "pay rent").locator(".due")).to_contain_text("Due ")
    expect(button(page, "Details: pay rent")).to_be_focused()
    [todo] = device.todos()
    assert (todo["notes"], todo["due"]) == ("ring the bank first\nthen transfer", "2031-01-15")

    # Change the date; the dialog opens with what is stored
    button(page, "Details: pay rent").click()
    expect(page.get_by_label("Notes")).to_have_value("ring the bank first\nthen transfer")
    expect(page.get_by_label("Due date")).to_have_value("2031-01-15")
    page.get_by_label("Due date").fill("2031-02-01")
    button(page, "Save details").click()
    expect(page.locator("#details-dialog")).to_be_hidden()  # closes once the server has it
    assert device.todos()[0]["due"] == "2031-02-01"

    # Cancel changes nothing; then clear the date and the notes
    button(page, "Details: pay rent").click()
    page.get_by_label("Notes").fill("not this")
    button(page, "Cancel").click()
    button(page, "Details: pay rent").click()
    expect(page.get_by_label("Notes")).to_have_value("ring the bank first\nthen transfer")
    button(page, "Clear due date").click()
    page.get_by_label("Notes").fill("")
    button(page, "Save details").click()
    expect(row(page, "pending", "pay rent").locator(".due, .notes")).to_have_count(0)
    [todo] = device.todos()
    assert (todo["notes"], todo["due"]) == ("", None)


def test_overdue_items_say_so_in_words_by_the_browsers_own_date(new_context, site: Site) -> None:
    account = create_account(site.base_url)
    device = Device.of(site.base_url, account)
    today = datetime.now(ZoneInfo(FAR_EAST)).date()
    yesterday = (today - timedelta(days=1)).isoformat()
    device.add("late", due=yesterday)
    device.add("today", due=today.isoformat())
    device.add("next week", due=(today + timedelta(days=7)).isoformat())
    finished = device.add("finished late", due=yesterday)
    device.send("PATCH", f"v2/todos/{finished['id']}", {"status": "DONE"})
    page = new_context(timezone_id=FAR_EAST).new_page()

    log_in(page, account)

    expect(row(page, "pending", "late")).to_contain_text("Overdue")
    for title in ("today", "next week"):
        expect(row(page, "pending", title).locator(".due")).to_be_visible()
        expect(row(page, "pending", title)).not_to_contain_text("Overdue")
    expect(row(page, "done", "finished late")).not_to_contain_text("Overdue")
    assert date.fromisoformat(yesterday) < today


def test_notes_and_titles_that_look_like_html_show_as_text(
    page: Page, site: Site, watch: Watch
) -> None:
    account = create_account(site.base_url)
    device = Device.of(site.base_url, account)
    for title in HOSTILE:
        device.add(title, notes=f"{title}\n<b onmouseover=alert(4)>bold</b>")
    log_in(page, account)
    add_item(page, "typed here")
    button(page, "Details: typed here").click()
    page.get_by_label("Notes").fill(HOSTILE[0])
    button(page, "Save details").click()
    expect(row(page, "pending", "typed here").locator(".notes")).to_have_text(HOSTILE[0])
    page.reload()

    for title in HOSTILE:
        expect(row(page, "pending", title).locator(".notes")).to_have_text(
            f"{title}\n<b onmouseover=alert(4)>bold</b>"
        )
    page.wait_for_load_state("networkidle")
    assert page.locator("main img, main script, main svg, main b").count() == 0
    assert watch.dialogs == []
    notes = row(page, "pending", "typed here").locator(".notes")
    assert notes.inner_html() == "&lt;img src=x onerror=alert(1)&gt;"
