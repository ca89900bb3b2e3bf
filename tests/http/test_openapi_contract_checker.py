"""The checker the HTTP suite runs on every reply catches each kind of contract break."""

import json

import pytest

from infra.local_server import no_route_reply
from tests.http.openapi_contract import ContractViolation, published_contract

TODO_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
TODO = {
    "id": TODO_ID,
    "title": "washing",
    "status": "PENDING",
    "notes": "",
    "created_at": "2026-01-02T03:04:05.678Z",
    "updated_at": "2026-01-02T03:04:05.678Z",
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
    published_contract().check(method, target, status, headers, text)


def test_a_reply_as_documented_passes() -> None:
    check("POST", "/v2/todos", 201, CREATED_HEADERS, TODO)


@pytest.mark.parametrize(
    ("status", "headers", "body", "complaint"),
    [
        (200, CREATED_HEADERS, TODO, "status 200 is not documented"),
        (201, {**CREATED_HEADERS, "Content-Type": "text/plain"}, TODO, "Content-Type"),
        (201, CREATED_HEADERS, {**TODO, "password_hash": "x"}, "password_hash"),
        (201, CREATED_HEADERS, {**TODO, "status": "done"}, "status"),
        (201, CREATED_HEADERS, {**TODO, "created_at": "2026-01-02"}, "created_at"),
        (201, {k: v for k, v in CREATED_HEADERS.items() if k != "ETag"}, TODO, "ETag"),
        (201, {**CREATED_HEADERS, "cache-control": "public"}, TODO, "Cache-Control"),
        (201, {**CREATED_HEADERS, "ETag": 'W/"1"'}, TODO, "ETag"),
        (201, CREATED_HEADERS, "{not json", "not JSON"),
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


def test_a_body_on_a_response_documented_without_one_is_reported() -> None:
    headers = {"Cache-Control": "private, no-cache", "X-Request-Id": "abc"}
    check("DELETE", f"/v2/todos/{TODO_ID}", 204, headers)

    with pytest.raises(ContractViolation, match="without a body"):
        check("DELETE", f"/v2/todos/{TODO_ID}", 204, headers, "{}")


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


def test_a_literal_path_is_matched_before_a_template_and_an_empty_segment_is_no_match() -> None:
    contract = published_contract()

    assert contract.template_for("/v2/openapi.json") == "/v2/openapi.json"
    assert contract.template_for(f"/v2/todos/{TODO_ID}") == "/v2/todos/{todo_id}"
    assert contract.template_for("/v1/item/create/a%2Fb") == "/v1/item/create/{title}"
    assert contract.template_for("/v1/item/create/") is None
