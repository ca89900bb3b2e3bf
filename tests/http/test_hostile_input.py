"""Hostile and broken input: every answer is a problem+json client error, never a traceback."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jwt
import pytest

if TYPE_CHECKING:
    from infra.local_stack import LocalStack
    from tests.support.api import V1, Board
    from tests.support.client import Reply, Send

pytestmark = pytest.mark.http

MAX_BODY_BYTES = 16 * 1024
ROUTE_FIELDS = {
    "/v1/user/create": ("name", "email", "password"),
    "/v1/auth/login": ("username", "password"),
    "/v1/item/edit": ("title", "status"),
    "/v1/item/delete": ("title", "status"),
}
JSON_ROUTES = list(ROUTE_FIELDS)
TITLES = {
    "not-found": "Not found",
    "malformed-request": "Malformed request",
    "payload-too-large": "Payload too large",
    "unauthenticated": "Authentication required",
    "validation-error": "Invalid input",
}
MARKUP_AND_INJECTION = [
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE todo; --",
    '{"$ne": null}',
    "../../etc/passwd",
    "${jndi:ldap://x}",
    "%s%s%n",
]


def problem(status: int, slug: str, detail: str, **extensions: Any) -> dict[str, Any]:
    body = {"type": f"/problems/{slug}", "title": TITLES[slug], "status": status}
    return {**body, "detail": detail, **extensions}


def field_problem(*errors: tuple[str, str]) -> dict[str, Any]:
    detail = "Invalid value for: " + ", ".join(field for field, _ in errors)
    listed = [{"field": field, "message": message} for field, message in errors]
    return problem(422, "validation-error", detail, errors=listed)


def assert_problem(reply: Reply, expected: dict[str, Any]) -> None:
    assert (reply.status, reply.body) == (expected["status"], expected)
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert "Traceback" not in json.dumps(reply.body)


def padded_body(size: int) -> bytes:
    """A JSON object of exactly `size` bytes that has none of the expected fields."""
    frame = b'{"pad": ""}'
    return frame[:-2] + b"x" * (size - len(frame)) + frame[-2:]


@pytest.fixture(scope="module")
def idle_token(api: V1) -> str:
    """A user's token for tests that change nothing; the user never has items."""
    return api.new_user()


# --- bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", JSON_ROUTES)
@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b'{"name": ', "Request body is not valid JSON."),
        (b"\xff\xfe{}", "Request body is not valid JSON."),
        (b"[" * 10_000, "Request body is not valid JSON."),
        (b"", "Request body must be a JSON object."),
        (b"[1, 2]", "Request body must be a JSON object."),
        (b'"a string"', "Request body must be a JSON object."),
        (b"null", "Request body must be a JSON object."),
        (b"42", "Request body must be a JSON object."),
    ],
    ids=["truncated", "not-utf8", "deeply-nested", "empty", "array", "string", "null", "number"],
)
def test_a_body_that_is_not_a_json_object_is_a_400(
    send: Send, idle_token: str, path: str, raw: bytes, detail: str
) -> None:
    reply = send("POST", path, raw, {"token": idle_token})

    assert_problem(reply, problem(400, "malformed-request", detail))


@pytest.mark.parametrize("path", JSON_ROUTES)
def test_missing_fields_are_a_422_naming_each_one(send: Send, idle_token: str, path: str) -> None:
    reply = send("POST", path, {}, {"token": idle_token})

    assert_problem(reply, field_problem(*[(f, "is required") for f in ROUTE_FIELDS[path]]))


@pytest.mark.parametrize("path", JSON_ROUTES)
@pytest.mark.parametrize("value", [1, None, True, ["a"], {"a": "b"}], ids=repr)
def test_fields_of_the_wrong_type_are_a_422_naming_each_one(
    send: Send, idle_token: str, path: str, value: Any
) -> None:
    body = dict.fromkeys(ROUTE_FIELDS[path], value)

    reply = send("POST", path, body, {"token": idle_token})

    assert_problem(reply, field_problem(*[(f, "must be a string") for f in ROUTE_FIELDS[path]]))


@pytest.mark.parametrize("path", JSON_ROUTES)
def test_a_body_over_16_kib_is_a_413_and_one_of_exactly_16_kib_is_read(
    send: Send, idle_token: str, path: str
) -> None:
    at_limit = send("POST", path, padded_body(MAX_BODY_BYTES), {"token": idle_token})
    over_limit = send("POST", path, padded_body(MAX_BODY_BYTES + 1), {"token": idle_token})

    assert_problem(at_limit, field_problem(*[(f, "is required") for f in ROUTE_FIELDS[path]]))
    detail = f"Request body exceeds {MAX_BODY_BYTES} bytes."
    assert_problem(over_limit, problem(413, "payload-too-large", detail))


