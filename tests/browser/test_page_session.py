"""The page's session outlives its access tokens: it refreshes them before they expire."""

import time
from collections.abc import Iterator

import jwt
import pytest
from playwright.sync_api import Browser, Response

from tests.browser.conftest import DESKTOP, Site, Watch
from tests.browser.page_kit import (
    add_item,
    create_account,
    expect_lists,
    log_in,
)
from tests.support.api import bearer
from tests.support.client import http_client
from tests.support.stack import started_stack


def is_password_grant(response: Response) -> bool:
    return "username" in (response.request.post_data_json or {})


def is_refresh_grant(response: Response) -> bool:
    body = response.request.post_data_json or {}
    return body.get("grant_type") == "refresh_token" and response.status == 200


@pytest.fixture(scope="module")
def short_lived_site(site: Site) -> Iterator[Site]:
    """A stack of its own whose v2 access tokens last one minute, the shortest setting."""
    with started_stack("moto", extra_env={"ACCESS_TOKEN_MINUTES": "1"}) as stack:
        yield Site(f"{stack.base_url}/", stack.secret)


def test_the_page_refreshes_its_access_token_before_it_expires(
    browser: Browser, watch: Watch, short_lived_site: Site
) -> None:
    base_url = short_lived_site.base_url
    context = browser.new_context(base_url=base_url, viewport=DESKTOP)
    context.on("page", watch.attach)
    page = context.new_page()
    refused: list[str] = []
    page.on("response", lambda r: r.status == 401 and refused.append(r.url))
    account = create_account(base_url)

    # GIVEN a page logged in with an access token that lasts a minute
    with page.expect_response(is_password_grant) as logging_in:
        log_in(page, account)
    first = logging_in.value.json()
    expires_at = jwt.decode(first["access_token"], options={"verify_signature": False})["exp"]
    assert first["expires_in"] == 60

    # WHEN nothing happens on the page until the token would have expired
    with page.expect_response(is_refresh_grant, timeout=70_000) as refreshing:
        pass
    assert time.time() < expires_at, "the refresh came only after the token expired"
    page.wait_for_timeout((expires_at - time.time() + 1.5) * 1000)
    expired = http_client(base_url)("GET", "v2/todos", None, bearer(first["access_token"]))
    assert expired.status == 401  # the first token is no use any more

    # THEN the page still works, with the refreshed token, and was never refused
    add_item(page, "after the first token expired")
    expect_lists(page, ["after the first token expired"], [])
    assert refreshing.value.json()["access_token"] != first["access_token"]
    assert refused == [base_url + "v2/auth/token"]  # only the arrival's try, with no cookie yet
    context.close()
    assert (watch.dialogs, watch.errors, watch.csp_violations) == ([], [], [])
