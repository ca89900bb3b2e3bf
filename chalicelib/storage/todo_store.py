"""Todos in DynamoDB: reads, and writes guarded by conditions.

Key layout and marshalling live in todo_keys, title uniqueness in
title_claims, what every write asks of the account item in account_checks,
and the change records every write leaves in changes; change_writer puts
them together. Every write is one transaction. Nothing above this module
sees DynamoDB's shapes.
"""

from dataclasses import fields, replace
from typing import Any, NamedTuple

from chalicelib.domain.errors import Conflict, NotFound, PreconditionFailed, Unavailable
from chalicelib.domain.lists import DEFAULT_LIST_ID
from chalicelib.domain.positions import MAX_LENGTH, between, spread
from chalicelib.domain.todos import STALE_VERSION, Expected, Status, Todo
from chalicelib.domain.users import Caller
from chalicelib.platform.clock import now_us
from chalicelib.storage.account_checks import Counted
from chalicelib.storage.change_writer import AlreadyWritten, ChangeWriter, Retry, Writes
from chalicelib.storage.changes import TODO, Change, Moved
from chalicelib.storage.dynamo import Cancelled, Item, Table, n, s
from chalicelib.storage.list_keys import list_key
from chalicelib.storage.title_claims import TITLE_TAKEN, claim_holder, claim_items
from chalicelib.storage.todo_keys import (
    STATUS_INDEX,
    TODO_PREFIX,
    guard,
    guard_failure,
    set_clause,
    status_prefix,
    todo_from_item,
    todo_item,
    todo_key,
)
from chalicelib.storage.user_keys import partition

NOTHING_EXPECTED = Expected()
# A move that finds no room between its neighbours gives new positions to
# up to this many todos on each side as well, in the same transaction.
REBALANCE_REACH = 20
CLEAR_BATCH = 90  # DONE todos one clear-completed request deletes, in one transaction
_LIST_FIELDS = ("list_id", "position", "updated_at", "version")


class Placed(NamedTuple):
    """A todo as the by_status index holds it: its place in its list, and its item."""

    place: str
    item: Item

    @property
    def todo(self) -> Todo:
        return todo_from_item(self.item)


