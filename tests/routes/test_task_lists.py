"""Lists: the default one every user has, the others they make, and deleting one with its todos."""

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from chalice.test import Client

from chalicelib import dependencies
from tests.routes.conftest import send_json
from tests.support.api import V1, bearer
from tests.support.client import in_process


def call(client: Client, token: str, method: str, path: str, body: Any = None, headers=None):
    merged = {**bearer(token), **(headers or {})}
    if body is None:
        return client.http.request(method, path, headers=merged)
    return send_json(client, method, path, body, merged)


def new_list(client: Client, token: str, title: str = "Groceries") -> dict:
    reply = call(client, token, "POST", "/v2/lists", {"title": title})
    assert reply.status_code == 201, reply.json_body
    return reply.json_body


def new_todo(client: Client, token: str, title: str, **fields: Any) -> dict:
    reply = call(client, token, "POST", "/v2/todos", {"title": title, **fields})
    assert reply.status_code == 201, reply.json_body
    return reply.json_body


def titles(client: Client, token: str, list_id: str = "default") -> list[str]:
    page = call(client, token, "GET", f"/v2/todos?list_id={list_id}&limit=100").json_body
    return [todo["title"] for todo in page["items"]]


def test_a_new_user_has_the_default_list_only(client: Client, token: str) -> None:
    reply = call(client, token, "GET", "/v2/lists")
    default = {"id": "default", "title": "Tasks", "default": True}
    assert reply.json_body == {"items": [{**default, "created_at": None, "updated_at": None}]}
    assert call(client, token, "GET", "/v2/lists/default").json_body["title"] == "Tasks"


