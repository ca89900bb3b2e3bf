"""`make screenshot`: docs/screenshot.png, the README's picture of the page, in Debian's Chromium.

Starts a private local stack (infra/local_stack.py), signs up through the
page as the README's user, fills both lists, leaves a draft in the New item
field, and saves the whole page at 900 by 640 pixels in the light colour
scheme. Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM), driven by
Playwright from requirements-dev.txt, which never downloads a browser of
its own. tests/browser/test_page_access.py sets the same scene and checks it.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Locator, Page, expect, sync_playwright

from infra.dev_stack import PROJECT_DIR
from infra.local_stack import local_stack
from tests.support.values import PASSWORD

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = PROJECT_DIR / "docs" / "screenshot.png"
VIEWPORT = {"width": 900, "height": 640}
USERNAME = "maxwell"
ADDED = [
    "Water the plants",
    "Book the train to Lisbon",
    "Call the plumber",
    "Buy oat milk",
    "Renew library books",
]
MARKED_DONE = ["Water the plants", "Renew library books"]
DRAFT = "Pick up the dry cleaning"


def stage_main_view(page: Page) -> None:
    """On a logged-in page with empty lists: the items, two of them done, and a draft."""
    new_item = page.get_by_label("New item")

    def button(name: str) -> Locator:
        return page.get_by_role("button", name=name, exact=True)

    for title in ADDED:
        new_item.fill(title)
        button("Add").click()
        expect(new_item).to_have_value("")  # cleared once the server has the item
    for title in MARKED_DONE:
        page.get_by_role("button", name=f"Mark done: {title}", exact=True).click()
        expect(
            page.get_by_role("button", name=f"Mark pending: {title}", exact=True)
        ).to_be_visible()
    new_item.fill(DRAFT)
    new_item.blur()
    page.mouse.move(0, 0)


def screenshot(page: Page, path: Path | None = None) -> bytes:
    """The whole page as PNG, also written to `path` if given."""
    target = None if path is None else str(path)
    return page.screenshot(path=target, full_page=True, animations="disabled", caret="hide")


def sign_up(page: Page, username: str) -> None:
    page.goto("./")
    page.get_by_role("button", name="Create an account", exact=True).click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign up", exact=True).click()
    expect(page.get_by_label("New item")).to_be_visible()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SCREENSHOT, help="where to write the PNG")
    args = parser.parse_args(argv)
    if not CHROMIUM.is_file():
        sys.exit(f"screenshot: Chromium not found at {CHROMIUM}: apt-get install chromium")
    with (
        local_stack(output=subprocess.DEVNULL) as stack,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=f"{stack.base_url}/", viewport=VIEWPORT, color_scheme="light"
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_up(page, USERNAME)
        stage_main_view(page)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        screenshot(page, args.out)
        browser.close()
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
