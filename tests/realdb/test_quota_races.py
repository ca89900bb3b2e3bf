"""The todo quota under races, on DynamoDB Local's real transaction semantics."""

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import jwt
import pytest

from chalicelib import dependencies
from chalicelib.storage.user_keys import login_key
from tests.realdb.conftest import Handler
from tests.support.api import V2, credentials
from tests.support.client import Reply

QUOTA = 20


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def all_at_once(calls: list[Callable[[], Reply]]) -> list[Reply]:
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def partition(token: str) -> dict[str, str]:
    return {"S": "USER#" + jwt.decode(token, options={"verify_signature": False})["sub"]}


def stored(table_client: Any, table: str, token: str) -> tuple[int, int | None]:
    """(todos in the table, the count on the account item) for the token's user."""
    todos = table_client.query(
        TableName=table,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :todo)",
        ExpressionAttributeValues={":pk": partition(token), ":todo": {"S": "TODO#"}},
        Select="COUNT",
        ConsistentRead=True,
    )["Count"]
    key = {"pk": partition(token), "sk": {"S": "ACCOUNT"}}
    account = table_client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
    return todos, int(account["todos"]["N"]) if account else None


@pytest.fixture
def quota(handler: Handler, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("TODO_QUOTA", str(QUOTA))
    dependencies.reset()
    return QUOTA


def create_v2(handler: Handler, token: str, title: str) -> Callable[[], Reply]:
    return partial(handler, "POST", "/v2/todos", {"title": title}, bearer(token))


def fill_to(handler: Handler, token: str, count: int) -> None:
    for index in range(count):
        assert handler("POST", "/v2/todos", {"title": f"kept {index}"}, bearer(token)).status == 201


def test_fifty_creates_at_the_quota_less_one_leave_exactly_one_winner(
    handler: Handler, quota: int, table_client: Any, real_table: str
) -> None:
    # GIVEN a user one todo short of the quota
    token = handler.new_user()
    fill_to(handler, token, quota - 1)
    # WHEN fifty different creates race, half through v1 and half through v2
    v2 = [create_v2(handler, token, f"racer {n}") for n in range(25)]
    v1 = [
        partial(handler, "POST", f"/v1/item/create/racer-{n}", None, bearer(token))
        for n in range(25)
    ]
    replies = all_at_once(v2 + v1)
    # THEN exactly one is stored, every other one is told the quota is full,
    # and the counter equals the todos really stored
    statuses = sorted(reply.status for reply in replies)
    assert statuses in ([200] + [409] * 49, [201] + [409] * 49), statuses
    refused = [reply.body for reply in replies if reply.status == 409]
    assert {problem["type"] for problem in refused} == {"/problems/quota-exceeded"}
    assert stored(table_client, real_table, token) == (quota, quota)


def test_concurrent_first_logins_of_a_user_from_before_accounts_make_one_exact_account(
    handler: Handler, quota: int, table_client: Any, real_table: str
) -> None:
    # GIVEN a user from before account items, with three todos and an old counter
    name = f"legacy-{uuid.uuid4().hex[:8]}"
    v2 = V2(handler)
    token = v2.log_in(v2.sign_up(name))
    fill_to(handler, token, 3)
    table_client.delete_item(
        TableName=real_table, Key={"pk": partition(token), "sk": {"S": "ACCOUNT"}}
    )
    table_client.update_item(
        TableName=real_table, Key=login_key(name), UpdateExpression="REMOVE has_account"
    )
    # WHEN ten logins race to be the first since
    logins = all_at_once([partial(handler, "POST", "/v2/auth/token", credentials(name))] * 10)
    # THEN every one succeeds, and the one account made counts the todos exactly
    assert [reply.status for reply in logins] == [200] * 10
    assert stored(table_client, real_table, token) == (3, 3)
    fresh = logins[0].body["access_token"]
    assert handler("POST", "/v2/todos", {"title": "new"}, bearer(fresh)).status == 201
    assert stored(table_client, real_table, token) == (4, 4)
