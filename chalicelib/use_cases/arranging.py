"""Arranging todos: moving one within its list or to another, and clearing done ones."""

from dataclasses import dataclass

from chalicelib.domain.errors import (
    FieldError,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    Unavailable,
)
from chalicelib.domain.ids import is_todo_id
from chalicelib.domain.todos import STALE_VERSION, Todo
from chalicelib.domain.users import Caller
from chalicelib.platform import retries
from chalicelib.platform.clock import Clock
from chalicelib.storage.dynamo import Item
from chalicelib.storage.list_store import ListStore
from chalicelib.storage.todo_keys import place, todo_from_item
from chalicelib.storage.todo_store import Placed, TodoStore
from chalicelib.use_cases.todos_by_id import known_shape, unknown_list

CLEAR_BATCHES_PER_REQUEST = 10  # one clear-completed request deletes at most 900 todos
AFTER_NO_TODO = "must be the id of a todo in the list moved to, or null for the top"


@dataclass(frozen=True)
class Arranging:
    _store: TodoStore
    _lists: ListStore
    _clock: Clock

    def move(
        self,
        caller: Caller,
        todo_id: str,
        list_id: str | None,
        after_id: str | None,
        if_match: tuple[int, ...] | None,
    ) -> Todo:
        """Put a todo just after another (None: first) in its list, or in another one."""
        if after_id == todo_id:
            raise InvalidInput(FieldError("after", "must be another todo than the one moving"))
        budget = retries.current()
        while True:
            found = self._store.get_items(caller.user_id, [known_shape(todo_id), *_read(after_id)])
            item = found.get(todo_id)
            if item is None:
                raise NotFound("No such todo.")
            current = todo_from_item(item)
            if if_match is not None and current.version not in if_match:
                raise PreconditionFailed(STALE_VERSION)
            target = list_id or current.list_id
            after = _placed_after(found, after_id, target)
            if target != current.list_id and self._lists.get(caller.user_id, target) is None:
                raise unknown_list()
            try:
                return self._store.move(caller, item, target, after, self._clock())
            except PreconditionFailed:  # it, or a neighbour, changed since read: place again
                if if_match is not None or not budget.retry():
                    raise
            except NotFound:
                raise unknown_list() from None

    def clear_done(self, caller: Caller, list_id: str) -> tuple[int, bool]:
        """Delete the list's DONE todos, at most CLEAR_BATCHES_PER_REQUEST batches of them;
        how many went, and whether some may be left for another request."""
        if self._lists.get(caller.user_id, list_id) is None:
            raise NotFound("No such list.")
        budget = retries.current()
        cleared, more = 0, True
        for _ in range(CLEAR_BATCHES_PER_REQUEST):
            try:
                count, more = self._store.clear_done(caller, list_id)
            except PreconditionFailed:
                if not budget.retry():
                    raise Unavailable("The list is changing too often to clear.") from None
                continue
            cleared += count
            if not more:
                break
        return cleared, more


def _read(after_id: str | None) -> list[str]:
    """The todo to move after, to read with the one moving; 422 if no todo could be it."""
    if after_id is None:
        return []
    if not is_todo_id(after_id):
        raise InvalidInput(FieldError("after", AFTER_NO_TODO))
    return [after_id]


def _placed_after(found: dict[str, Item], after_id: str | None, target: str) -> Placed | None:
    if after_id is None:
        return None
    item = found.get(after_id)
    if item is None or todo_from_item(item).list_id != target:
        raise InvalidInput(FieldError("after", AFTER_NO_TODO))
    todo = todo_from_item(item)
    return Placed(place(todo.position, todo.id), item)
