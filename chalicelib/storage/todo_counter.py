"""How many todos each user has: the counter item that enforces the quota.

Creates add one and deletes take one away in the same transaction as the
todo itself, so the count is exact and the quota holds however many
requests race. Sign-up starts the counter at zero. Users who signed up
before the counter existed have none: the first write that needs it counts
their todos once with a strongly consistent Query and starts it from that.
Every counted write requires the counter to exist, so no write can land
between that count and the counter being stored.
"""

from typing import Any

from chalicelib.platform.logs import log_event
from chalicelib.storage.dynamo import ConditionFailed, Table, n, s
from chalicelib.storage.todo_keys import TODO_PREFIX, counter_item, counter_key, partition


class TodoCounter:
    def __init__(self, table: Table, quota: int) -> None:
        self._table = table
        self.quota = quota

    def add_one(self, user_id: str) -> dict[str, Any]:
        """The transaction item for a create: fails while the user is at the quota."""
        return self._change(user_id, "SET todos = todos + :one", "todos < :quota", self.quota)

    def take_one(self, user_id: str) -> dict[str, Any]:
        """The transaction item for a delete: fails only when there is no counter yet."""
        return self._change(user_id, "SET todos = todos - :one", "attribute_exists(todos)")

    def start(self, user_id: str) -> None:
        """Create a missing counter from a count of the user's todos; a no-op if one exists."""
        todos = self._count_todos(user_id)
        try:
            self._table.put_item(
                Item=counter_item(user_id, todos), ConditionExpression="attribute_not_exists(pk)"
            )
        except ConditionFailed:
            return  # a concurrent request started it from the same count
        log_event("todo_counter_started", todos=todos)

    def _change(
        self, user_id: str, update: str, condition: str, quota: int | None = None
    ) -> dict[str, Any]:
        values = {":one": n(1)} if quota is None else {":one": n(1), ":quota": n(quota)}
        return {
            "Update": {
                "TableName": self._table.name,
                "Key": counter_key(user_id),
                "UpdateExpression": update,
                "ConditionExpression": condition,
                "ExpressionAttributeValues": values,
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

    def _count_todos(self, user_id: str) -> int:
        query: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": s(partition(user_id)), ":prefix": s(TODO_PREFIX)},
            "Select": "COUNT",
            "ConsistentRead": True,
        }
        total = 0
        while True:
            page = self._table.query(**query)
            total += page["Count"]
            if "LastEvaluatedKey" not in page:
                return total
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
