"""Every input that reaches DynamoDB fits DynamoDB's limits, on DynamoDB Local.

moto accepts oversized keys, long IN lists and the like; DynamoDB refuses
them with a ValidationException, which would surface as a 500. One test per
limit drives the largest input a client can send at that limit, and checks
the answer is a 2xx or a clear 4xx.
"""

import os
from datetime import UTC, datetime, timedelta

import jwt

from chalicelib.domain.todos import MAX_NOTES_CHARS
from chalicelib.http.cursors import encode_cursor
from chalicelib.http.etags import MAX_TAGS
from chalicelib.platform.signing_keys import SigningKeys
from tests.realdb.conftest import Handler

PARTITION_KEY_BYTES = 2048
SORT_KEY_BYTES = 1024
IN_OPERANDS = 100


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def signed(subject: str) -> str:
    """A token the service itself could have issued, for any subject."""
    now = datetime.now(UTC)
    claims = {"sub": subject, "iat": now, "exp": now + timedelta(minutes=5), "iss": "todo-service"}
    return jwt.encode(claims, os.environ["JWT_SECRET"], algorithm="HS256")


def user_id_of(token: str) -> str:
    return jwt.decode(token, options={"verify_signature": False})["sub"]


def test_partition_key_size_a_signed_subject_too_long_for_a_key_is_401(handler: Handler) -> None:
    token = signed("u" * (PARTITION_KEY_BYTES + 1))
    for method, path in (("GET", "/v1/item/get"), ("POST", "/v2/todos")):
        reply = handler(method, path, {"title": "x"} if method == "POST" else None, bearer(token))
        assert (reply.status, reply.body["reason"]) == (401, "invalid"), path


def test_sort_key_size_a_correctly_signed_cursor_naming_an_overlong_place_is_400(
    handler: Handler,
) -> None:
    token = handler.new_user()
    key = SigningKeys.of(os.environ["JWT_SECRET"].encode()).cursor_keys()[0]
    scope = ["default", "position", None, None, None, None]
    for after in ("1" * 64, "1" * (SORT_KEY_BYTES + 1)):  # the longest position, and past a key
        value = {"for": scope, "phase": "position", "after": after, "at": 0}
        cursor = encode_cursor(value, purpose="todos", user_id=user_id_of(token), secret=key)
        reply = handler("GET", f"/v2/todos?cursor={cursor}", headers=bearer(token))
        expected = 200 if len(after) == 64 else 400
        assert reply.status == expected, (len(after), reply.body)


def test_sort_key_size_an_overlong_todo_id_in_the_path_is_404(handler: Handler) -> None:
    token = handler.new_user()
    path = "/v2/todos/" + "A" * (SORT_KEY_BYTES + 1)
    for method in ("GET", "PATCH", "DELETE"):
        assert handler(method, path, {"status": "DONE"}, bearer(token)).status == 404, method


def test_item_size_the_largest_todo_a_client_can_make_is_stored(handler: Handler) -> None:
    token = handler.new_user()
    widest = "\U0001f600" * 255  # 1,020 bytes of UTF-8, the longest title in bytes
    notes = "\U0001f600" * MAX_NOTES_CHARS  # 32 KiB of UTF-8, the longest notes
    created = handler("POST", "/v2/todos", {"title": widest, "notes": notes}, bearer(token))
    assert (created.status, created.body["notes"]) == (201, notes)
    renamed_to = "\U0001f601" * 255
    path = f"/v2/todos/{created.body['id']}"
    renamed = handler("PATCH", path, {"title": renamed_to, "status": "DONE"}, bearer(token))
    assert (renamed.status, renamed.body["title"]) == (200, renamed_to)
    too_big = handler("POST", "/v2/todos", {"title": "x" * 200_000}, bearer(token))
    assert too_big.status == 413


def test_expression_operands_if_match_past_dynamodbs_in_limit_is_400(handler: Handler) -> None:
    token = handler.new_user()
    todo = handler("POST", "/v2/todos", {"title": "x"}, bearer(token)).body
    path = f"/v2/todos/{todo['id']}"
    for count in (MAX_TAGS + 1, IN_OPERANDS + 1):
        tags = ", ".join(f'"{n}"' for n in range(count, 0, -1))
        for method in ("PATCH", "DELETE"):
            reply = handler(method, path, {"status": "DONE"}, bearer(token) | {"if-match": tags})
            assert reply.status == 400, (count, method)
    most = ", ".join(f'"{n}"' for n in range(MAX_TAGS, 0, -1))
    reply = handler("DELETE", path, None, bearer(token) | {"if-match": most})
    assert reply.status == 204


def test_transaction_size_the_largest_transaction_succeeds(handler: Handler) -> None:
    # Re-creating a deleted title writes the todo, the counter, a check that the
    # old holder lost the title, and the claim taken over: four items.
    token = handler.new_user()
    first = handler("POST", "/v2/todos", {"title": "again"}, bearer(token)).body
    assert handler("DELETE", f"/v2/todos/{first['id']}", None, bearer(token)).status == 204
    assert handler("POST", "/v2/todos", {"title": "again"}, bearer(token)).status == 201


def test_query_limit_the_largest_page_reads_one_more_than_it_returns(handler: Handler) -> None:
    token = handler.new_user()
    for index in range(101):
        handler("POST", f"/v1/item/create/t{index}", None, bearer(token))
    page = handler("GET", "/v2/todos?limit=100", headers=bearer(token))
    assert (page.status, len(page.body["items"])) == (200, 100)
    assert page.body["next_cursor"] is not None
    assert handler("GET", "/v2/todos?limit=101", headers=bearer(token)).status == 422
