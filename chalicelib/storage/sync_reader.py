"""What changed since a sync cursor, read from the change records (see changes).

A delta reads the account's change number first, N, then the change
records numbered after the cursor's and up to N. Once the account shows N,
every write numbered N or less has committed (the account's condition makes
numbers grow in commit order), and the reads are strongly consistent, so
none of those records can be missing: a sync never misses a change. The
next cursor starts after the last record it returned, so it never goes
backwards. Changed todos and lists are returned as they are now; one gone
since is returned as deleted.

A sync from scratch lists everything: the lists, then the todos a page at a
time, and ends with a cursor at the number read before its first page, so
whatever changed meanwhile comes in the next delta.
"""

from dataclasses import dataclass

from chalicelib.domain.lists import TodoList
from chalicelib.domain.todos import Todo
from chalicelib.storage.changes import LIST, MICROSECONDS_PER_DAY, TODO, read_changes
from chalicelib.storage.dynamo import Table, s
from chalicelib.storage.list_keys import list_from_item, list_key
from chalicelib.storage.list_store import ListStore
from chalicelib.storage.todo_keys import TODO_PREFIX, todo_from_item, todo_key
from chalicelib.storage.user_keys import account_key, partition

MAX_RECORDS_PER_PAGE = 100


@dataclass(frozen=True)
class Changes:
    todos: list[Todo]
    lists: list[TodoList]
    deleted_todos: list[str]
    deleted_lists: list[str]


@dataclass(frozen=True)
class DeltaPage:
    changes: Changes
    after: int  # the number the next delta starts after
    more: bool


@dataclass(frozen=True)
class FullPage:
    changes: Changes
    snapshot: int
    last_todo_id: str | None  # None once every todo has been listed


class SyncReader:
    def __init__(self, table: Table, lists: ListStore) -> None:
        self._table = table
        self._lists = lists

    def account_seq(self, user_id: str) -> int:
        item = self._table.get_item(Key=account_key(user_id), ConsistentRead=True).get("Item")
        return int(item["seq"]["N"]) if item and "seq" in item else 0

    def full(
        self, user_id: str, snapshot: int | None, after_id: str | None, limit: int
    ) -> FullPage:
        first = snapshot is None
        if snapshot is None:
            snapshot = self.account_seq(user_id)
        lists = self._lists.all(user_id) if first else []
        query = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": s(partition(user_id)), ":prefix": s(TODO_PREFIX)},
            "ConsistentRead": True,
            "Limit": limit,
        }
        if after_id is not None:
            query["ExclusiveStartKey"] = todo_key(user_id, after_id)
        result = self._table.query(**query)
        todos = [todo_from_item(item) for item in result["Items"]]
        last = todos[-1].id if todos and "LastEvaluatedKey" in result else None
        return FullPage(Changes(todos, lists, [], []), snapshot, last)

    def delta(self, user_id: str, after: int, limit: int) -> DeltaPage:
        """Changes numbered after `after`: at most `limit` ids, or one record's."""
        through = self.account_seq(user_id)
        records, more = read_changes(self._table, user_id, after, through, MAX_RECORDS_PER_PAGE)
        taken, ids = [], 0
        for record in records:
            if taken and ids + len(record.ids) > limit:
                more = True
                break
            taken.append(record)
            ids += len(record.ids)
        latest: dict[tuple[str, str], bool] = {}  # (kind, id) → deleted
        for record in taken:
            for item_id in record.ids:
                latest[(record.kind, item_id)] = record.deleted
        changes = self._current(user_id, latest)
        next_after = taken[-1].seq if more else max(through, after)
        return DeltaPage(changes, next_after, more)

    def _current(self, user_id: str, latest: dict[tuple[str, str], bool]) -> Changes:
        """Each changed todo and list as it is now; deleted if it is gone."""
        live = [(kind, item_id) for (kind, item_id), deleted in latest.items() if not deleted]
        keys = [
            todo_key(user_id, item_id) if kind == TODO else list_key(user_id, item_id)
            for kind, item_id in live
        ]
        found = {}
        for start in range(0, len(keys), 100):
            for item in self._table.batch_get(keys[start : start + 100]):
                found[item["sk"]["S"]] = item
        todos, lists = [], []
        deleted = {TODO: [], LIST: []}
        for (kind, item_id), was_deleted in latest.items():
            key = (todo_key if kind == TODO else list_key)(user_id, item_id)["sk"]["S"]
            item = found.get(key)
            if was_deleted or item is None or "deleting" in item:
                deleted[kind].append(item_id)
            elif kind == TODO:
                todos.append(todo_from_item(item))
            else:
                lists.append(list_from_item(item))
        return Changes(todos, lists, deleted[TODO], deleted[LIST])


def horizon(now_us: int, days: int) -> int:
    """The oldest moment a sync cursor may have been issued at, now."""
    return now_us - days * MICROSECONDS_PER_DAY