def test_a_list_is_created_listed_renamed_and_read_back(client: Client, token: str) -> None:
    made = call(client, token, "POST", "/v2/lists", {"title": "Groceries"})
    assert made.status_code == 201
    assert made.headers["Location"] == f"/v2/lists/{made.json_body['id']}"
    assert made.headers["ETag"] == '"1"'
    renamed = call(
        client, token, "PATCH", made.headers["Location"], {"title": "Food"}, {"If-Match": '"1"'}
    )
    assert (renamed.status_code, renamed.json_body["title"], renamed.headers["ETag"]) == (
        200,
        "Food",
        '"2"',
    )
    stale = call(
        client, token, "PATCH", made.headers["Location"], {"title": "X"}, {"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    listed = call(client, token, "GET", "/v2/lists").json_body["items"]
    assert [(lst["id"], lst["title"]) for lst in listed] == [
        ("default", "Tasks"),
        (made.json_body["id"], "Food"),
    ]


def test_the_default_list_can_be_renamed_but_not_deleted(client: Client, token: str) -> None:
    renamed = call(client, token, "PATCH", "/v2/lists/default", {"title": "Mine"})
    assert (renamed.status_code, renamed.json_body["title"]) == (200, "Mine")
    assert renamed.json_body["created_at"] is not None
    refused = call(client, token, "DELETE", "/v2/lists/default")
    assert (refused.status_code, refused.json_body["type"]) == (409, "/problems/conflict")
    assert call(client, token, "GET", "/v2/lists/default").json_body["title"] == "Mine"


@pytest.mark.parametrize("list_id", ["01ARZ3NDEKTSV4RRFFQ69G5FAV", "nope", "DEFAULT"])
def test_a_list_that_is_not_the_callers_is_404_on_every_route(
    client: Client, token: str, list_id: str
) -> None:
    for method, suffix, body in (
        ("GET", "", None),
        ("PATCH", "", {"title": "x"}),
        ("DELETE", "", None),
        ("POST", "/clear", {}),
    ):
        reply = call(client, token, method, f"/v2/lists/{list_id}{suffix}", body)
        assert reply.status_code == 404, (method, suffix, reply.json_body)


def test_another_users_list_is_404_and_takes_none_of_their_todos(
    client: Client, token: str
) -> None:
    other_token = V1(in_process(client)).new_user()
    theirs = new_list(client, other_token)
    new_todo(client, other_token, "secret", list_id=theirs["id"])
    assert call(client, token, "GET", f"/v2/lists/{theirs['id']}").status_code == 404
    assert titles(client, token, theirs["id"]) == []
    refused = call(client, token, "POST", "/v2/todos", {"title": "x", "list_id": theirs["id"]})
    assert (refused.status_code, refused.json_body["errors"][0]["field"]) == (422, "list_id")
    assert titles(client, other_token, theirs["id"]) == ["secret"]


def test_todos_go_to_the_default_list_unless_told_and_titles_are_unique_per_list(
    client: Client, token: str
) -> None:
    groceries = new_list(client, token)
    new_todo(client, token, "milk")
    new_todo(client, token, "milk", list_id=groceries["id"])
    again = call(client, token, "POST", "/v2/todos", {"title": "milk", "list_id": groceries["id"]})
    assert (again.status_code, again.json_body["field"]) == (409, "title")
    assert titles(client, token) == ["milk"]
    assert titles(client, token, groceries["id"]) == ["milk"]


def test_v1_sees_exactly_the_default_list(client: Client, token: str) -> None:
    groceries = new_list(client, token)
    new_todo(client, token, "washing")
    new_todo(client, token, "milk", list_id=groceries["id"])
    board = client.http.get("/v1/item/get", headers={"token": token}).json_body
    assert [item["title"] for item in board["pending_items"]] == ["washing"]
    created = client.http.post("/v1/item/create/milk", headers={"token": token})
    assert [i["title"] for i in created.json_body["pending_items"]] == ["washing", "milk"]
    assert titles(client, token, groceries["id"]) == ["milk"]


def test_a_list_is_deleted_with_every_todo_and_title_claim_in_it(
    client: Client, token: str, aws: str
) -> None:
    groceries = new_list(client, token)
    kept = new_todo(client, token, "kept")
    for index in range(5):
        new_todo(client, token, f"item {index}", list_id=groceries["id"])
    gone = call(client, token, "DELETE", f"/v2/lists/{groceries['id']}")
    assert (gone.status_code, gone.body) == (204, b"")
    assert call(client, token, "GET", f"/v2/lists/{groceries['id']}").status_code == 404
    left = boto3.client("dynamodb").scan(TableName=aws)["Items"]
    about_it = [
        item for item in left if groceries["id"] in str(item) and "CHANGE#" not in str(item)
    ]
    assert about_it == []
    assert titles(client, token) == [kept["title"]]
    # The todos are off the quota's count: the account counts one todo, the kept one.
    account = next(item for item in left if item["sk"]["S"] == "ACCOUNT")
    assert account["todos"]["N"] == "1"


def test_a_deletion_cut_short_is_finished_by_the_same_request_again(
    client: Client, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    groceries = new_list(client, token)
    for index in range(3):
        new_todo(client, token, f"item {index}", list_id=groceries["id"])
    store = dependencies.list_store()
    real_finish = store.finish_deletion
    monkeypatch.setattr(store, "finish_deletion", _failing_once(real_finish))
    first = call(client, token, "DELETE", f"/v2/lists/{groceries['id']}")
    assert first.status_code == 503
    # Cut short, the list is already hidden, and nothing can be added to it.
    assert call(client, token, "GET", f"/v2/lists/{groceries['id']}").status_code == 404
    refused = call(client, token, "POST", "/v2/todos", {"title": "x", "list_id": groceries["id"]})
    assert refused.status_code == 422
    again = call(client, token, "DELETE", f"/v2/lists/{groceries['id']}")
    assert again.status_code == 204
    assert call(client, token, "DELETE", f"/v2/lists/{groceries['id']}").status_code == 404


def _failing_once(real: Callable[..., None]) -> Callable[..., None]:
    from chalicelib.domain.errors import Unavailable

    calls = []

    def finish(*args: Any) -> None:
        calls.append(args)
        if len(calls) == 1:
            raise Unavailable("DynamoDB is busy; try again shortly.")
        real(*args)

    return finish


def test_lists_past_the_quota_are_refused_and_a_deletion_makes_room(
    client: Client, token: str, stage_settings: Callable[..., None]
) -> None:
    stage_settings(LIST_QUOTA="2")
    first = new_list(client, token, "one")
    new_list(client, token, "two")
    refused = call(client, token, "POST", "/v2/lists", {"title": "three"})
    assert (refused.status_code, refused.json_body["type"], refused.json_body["limit"]) == (
        409,
        "/problems/quota-exceeded",
        2,
    )
    assert call(client, token, "DELETE", f"/v2/lists/{first['id']}").status_code == 204
    assert call(client, token, "POST", "/v2/lists", {"title": "three"}).status_code == 201


@pytest.mark.parametrize(
    "body", [{}, {"title": ""}, {"title": 3}, {"title": "x", "extra": 1}, {"title": "a\u0000b"}]
)
def test_a_list_body_of_the_wrong_shape_is_422(client: Client, token: str, body: dict) -> None:
    reply = call(client, token, "POST", "/v2/lists", body)
    assert reply.status_code == 422
