"""The check the HTTP suite runs on every reply (openapi-core, and the gateway shim) catches
each kind of contract break."""

import json

import pytest

from infra.local_server import no_route_reply
from tests.http.openapi_contract import ContractViolation, check_reply
from tests.support.client import Headers, Reply

TODO_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
TODO = {
    "id": TODO_ID,
    "title": "washing",
    "status": "PENDING",
    "notes": "",
    "list_id": "default",
    "position": TODO_ID,
    "due": None,
    "completed_at": None,
    "created_at": "2026-01-02T03:04:05.678Z",
    "updated_at": "2026-01-02T03:04:05.678Z",
}
PROBLEM_HEADERS = {
    "Content-Type": "application/problem+json",
    "Cache-Control": "no-store",
    "WWW-Authenticate": 'Bearer error="invalid_token"',
    "X-Request-Id": "abc",
}
UNAUTHORISED = {
    "type": "/problems/unauthenticated",
    "title": "Unauthorized",
    "status": 401,
    "detail": "Missing token.",
    "reason": "missing",
}
CREATED_HEADERS = {
    "content-type": "application/json",
    "Cache-Control": "private, no-cache",
    "ETag": '"1"',
    "location": f"/v2/todos/{TODO_ID}",
    "X-Request-Id": "abc",
}


def check(method: str, target: str, status: int, headers: dict, body: object = "") -> None:
    text = body if isinstance(body, str) else json.dumps(body)
    check_reply(method, target, Reply(status, Headers(list(headers.items())), body), text)


def test_a_reply_as_documented_passes() -> None:
    check("POST", "/v2/todos", 201, CREATED_HEADERS, TODO)


@pytest.mark.parametrize(
    ("status", "headers", "body", "complaint"),
    [
        (200, CREATED_HEADERS, TODO, "Unknown response http status: 200"),
        (201, {**CREATED_HEADERS, "Content-Type": "text/plain"}, TODO, "text/plain"),
        (201, CREATED_HEADERS, {**TODO, "password_hash": "x"}, "password_hash"),
        (201, CREATED_HEADERS, {**TODO, "status": "done"}, "status"),
        (201, CREATED_HEADERS, {**TODO, "created_at": "2026-01-02"}, "created_at"),
        (201, {k: v for k, v in CREATED_HEADERS.items() if k != "ETag"}, TODO, "ETag"),
        (201, {**CREATED_HEADERS, "cache-control": "public"}, TODO, "Cache-Control"),
        (201, {**CREATED_HEADERS, "ETag": 'W/"1"'}, TODO, "ETag"),
        (201, CREATED_HEADERS, "{not json", "not json"),
    ],
    ids=[
        "undocumented-status",
        "wrong-content-type",
        "leaked-field",
        "bad-enum",
        "bad-timestamp",
        "missing-required-header",
        "header-against-its-schema",
        "weak-etag",
        "not-json",
    ],
)
def test_a_reply_breaking_the_contract_is_reported(
    status: int, headers: dict, body: object, complaint: str
) -> None:
    with pytest.raises(ContractViolation, match=complaint):
        check("POST", "/v2/todos", status, headers, body)


def test_a_problem_must_carry_the_fields_its_status_documents() -> None:
    headers = {
        "Content-Type": "application/problem+json",
        "X-Request-Id": "abc",
        "Cache-Control": "no-store",
    }
    problem = {"type": "/problems/validation-error", "title": "Invalid input", "status": 422}
    check(
        "POST",
        "/v2/todos",
        422,
        headers,
        {**problem, "detail": "x", "errors": [{"field": "a", "message": "b"}]},
    )

    with pytest.raises(ContractViolation, match="errors"):
        check("POST", "/v2/todos", 422, headers, {**problem, "detail": "x"})


def test_an_unlisted_method_must_be_a_405_allowing_exactly_the_documented_methods() -> None:
    headers = {"Content-Type": "application/problem+json", "Allow": "GET, POST"}
    problem = {"type": "/problems/http-405", "title": "t", "status": 405, "detail": "d"}
    check("PUT", "/v2/todos", 405, headers, problem)

    with pytest.raises(ContractViolation, match="expected 405"):
        check("PUT", "/v2/todos", 405, {**headers, "Allow": "GET"}, problem)
    with pytest.raises(ContractViolation, match="expected 405"):
        check("PUT", "/v2/todos", 200, headers, problem)


def test_an_undocumented_path_must_be_the_gateways_404_problem() -> None:
    status, headers, body = no_route_reply("abc")
    gateway = json.loads(body)
    check("GET", "/v3/todos", status, headers, gateway)

    with pytest.raises(ContractViolation, match="undocumented path"):
        check("GET", "/v3/todos", 403, {}, {"message": "Missing Authentication Token"})
    with pytest.raises(ContractViolation, match="undocumented path"):
        check("GET", "/v3/todos", status, headers, {**gateway, "detail": "Authorization=x"})
    with pytest.raises(ContractViolation, match="undocumented path"):
        check("GET", "/v3/todos", 200, {}, {"items": []})


def test_an_empty_path_segment_is_never_a_documented_parameter() -> None:
    status, headers, body = no_route_reply("abc")
    check("POST", "/v1/item/create/", status, headers, json.loads(body))
    check("POST", "/v1/item/create/a%2Fb", 401, PROBLEM_HEADERS, UNAUTHORISED)

    with pytest.raises(ContractViolation, match="undocumented path"):
        check("POST", "/v1/item/create/", 401, PROBLEM_HEADERS, UNAUTHORISED)
