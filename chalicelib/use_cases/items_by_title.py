"""The v1 use cases: the book's to-do board, its items addressed by title.

Each returns the user's whole list after the change, oldest first, which
is what the book's clients are sent.
"""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass

from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.ids import new_todo_id
from chalicelib.domain.todos import (
    Expected,
    Status,
    Todo,
    TodoCreate,
    TodoPatch,
    apply,
    find_by_title,
    new_todo,
    validate_title,
)
from chalicelib.domain.users import Caller
from chalicelib.platform import metrics
from chalicelib.platform.clock import Clock
from chalicelib.storage.todo_store import TodoStore


@dataclass(frozen=True)
class ItemsByTitle:
    _store: TodoStore
    _clock: Clock
    _new_id: Callable[[], str] = new_todo_id

    def all(self, user_id: str) -> list[Todo]:
        return self._store.list_all(user_id)

    def create(self, caller: Caller, title: str) -> list[Todo]:
        """Add a PENDING item; an existing title makes this a no-op, as in the book."""
        todo = new_todo(self._new_id(), TodoCreate(validate_title(title)), self._clock())
        with suppress(Conflict):
            self._store.insert(caller, todo)
            metrics.count(metrics.TODOS_CREATED)
        return self._store.list_all(caller.user_id)

    def mark_done(self, caller: Caller, title: str) -> list[Todo]:
        """Mark the titled item DONE; the answer is the list as read, with that change."""
        todos = self._store.list_all(caller.user_id)
        todo = _require(todos, title)
        done = apply(todo, TodoPatch(status=Status.DONE), self._clock())
        if done is not todo:
            self._store.replace(caller, todo, done, Expected(title=title))
        return [done if t.id == todo.id else t for t in todos]

    def delete(self, caller: Caller, title: str) -> list[Todo]:
        todos = self._store.list_all(caller.user_id)
        todo = _require(todos, title)
        self._store.delete(caller, todo.id, Expected(title=title))
        return [t for t in todos if t.id != todo.id]


def _require(todos: list[Todo], title: str) -> Todo:
    todo = find_by_title(todos, title)
    if todo is None:
        raise NotFound("You have no item with that title.")
    return todo
