"""The per-user todo quota, through the v1 and v2 routes."""

from collections.abc import Callable

import pytest
from chalice.test import Client

from chalicelib import dependencies
from chalicelib.storage.user_keys import account_key, login_key
from chalicelib.storage.user_store import LEGACY_COUNTER_SK
from tests.routes.conftest import log_in, send_json, sign_up
from tests.support.api import auth, bearer

QUOTA = 3


@pytest.fixture
def quota(stage_settings: Callable[..., None], client: Client) -> int:
    stage_settings(TODO_QUOTA=str(QUOTA))
    return QUOTA


def create_v2(client: Client, token: str, title: str):
    return send_json(client, "POST", "/v2/todos", {"title": title}, bearer(token))


def create_v1(client: Client, token: str, title: str):
    return client.http.post(f"/v1/item/create/{title}", headers=auth(token))


def user_id_of(token: str) -> str:
    import jwt

    return jwt.decode(token, options={"verify_signature": False})["sub"]


def stored_counter(token: str) -> int | None:
    """The count of todos on the user's account item."""
    key = account_key(user_id_of(token))
    item = (
        dependencies.dynamodb_client()
        .get_item(TableName=dependencies.settings().table_name, Key=key)
        .get("Item")
    )
    return int(item["todos"]["N"]) if item else None


def test_a_create_past_the_quota_is_409_quota_exceeded_naming_the_limit(
    client: Client, token: str, quota: int
) -> None:
    # GIVEN a user holding as many todos as the quota allows
    for index in range(quota):
        assert create_v2(client, token, f"t{index}").status_code == 201
    # WHEN they create one more, through either version
    over_v2 = create_v2(client, token, "one too many")
    over_v1 = create_v1(client, token, "one-too-many")
    # THEN both are refused with the same problem, and nothing is stored
    for reply in (over_v2, over_v1):
        assert reply.status_code == 409
        assert reply.json_body["type"].endswith("quota-exceeded")
        assert reply.json_body["limit"] == quota
        assert str(quota) in reply.json_body["detail"]
    state = client.http.get("/v1/item/get", headers=auth(token)).json_body
    assert state["pending_item_count"] == quota
    assert stored_counter(token) == quota


def test_deleting_one_frees_a_place_under_the_quota(client: Client, token: str, quota: int) -> None:
    ids = [create_v2(client, token, f"t{index}").json_body["id"] for index in range(quota)]
    client.http.delete(f"/v2/todos/{ids[0]}", headers=bearer(token))
    send_json(client, "POST", "/v1/item/delete", {"title": "t1", "status": "DONE"}, auth(token))
    assert create_v2(client, token, "again").status_code == 201
    assert create_v1(client, token, "and-again").status_code == 200
    assert create_v2(client, token, "too many").status_code == 409
    assert stored_counter(token) == quota


def test_an_existing_title_at_the_quota_is_still_the_v1_no_op_and_a_v2_title_conflict(
    client: Client, token: str, quota: int
) -> None:
    for index in range(quota):
        create_v1(client, token, f"t{index}")
    v1 = create_v1(client, token, "t0")
    v2 = create_v2(client, token, "t0")
    assert (v1.status_code, v1.json_body["pending_item_count"]) == (200, quota)
    assert (v2.status_code, v2.json_body["field"]) == (409, "title")


def test_status_changes_and_renames_are_allowed_at_the_quota(
    client: Client, token: str, quota: int
) -> None:
    ids = [create_v2(client, token, f"t{index}").json_body["id"] for index in range(quota)]
    path = f"/v2/todos/{ids[0]}"
    renamed = send_json(client, "PATCH", path, {"title": "renamed"}, bearer(token))
    done = send_json(client, "PATCH", path, {"status": "DONE"}, bearer(token))
    assert (renamed.status_code, done.status_code) == (200, 200)
    assert stored_counter(token) == quota


def make_legacy(token: str, username: str, stale_count: int) -> None:
    """Store the user as releases before account items did: an old counter, no account."""
    client, table = dependencies.dynamodb_client(), dependencies.settings().table_name
    user_id = user_id_of(token)
    client.delete_item(TableName=table, Key=account_key(user_id))
    legacy = {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": LEGACY_COUNTER_SK}}
    client.put_item(TableName=table, Item={**legacy, "todos": {"N": str(stale_count)}})
    client.update_item(
        TableName=table, Key=login_key(username), UpdateExpression="REMOVE has_account"
    )


def test_a_user_from_before_account_items_gets_one_at_their_next_login(
    client: Client, quota: int
) -> None:
    # GIVEN a user with two todos, stored as before account items
    name = sign_up(client)
    old_token = log_in(client, name)
    create_v2(client, old_token, "old one")
    create_v2(client, old_token, "old two")
    make_legacy(old_token, name, stale_count=7)
    # WHEN their old token writes, THEN it is told to log in again, and can still read
    refused = create_v2(client, old_token, "new")
    assert (refused.status_code, refused.json_body["reason"]) == (401, "revoked")
    assert client.http.get("/v1/item/get", headers=auth(old_token)).status_code == 200
    # WHEN they log in, THEN their account is made, counted from the todos they had
    token = log_in(client, name)
    assert stored_counter(token) == 2
    assert create_v2(client, token, "new").status_code == 201
    assert create_v2(client, token, "past the quota").status_code == 409
    assert stored_counter(token) == quota
    legacy = {"pk": {"S": f"USER#{user_id_of(token)}"}, "sk": {"S": LEGACY_COUNTER_SK}}
    table = dependencies.settings().table_name
    assert "Item" not in dependencies.dynamodb_client().get_item(TableName=table, Key=legacy)


def test_sign_up_starts_the_account_with_no_todos(client: Client, token: str) -> None:
    assert stored_counter(token) == 0


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_a_quota_that_is_not_a_positive_whole_number_is_a_config_error(
    client: Client, token: str, stage_settings: Callable[..., None], value: str
) -> None:
    stage_settings(TODO_QUOTA=value)
    reply = create_v2(client, token, "x")
    assert reply.status_code == 503
