"""A transaction that DynamoDB applied but whose answer timed out is retried harmlessly.

The service retries a call whose answer did not arrive in time (README,
Retries). For a transaction that DynamoDB did apply, a plain resend would
find its own write and fail its conditions: a create would answer 409 or
422, an update 412. DynamoDB Local, like DynamoDB, recognises the resend
by its ClientRequestToken and answers it as the first.
"""

from typing import Any

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ReadTimeoutError

from tests.realdb.conftest import Handler
from tests.support.api import bearer


def lose_first_answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, each TransactWriteItems is applied, then its first answer is lost to a
    read timeout; what is sent is recorded."""
    lost: list[str] = []
    real = BaseClient._make_api_call

    def make_api_call(self: Any, operation: str, params: dict[str, Any]) -> Any:
        answer = real(self, operation, params)
        if operation == "TransactWriteItems" and len(lost) % 2 == 0:
            lost.append(params.get("ClientRequestToken", ""))
            raise ReadTimeoutError(endpoint_url="http://dynamodb")
        if operation == "TransactWriteItems":
            lost.append("answered")
        return answer

    monkeypatch.setattr(BaseClient, "_make_api_call", make_api_call)
    return lost


def test_a_create_and_an_update_whose_answers_were_lost_still_succeed(
    handler: Handler, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = handler.new_user()
    sent = lose_first_answers(monkeypatch)
    created = handler("POST", "/v2/todos", {"title": "washing"}, bearer(token))
    assert created.status == 201, created.body
    patched = handler(
        "PATCH",
        f"/v2/todos/{created.body['id']}",
        {"status": "DONE"},
        bearer(token) | {"if-match": '"1"'},
    )
    assert patched.status == 200, patched.body
    listed = handler("GET", "/v2/todos", headers=bearer(token)).body["items"]
    assert [(t["title"], t["status"]) for t in listed] == [("washing", "DONE")]
    assert len(sent) >= 4  # each write was sent twice
