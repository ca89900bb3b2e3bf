"""v2 todos as resources over real HTTP: create, read, update, delete, with ETags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.support.api import TODO_FIELDS, credentials, v2_account
from tests.support.values import PASSWORD

if TYPE_CHECKING:
    from tests.support.api import V2
    from tests.support.client import Reply, Send

pytestmark = pytest.mark.http


def assert_problem(reply: Reply, status: int, slug: str, **fields: Any) -> None:
    assert reply.status == status, reply.body
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert (reply.body["type"], reply.body["status"]) == (f"/problems/{slug}", status)
    assert {"title", "detail"} <= set(reply.body)
    for name, value in fields.items():
        assert reply.body[name] == value


def test_sign_up_and_token_answer_with_the_user_and_a_bearer_grant_never_stored(
    send: Send, username: str
) -> None:
    body = v2_account(username)

    created = send("POST", "/v2/users", body)
    grant = send("POST", "/v2/auth/token", credentials(username))

    assert created.status == 201
    assert set(created.body) == {"id", "username", "email", "created_at"}
    assert (created.body["username"], created.body["email"]) == (username, body["email"])
    assert grant.status == 200
    assert (grant.body["token_type"], grant.body["expires_in"]) == ("Bearer", 900)
    assert created.headers["Cache-Control"] == grant.headers["Cache-Control"] == "no-store"


def test_create_answers_201_with_the_todo_its_location_and_a_strong_etag(
    v2: V2, v2_token: str
) -> None:
    created = v2.create(v2_token, "washing")

    todo = created.body
    assert created.status == 201
    assert set(todo) == TODO_FIELDS
    assert (todo["title"], todo["status"]) == ("washing", "PENDING")
    assert created.headers["Location"] == f"/v2/todos/{todo['id']}"
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Cache-Control"] == "private, no-cache"


def test_the_location_serves_the_same_todo_with_the_same_etag(v2: V2, v2_token: str) -> None:
    created = v2.create(v2_token, "washing", status="DONE")

    read = v2.send("GET", created.headers["Location"], None, {"token": v2_token})

    assert (read.status, read.body) == (200, created.body)
    assert read.headers["ETag"] == created.headers["ETag"]


@pytest.mark.parametrize("if_none_match", ['"1"', 'W/"1"', '"7", "1"', "*"])
def test_if_none_match_with_the_current_etag_is_a_bodiless_304(
    v2: V2, v2_token: str, if_none_match: str
) -> None:
    todo_id = v2.create(v2_token, "washing").body["id"]

    reply = v2.get(v2_token, todo_id, {"If-None-Match": if_none_match})

    assert (reply.status, reply.body) == (304, "")
    assert reply.headers["ETag"] == '"1"'
    assert reply.headers["Cache-Control"] == "private, no-cache"


def test_if_none_match_with_a_stale_etag_gets_the_current_todo(v2: V2, v2_token: str) -> None:
    todo_id = v2.create(v2_token, "washing").body["id"]
    v2.patch(v2_token, todo_id, {"status": "DONE"})

    reply = v2.get(v2_token, todo_id, {"If-None-Match": '"1"'})

    assert (reply.status, reply.body["status"], reply.headers["ETag"]) == (200, "DONE", '"2"')


def test_patch_sets_the_status_either_way_and_each_change_gets_a_new_etag(
    v2: V2, v2_token: str
) -> None:
    todo_id = v2.create(v2_token, "washing").body["id"]

    done = v2.patch(v2_token, todo_id, {"status": "DONE"}, {"If-Match": '"1"'})
    pending = v2.patch(v2_token, todo_id, {"status": "PENDING"}, {"If-Match": '"2"'})

    assert (done.status, done.body["status"], done.headers["ETag"]) == (200, "DONE", '"2"')
    assert (pending.status, pending.body["status"], pending.headers["ETag"]) == (
        200,
        "PENDING",
        '"3"',
    )
    assert v2.get(v2_token, todo_id).body == pending.body


def test_the_second_writer_with_the_same_if_match_gets_412_and_changes_nothing(
    v2: V2, v2_token: str
) -> None:
    # GIVEN two clients that both read version "1"
    todo_id = v2.create(v2_token, "washing").body["id"]
    etag = v2.get(v2_token, todo_id).headers["ETag"]

    # WHEN both write conditionally on it
    first = v2.patch(v2_token, todo_id, {"title": "laundry"}, {"If-Match": etag})
    second = v2.patch(v2_token, todo_id, {"status": "DONE"}, {"If-Match": etag})
    stale_delete = v2.delete(v2_token, todo_id, {"If-Match": etag})

    # THEN only the first write happened
    assert first.status == 200
    assert_problem(second, 412, "precondition-failed")
    assert_problem(stale_delete, 412, "precondition-failed")
    assert v2.get(v2_token, todo_id).body == first.body


def test_renaming_onto_a_title_the_user_has_is_a_409_and_changes_nothing(
    v2: V2, v2_token: str
) -> None:
    v2.create(v2_token, "washing")
    cooking = v2.create(v2_token, "cooking").body

    reply = v2.patch(v2_token, cooking["id"], {"title": "washing", "status": "DONE"})

    assert_problem(reply, 409, "conflict", field="title")
    assert v2.get(v2_token, cooking["id"]).body == cooking


def test_delete_answers_a_bodiless_204_and_the_todo_is_then_404(v2: V2, v2_token: str) -> None:
    todo_id = v2.create(v2_token, "washing").body["id"]

    deleted = v2.delete(v2_token, todo_id, {"If-Match": '"1"'})

    assert (deleted.status, deleted.body) == (204, "")
    assert_problem(v2.get(v2_token, todo_id), 404, "not-found")
    assert_problem(v2.delete(v2_token, todo_id), 404, "not-found")


def test_another_users_todo_is_404_for_every_method_and_stays_unchanged(v2: V2) -> None:
    alice, bob = v2.new_user(), v2.new_user()
    todo = v2.create(alice, "alice's secret").body

    replies = [
        v2.get(bob, todo["id"]),
        v2.patch(bob, todo["id"], {"status": "DONE"}),
        v2.delete(bob, todo["id"]),
    ]

    for reply in replies:
        assert_problem(reply, 404, "not-found")
    assert v2.get(alice, todo["id"]).body == todo


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "slug", "field"),
    [
        ("POST", "/v2/todos", b'{"title": ', 400, "malformed-request", None),
        ("POST", "/v2/todos", b"[]", 400, "malformed-request", None),
        ("POST", "/v2/todos", {"title": "x", "colour": "red"}, 422, "validation-error", "colour"),
        ("POST", "/v2/todos", {"title": ""}, 422, "validation-error", "title"),
        ("POST", "/v2/todos", {"title": "x", "status": "done"}, 422, "validation-error", "status"),
        ("GET", "/v2/todos?limit=0", None, 422, "validation-error", "limit"),
        ("GET", "/v2/todos?status=done", None, 422, "validation-error", "status"),
        ("GET", "/v2/todos?cursor=forged", None, 400, "malformed-request", None),
        ("GET", "/v2/todos/not-a-todo-id", None, 404, "not-found", None),
    ],
    ids=[
        "truncated-json",
        "not-an-object",
        "unknown-field",
        "empty-title",
        "bad-status",
        "limit-0",
        "lowercase-status-filter",
        "forged-cursor",
        "not-an-id",
    ],
)
def test_a_bad_request_is_a_problem_naming_what_is_wrong(
    v2: V2,
    v2_token: str,
    method: str,
    path: str,
    body: Any,
    status: int,
    slug: str,
    field: str | None,
) -> None:
    reply = v2.send(method, path, body, {"Authorization": f"Bearer {v2_token}"})

    assert_problem(reply, status, slug)
    if field is not None:
        assert [error["field"] for error in reply.body["errors"]] == [field]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v2/todos"),
        ("POST", "/v2/todos"),
        ("GET", "/v2/todos/01ARZ3NDEKTSV4RRFFQ69G5FAV"),
        ("PATCH", "/v2/todos/01ARZ3NDEKTSV4RRFFQ69G5FAV"),
        ("DELETE", "/v2/todos/01ARZ3NDEKTSV4RRFFQ69G5FAV"),
    ],
)
def test_every_todo_route_without_a_token_is_a_401_with_a_bearer_challenge(
    send: Send, method: str, path: str
) -> None:
    body = {"title": "x"} if method in {"POST", "PATCH"} else None

    reply = send(method, path, body)

    assert_problem(reply, 401, "unauthenticated", reason="missing")
    assert reply.headers["WWW-Authenticate"].startswith("Bearer ")


def test_a_taken_username_is_a_409_naming_it_and_bad_credentials_a_401(
    send: Send, username: str
) -> None:
    email = f"{username}@example.com"
    first = send("POST", "/v2/users", {"username": username, "email": email, "password": PASSWORD})
    other = {"username": username.upper(), "email": f"x{email}", "password": PASSWORD}

    again = send("POST", "/v2/users", other)
    wrong = send("POST", "/v2/auth/token", {"username": username, "password": "not the password"})

    assert first.status == 201
    assert_problem(again, 409, "conflict", field="username")
    assert_problem(wrong, 401, "unauthenticated", reason="invalid_credentials")


@pytest.mark.parametrize("where", ["limit", "if-match"])
def test_a_superscript_digit_in_limit_or_if_match_is_a_client_error(
    v2: V2, v2_token: str, where: str
) -> None:
    todo_id = v2.create(v2_token, "washing").body["id"]

    if where == "limit":
        reply = v2.list(v2_token, "?limit=%C2%B2")
    else:
        reply = v2.delete(v2_token, todo_id, {"If-Match": '"\u00b2"'})

    assert 400 <= reply.status < 500
