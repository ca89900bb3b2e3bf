"""Where moto is laxer than DynamoDB: each case passes on DynamoDB Local."""

import pytest
from botocore.exceptions import ClientError

from tests.realdb.conftest import Handler


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_batch_writes_over_25_items_are_rejected_so_the_service_never_batches(
    table_client, real_table: str
) -> None:
    puts = [
        {"PutRequest": {"Item": {"pk": {"S": "batch"}, "sk": {"S": f"item-{i}"}}}}
        for i in range(26)
    ]
    with pytest.raises(ClientError) as rejected:
        table_client.batch_write_item(RequestItems={real_table: puts})
    assert rejected.value.response["Error"]["Code"] == "ValidationException"


def test_reading_an_oversized_key_is_an_error_not_a_miss(table_client, real_table: str) -> None:
    with pytest.raises(ClientError) as rejected:
        table_client.get_item(TableName=real_table, Key={"pk": {"S": "p"}, "sk": {"S": "x" * 1025}})
    assert rejected.value.response["Error"]["Code"] == "ValidationException"


def test_titles_and_usernames_past_key_size_limits_work_because_keys_hold_digests(
    handler: Handler,
) -> None:
    # NFKC turns U+FDFA into 18 characters: 64 of them would be a 3,456-byte key.
    long_name = "\ufdfa" * 64
    account = {"username": long_name, "email": "wide@example.com", "password": "long enough"}
    assert handler("POST", "/v2/users", account).status == 201
    grant = handler("POST", "/v2/auth/token", {"username": long_name, "password": "long enough"})
    token = grant.body["access_token"]
    title = "\U0001f600" * 255
    created = handler("POST", "/v2/todos", {"title": title}, bearer(token))
    assert (created.status, created.body["title"]) == (201, title)
    duplicate = handler("POST", "/v2/todos", {"title": title}, bearer(token))
    assert duplicate.status == 409


def test_a_query_page_that_fills_exactly_comes_back_with_a_last_evaluated_key(
    table_client, real_table: str
) -> None:
    for index in range(3):
        item = {"pk": {"S": "exact-page"}, "sk": {"S": f"item-{index}"}}
        table_client.put_item(TableName=real_table, Item=item)
    query = {
        "TableName": real_table,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": "exact-page"}},
        "Limit": 3,
    }
    first = table_client.query(**query)
    assert len(first["Items"]) == 3
    assert "LastEvaluatedKey" in first
    second = table_client.query(**query, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert second["Items"] == []


@pytest.mark.parametrize("count", [3, 4])
def test_v2_next_cursor_is_null_exactly_when_nothing_follows(handler: Handler, count: int) -> None:
    token = handler.new_user()
    for index in range(count):
        handler("POST", "/v2/todos", {"title": f"t{index}"}, bearer(token))
    first = handler("GET", "/v2/todos?limit=2", headers=bearer(token)).body
    second = handler(
        "GET", f"/v2/todos?limit=2&cursor={first['next_cursor']}", headers=bearer(token)
    )
    assert len(second.body["items"]) == count - 2
    assert second.body["next_cursor"] is None


def test_v1_get_follows_pages_even_when_one_fills_exactly(handler: Handler) -> None:
    token = handler.new_user()
    for index in range(4):
        handler("POST", f"/v1/item/create/t{index}", headers={"token": token})
    state = handler("GET", "/v1/item/get", headers={"token": token}).body
    assert state["pending_item_count"] == 4


def test_updated_new_returns_only_changed_attributes_so_the_service_asks_for_all_new(
    table_client, real_table: str, handler: Handler
) -> None:
    table_client.put_item(
        TableName=real_table, Item={"pk": {"S": "rv"}, "sk": {"S": "1"}, "n": {"N": "1"}}
    )
    result = table_client.update_item(
        TableName=real_table,
        Key={"pk": {"S": "rv"}, "sk": {"S": "1"}},
        UpdateExpression="SET n = :two",
        ExpressionAttributeValues={":two": {"N": "2"}},
        ReturnValues="UPDATED_NEW",
    )
    assert result["Attributes"] == {"n": {"N": "2"}}
    token = handler.new_user()
    todo = handler("POST", "/v2/todos", {"title": "x"}, bearer(token)).body
    patched = handler("PATCH", f"/v2/todos/{todo['id']}", {"status": "DONE"}, bearer(token))
    now = patched.body["updated_at"]
    assert patched.body == {**todo, "status": "DONE", "updated_at": now, "completed_at": now}
