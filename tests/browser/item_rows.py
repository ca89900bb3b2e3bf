"""A whole item row of the page, found by its exact title: for what is shown beside the title."""

import re

from playwright.sync_api import Locator, Page


def row(page: Page, which: str, title: str) -> Locator:
    """The row of the "pending" or "done" list whose title is exactly `title`."""
    exact = page.locator(".title").filter(has_text=re.compile(f"^{re.escape(title)}$"))
    return page.locator(f"#{which}-list > li").filter(has=exact)
