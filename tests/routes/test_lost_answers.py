"""A write whose answer is lost after it committed (a read timeout, then a retry) is
reported as done, once, rather than as a failure."""

from typing import Any

import pytest
from botocore.exceptions import ReadTimeoutError
from chalice.test import Client

from chalicelib import dependencies
from tests.routes.test_task_lists import call


@pytest.fixture
def first_answer_lost(client: Client) -> list[str]:
    """The first TransactWriteItems commits but its answer never arrives; the tokens sent."""
    events = dependencies.dynamodb_client().meta.events
    tokens: list[str] = []
    lost = [False]

    def remember(params: dict[str, Any], **_: Any) -> None:
        tokens.append(params.get("ClientRequestToken", ""))

    def lose(**_: Any) -> None:
        if not lost[0]:
            lost[0] = True
            raise ReadTimeoutError(endpoint_url="http://dynamodb")

    events.register("before-parameter-build.dynamodb.TransactWriteItems", remember)
    events.register("after-call.dynamodb.TransactWriteItems", lose)
    yield tokens
    events.unregister("before-parameter-build.dynamodb.TransactWriteItems", remember)
    events.unregister("after-call.dynamodb.TransactWriteItems", lose)


def test_a_create_whose_answer_was_lost_is_created_once_and_says_so(
    client: Client, token: str, first_answer_lost: list[str]
) -> None:
    reply = call(client, token, "POST", "/v2/todos", {"title": "washing"})
    assert reply.status_code == 201, reply.json_body
    # the retry carried the same idempotency token, which DynamoDB answers with success
    assert len(first_answer_lost) == 2
    assert first_answer_lost[0] == first_answer_lost[1] != ""
    items = call(client, token, "GET", "/v2/todos").json_body["items"]
    assert [todo["id"] for todo in items] == [reply.json_body["id"]]
