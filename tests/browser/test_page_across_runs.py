"""A page holding an access token the server no longer takes refreshes it, once.

Each `make run` signs tokens with a secret of its own (infra/launcher.py),
so a tab left open across a restart holds an access token the new run
refuses (401, reason `invalid`); so does a tab whose token expired while
the computer slept. The page must trade its refresh cookie for a new token
and carry on, and only when that is refused too go back to its login form.
The refused token here is what an earlier run would have issued to this
user: the same claims, signed with another run's secret.
"""

import secrets

import jwt
from playwright.sync_api import Page, Response, Route, expect

from tests.browser.conftest import Site
from tests.browser.page_kit import (
    Account,
    api_token,
    create_account,
    expect_lists,
    expired_copy,
    item,
    log_in,
    refresh_cookie,
)
from tests.support.api import bearer
from tests.support.client import http_client


def earlier_runs_token(site: Site, account: Account) -> str:
    claims = jwt.decode(api_token(site.base_url, account), options={"verify_signature": False})
    return jwt.encode(claims, secrets.token_urlsafe(48), algorithm="HS256")


def present_once(page: Page, token: str) -> list[int]:
    """Make the page's next list read carry `token`; the server's answers to it."""
    answers: list[int] = []

    def swap(route: Route) -> None:
        if answers:
            return route.continue_()
        headers = {**route.request.headers, "authorization": f"Bearer {token}"}
        response = route.fetch(headers=headers)
        answers.append(response.status)
        route.fulfill(response=response)

    page.route("**/v2/sync?*", swap)
    return answers


def refresh_grants(page: Page) -> list[int]:
    """The statuses of the page's refreshes from now on."""
    statuses: list[int] = []

    def record(response: Response) -> None:
        if (response.request.post_data_json or {}).get("grant_type") == "refresh_token":
            statuses.append(response.status)

    page.on("response", record)
    return statuses


def test_a_token_from_an_earlier_run_is_refreshed_and_the_page_carries_on(
    page: Page, site: Site
) -> None:
    # GIVEN a signed-in page whose next read carries a token signed by an earlier run
    account = create_account(site.base_url)
    log_in(page, account)
    refused = present_once(page, earlier_runs_token(site, account))
    grants = refresh_grants(page)
    token = api_token(site.base_url, account)
    http_client(site.base_url)("POST", "v2/todos", {"title": "from phone"}, bearer(token))

    # WHEN the page reads the list again
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")

    # THEN the server refused that token, the page refreshed once, and the list shows
    expect(item(page, "pending", "from phone")).to_be_visible()
    assert refused == [401]
    assert grants == [200]
    expect(page.get_by_label("Password", exact=True)).to_be_hidden()


def test_an_expired_access_token_is_refreshed_before_a_write_is_given_up(
    page: Page, site: Site
) -> None:
    account = create_account(site.base_url)
    log_in(page, account)
    expired = expired_copy(api_token(site.base_url, account), site.secret)
    answers: list[int] = []

    def expired_once(route: Route) -> None:
        if answers or route.request.method != "POST":
            return route.continue_()
        headers = {**route.request.headers, "authorization": f"Bearer {expired}"}
        response = route.fetch(headers=headers)
        answers.append(response.status)
        route.fulfill(response=response)

    page.route("**/v2/todos", expired_once)
    page.get_by_label("New item").fill("after a long sleep")
    page.get_by_role("button", name="Add", exact=True).click()

    expect_lists(page, ["after a long sleep"], [])
    assert answers == [401]


def test_when_the_refresh_is_refused_too_the_page_goes_to_the_login_form(
    page: Page, site: Site
) -> None:
    # GIVEN a page whose next read carries a token the server refuses,
    # and whose refresh token has been revoked meanwhile
    account = create_account(site.base_url)
    log_in(page, account)
    http_client(site.base_url)("POST", "v2/auth/revoke", {"token": refresh_cookie(page)})
    present_once(page, earlier_runs_token(site, account))
    grants = refresh_grants(page)

    # WHEN the page reads the list again
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")

    # THEN it asks for a login, says why, and keeps the username
    expect(page.get_by_role("alert")).to_contain_text("Your session has ended.")
    expect(page.get_by_label("Username")).to_have_value(account.username)
    expect(page.get_by_label("New item")).to_be_hidden()
    assert grants == [401]