def test_a_body_that_is_not_declared_json_is_a_415(send: Send, api: V1) -> None:
    body = {"username": api.sign_up(), "password": "correct horse battery"}

    reply = send("POST", "/v1/auth/login", body, {"Content-Type": "text/plain"})

    expected = {"type": "/problems/http-415", "title": "Unsupported media type", "status": 415}
    assert_problem(reply, {**expected, "detail": "Unsupported media type: text/plain"})


def test_a_method_the_route_lacks_is_a_405_that_names_the_allowed_one(
    send: Send, idle_token: str
) -> None:
    reply = send("DELETE", "/v1/item/get", None, {"token": idle_token})

    expected = {"type": "/problems/http-405", "title": "Method not allowed", "status": 405}
    assert_problem(reply, {**expected, "detail": "Unsupported method: DELETE"})
    assert reply.headers["Allow"] == "GET"


@pytest.mark.parametrize(
    "body",
    [
        {"username": "\ud800", "password": "correct horse battery"},
        {"username": "nobody-at-all", "password": "\ud800 and more"},
    ],
    ids=["username", "password"],
)
def test_log_in_with_a_lone_surrogate_is_a_422_naming_the_field(
    send: Send, body: dict[str, str]
) -> None:
    reply = send("POST", "/v1/auth/login", body)

    field = next(name for name, value in body.items() if "\ud800" in value)
    assert reply.status == 422
    assert reply.body["errors"] == [{"field": field, "message": "must be valid Unicode text"}]


# --- titles ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("a" * 256, "must be 1 to 255 characters"),
        ("🙂" * 256, "must be 1 to 255 characters"),
        ("🙂" * 300, "must be 1 to 255 characters"),
        ("line\nbreak", "must not contain control characters"),
        ("nul\x00", "must not contain control characters"),
        ("delete\x7f", "must not contain control characters"),
        ("next-line\x85", "must not contain control characters"),
    ],
    ids=["256-chars", "256-emoji-1024-bytes", "300-emoji-1200-bytes", "LF", "NUL", "DEL", "NEL"],
)
def test_a_title_breaking_the_rules_is_a_422_and_nothing_is_stored(
    api: V1, token: str, board: Board, title: str, message: str
) -> None:
    reply = api.create(token, title)

    assert_problem(reply, field_problem(("title", message)))
    assert api.get(token).body == board()


@pytest.mark.parametrize("encoded", ["%FF", "caf%C3", "%C0%AF"])
def test_a_title_that_is_not_percent_encoded_utf8_is_a_422(
    send: Send, api: V1, token: str, board: Board, encoded: str
) -> None:
    reply = send("POST", f"/v1/item/create/{encoded}", None, {"token": token})

    assert_problem(reply, field_problem(("title", "must be percent-encoded UTF-8")))
    assert api.get(token).body == board()


@pytest.mark.parametrize("title", MARKUP_AND_INJECTION)
def test_markup_and_injection_titles_are_stored_and_returned_verbatim(
    api: V1, token: str, board: Board, title: str
) -> None:
    api.create(token, "plain")

    created = api.create(token, title)
    edited = api.edit(token, title)
    deleted = api.delete(token, title, "DONE")

    assert (created.status, created.body) == (200, board(pending=["plain", title]))
    assert created.headers["Content-Type"] == "application/json"
    assert (edited.status, edited.body) == (200, board(pending=["plain"], done=[title]))
    assert (deleted.status, deleted.body) == (200, board(pending=["plain"]))


@pytest.mark.parametrize("path", ["/v1/item/edit", "/v1/item/delete"])
@pytest.mark.parametrize(
    "title",
    ["never created", "🙂" * 300, "x" * 5000, "", *MARKUP_AND_INJECTION[:2]],
    ids=["unknown", "1200-bytes", "5000-chars", "empty", "markup", "sql"],
)
def test_editing_or_deleting_a_title_the_user_lacks_is_a_404(
    api: V1, send: Send, token: str, board: Board, path: str, title: str
) -> None:
    api.create(token, "plain")

    reply = send("POST", path, {"title": title, "status": "PENDING"}, {"token": token})

    assert_problem(reply, problem(404, "not-found", "You have no item with that title."))
    assert api.get(token).body == board(pending=["plain"])


@pytest.mark.parametrize("path", ["/v1/item/edit", "/v1/item/delete"])
def test_a_lone_surrogate_title_on_edit_or_delete_is_a_422(
    api: V1, send: Send, token: str, board: Board, path: str
) -> None:
    api.create(token, "plain")

    reply = send("POST", path, {"title": "\ud800", "status": "PENDING"}, {"token": token})

    assert reply.status == 422
    assert reply.body["errors"] == [{"field": "title", "message": "must be valid Unicode text"}]
    assert api.get(token).body == board(pending=["plain"])


