"""Pages of a list's todos that have a due date, soonest first, from the by_due index.

by_due is a global index: DynamoDB keeps it eventually consistent, so a
due date set in the last second or so may not be in it yet. That is the
one read of the service that is not exact; the manual order (todo_pages)
and sync (sync_reader) are, and say so. Only todos with a due date are in
it; the rest come after them, from the manual order (TodosById.list).
"""

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.todos import Todo
from chalicelib.storage.dynamo import Table, s
from chalicelib.storage.todo_keys import DUE_INDEX, due_pk, todo_from_item

MAX_ROUNDS = 4


@dataclass(frozen=True)
class DueRequest:
    list_id: str
    limit: int
    after: str | None  # the due_sk of the last todo examined
    filters: Any  # keep(todo), due_after and due_before as sort keys


@dataclass(frozen=True)
class DuePage:
    todos: list[Todo]
    last_key: str | None
    more: bool


class DuePager:
    def __init__(self, table: Table) -> None:
        self._table = table

    def page(self, user_id: str, request: DueRequest) -> DuePage:
        filters = request.filters
        low = filters.due_after or "0"  # every due_sk starts with its year's digits
        if request.after is not None:
            low = max(low, request.after + "!")  # "!" sorts before the rest of any key
        # A due_sk is "<sort key>#<id>", so every todo due before due_before sorts below it.
        high = filters.due_before or "~"
        todos: list[Todo] = []
        last = request.after
        for _ in range(MAX_ROUNDS):
            if low > high:  # nothing can be in range (BETWEEN refuses such bounds)
                return DuePage(todos, last, False)
            result = self._table.query(
                IndexName=DUE_INDEX,
                KeyConditionExpression="due_pk = :pk AND due_sk BETWEEN :low AND :high",
                ExpressionAttributeValues={
                    ":pk": s(due_pk(user_id, request.list_id)),
                    ":low": s(low),
                    ":high": s(high),
                },
                Limit=request.limit + 1 - len(todos),
            )
            for item in result["Items"]:
                todo = todo_from_item(item)
                if len(todos) == request.limit:
                    return DuePage(todos, last, True)
                last = item["due_sk"]["S"]
                if filters.keep(todo):
                    todos.append(todo)
            if "LastEvaluatedKey" not in result:
                return DuePage(todos, last, False)
            low = last + "!"
        return DuePage(todos, last, True)
