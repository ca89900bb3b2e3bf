"""Todos in DynamoDB: reads, and writes guarded by conditions.

Key layout and marshalling live in todo_keys, title uniqueness in
title_claims, and what every write asks of the account item (the count
behind the quota, and that the caller's session stands) in account_checks.
Every write is one transaction. Nothing above this module sees DynamoDB's
shapes.
"""

from dataclasses import fields
from typing import Any

from chalicelib.domain.errors import Conflict, SessionEnded, Unavailable
from chalicelib.domain.todos import Expected, Status, Todo, TodoPatch
from chalicelib.domain.users import Caller
from chalicelib.platform import retries
from chalicelib.storage.account_checks import AccountChecks
from chalicelib.storage.dynamo import Cancelled, Table, n, s
from chalicelib.storage.title_claims import TITLE_TAKEN, claim_holder, claim_items
from chalicelib.storage.todo_keys import (
    STATUS_INDEX,
    TODO_PREFIX,
    guard,
    guard_failure,
    set_clause,
    status_sk,
    todo_from_item,
    todo_item,
    todo_key,
)
from chalicelib.storage.user_keys import partition

Writes = dict[str, dict[str, Any]]
NOTHING_EXPECTED = Expected()


class TodoStore:
    def __init__(self, table: Table, quota: int) -> None:
        self._table = table
        self._account = AccountChecks(table, quota)

    def list_all(self, user_id: str) -> list[Todo]:
        """Every todo of the user, oldest first, read strongly consistently."""
        query = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": s(partition(user_id)), ":prefix": s(TODO_PREFIX)},
            "ConsistentRead": True,
        }
        todos: list[Todo] = []
        while True:
            page = self._table.query(**query)
            todos.extend(todo_from_item(item) for item in page["Items"])
            if "LastEvaluatedKey" not in page:
                return todos
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

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
        result = self._table.query(**query, Limit=limit + 1, ConsistentRead=True)
        todos = [todo_from_item(item) for item in result["Items"]]
        return todos[:limit], len(todos) > limit

    def get(self, user_id: str, todo_id: str) -> Todo | None:
        result = self._table.get_item(Key=todo_key(user_id, todo_id), ConsistentRead=True)
        item = result.get("Item")
        return todo_from_item(item) if item else None

    def insert(self, caller: Caller, todo: Todo) -> None:
        """Store a new todo; Conflict if the user has its title, QuotaExceeded if they are full."""
        put_todo = {
            "Put": {
                "TableName": self._table.name,
                "Item": todo_item(caller.user_id, todo),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        writes = {"todo": put_todo, "account": self._account.add_one(caller)}
        self._write(caller, writes, title=todo.title, todo_id=todo.id)

    def update(
        self, caller: Caller, todo_id: str, patch: TodoPatch, now: str, expected: Expected
    ) -> None:
        """Apply a patch that moves no title to a todo as the caller expects it to be."""
        if patch.title is not None:
            raise ValueError("a new title needs its claim: use replace()")
        condition, values = guard(expected)
        expression, names, changed = set_clause(todo_id, {**patch.changes(), "updated_at": now})
        update = {
            "Update": {
                "TableName": self._table.name,
                "Key": todo_key(caller.user_id, todo_id),
                "UpdateExpression": f"{expression}, #version = #version + :one",
                "ConditionExpression": condition,
                "ExpressionAttributeNames": {**names, "#version": "version"},
                "ExpressionAttributeValues": {**values, **changed, ":one": n(1)},
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }
        writes = {"todo": update, "account": self._account.still_valid(caller)}
        self._write(caller, writes, expected=expected)

    def replace(self, caller: Caller, current: Todo, changed: Todo) -> None:
        """Write `changed` over `current`, taking the claim on its title if that changed.

        The write is conditional on the stored version still being the one
        read, so a concurrent change makes this raise PreconditionFailed
        instead of being overwritten.
        """
        differs = {
            f.name: getattr(changed, f.name)
            for f in fields(Todo)
            if getattr(changed, f.name) != getattr(current, f.name)
        }
        expression, names, values = set_clause(current.id, differs)
        update = {
            "Update": {
                "TableName": self._table.name,
                "Key": todo_key(caller.user_id, current.id),
                "UpdateExpression": expression,
                "ConditionExpression": "#version = :read",
                "ExpressionAttributeNames": {**names, "#version": "version"},
                "ExpressionAttributeValues": {**values, ":read": n(current.version)},
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }
        title = changed.title if changed.title != current.title else None
        writes = {"todo": update, "account": self._account.still_valid(caller)}
        self._write(caller, writes, title=title, todo_id=current.id)

    def delete(self, caller: Caller, todo_id: str, expected: Expected) -> None:
        """Delete a todo and count it out, in one transaction."""
        condition, values = guard(expected)
        delete: dict[str, Any] = {
            "TableName": self._table.name,
            "Key": todo_key(caller.user_id, todo_id),
            "ConditionExpression": condition,
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if values:
            delete["ExpressionAttributeValues"] = values
        writes = {"todo": {"Delete": delete}, "account": self._account.take_one(caller)}
        self._write(caller, writes, expected=expected)

    def _write(
        self,
        caller: Caller,
        writes: Writes,
        *,
        title: str | None = None,
        todo_id: str = "",
        expected: Expected = NOTHING_EXPECTED,
    ) -> None:
        """Run `writes` as one transaction, with the claim on `title` when one is given.

        A cancelled attempt either ends the write (the todo's guard failed,
        the title is taken, the account refused it) or teaches the next
        attempt who holds the claim.
        Only an attempt cancelled by contention alone waits before retrying.
        Every retry comes out of the request's one budget.
        """
        budget = retries.current()
        holder: str | None = None
        for attempt in range(retries.MAX_RETRIES_PER_REQUEST + 1):
            items = dict(writes)
            if title is not None:
                items.update(claim_items(self._table.name, caller.user_id, title, todo_id, holder))
            try:
                self._table.transact(items)
                return
            except Cancelled as cancelled:
                learned, holder = self._learn(caller, cancelled, holder, expected)
            if not budget.retry(0 if learned else retries.back_off(attempt)):
                break
        raise Unavailable("Too many concurrent changes; try again shortly.")

    def _learn(
        self, caller: Caller, cancelled: Cancelled, holder: str | None, expected: Expected
    ) -> tuple[bool, str | None]:
        """Raise the error a cancellation means, or return (learned something, next holder)."""
        refused = None
        if cancelled.failed("account"):
            refused = self._account.failure(caller, cancelled.old_item("account"))
            if isinstance(refused, SessionEnded):
                raise refused  # whatever else failed, this caller may not write at all
        if cancelled.failed("todo"):
            raise guard_failure(cancelled.old_item("todo"), expected)
        if cancelled.failed("holder"):
            raise Conflict(TITLE_TAKEN, field="title")
        if cancelled.failed("claim"):
            new_holder = claim_holder(cancelled.old_item("claim"))
            if new_holder != holder:
                return True, new_holder  # settle the title before judging the quota
        if refused is not None:
            raise refused  # the quota, judged once the title is settled
        return False, holder

    def _page_query(self, user_id: str, status: Status | None, after_id: str | None) -> dict:
        owner = s(partition(user_id))
        if status is None:
            query: dict[str, Any] = {
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
        return query
