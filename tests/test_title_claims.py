"""Unit tests for taking a title's claim: what each cancellation leads to."""

from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib import title_claims
from chalicelib.errors import Conflict, NotFound, Unavailable
from chalicelib.title_claims import MAX_TRANSACTION_ATTEMPTS, TitleClaims

TODO_WRITE = {"Put": {"TableName": "t", "Item": {}}}


def cancelled(*codes: str, holder: str | None = None) -> ClientError:
    reasons: list[dict[str, Any]] = [{"Code": code} for code in codes]
    if holder is not None:
        reasons[-1]["Item"] = {"todo_id": {"S": holder}}
    response = {
        "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
        "CancellationReasons": reasons,
    }
    return ClientError(response, "TransactWriteItems")


class FakeClient:
    """Answers each transaction with the next scripted outcome, recording what was sent."""

    def __init__(self, *outcomes: ClientError | None) -> None:
        self._outcomes = list(outcomes)
        self.sent: list[list[dict]] = []

    def transact_write_items(self, TransactItems: list[dict]) -> None:
        self.sent.append(TransactItems)
        outcome = self._outcomes.pop(0)
        if outcome is not None:
            raise outcome


@pytest.fixture
def back_offs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(title_claims, "_back_off", calls.append)
    return calls


def claim(client: FakeClient) -> None:
    TitleClaims(client, "t").write_claiming("user", "washing", "new-id", TODO_WRITE)


def test_a_free_title_is_one_transaction(back_offs: list[int]) -> None:
    client = FakeClient(None)
    claim(client)
    assert len(client.sent) == 1
    assert back_offs == []


def test_a_held_title_checks_its_holder_at_once_then_conflicts(back_offs: list[int]) -> None:
    client = FakeClient(
        cancelled("None", "ConditionalCheckFailed", holder="old-id"),
        cancelled("None", "ConditionalCheckFailed", "None"),
    )
    with pytest.raises(Conflict):
        claim(client)
    second = client.sent[1]
    assert second[1]["ConditionCheck"]["Key"]["sk"] == {"S": "TODO#old-id"}
    assert back_offs == []


def test_a_stale_claim_is_taken_over_at_once(back_offs: list[int]) -> None:
    client = FakeClient(cancelled("None", "ConditionalCheckFailed", holder="old-id"), None)
    claim(client)
    assert client.sent[1][2]["Put"]["ConditionExpression"] == "todo_id = :holder"
    assert back_offs == []


def test_contention_retries_the_same_transaction_after_a_back_off(back_offs: list[int]) -> None:
    client = FakeClient(cancelled("None", "TransactionConflict"), None)
    claim(client)
    assert client.sent[0] == client.sent[1]
    assert back_offs == [0]


def test_endless_contention_gives_up_as_unavailable(back_offs: list[int]) -> None:
    client = FakeClient(*[cancelled("None", "TransactionConflict")] * MAX_TRANSACTION_ATTEMPTS)
    with pytest.raises(Unavailable):
        claim(client)
    assert back_offs == list(range(MAX_TRANSACTION_ATTEMPTS))


def test_a_failed_todo_condition_is_the_todos_own_failure(back_offs: list[int]) -> None:
    client = FakeClient(cancelled("ConditionalCheckFailed", "None"))
    with pytest.raises(NotFound):
        claim(client)
