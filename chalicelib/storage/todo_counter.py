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
from chalicelib.storage.dynamo import n, s, transient_failures_as_unavailable
from chalicelib.storage.todo_keys import TODO_PREFIX, counter_item, counter_key, partition


class TodoCounter:
    def __init__(self, client: Any, table_name: str, quota: int) -> None:
        self._client = client
        self._table = table_name
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
            with transient_failures_as_unavailable("PutItem"):
                self._client.put_item(
                    TableName=self._table,
                    Item=counter_item(user_id, todos),
                    ConditionExpression="attribute_not_exists(pk)",
                )
        except self._client.exceptions.ConditionalCheckFailedException:
            return  # a concurrent request started it from the same count
        log_event("todo_counter_started", todos=todos)

    def _change(
        self, user_id: str, update: str, condition: str, quota: int | None = None
    ) -> dict[str, Any]:
        values = {":one": n(1)} if quota is None else {":one": n(1), ":quota": n(quota)}
        return {
            "Update": {
                "TableName": self._table,
                "Key": counter_key(user_id),
                "UpdateExpression": update,
                "ConditionExpression": condition,
                "ExpressionAttributeValues": values,
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

    def _count_todos(self, user_id: str) -> int:
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": s(partition(user_id)), ":prefix": s(TODO_PREFIX)},
            "Select": "COUNT",
            "ConsistentRead": True,
        }
        total = 0
        while True:
            with transient_failures_as_unavailable("Query"):
                page = self._client.query(**query)
            total += page["Count"]
            if "LastEvaluatedKey" not in page:
                return total
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
