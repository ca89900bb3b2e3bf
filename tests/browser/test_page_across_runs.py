"""A page still holding a token from an earlier `make run` goes back to its login form.

Each `make run` signs tokens with a secret of its own (infra/launcher.py),
so a tab left open across a restart holds a token the new run refuses (401,
reason `invalid`). The page must not stay "signed in" to a list it cannot
read. The token here is what an earlier run would have issued to this
user: the same claims, signed with another run's secret.
"""

import secrets

import jwt
from playwright.sync_api import Page, expect

from tests.browser.conftest import Site
from tests.browser.page_kit import api_token, create_account, store_token, stored_session


def test_a_token_from_an_earlier_run_sends_the_page_to_the_login_form(
    page: Page, site: Site
) -> None:
    # GIVEN a tab holding this user's token, as signed by an earlier run
    account = create_account(site.base_url)
    claims = jwt.decode(api_token(site.base_url, account), options={"verify_signature": False})
    earlier_run = jwt.encode(claims, secrets.token_urlsafe(48), algorithm="HS256")
    page.goto("./")
    store_token(page, account.username, earlier_run)

    # WHEN the page loads again
    page.reload()

    # THEN it asks for a login, says why, and forgets the token
    expect(page.get_by_role("alert")).to_contain_text("Your session is no longer valid.")
    expect(page.get_by_label("Username")).to_have_value(account.username)
    expect(page.get_by_label("New item")).to_be_hidden()
    assert stored_session(page) is None
