"""Todos in DynamoDB: reads, and writes guarded by conditions.

Key layout and marshalling live in todo_items; title uniqueness in
title_claims. Nothing above this module sees DynamoDB's shapes.
"""

from typing import Any

from chalicelib.dynamo import n, s, transient_failures_as_unavailable
from chalicelib.title_claims import TitleClaims
from chalicelib.todo_items import (
    STATUS_INDEX,
    TODO_PREFIX,
    guard,
    guard_failure,
    partition,
    status_sk,
    todo_from_item,
    todo_item,
    todo_key,
)
from chalicelib.todos import Status, Todo


class TodoStore:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name
        self._claims = TitleClaims(client, table_name)

    def list_all(self, user_id: str) -> list[Todo]:
        """Every todo of the user, oldest first, read strongly consistently."""
        query = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": s(partition(user_id)), ":prefix": s(TODO_PREFIX)},
            "ConsistentRead": True,
        }
        todos: list[Todo] = []
        while True:
            with transient_failures_as_unavailable("Query"):
                page = self._client.query(**query)
            todos.extend(todo_from_item(item) for item in page["Items"])
            if "LastEvaluatedKey" not in page:
                return todos
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def insert(self, user_id: str, todo: Todo) -> None:
        """Store a new todo, or raise Conflict if the user already has its title."""
        put_todo = {
            "Put": {
                "TableName": self._table,
                "Item": todo_item(user_id, todo),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        self._claims.write_claiming(user_id, todo.title, todo.id, put_todo)

    def set_status(
        self,
        user_id: str,
        todo_id: str,
        status: Status,
        now: str,
        *,
        expected_title: str | None = None,
        expected_versions: list[int] | None = None,
    ) -> Todo:
        condition, values = guard(expected_title, expected_versions)
        values.update({":status": s(status), ":status_sk": s(status_sk(status, todo_id))})
        values.update({":now": s(now), ":one": n(1)})
        with transient_failures_as_unavailable("UpdateItem"):
            try:
                result = self._client.update_item(
                    TableName=self._table,
                    Key=todo_key(user_id, todo_id),
                    UpdateExpression="SET #status = :status, status_sk = :status_sk, "
                    "updated_at = :now, version = version + :one",
                    ConditionExpression=condition,
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues=values,
                    ReturnValues="ALL_NEW",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
            except self._client.exceptions.ConditionalCheckFailedException as error:
                raise guard_failure(error.response.get("Item"), expected_title) from None
        return todo_from_item(result["Attributes"])

    def delete(
        self,
        user_id: str,
        todo_id: str,
        *,
        expected_title: str | None = None,
        expected_versions: list[int] | None = None,
    ) -> Todo:
        condition, values = guard(expected_title, expected_versions)
        optional = {"ExpressionAttributeValues": values} if values else {}
        with transient_failures_as_unavailable("DeleteItem"):
            try:
                result = self._client.delete_item(
                    TableName=self._table,
                    Key=todo_key(user_id, todo_id),
                    ConditionExpression=condition,
                    ReturnValues="ALL_OLD",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                    **optional,
                )
            except self._client.exceptions.ConditionalCheckFailedException as error:
                raise guard_failure(error.response.get("Item"), expected_title) from None
        return todo_from_item(result["Attributes"])

    def get(self, user_id: str, todo_id: str) -> Todo | None:
        with transient_failures_as_unavailable("GetItem"):
            result = self._client.get_item(
                TableName=self._table, Key=todo_key(user_id, todo_id), ConsistentRead=True
            )
        item = result.get("Item")
        return todo_from_item(item) if item else None

    def page(
        self, user_id: str, status: Status | None, after_id: str | None, limit: int
    ) -> tuple[list[Todo], bool]:
        """Up to `limit` todos after `after_id`, oldest first, and whether more follow.

        Asking for one more than the page size, rather than trusting
        LastEvaluatedKey, means a full last page never leads to an empty one.
        Items are at most a few KB, so limit + 1 of them never reach the 1 MB
        page cap and one Query always suffices.
        """
        query = self._page_query(user_id, status, after_id)
        with transient_failures_as_unavailable("Query"):
            result = self._client.query(**query, Limit=limit + 1, ConsistentRead=True)
        todos = [todo_from_item(item) for item in result["Items"]]
        return todos[:limit], len(todos) > limit

    def rename(self, user_id: str, current: Todo, changed: Todo) -> None:
        """Write `changed` over `current`, taking the claim on its new title.

        The write is conditional on the stored version still being the one
        read, so a concurrent change makes this raise PreconditionFailed
        instead of being overwritten.
        """
        update = {
            "Update": {
                "TableName": self._table,
                "Key": todo_key(user_id, current.id),
                "UpdateExpression": "SET title = :title, #status = :status, "
                "status_sk = :status_sk, updated_at = :now, version = :next",
                "ConditionExpression": "version = :read",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {
                    ":title": s(changed.title),
                    ":status": s(changed.status),
                    ":status_sk": s(status_sk(changed.status, changed.id)),
                    ":now": s(changed.updated_at),
                    ":next": n(changed.version),
                    ":read": n(current.version),
                },
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }
        self._claims.write_claiming(user_id, changed.title, current.id, update)

    def _page_query(self, user_id: str, status: Status | None, after_id: str | None) -> dict:
        owner = s(partition(user_id))
        if status is None:
            query = {
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
                "ExpressionAttributeValues": {":pk": owner, ":prefix": s(TODO_PREFIX)},
            }
        else:
            query = {
                "IndexName": STATUS_INDEX,
                "KeyConditionExpression": "pk = :pk AND begins_with(status_sk, :prefix)",
                "ExpressionAttributeValues": {":pk": owner, ":prefix": s(f"{status}#")},
            }
        if after_id is not None:
            start = todo_key(user_id, after_id)
            if status is not None:
                start["status_sk"] = s(status_sk(status, after_id))
            query["ExclusiveStartKey"] = start
        return {"TableName": self._table, **query}