# --- tokens ----------------------------------------------------------------------------

MISSING = "A token is required: send it in the `token` header or as `Authorization: Bearer`."
REJECTED = {"expired": "The token has expired; log in again.", "invalid": "The token is invalid."}
Forge = Callable[[dict[str, Any], str], str]


def unauthenticated(reason: str) -> dict[str, Any]:
    detail = MISSING if reason == "missing" else REJECTED[reason]
    return problem(401, "unauthenticated", detail, reason=reason)


def signed(claims: dict[str, Any], secret: str, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


def without(claim: str) -> Forge:
    return lambda claims, secret: signed({k: v for k, v in claims.items() if k != claim}, secret)


def tampered(claims: dict[str, Any], secret: str) -> str:
    """A correctly signed token whose payload is then swapped for another subject's."""
    header, _payload, signature = signed(claims, secret).split(".")
    forged = json.dumps({**claims, "sub": "somebody-else"}).encode()
    payload = base64.urlsafe_b64encode(forged).rstrip(b"=").decode()
    return f"{header}.{payload}.{signature}"


def expired(claims: dict[str, Any], secret: str) -> str:
    an_hour_ago = int(time.time()) - 3600
    return signed({**claims, "iat": an_hour_ago - 60, "exp": an_hour_ago}, secret)


@pytest.fixture
def claims(idle_token: str) -> dict[str, Any]:
    """The claims of a real, current token, for forging look-alikes."""
    return jwt.decode(idle_token, options={"verify_signature": False})


def test_a_token_forged_with_the_real_secret_and_claims_is_accepted(
    api: V1, stack: LocalStack, claims: dict[str, Any], board: Board
) -> None:
    # The control for the forgeries below: each differs from this in one way only.
    reply = api.get(signed(claims, stack.secret))

    assert (reply.status, reply.body) == (200, board())


@pytest.mark.parametrize(
    ("forge", "reason"),
    [
        (lambda c, s: signed(c, "another-secret-of-plenty-of-length-0123456789"), "invalid"),
        (lambda c, s: jwt.encode(c, None, algorithm="none"), "invalid"),
        (lambda c, s: signed(c, s).rsplit(".", 1)[0] + ".", "invalid"),
        (lambda c, s: signed(c, s, "HS512"), "invalid"),
        (tampered, "invalid"),
        (lambda c, s: signed({**c, "iss": "someone-else"}, s), "invalid"),
        (lambda c, s: signed({**c, "sub": ""}, s), "invalid"),
        (without("sub"), "invalid"),
        (without("iat"), "invalid"),
        (without("exp"), "invalid"),
        (without("iss"), "invalid"),
        (lambda c, s: "not-a-jwt", "invalid"),
        (lambda c, s: "a.b", "invalid"),
        (expired, "expired"),
        (lambda c, s: expired(c, "another-secret-of-plenty-of-length-0123456789"), "invalid"),
    ],
    ids=[
        "wrong-key",
        "alg-none",
        "signature-stripped",
        "hs512-real-key",
        "tampered-payload",
        "wrong-issuer",
        "empty-sub",
        "no-sub",
        "no-iat",
        "no-exp",
        "no-iss",
        "garbage",
        "two-segments",
        "expired",
        "expired-and-wrong-key",
    ],
)
def test_a_forged_or_stale_token_is_a_401_with_its_reason(
    api: V1, stack: LocalStack, claims: dict[str, Any], forge: Forge, reason: str
) -> None:
    reply = api.get(forge(claims, stack.secret))

    assert_problem(reply, unauthenticated(reason))


@pytest.mark.parametrize(
    "headers",
    [{}, {"token": ""}, {"Authorization": "Bearer "}, {"Authorization": "Basic dXNlcjpwYXNz"}],
    ids=["no-header", "empty-token", "empty-bearer", "basic-auth"],
)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/item/create/washing", None),
        ("GET", "/v1/item/get", None),
        ("POST", "/v1/item/edit", {"title": "washing", "status": "PENDING"}),
        ("POST", "/v1/item/delete", {"title": "washing", "status": "PENDING"}),
    ],
    ids=["create", "get", "edit", "delete"],
)
def test_every_item_route_without_a_token_is_a_401_missing(
    send: Send, method: str, path: str, body: Any, headers: dict[str, str]
) -> None:
    reply = send(method, path, body, headers)

    assert_problem(reply, unauthenticated("missing"))


def test_the_token_is_checked_before_the_title(send: Send) -> None:
    reply = send("POST", "/v1/item/create/" + quote("a" * 300), None, {"token": "bad"})

    assert_problem(reply, unauthenticated("invalid"))
