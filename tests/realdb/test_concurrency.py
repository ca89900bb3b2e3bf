"""Races on real DynamoDB semantics, with threads calling the Lambda handler."""

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from tests.realdb.conftest import Handler
from tests.support.api import credentials, v2_account
from tests.support.client import Reply


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def all_at_once(calls: list[Callable[[], Reply]]) -> list[Reply]:
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def titles_of(handler: Handler, token: str) -> list[str]:
    body = handler("GET", "/v2/todos?limit=100", headers=bearer(token)).body
    assert body["next_cursor"] is None
    return [todo["title"] for todo in body["items"]]


def test_fifty_simultaneous_v2_creates_of_one_title_make_exactly_one_todo(
    handler: Handler,
) -> None:
    token = handler.new_user()
    create = lambda: handler("POST", "/v2/todos", {"title": "same"}, bearer(token))  # noqa: E731
    replies = all_at_once([create] * 50)
    assert sorted(reply.status for reply in replies) == [201] + [409] * 49
    assert titles_of(handler, token) == ["same"]


def test_fifty_simultaneous_v1_creates_of_one_title_make_exactly_one_item(
    handler: Handler,
) -> None:
    token = handler.new_user()
    create = lambda: handler("POST", "/v1/item/create/same", headers={"token": token})  # noqa: E731
    replies = all_at_once([create] * 50)
    assert {reply.status for reply in replies} == {200}
    assert titles_of(handler, token) == ["same"]


def count_items(table_client: Any, table: str, prefix: str) -> int:
    pages = table_client.get_paginator("scan").paginate(
        TableName=table,
        FilterExpression="begins_with(pk, :prefix)",
        ExpressionAttributeValues={":prefix": {"S": prefix}},
    )
    return sum(page["Count"] for page in pages)


def test_twenty_simultaneous_sign_ups_with_one_username_make_one_user(
    handler: Handler, table_client: Any, real_table: str
) -> None:
    name = f"race-{uuid.uuid4().hex[:8]}"
    tag = uuid.uuid4().hex[:8]
    sign_ups = [
        lambda i=i: handler("POST", "/v2/users", v2_account(name, email=f"{tag}-{i}@example.com"))
        for i in range(20)
    ]
    before = count_items(table_client, real_table, "EMAIL#")
    replies = all_at_once(sign_ups)
    assert sorted(reply.status for reply in replies) == [201] + [409] * 19
    assert count_items(table_client, real_table, "EMAIL#") == before + 1
    login = handler("POST", "/v2/auth/token", credentials(name))
    assert login.status == 200


def test_twenty_simultaneous_sign_ups_with_one_email_make_one_user(
    handler: Handler, table_client: Any, real_table: str
) -> None:
    email = f"race-{uuid.uuid4().hex[:8]}@example.com"
    tag = uuid.uuid4().hex[:8]
    sign_ups = [
        lambda i=i: handler("POST", "/v2/users", v2_account(f"{tag}-{i}", email=email))
        for i in range(20)
    ]
    before = count_items(table_client, real_table, "USERNAME#")
    replies = all_at_once(sign_ups)
    assert sorted(reply.status for reply in replies) == [201] + [409] * 19
    assert count_items(table_client, real_table, "USERNAME#") == before + 1


def test_two_patches_with_one_if_match_give_one_200_and_one_412(handler: Handler) -> None:
    token = handler.new_user()
    todo = handler("POST", "/v2/todos", {"title": "contested"}, bearer(token)).body
    path = f"/v2/todos/{todo['id']}"
    headers = bearer(token) | {"if-match": '"1"'}
    replies = all_at_once(
        [
            lambda: handler("PATCH", path, {"title": "by-first", "status": "DONE"}, headers),
            lambda: handler("PATCH", path, {"title": "by-second"}, headers),
        ]
    )
    assert sorted(reply.status for reply in replies) == [200, 412]
    winner = next(reply for reply in replies if reply.status == 200)
    final = handler("GET", path, headers=bearer(token))
    assert final.body == winner.body
    assert final.headers["ETag"] == '"2"'
    assert titles_of(handler, token) == [winner.body["title"]]


def test_a_rename_racing_a_create_of_the_same_title_leaves_one_holder(handler: Handler) -> None:
    for _ in range(10):
        token = handler.new_user()
        todo = handler("POST", "/v2/todos", {"title": "before"}, bearer(token)).body
        rename = partial(handler, "PATCH", f"/v2/todos/{todo['id']}", {"title": "wanted"})
        create = partial(handler, "POST", "/v2/todos", {"title": "wanted"})
        replies = all_at_once([partial(rename, bearer(token)), partial(create, bearer(token))])
        assert sorted(reply.status for reply in replies) in ([200, 409], [201, 409])
        assert titles_of(handler, token).count("wanted") == 1
