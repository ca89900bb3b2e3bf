"""Signing up, logging in and out, and the unauthenticated ping."""

from __future__ import annotations

import uuid
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import pytest

from tests.support.api import credentials, v1_account

if TYPE_CHECKING:
    from tests.support.api import V1
    from tests.support.client import Send

pytestmark = pytest.mark.http

ONE_AT = "must contain exactly one @ with text on both sides"
NO_SPACE = "must not contain whitespace or control characters"
LOGIN_PATHS = ("/v1/auth/login", "/v2/auth/token")


def short_name() -> str:
    """Unique, and short enough to leave room for the boundary cases below."""
    return f"u{uuid.uuid4().hex[:12]}"


def validation_problem(*errors: tuple[str, str]) -> dict[str, Any]:
    return {
        "type": "/problems/validation-error",
        "title": "Invalid input",
        "status": 422,
        "detail": "Invalid value for: " + ", ".join(field for field, _ in errors),
        "errors": [{"field": field, "message": message} for field, message in errors],
    }


def test_sign_up_answers_201_with_the_username_and_email_only(send: Send) -> None:
    name = short_name()

    reply = send("POST", "/v1/user/create", v1_account(name))

    assert (reply.status, reply.body) == (201, {"username": name, "email": f"{name}@example.com"})
    assert reply.headers["Content-Type"] == "application/json"


def test_sign_up_accepts_values_at_every_upper_limit(send: Send) -> None:
    name = short_name().ljust(64, "n")
    email = f"{name}@" + "e" * (254 - len(name) - 5) + ".com"
    body = {"name": name, "email": email, "password": "p" * 1024}

    reply = send("POST", "/v1/user/create", body)

    assert (len(name), len(email)) == (64, 254)
    assert (reply.status, reply.body) == (201, {"username": name, "email": email})


def test_sign_up_accepts_an_eight_character_password_and_it_logs_in(send: Send) -> None:
    name = short_name()
    created = send("POST", "/v1/user/create", v1_account(name, password="12345678"))

    login = send("POST", "/v1/auth/login", {"username": name, "password": "12345678"})

    assert (created.status, login.status) == (201, 200)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"name": ""}, ("name", "must be 1 to 64 characters")),
        ({"name": "n" * 65}, ("name", "must be 1 to 64 characters")),
        ({"name": "two words"}, ("name", NO_SPACE)),
        ({"name": "tab\tbed"}, ("name", NO_SPACE)),
        ({"name": "nul\x00"}, ("name", NO_SPACE)),
        ({"email": "no-at-sign"}, ("email", ONE_AT)),
        ({"email": "a@b@c"}, ("email", ONE_AT)),
        (
            {"email": "@example.com"},
            ("email", ONE_AT),
        ),
        ({"email": "a" * 243 + "@example.com"}, ("email", "must be at most 254 characters")),
        ({"password": "1234567"}, ("password", "must be 8 to 1024 characters")),
        ({"password": "p" * 1025}, ("password", "must be 8 to 1024 characters")),
    ],
    ids=[
        "empty-name",
        "65-char-name",
        "name-with-space",
        "name-with-tab",
        "name-with-nul",
        "email-without-at",
        "email-with-two-ats",
        "email-without-local-part",
        "255-char-email",
        "7-char-password",
        "1025-char-password",
    ],
)
def test_sign_up_rejects_a_bad_field_with_422_naming_it(
    send: Send, overrides: dict[str, str], error: tuple[str, str]
) -> None:
    reply = send("POST", "/v1/user/create", v1_account(short_name(), **overrides))

    assert (reply.status, reply.body) == (422, validation_problem(error))
    assert reply.headers["Content-Type"] == "application/problem+json"


def test_sign_up_reports_every_bad_field_at_once(send: Send) -> None:
    body = {"name": "", "email": "nope", "password": "short"}

    reply = send("POST", "/v1/user/create", body)

    assert (reply.status, reply.body) == (
        422,
        validation_problem(
            ("name", "must be 1 to 64 characters"),
            ("email", ONE_AT),
            ("password", "must be 8 to 1024 characters"),
        ),
    )


