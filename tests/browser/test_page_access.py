"""Keyboard, focus, labels, small screens, and the scene of the README's screenshot."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site
from tests.browser.page_kit import (
    add_item,
    button,
    create_account,
    expect_board,
    expect_lists,
    log_in,
    open_settings,
)
from tools.screenshot import USERNAME, VIEWPORT, screenshot, stage_main_view

SETTINGS_BUTTONS = ("Log out everywhere", "Change password", "Delete account")
LONG_TITLE = "Ring the landlord about the boiler, then " + "x" * 120


def test_every_field_has_a_visible_label_and_every_button_a_name(page: Page, site: Site) -> None:
    page.goto("./")
    for label in ("Username", "Password"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
        expect(page.locator("label", has_text=re.compile(f"^{label}$"))).to_be_visible()
    button(page, "Create an account").click()
    expect(page.get_by_label("Email", exact=True)).to_be_visible()
    expect(button(page, "Sign up")).to_be_visible()

    log_in(page, create_account(site.base_url))
    expect(page.locator("label", has_text="New item")).to_be_visible()
    for name in ("Add", "Log out"):
        expect(button(page, name)).to_be_visible()
    open_settings(page)
    for label in ("Current password", "New password", "Your password"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
        expect(page.locator("label", has_text=re.compile(f"^{label}$"))).to_be_visible()
    for name in SETTINGS_BUTTONS:
        expect(button(page, name)).to_be_visible()
    unnamed = page.evaluate(
        "[...document.querySelectorAll('button')]"
        ".filter(b => !(b.getAttribute('aria-label') || b.textContent.trim())).length"
    )
    assert unnamed == 0


def test_the_whole_list_can_be_worked_from_the_keyboard(page: Page, site: Site) -> None:
    account = create_account(site.base_url)
    page.goto("./")

    # Log in without the mouse: the form starts focused on Username.
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(account.username)
    page.keyboard.press("Tab")
    page.keyboard.type(account.password)
    page.keyboard.press("Enter")
    expect_board(page)
    expect(page.get_by_label("New item")).to_be_focused()

    # Add with Enter; focus stays in the field for the next one.
    for title in ("post letter", "buy stamps"):
        page.keyboard.type(title)
        page.keyboard.press("Enter")
        expect(page.get_by_label("New item")).to_have_value("")
    expect_lists(page, ["post letter", "buy stamps"], [])

    # Tab to the first item's toggle and press Space; focus follows it to Done.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(button(page, "Mark done: post letter")).to_be_focused()
    page.keyboard.press("Space")
    expect_lists(page, ["buy stamps"], ["post letter"])
    expect(button(page, "Mark pending: post letter")).to_be_focused()

    # Rename from the keyboard; Escape cancels, Enter saves.
    button(page, "Rename: buy stamps").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("New title")).to_be_focused()
    page.keyboard.press("Escape")
    expect(button(page, "Rename: buy stamps")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Control+A")
    page.keyboard.type("buy 10 stamps")
    page.keyboard.press("Enter")
    expect_lists(page, ["buy 10 stamps"], ["post letter"])
    expect(button(page, "Rename: buy 10 stamps")).to_be_focused()


def test_focus_is_always_visible(page: Page, site: Site) -> None:
    log_in(page, create_account(site.base_url))
    add_item(page, "see me")
    for name in ("Mark done: see me", "Rename: see me", "Delete: see me", "Log out", "Add"):
        button(page, name).focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
        outline = button(page, name).evaluate("b => getComputedStyle(b).outlineStyle")
        assert outline == "solid", name


def test_a_360_pixel_screen_shows_everything_without_sideways_scrolling(
    new_context, site: Site
) -> None:
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    log_in(page, create_account(site.base_url))
    add_item(page, LONG_TITLE)
    add_item(page, "short")
    button(page, "Mark done: short").click()
    expect_lists(page, [LONG_TITLE], ["short"])

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for name in (f"Rename: {LONG_TITLE}", f"Delete: {LONG_TITLE}", "Log out", "Add"):
        box = button(page, name).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 360, name
    button(page, "Rename: short").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    open_settings(page)
    for name in SETTINGS_BUTTONS:
        box = button(page, name).bounding_box()
        assert box is not None
        assert box["x"] >= 0, name
        assert box["x"] + box["width"] <= 360, name
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_readme_screenshots_scene_shows_both_lists_and_renders_without_writing_a_file(
    new_context, site: Site
) -> None:
    # GIVEN the scene `make screenshot` saves as docs/screenshot.png
    page = new_context(viewport=VIEWPORT, color_scheme="light").new_page()
    log_in(page, create_account(site.base_url, USERNAME))
    stage_main_view(page)

    # THEN both lists show, and the page renders to a full picture, kept in memory only
    expect_lists(
        page,
        ["Book the train to Lisbon", "Call the plumber", "Buy oat milk"],
        ["Water the plants", "Renew library books"],
    )
    assert len(screenshot(page)) > 10_000
