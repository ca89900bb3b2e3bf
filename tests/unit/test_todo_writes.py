"""Unit tests for TodoStore's transactional writes: what each cancellation leads to.

A fake client answers each transaction with a scripted outcome, naming the
failed items by what they are (the todo, the account, the claim, the
holder check, the change record), the way DynamoDB lists one reason per item.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.domain.errors import Conflict, NotFound, QuotaExceeded, SessionEnded, Unavailable
from chalicelib.domain.todos import Expected, Status, Todo
from chalicelib.domain.users import Caller
from chalicelib.platform import retries
from chalicelib.storage.dynamo import Table
from chalicelib.storage.todo_store import TodoStore

QUOTA = 3
CALLER = Caller("user", token_issued_ms=1_000)
NEW_TODO = Todo("01J0000000000000000000NEW0", "washing", Status.PENDING, "t", "t", 1)
Outcome = dict[str, tuple[str, dict | None]] | None


def role(item: dict[str, Any]) -> str:
    """What a transaction item is, from its operation and sort key."""
    operation, body = next(iter(item.items()))
    sort_key = body.get("Key", body.get("Item", {}))["sk"]["S"]
    if sort_key == "ACCOUNT":
        return "account"
    if sort_key.startswith("TITLE#"):
        return "claim"
    if sort_key.startswith("CHANGE#"):
        return "change"
    return "holder" if operation == "ConditionCheck" else "todo"


class FakeClient:
    """Answers each transaction with the next scripted outcome, recording what was sent."""

    def __init__(self, *outcomes: Outcome) -> None:
        self._outcomes = list(outcomes)
        self.sent: list[list[dict]] = []

    def transact_write_items(self, TransactItems: list[dict], ClientRequestToken: str) -> None:
        self.sent.append(TransactItems)
        outcome = self._outcomes.pop(0)
        if outcome is None:
            return
        reasons = []
        for item in TransactItems:
            code, old = outcome.get(role(item), ("None", None))
            reasons.append({"Code": code} | ({"Item": old} if old is not None else {}))
        error = {"Code": "TransactionCanceledException", "Message": "cancelled"}
        raise ClientError({"Error": error, "CancellationReasons": reasons}, "TransactWriteItems")


def held_by(todo_id: str) -> tuple[str, dict]:
    return "ConditionalCheckFailed", {"todo_id": {"S": todo_id}}


FAILED = ("ConditionalCheckFailed", None)
CONTENDED = ("TransactionConflict", None)


@pytest.fixture
def back_offs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The waits before each retry, recorded instead of slept; retry n waits n + 1 seconds."""
    waits: list[float] = []
    monkeypatch.setattr(retries, "back_off", lambda attempt: float(attempt + 1))
    monkeypatch.setattr(retries, "sleep", waits.append)
    with retries.request_budget():
        yield waits


CLOCK_US = 1_000_000


def store(client: FakeClient) -> TodoStore:
    return TodoStore(Table(client, "t"), QUOTA, clock_us=lambda: CLOCK_US)


def insert(client: FakeClient) -> None:
    store(client).insert(CALLER, NEW_TODO)


def roles(transaction: list[dict]) -> list[str]:
    return [role(item) for item in transaction]


def test_a_free_title_under_the_quota_is_one_transaction(back_offs: list[float]) -> None:
    client = FakeClient(None)
    insert(client)
    assert [roles(sent) for sent in client.sent] == [["todo", "claim", "account", "change"]]
    assert back_offs == []


def test_a_held_title_checks_its_holder_at_once_then_conflicts(back_offs: list[float]) -> None:
    client = FakeClient({"claim": held_by("old-id")}, {"holder": FAILED})
    with pytest.raises(Conflict):
        insert(client)
    holder_check = client.sent[1][roles(client.sent[1]).index("holder")]
    assert holder_check["ConditionCheck"]["Key"]["sk"] == {"S": "TODO#old-id"}
    assert back_offs == []


def test_a_stale_claim_is_taken_over_at_once(back_offs: list[float]) -> None:
    client = FakeClient({"claim": held_by("old-id")}, None)
    insert(client)
    take_over = client.sent[1][roles(client.sent[1]).index("claim")]
    assert take_over["Put"]["ConditionExpression"] == "todo_id = :holder"
    assert back_offs == []


def account(todos: int, sessions_valid_from: int = 0, seq: int = 0) -> tuple[str, dict]:
    """A failed condition on the account item, as it stood."""
    as_stored = {
        "todos": {"N": str(todos)},
        "sessions_valid_from": {"N": str(sessions_valid_from)},
        "seq": {"N": str(seq)},
    }
    return "ConditionalCheckFailed", as_stored


def test_a_full_account_is_quota_exceeded_naming_the_limit(back_offs: list[float]) -> None:
    client = FakeClient({"account": account(QUOTA)})
    with pytest.raises(QuotaExceeded) as raised:
        insert(client)
    assert raised.value.limit == QUOTA
    assert len(client.sent) == 1


def test_a_taken_title_wins_over_a_full_quota(back_offs: list[float]) -> None:
    full = account(QUOTA)
    client = FakeClient({"claim": held_by("old-id"), "account": full}, {"holder": FAILED})
    with pytest.raises(Conflict):
        insert(client)


@pytest.mark.parametrize(
    "stood", [FAILED, account(todos=0, sessions_valid_from=CALLER.token_issued_ms + 1)]
)
def test_a_missing_account_or_ended_sessions_refuse_the_write_before_anything_else(
    back_offs: list[float], stood: tuple[str, dict | None]
) -> None:
    client = FakeClient({"account": stood, "claim": held_by("old-id"), "todo": FAILED})
    with pytest.raises(SessionEnded):
        insert(client)
    assert len(client.sent) == 1


def test_contention_retries_the_same_transaction_after_a_back_off(back_offs: list[float]) -> None:
    client = FakeClient({"claim": CONTENDED}, None)
    insert(client)
    assert client.sent[0] == client.sent[1]
    assert back_offs == [1.0]


def test_endless_contention_gives_up_as_unavailable_when_the_budget_is_spent(
    back_offs: list[float],
) -> None:
    attempts = 1 + retries.MAX_RETRIES_PER_REQUEST
    client = FakeClient(*[{"claim": CONTENDED}] * attempts)
    with pytest.raises(Unavailable):
        insert(client)
    assert len(client.sent) == attempts
    assert back_offs == [float(n + 1) for n in range(retries.MAX_RETRIES_PER_REQUEST)]


def test_a_failed_todo_condition_is_the_todos_own_failure(back_offs: list[float]) -> None:
    client = FakeClient({"todo": FAILED})
    with pytest.raises(NotFound):
        store(client).delete(CALLER, "some-id", Expected(title="washing"))
    assert roles(client.sent[0]) == ["todo", "account", "change"]


def change_number(transaction: list[dict]) -> int:
    account_item = transaction[roles(transaction).index("account")]
    return int(account_item["Update"]["ExpressionAttributeValues"][":seq"]["N"])


def test_a_change_number_taken_meanwhile_retries_at_once_above_it(
    back_offs: list[float],
) -> None:
    later = CLOCK_US + 500
    client = FakeClient({"account": account(todos=0, seq=later)}, None)
    insert(client)
    assert [change_number(sent) for sent in client.sent] == [CLOCK_US, later + 1]
    record = client.sent[1][roles(client.sent[1]).index("change")]["Put"]["Item"]
    assert record["sk"]["S"] == f"CHANGE#{later + 1:020d}"
    assert back_offs == []