@pytest.mark.parametrize(
    ("second", "field"),
    [
        (lambda name: v1_account(name, email=f"other-{name}@example.com"), "name"),
        (lambda name: v1_account(name.upper(), email=f"other-{name}@example.com"), "name"),
        (lambda name: v1_account(f"other-{name}", email=f"{name}@example.com"), "email"),
        (lambda name: v1_account(f"other-{name}", email=f"{name.upper()}@EXAMPLE.COM"), "email"),
    ],
    ids=["same-username", "username-in-other-case", "same-email", "email-in-other-case"],
)
def test_a_second_sign_up_with_a_taken_username_or_email_is_a_409(
    send: Send, second: Any, field: str
) -> None:
    name = short_name()
    first = send("POST", "/v1/user/create", v1_account(name))

    reply = send("POST", "/v1/user/create", second(name))

    assert (first.status, reply.status) == (201, 409)
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert (reply.body["type"], reply.body["field"]) == ("/problems/conflict", field)


def test_a_wrong_password_and_an_unknown_user_get_identical_401s(send: Send, api: V1) -> None:
    name = api.sign_up()

    wrong_password = send("POST", "/v1/auth/login", {"username": name, "password": "wrong-one"})
    unknown_user = send("POST", "/v1/auth/login", credentials(f"x{name}"))

    expected = {
        "type": "/problems/unauthenticated",
        "title": "Authentication required",
        "status": 401,
        "detail": "Unknown username or wrong password.",
        "reason": "invalid_credentials",
    }
    assert (wrong_password.status, wrong_password.body) == (401, expected)
    assert (unknown_user.status, unknown_user.body) == (401, expected)
    assert "token" not in wrong_password.headers
    assert "token" not in unknown_user.headers


def test_ping_answers_without_a_token(send: Send) -> None:
    reply = send("GET", "/v1/auth/ping")

    assert (reply.status, reply.body) == (200, {"status": "ok"})


class ScriptTags(HTMLParser):
    """Collects each <script>'s src and inline text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append({"src": dict(attrs).get("src"), "text": ""})

    def handle_data(self, data: str) -> None:
        if self.lasttag == "script" and self.scripts:
            self.scripts[-1]["text"] += data.strip()


def test_logout_is_a_page_whose_only_script_is_a_file_allowed_by_its_csp(
    send: Send, base_url: str
) -> None:
    reply = send("GET", "/v1/auth/logout")
    parser = ScriptTags()
    parser.feed(reply.body)

    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    csp = reply.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert len(parser.scripts) == 1
    assert parser.scripts[0]["text"] == ""
    page_url = f"{base_url}/v1/auth/logout"
    assert urljoin(page_url, parser.scripts[0]["src"]) == f"{base_url}/static/logout.js"


def test_the_logout_script_clears_both_browser_storages(send: Send) -> None:
    reply = send("GET", "/static/logout.js")

    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "localStorage.clear();" in reply.body
    assert "sessionStorage.clear();" in reply.body


@pytest.mark.parametrize("known", [True, False], ids=["known name", "unknown name"])
def test_five_failed_logins_back_off_with_429_and_retry_after_on_v1_and_v2(
    send: Send, api: V1, known: bool
) -> None:
    name = api.sign_up() if known else short_name()
    wrong = {"username": name, "password": "not the password"}
    failures = [send("POST", "/v1/auth/login", wrong).status for _ in range(3)]
    failures += [send("POST", "/v2/auth/token", wrong).status for _ in range(2)]

    refused = [send("POST", path, credentials(name)) for path in LOGIN_PATHS]

    assert failures == [401] * 5
    for reply in refused:
        assert (reply.status, reply.body["type"]) == (429, "/problems/too-many-requests")
        assert 0 < int(reply.headers["Retry-After"]) <= 60
