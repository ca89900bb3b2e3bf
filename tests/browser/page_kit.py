"""What the browser tests repeat: accounts made over HTTP (tests/support), and the page driven."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from playwright.sync_api import Locator, Page, expect

from tests.support.api import V2
from tests.support.client import Reply, http_client
from tests.support.values import PASSWORD

REFRESH_COOKIE = "todo_refresh"


@dataclass(frozen=True)
class Account:
    username: str
    password: str = PASSWORD

    @property
    def email(self) -> str:
        return f"{self.username}@example.com"


def create_account(base_url: str, username: str | None = None) -> Account:
    """An account made over HTTP, as another device would."""
    return Account(V2(http_client(base_url)).sign_up(username))


def api_token(base_url: str, account: Account) -> str:
    return V2(http_client(base_url)).log_in(account.username)


def expired_copy(token: str, secret: str) -> str:
    """The same user's token, properly signed with the stack's secret, but an hour past expiry."""
    claims = jwt.decode(token, options={"verify_signature": False})
    issued = datetime.now(UTC) - timedelta(hours=2)
    expired = {"sub": claims["sub"], "iss": claims["iss"], "iat": issued}
    return jwt.encode({**expired, "exp": issued + timedelta(hours=1)}, secret, algorithm="HS256")


def log_in(page: Page, account: Account) -> None:
    """Open the page and log in through the form; returns once the list has loaded."""
    page.goto("./")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password", exact=True).fill(account.password)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect_board(page)


def expect_board(page: Page) -> None:
    expect(page.get_by_label("New item")).to_be_visible()
    expect(page.locator("#lists")).to_be_visible()


def add_item(page: Page, title: str) -> None:
    page.get_by_label("New item").fill(title)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(item(page, "pending", title)).to_be_visible()
    expect(page.get_by_label("New item")).to_have_value("")


def items(page: Page, which: str) -> Locator:
    """The rows of the "pending" or "done" list."""
    return page.locator(f"#{which}-list > li .title")


def item(page: Page, which: str, title: str) -> Locator:
    return items(page, which).filter(has_text=re.compile(f"^{re.escape(title)}$"))


def expect_lists(page: Page, pending: list[str], done: list[str]) -> None:
    """Both lists show exactly these titles, in this order, with matching counts."""
    expect(items(page, "pending")).to_have_text(pending)
    expect(items(page, "done")).to_have_text(done)
    expect(page.locator("#pending-count")).to_have_text(str(len(pending)))
    expect(page.locator("#done-count")).to_have_text(str(len(done)))


def button(page: Page, name: str) -> Locator:
    return page.get_by_role("button", name=name, exact=True)


def refresh_cookie(page: Page) -> str | None:
    """The refresh token the page's cookie holds (script on the page cannot read it)."""
    values = [c["value"] for c in page.context.cookies() if c["name"] == REFRESH_COOKIE]
    return values[0] if values else None


def refresh_by_api(base_url: str, refresh_token: str) -> Reply:
    """A refresh as any API client makes it, with the token in the body."""
    body = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return http_client(base_url)("POST", "v2/auth/token", body)


def api_log_in(base_url: str, username: str, password: str = PASSWORD) -> Reply:
    body = {"username": username, "password": password}
    return http_client(base_url)("POST", "v2/auth/token", body)


def open_settings(page: Page) -> None:
    page.get_by_text("Account settings", exact=True).click()
    expect(button(page, "Log out everywhere")).to_be_visible()