class TodoStore:
    def __init__(self, table: Table, quota: int, clock_us: Any = now_us) -> None:
        self._table = table
        self.quota = quota
        self._writer = ChangeWriter(table, clock_us)

    # Reads

    def list_all(self, user_id: str) -> list[Todo]:
        """Every todo of the user's default list, oldest first, read strongly consistently.

        v1 shows the default list only; it reads every todo, which the
        quota bounds, and keeps those of that list.
        """
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
                return [todo for todo in todos if todo.list_id == DEFAULT_LIST_ID]
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def get(self, user_id: str, todo_id: str) -> Todo | None:
        item = self.get_item(user_id, todo_id)
        return todo_from_item(item) if item else None

    def get_item(self, user_id: str, todo_id: str) -> Item | None:
        return self._table.get_item(Key=todo_key(user_id, todo_id), ConsistentRead=True).get("Item")

    def get_items(self, user_id: str, todo_ids: list[str]) -> dict[str, Item]:
        """The stored todos among these ids, by id: one BatchGetItem per 100, consistently."""
        found: dict[str, Item] = {}
        for start in range(0, len(todo_ids), 100):
            keys = [todo_key(user_id, todo_id) for todo_id in todo_ids[start : start + 100]]
            for item in self._table.batch_get(keys):
                found[item["id"]["S"]] = item
        return found

    def walk(
        self,
        user_id: str,
        list_id: str,
        status: Status,
        after: str | None,
        limit: int,
        forward: bool = True,
    ) -> tuple[list[Placed], bool]:
        """Up to `limit` todos of one list and status, in the list's order from just past
        place `after` (None: from the start, or the end going backwards); and whether more
        follow. Strongly consistent: the by_status index is local."""
        prefix = status_prefix(list_id, status)
        if forward:
            low = prefix if after is None else f"{prefix}{after}!"  # "!" sorts before any place
            high = prefix + "~"
        else:
            low, high = prefix, prefix + ("~" if after is None else after)
        result = self._table.query(
            IndexName=STATUS_INDEX,
            KeyConditionExpression="pk = :pk AND status_sk BETWEEN :low AND :high",
            ExpressionAttributeValues={
                ":pk": s(partition(user_id)),
                ":low": s(low),
                ":high": s(high),
            },
            ScanIndexForward=forward,
            Limit=limit + (0 if forward or after is None else 1),
            ConsistentRead=True,
        )
        placed = [Placed(item["status_sk"]["S"][len(prefix) :], item) for item in result["Items"]]
        if not forward and after is not None:
            placed = [p for p in placed if p.place != after][:limit]
        return placed, "LastEvaluatedKey" in result

    def neighbours(
        self, user_id: str, list_id: str, after: str | None, limit: int, forward: bool = True
    ) -> list[Placed]:
        """Up to `limit` todos of a list, both statuses, in the list's order from just past
        place `after`."""
        merged: list[Placed] = []
        for status in Status:
            merged += self.walk(user_id, list_id, status, after, limit, forward)[0]
        merged.sort(key=lambda p: p.place, reverse=not forward)
        return merged[:limit]

    # Writes

    def insert(self, caller: Caller, todo: Todo) -> None:
        """Store a new todo; Conflict if its list has its title, QuotaExceeded if the user is
        full, NotFound if its list is not there (or being deleted)."""
        put = {
            "Put": {
                "TableName": self._table.name,
                "Item": todo_item(caller.user_id, todo),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        claims = _Claims(self._table.name, caller.user_id, todo.list_id, todo.title, todo.id)
        judge = _judge(claims)

        def judge_insert(cancelled: Cancelled) -> None:
            if cancelled.failed("todo"):
                # Its id is new: only this write's own earlier attempt can have stored it.
                raise AlreadyWritten
            judge(cancelled)

        self._writer.write(
            caller,
            Change(TODO, (todo.id,)),
            lambda seq: {"todo": put, **claims.items(), **self._list_check(caller, todo.list_id)},
            judge_insert,
            Counted("todos", 1, self.quota),
        )

    def replace(
        self, caller: Caller, current: Todo, changed: Todo, expected: Expected | None = None
    ) -> None:
        """Write `changed` over `current`, taking the claim on its title if that changed.

        The write is conditional on what the caller expects (v1: the title)
        or else on the stored version still being the one read, so a
        concurrent change makes this raise PreconditionFailed (or NotFound)
        instead of being overwritten.
        """
        differs = [
            f.name for f in fields(Todo) if getattr(changed, f.name) != getattr(current, f.name)
        ]
        expression, names, values = set_clause(caller.user_id, changed, differs)
        if expected is None:
            condition = "#version = :read"
            values = {**values, ":read": n(current.version)}
            names = {**names, "#version": "version"}
            expected = Expected(versions=(current.version,))
        else:
            condition, guard_values = guard(expected)
            values = {**values, **guard_values}
        update = {
            "Update": {
                "TableName": self._table.name,
                "Key": todo_key(caller.user_id, current.id),
                "UpdateExpression": expression,
                "ConditionExpression": condition,
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }
        renamed = changed.title != current.title
        claims = _Claims(
            self._table.name, caller.user_id, changed.list_id, changed.title, current.id
        )
        self._writer.write(
            caller,
            Change(TODO, (current.id,)),
            lambda seq: {"todo": update, **(claims.items() if renamed else {})},
            _judge(claims, expected),
        )

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
        self._writer.write(
            caller,
            Change(TODO, (todo_id,), deleted=True),
            lambda seq: {"todo": {"Delete": delete}},
            _judge(None, expected),
            Counted("todos", -1),
        )

    def move(
        self, caller: Caller, item: Item, list_id: str, after: Placed | None, now: str
    ) -> Todo:
        """Put the todo stored as `item` in list `list_id` just after `after` (None: first).

        Within one list this is one conditional write of the todo: a position
        between its new neighbours. Only when the neighbours leave no room
        within MAX_LENGTH do the todos around it get new positions too, in the
        same transaction. Moving to another list also takes the title there.
        """
        current = todo_from_item(item)
        after_place = after.place if after else None
        following = self._following(caller.user_id, list_id, after_place, current.id)
        low = after.todo.position if after else None
        high = following.todo.position if following else None
        try:
            position = between(low, high)
        except ValueError:
            position = ""
        todo = _moved(current, list_id, position, now)
        if len(position) in range(1, MAX_LENGTH + 1):
            return self._write_moves(caller, [(item, todo)], current.list_id != list_id, current)
        return self._rebalance(caller, item, todo, after_place, now)

    def clear_done(self, caller: Caller, list_id: str) -> tuple[int, bool]:
        """Delete up to CLEAR_BATCH DONE todos of a list, in one transaction; how many, and
        whether more may remain. Each is deleted only if it is still DONE and in the list."""
        done, more = self.walk(caller.user_id, list_id, Status.DONE, None, CLEAR_BATCH)
        if not done:
            return 0, False
        ids = tuple(p.item["id"]["S"] for p in done)
        deletes = {
            f"todo{index}": {
                "Delete": {
                    "TableName": self._table.name,
                    "Key": todo_key(caller.user_id, todo_id),
                    "ConditionExpression": "#status = :done AND #sk = :placed",
                    "ExpressionAttributeNames": {"#status": "status", "#sk": "status_sk"},
                    "ExpressionAttributeValues": {
                        ":done": s(Status.DONE),
                        ":placed": done[index].item["status_sk"],
                    },
                }
            }
            for index, todo_id in enumerate(ids)
        }

        def judge(cancelled: Cancelled) -> None:
            if any(cancelled.failed(name) for name in deletes):
                raise PreconditionFailed(STALE_VERSION)  # one changed: read the list again

        self._writer.write(
            caller,
            Change(TODO, ids, deleted=True),
            lambda seq: deletes,
            judge,
            Counted("todos", -len(ids)),
        )
        return len(ids), more

    # Moving

    def _following(
        self, user_id: str, list_id: str, after_place: str | None, moving_id: str
    ) -> Placed | None:
        """The todo that comes just after place `after_place` in a list, not counting the one
        moving (which may be there already)."""
        candidates = self.neighbours(user_id, list_id, after_place, 2)
        return next((p for p in candidates if p.item["id"]["S"] != moving_id), None)

    def _rebalance(
        self, caller: Caller, item: Item, todo: Todo, after_place: str | None, now: str
    ) -> Todo:
        """Give the moving todo, and up to REBALANCE_REACH todos on each side of its new
        place, positions spread evenly between the todos just beyond them."""
        user_id, list_id, moving = caller.user_id, todo.list_id, todo.id
        reach = REBALANCE_REACH + 1  # one more on each side: the bound, kept as it is
        before = self._around(user_id, list_id, after_place, reach, False, moving)
        after = self._around(user_id, list_id, after_place, reach, True, moving)
        low = before.pop().todo.position if len(before) == reach else None
        high = after.pop().todo.position if len(after) == reach else None
        spaced = [*reversed(before), None, *after]
        positions = spread(low, high, len(spaced))
        if max(map(len, positions)) > MAX_LENGTH:
            raise Unavailable("The list's order needs too many changes at once; try again.")
        moves = []
        for placed, position in zip(spaced, positions, strict=True):
            if placed is None:
                moves.append((item, _moved(todo, list_id, position, now, bump=False)))
            else:
                moves.append((placed.item, _moved(placed.todo, list_id, position, now)))
        moved_self = next(t for i, t in moves if i is item)
        current = todo_from_item(item)
        self._write_moves(caller, moves, current.list_id != list_id, current)
        return moved_self

    def _around(
        self,
        user_id: str,
        list_id: str,
        after_place: str | None,
        count: int,
        forward: bool,
        moving_id: str,
    ) -> list[Placed]:
        """`count` todos of the list going one way from the gap just after `after_place`,
        not counting the one moving. Going backwards starts with the todo at it."""
        if not forward and after_place is None:
            return []  # the gap is at the top: nothing is before it
        # "!" sorts before every place, so backwards from after_place + "!" includes after_place.
        start = after_place if forward else f"{after_place}!"
        found = self.neighbours(user_id, list_id, start, count + 1, forward)
        return [p for p in found if p.item["id"]["S"] != moving_id][:count]

    def _write_moves(
        self, caller: Caller, moves: list[tuple[Item, Todo]], new_list: bool, current: Todo
    ) -> Todo:
        """One transaction moving each stored item to its todo's place, each conditional on
        the version read, with a move record of where each was."""
        record = {
            item["id"]["S"]: Moved(item["status_sk"]["S"], int(item.get("moved_seq", n(0))["N"]))
            for item, _ in moves
        }
        moving = next(todo for item, todo in moves if item["id"]["S"] == current.id)
        claims = _Claims(self._table.name, caller.user_id, moving.list_id, moving.title, moving.id)

        def build(seq: int) -> Writes:
            writes: Writes = {}
            for index, (item, todo) in enumerate(moves):
                writes[f"todo{index}"] = self._move_update(caller.user_id, item, todo, seq)
            if new_list:
                writes.update(claims.items())
                writes.update(self._list_check(caller, moving.list_id))
            return writes

        def judge(cancelled: Cancelled) -> None:
            if any(cancelled.failed(f"todo{index}") for index in range(len(moves))):
                raise PreconditionFailed(STALE_VERSION)  # read again, and place again
            _judge(claims)(cancelled)

        ids = tuple(record)
        self._writer.write(caller, Change(TODO, ids, moves=record), build, judge)
        return moving

    def _move_update(self, user_id: str, item: Item, todo: Todo, seq: int) -> dict[str, Any]:
        expression, names, values = set_clause(user_id, todo, list(_LIST_FIELDS))
        return {
            "Update": {
                "TableName": self._table.name,
                "Key": todo_key(user_id, todo.id),
                "UpdateExpression": expression.replace("SET ", "SET moved_seq = :seq, ", 1),
                "ConditionExpression": "#version = :read",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": {**values, ":seq": n(seq), ":read": item["version"]},
            }
        }

    def _list_check(self, caller: Caller, list_id: str) -> Writes:
        """For a write into a list other than the default: that the list exists, and is not
        being deleted."""
        if list_id == DEFAULT_LIST_ID:
            return {}
        check = {
            "TableName": self._table.name,
            "Key": list_key(caller.user_id, list_id),
            "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(deleting)",
        }
        return {"list": {"ConditionCheck": check}}


def _moved(todo: Todo, list_id: str, position: str, now: str, bump: bool = True) -> Todo:
    """The todo at a new place; `bump` makes it a new version (once per write)."""
    version = todo.version + 1 if bump else todo.version
    return replace(todo, list_id=list_id, position=position, updated_at=now, version=version)


class _Claims:
    """The claim items of one write's title, and who was last seen holding the claim."""

    def __init__(self, table: str, user_id: str, list_id: str, title: str, todo_id: str) -> None:
        self._args = (table, user_id, list_id, title, todo_id)
        self.holder: str | None = None

    def items(self) -> Writes:
        return claim_items(*self._args, self.holder)


def _judge(claims: _Claims | None, expected: Expected = NOTHING_EXPECTED) -> Any:
    def judge(cancelled: Cancelled) -> None:
        if cancelled.failed("todo"):
            raise guard_failure(cancelled.old_item("todo"), expected)
        if cancelled.failed("list"):
            raise NotFound("No such list.")
        if cancelled.failed("holder"):
            raise Conflict(TITLE_TAKEN, field="title")
        if claims is not None and cancelled.failed("claim"):
            holder = claim_holder(cancelled.old_item("claim"))
            if holder != claims.holder:
                claims.holder = holder
                raise Retry()  # settle the title before judging the quota

    return judge
