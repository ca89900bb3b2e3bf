"""Lists in DynamoDB: reading them, creating, renaming and deleting one with its todos.

Every write is one transaction through change_writer, like a todo's. A
list's deletion may need many, so it goes in steps, each safe to repeat:

1. mark the list as being deleted: from then on no todo can be created in
   it or moved into it, and it is no longer shown;
2. delete its todos, CLEAR_BATCH at a time, each transaction taking them
   off the account's count and recording their deletion for sync; then
   its title claims, which nothing can hold any more;
3. delete the list itself.

A request cut short (its retry budget spent) answers 503, and repeating it
carries on from where the last one stopped.
"""

from typing import Any

from chalicelib.domain.errors import NotFound, PreconditionFailed
from chalicelib.domain.lists import DEFAULT_LIST_ID, TodoList, default_list
from chalicelib.domain.todos import STALE_VERSION
from chalicelib.domain.users import Caller
from chalicelib.platform.clock import now_us
from chalicelib.storage.account_checks import Counted
from chalicelib.storage.change_writer import ChangeWriter
from chalicelib.storage.changes import LIST, TODO, Change
from chalicelib.storage.dynamo import Cancelled, Item, Table, n, s
from chalicelib.storage.list_keys import LIST_PREFIX, list_from_item, list_item, list_key
from chalicelib.storage.todo_keys import STATUS_INDEX, TITLE_PREFIX, list_prefix, todo_key
from chalicelib.storage.todo_store import CLEAR_BATCH
from chalicelib.storage.user_keys import partition

_BATCH_WRITE = 25  # BatchWriteItem's most


