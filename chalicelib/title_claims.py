"""Per-user unique titles, kept with claim items and transactions.

A claim (``TITLE#<digest>``) names the todo holding the title. It is only
live while that todo still exists with that title: deletes and renames
leave the old claim in place, and the next writer to want the title takes
it over in the same transaction that checks it is stale. So deletes and
status changes stay single writes with no read first, and two writers can
never both end up with one title.
"""

import random
import time
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.dynamo import (
    Item,
    cancellation_reasons,
    error_code,
    failed_condition,
    s,
    transient_failures_as_unavailable,
)
from chalicelib.errors import Conflict, Unavailable
from chalicelib.todo_items import claim_key, guard_failure, todo_key

MAX_TRANSACTION_ATTEMPTS = 5
TITLE_TAKEN = "You already have a todo with this title."


class TitleClaims:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def write_claiming(
        self, user_id: str, title: str, todo_id: str, todo_write: dict[str, Any]
    ) -> None:
        """Run todo_write in one transaction with taking the title's claim.

        The first attempt assumes nobody holds the claim. If somebody does,
        the claim's current holder comes back with the failure, and the next
        attempt takes the claim over only if that holder no longer has the
        title. Raises Conflict if it does.
        """
        holder: str | None = None
        for attempt in range(MAX_TRANSACTION_ATTEMPTS):
            claim = self._claim_items(user_id, title, todo_id, holder)
            try:
                self._transact([todo_write, *claim])
                return
            except ClientError as error:
                if error_code(error) != "TransactionCanceledException":
                    raise
                reasons = cancellation_reasons(error)
            next_holder = _next_holder(reasons, holder)
            if next_holder == holder:
                # Cancelled by contention: wait before trying the same thing.
                # A new holder means a different transaction, worth trying now.
                _back_off(attempt)
            holder = next_holder
        raise Unavailable("Too many concurrent changes to this title; try again shortly.")

    def _claim_items(
        self, user_id: str, title: str, todo_id: str, holder: str | None
    ) -> list[dict[str, Any]]:
        key = claim_key(user_id, title)
        if holder is None:
            return [self._put_claim(key, todo_id, "attribute_not_exists(pk)", {})]
        if holder == todo_id:
            return [self._put_claim(key, todo_id, "todo_id = :me", {":me": s(todo_id)})]
        holder_lost_title = {
            "ConditionCheck": {
                "TableName": self._table,
                "Key": todo_key(user_id, holder),
                "ConditionExpression": "attribute_not_exists(pk) OR title <> :title",
                "ExpressionAttributeValues": {":title": s(title)},
            }
        }
        take_over = self._put_claim(key, todo_id, "todo_id = :holder", {":holder": s(holder)})
        return [holder_lost_title, take_over]

    def _put_claim(
        self, key: Item, todo_id: str, condition: str, values: dict[str, Any]
    ) -> dict[str, Any]:
        put: dict[str, Any] = {
            "TableName": self._table,
            "Item": {**key, "todo_id": s(todo_id)},
            "ConditionExpression": condition,
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if values:
            put["ExpressionAttributeValues"] = values
        return {"Put": put}

    def _transact(self, items: list[dict[str, Any]]) -> None:
        with transient_failures_as_unavailable("TransactWriteItems"):
            self._client.transact_write_items(TransactItems=items)


def _next_holder(reasons: list[dict[str, Any]], holder: str | None) -> str | None:
    """Decide the next attempt from why this one was cancelled."""
    todo_reason, *claim_reasons = reasons or [{}]
    if failed_condition(todo_reason):
        raise guard_failure(todo_reason.get("Item"), None)
    if len(claim_reasons) == 2 and failed_condition(claim_reasons[0]):
        raise Conflict(TITLE_TAKEN, field="title")
    claim_reason = claim_reasons[-1] if claim_reasons else {}
    if failed_condition(claim_reason):
        return claim_reason.get("Item", {}).get("todo_id", {}).get("S")
    # Cancelled for contention, not a condition: retry the same attempt.
    return holder


def _back_off(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.01 * 2**attempt))  # noqa: S311 - jitter, not security
