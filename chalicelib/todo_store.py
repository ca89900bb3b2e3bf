"""Todos in DynamoDB. The only module that knows their key layout.

Each user's data lives in one partition, ``USER#<user id>``:

* ``TODO#<id>``: the todo. Ids are ULIDs, so sort-key order is creation order.
  ``status_sk`` (``<STATUS>#<id>``) feeds the ``by_status`` local index.
* ``TITLE#<sha256 of title>``: a claim that makes titles unique per user. It
  names the todo holding the title. A claim is only live while that todo
  still exists with that title: deletes and renames leave the old claim in
  place, and the next writer to want the title takes it over in the same
  transaction that checks it is stale. This keeps delete and status changes
  to a single call with no read first.
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
    key_digest,
    n,
    s,
    transient_failures_as_unavailable,
)
from chalicelib.errors import Conflict, NotFound, PreconditionFailed, Unavailable
from chalicelib.todos import Status, Todo

TODO_PREFIX = "TODO#"
TITLE_PREFIX = "TITLE#"
STATUS_INDEX = "by_status"
MAX_TRANSACTION_ATTEMPTS = 5
TITLE_TAKEN = "You already have a todo with this title."


class TodoStore:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def list_all(self, user_id: str) -> list[Todo]:
        """Every todo of the user, oldest first, read strongly consistently."""
        query = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": s(_partition(user_id)), ":prefix": s(TODO_PREFIX)},
            "ConsistentRead": True,
        }
        todos: list[Todo] = []
        while True:
            with transient_failures_as_unavailable("Query"):
                page = self._client.query(**query)
            todos.extend(_todo_from_item(item) for item in page["Items"])
            if "LastEvaluatedKey" not in page:
                return todos
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def insert(self, user_id: str, todo: Todo) -> None:
        """Store a new todo, or raise Conflict if the user already has its title."""
        put_todo = {
            "Put": {
                "TableName": self._table,
                "Item": _todo_item(user_id, todo),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        self._write_claiming_title(user_id, todo.title, todo.id, put_todo)

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
        condition, values = _guard(expected_title, expected_versions)
        values.update({":status": s(status), ":status_sk": s(_status_sk(status, todo_id))})
        values.update({":now": s(now), ":one": n(1)})
        with transient_failures_as_unavailable("UpdateItem"):
            try:
                result = self._client.update_item(
                    TableName=self._table,
                    Key=_todo_key(user_id, todo_id),
                    UpdateExpression="SET #status = :status, status_sk = :status_sk, "
                    "updated_at = :now, version = version + :one",
                    ConditionExpression=condition,
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues=values,
                    ReturnValues="ALL_NEW",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
            except self._client.exceptions.ConditionalCheckFailedException as error:
                raise _guard_failure(error.response.get("Item"), expected_title) from None
        return _todo_from_item(result["Attributes"])

    def delete(
        self,
        user_id: str,
        todo_id: str,
        *,
        expected_title: str | None = None,
        expected_versions: list[int] | None = None,
    ) -> Todo:
        condition, values = _guard(expected_title, expected_versions)
        optional = {"ExpressionAttributeValues": values} if values else {}
        with transient_failures_as_unavailable("DeleteItem"):
            try:
                result = self._client.delete_item(
                    TableName=self._table,
                    Key=_todo_key(user_id, todo_id),
                    ConditionExpression=condition,
                    ReturnValues="ALL_OLD",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                    **optional,
                )
            except self._client.exceptions.ConditionalCheckFailedException as error:
                raise _guard_failure(error.response.get("Item"), expected_title) from None
        return _todo_from_item(result["Attributes"])

    def get(self, user_id: str, todo_id: str) -> Todo | None:
        with transient_failures_as_unavailable("GetItem"):
            result = self._client.get_item(
                TableName=self._table, Key=_todo_key(user_id, todo_id), ConsistentRead=True
            )
        item = result.get("Item")
        return _todo_from_item(item) if item else None

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
        todos = [_todo_from_item(item) for item in result["Items"]]
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
                "Key": _todo_key(user_id, current.id),
                "UpdateExpression": "SET title = :title, #status = :status, "
                "status_sk = :status_sk, updated_at = :now, version = :next",
                "ConditionExpression": "version = :read",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {
                    ":title": s(changed.title),
                    ":status": s(changed.status),
                    ":status_sk": s(_status_sk(changed.status, changed.id)),
                    ":now": s(changed.updated_at),
                    ":next": n(changed.version),
                    ":read": n(current.version),
                },
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }
        self._write_claiming_title(user_id, changed.title, current.id, update)

    def _page_query(self, user_id: str, status: Status | None, after_id: str | None) -> dict:
        partition = s(_partition(user_id))
        if status is None:
            query = {
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
                "ExpressionAttributeValues": {":pk": partition, ":prefix": s(TODO_PREFIX)},
            }
        else:
            query = {
                "IndexName": STATUS_INDEX,
                "KeyConditionExpression": "pk = :pk AND begins_with(status_sk, :prefix)",
                "ExpressionAttributeValues": {":pk": partition, ":prefix": s(f"{status}#")},
            }
        if after_id is not None:
            start = _todo_key(user_id, after_id)
            if status is not None:
                start["status_sk"] = s(_status_sk(status, after_id))
            query["ExclusiveStartKey"] = start
        return {"TableName": self._table, **query}

    def _write_claiming_title(
        self, user_id: str, title: str, todo_id: str, todo_write: dict[str, Any]
    ) -> None:
        """Run todo_write in one transaction with taking the title's claim.

        The first attempt assumes nobody holds the claim. If somebody does,
        the claim's current holder comes back with the failure, and the next
        attempt takes the claim over only if that holder no longer has the
        title. Each attempt is one atomic transaction, so two writers can never
        both end up with the same title.
        """
        holder: str | None = None
        for attempt in range(MAX_TRANSACTION_ATTEMPTS):
            claim_items = self._claim_items(user_id, title, todo_id, holder)
            try:
                self._transact([todo_write, *claim_items])
                return
            except ClientError as error:
                if error_code(error) != "TransactionCanceledException":
                    raise
                reasons = cancellation_reasons(error)
            holder = self._next_holder(reasons, holder)
            _back_off(attempt)
        raise Unavailable("Too many concurrent changes to this title; try again shortly.")

    @staticmethod
    def _next_holder(reasons: list[dict[str, Any]], holder: str | None) -> str | None:
        """Decide the next attempt from why this one was cancelled."""
        todo_reason, *claim_reasons = reasons or [{}]
        if failed_condition(todo_reason):
            raise _guard_failure(todo_reason.get("Item"), None)
        if len(claim_reasons) == 2 and failed_condition(claim_reasons[0]):
            raise Conflict(TITLE_TAKEN, field="title")
        claim_reason = claim_reasons[-1] if claim_reasons else {}
        if failed_condition(claim_reason):
            return claim_reason.get("Item", {}).get("todo_id", {}).get("S")
        # Cancelled for contention, not a condition: retry the same attempt.
        return holder

    def _claim_items(
        self, user_id: str, title: str, todo_id: str, holder: str | None
    ) -> list[dict[str, Any]]:
        claim_key = _claim_key(user_id, title)
        if holder is None:
            return [self._put_claim(claim_key, todo_id, "attribute_not_exists(pk)", {})]
        if holder == todo_id:
            return [self._put_claim(claim_key, todo_id, "todo_id = :me", {":me": s(todo_id)})]
        still_has_title = {
            "ConditionCheck": {
                "TableName": self._table,
                "Key": _todo_key(user_id, holder),
                "ConditionExpression": "attribute_not_exists(pk) OR title <> :title",
                "ExpressionAttributeValues": {":title": s(title)},
            }
        }
        claim = self._put_claim(claim_key, todo_id, "todo_id = :holder", {":holder": s(holder)})
        return [still_has_title, claim]

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


def _guard(expected_title: str | None, expected_versions: list[int] | None) -> tuple[str, dict]:
    condition = "attribute_exists(pk)"
    values: dict[str, Any] = {}
    if expected_title is not None:
        condition += " AND title = :expected_title"
        values[":expected_title"] = s(expected_title)
    if expected_versions is not None:
        names = [f":version{index}" for index in range(len(expected_versions))]
        condition += f" AND version IN ({', '.join(names)})"
        values.update({name: n(v) for name, v in zip(names, expected_versions, strict=True)})
    return condition, values


def _guard_failure(old_item: Item | None, expected_title: str | None) -> Exception:
    if old_item is None:
        return NotFound("No such todo.")
    if expected_title is not None and old_item.get("title", {}).get("S") != expected_title:
        return NotFound("No such todo.")
    return PreconditionFailed("The todo has changed since the version given in If-Match.")


def _back_off(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.01 * 2**attempt))  # noqa: S311 - jitter, not security


def _partition(user_id: str) -> str:
    return f"USER#{user_id}"


def _todo_key(user_id: str, todo_id: str) -> Item:
    return {"pk": s(_partition(user_id)), "sk": s(TODO_PREFIX + todo_id)}


def _claim_key(user_id: str, title: str) -> Item:
    # A 255-character title can be 1,020 UTF-8 bytes: past the 1,024-byte
    # sort-key limit once prefixed, so the key holds a digest instead.
    return {"pk": s(_partition(user_id)), "sk": s(TITLE_PREFIX + key_digest(title))}


def _status_sk(status: Status, todo_id: str) -> str:
    return f"{status}#{todo_id}"


def _todo_item(user_id: str, todo: Todo) -> Item:
    return {
        **_todo_key(user_id, todo.id),
        "id": s(todo.id),
        "title": s(todo.title),
        "status": s(todo.status),
        "status_sk": s(_status_sk(todo.status, todo.id)),
        "created_at": s(todo.created_at),
        "updated_at": s(todo.updated_at),
        "version": n(todo.version),
    }


def _todo_from_item(item: Item) -> Todo:
    return Todo(
        id=item["id"]["S"],
        title=item["title"]["S"],
        status=Status(item["status"]["S"]),
        created_at=item["created_at"]["S"],
        updated_at=item["updated_at"]["S"],
        version=int(item["version"]["N"]),
    )