class ListStore:
    def __init__(self, table: Table, quota: int, clock_us: Any = now_us) -> None:
        self._table = table
        self.quota = quota
        self._writer = ChangeWriter(table, clock_us)

    def all(self, user_id: str) -> list[TodoList]:
        """The default list first, then the others oldest first; none being deleted."""
        items = self._query_all(
            {
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
                "ExpressionAttributeValues": {
                    ":pk": s(partition(user_id)),
                    ":prefix": s(LIST_PREFIX),
                },
                "ConsistentRead": True,
            }
        )
        stored = [list_from_item(item) for item in items if "deleting" not in item]
        default = next((lst for lst in stored if lst.id == DEFAULT_LIST_ID), default_list())
        return [default, *(lst for lst in stored if lst.id != DEFAULT_LIST_ID)]

    def get(self, user_id: str, list_id: str) -> TodoList | None:
        """The list, unless it is not there or being deleted."""
        stored = self.stored(user_id, list_id)
        if stored is None:
            return default_list() if list_id == DEFAULT_LIST_ID else None
        return None if stored[1] else stored[0]

    def stored(self, user_id: str, list_id: str) -> tuple[TodoList, bool] | None:
        """The list's item, if there is one, and whether it is being deleted."""
        key = list_key(user_id, list_id)
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return (list_from_item(item), "deleting" in item) if item else None

    def create(self, caller: Caller, todo_list: TodoList) -> None:
        """Store a new list; QuotaExceeded if the user has as many as allowed."""
        put = {
            "Put": {
                "TableName": self._table.name,
                "Item": list_item(caller.user_id, todo_list),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        self._writer.write(
            caller,
            Change(LIST, (todo_list.id,)),
            lambda seq: {"list": put},
            counted=Counted("lists", 1, self.quota),
        )

    def replace(self, caller: Caller, current: TodoList, changed: TodoList) -> None:
        """Store `changed` if the list is still at `current`'s version (0: the default list,
        never stored); PreconditionFailed if it moved on, NotFound if it went."""
        condition = "#version = :read AND attribute_not_exists(deleting)"
        values: dict[str, Any] = {":read": n(current.version)}
        if current.version == 0:
            condition, values = "attribute_not_exists(pk)", {}
        put: dict[str, Any] = {
            "TableName": self._table.name,
            "Item": list_item(caller.user_id, changed),
            "ConditionExpression": condition,
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if values:
            put |= {"ExpressionAttributeValues": values, "ExpressionAttributeNames": _VERSION}

        def judge(cancelled: Cancelled) -> None:
            if cancelled.failed("list"):
                old = cancelled.old_item("list")
                if old is None or "deleting" in old:
                    raise NotFound("No such list.")
                raise PreconditionFailed(STALE_VERSION.replace("todo", "list"))

        self._writer.write(
            caller, Change(LIST, (current.id,)), lambda seq: {"list": {"Put": put}}, judge
        )

    # Deleting, in steps

    def begin_deletion(self, caller: Caller, list_id: str) -> None:
        """Step 1: mark the list as being deleted (again, on a retry)."""
        update = {
            "Update": {
                "TableName": self._table.name,
                "Key": list_key(caller.user_id, list_id),
                "UpdateExpression": "SET deleting = :yes",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": {":yes": {"BOOL": True}},
            }
        }

        def judge(cancelled: Cancelled) -> None:
            if cancelled.failed("list"):
                raise NotFound("No such list.")

        self._writer.write(caller, Change(LIST, (list_id,)), lambda seq: {"list": update}, judge)

    def delete_todos(self, caller: Caller, list_id: str) -> int:
        """Step 2: delete the list's todos, a batch per transaction, then its title claims;
        how many todos went."""
        deleted = 0
        while batch := self._todo_keys(caller.user_id, list_id):
            self._delete_batch(caller, list_id, batch)
            deleted += len(batch)
        claims = self._query_all(
            {
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
                "ExpressionAttributeValues": {
                    ":pk": s(partition(caller.user_id)),
                    ":prefix": s(f"{TITLE_PREFIX}{list_id}#"),
                },
                "ProjectionExpression": "pk, sk",
                "ConsistentRead": True,
            }
        )
        for start in range(0, len(claims), _BATCH_WRITE):
            self._table.batch_delete(claims[start : start + _BATCH_WRITE])
        return deleted

    def finish_deletion(self, caller: Caller, list_id: str) -> None:
        """Step 3: the list item itself, off the account's count of lists."""
        delete = {
            "Delete": {
                "TableName": self._table.name,
                "Key": list_key(caller.user_id, list_id),
                "ConditionExpression": "attribute_exists(deleting)",
            }
        }

        def judge(cancelled: Cancelled) -> None:
            if cancelled.failed("list"):
                raise NotFound("No such list.")  # a concurrent retry finished it

        self._writer.write(
            caller,
            Change(LIST, (list_id,), deleted=True),
            lambda seq: {"list": delete},
            judge,
            Counted("lists", -1),
        )

    def _todo_keys(self, user_id: str, list_id: str) -> list[Item]:
        """Up to CLEAR_BATCH of the list's todos, both statuses, as (key, status_sk)."""
        result = self._table.query(
            IndexName=STATUS_INDEX,
            KeyConditionExpression="pk = :pk AND begins_with(status_sk, :prefix)",
            ExpressionAttributeValues={
                ":pk": s(partition(user_id)),
                ":prefix": s(list_prefix(list_id)),
            },
            ProjectionExpression="pk, sk, id, status_sk",
            Limit=CLEAR_BATCH,
            ConsistentRead=True,
        )
        return result["Items"]

    def _delete_batch(self, caller: Caller, list_id: str, batch: list[Item]) -> None:
        ids = tuple(item["id"]["S"] for item in batch)
        deletes = {
            f"todo{index}": {
                "Delete": {
                    "TableName": self._table.name,
                    "Key": todo_key(caller.user_id, todo_id),
                    "ConditionExpression": "status_sk = :placed",
                    "ExpressionAttributeValues": {":placed": batch[index]["status_sk"]},
                }
            }
            for index, todo_id in enumerate(ids)
        }

        def judge(cancelled: Cancelled) -> None:
            if any(cancelled.failed(name) for name in deletes):
                raise PreconditionFailed(STALE_VERSION)  # one moved meanwhile: read again

        self._writer.write(
            caller,
            Change(TODO, ids, deleted=True),
            lambda seq: deletes,
            judge,
            Counted("todos", -len(ids)),
        )

    def _query_all(self, query: dict[str, Any]) -> list[Item]:
        items: list[Item] = []
        while True:
            page = self._table.query(**query)
            items.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                return items
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


_VERSION = {"#version": "version"}
