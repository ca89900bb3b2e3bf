"""The page's refresh cookie is cleared where the browser keeps it, wherever the API is mounted.

The token routes set the cookie with no Path, so the browser scopes it to
the folder of the URL it asked (RFC 6265, section 5.1.4). The routes outside
that folder clear it by naming a Path, which must be that same folder, or
the browser keeps the cookie. Here the Lambda handler gets the proxy events
API Gateway sends for each mount (tests/routes/test_v2_location.py).
"""

import json
from urllib.parse import urlsplit

import pytest
from chalice.test import Client

from tests.routes.conftest import send_json
from tests.routes.test_v2_location import MOUNTS, Mount, handle
from tests.support.api import bearer
from tests.support.values import PASSWORD, unique

JSON = {"Content-Type": "application/json"}


def browsers_default_path(url: str) -> str:
    """RFC 6265's default-path: the URL's path up to, not including, its last slash."""
    return urlsplit(url).path.rsplit("/", 1)[0]


def attributes(set_cookie: str) -> dict[str, str]:
    pairs = (part.partition("=") for part in set_cookie.split("; ")[1:])
    return {name: value for name, _, value in pairs}


@pytest.mark.parametrize("mount", MOUNTS.values(), ids=MOUNTS.keys())
@pytest.mark.parametrize(
    ("method", "resource", "body"),
    [
        ("DELETE", "/v2/users/me/sessions", None),
        ("PUT", "/v2/users/me/password", {"current_password": PASSWORD, "new_password": "x" * 12}),
        ("DELETE", "/v2/users/me", {"password": PASSWORD}),
    ],
)
def test_an_account_route_clears_the_cookie_at_the_path_the_browser_gave_it(
    client: Client, mount: Mount, method: str, resource: str, body: dict | None
) -> None:
    # GIVEN a page logged in through this mount, holding the cookie
    name = unique()
    account = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    assert send_json(client, "POST", "/v2/users", account).status_code == 201
    grant_body = {"username": name, "password": PASSWORD, "refresh_token_cookie": True}
    grant = handle(mount.event("POST", "/v2/auth/token", "/v2/auth/token", JSON, grant_body))
    assert "Path" not in attributes(grant["headers"]["Set-Cookie"])
    cookie_path = browsers_default_path(mount.url("/v2/auth/token"))
    access = json.loads(grant["body"])["access_token"]

    # WHEN an account route ends the session
    ended = handle(mount.event(method, resource, resource, {**JSON, **bearer(access)}, body))

    # THEN its Set-Cookie clears the cookie at exactly that path
    assert ended["statusCode"] == 204, ended["body"]
    cleared = attributes(ended["headers"]["Set-Cookie"])
    assert (cleared["Path"], cleared["Max-Age"]) == (cookie_path, "0")
