"""The v1 use cases: the book's to-do board, addressed by title."""

from contextlib import suppress
from typing import Any

from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.ids import new_todo_id
from chalicelib.domain.todos import Status, Todo, board_state, find_by_title, validate_title
from chalicelib.platform.clock import now_rfc3339
from chalicelib.storage.todo_store import TodoStore

State = dict[str, Any]


def get_state(store: TodoStore, user_id: str) -> State:
    return board_state(store.list_all(user_id))


def create_item(store: TodoStore, user_id: str, title: str) -> State:
    """Add a PENDING item; an existing title makes this a no-op, as in the book."""
    validate_title(title)
    with suppress(Conflict):
        store.insert(user_id, new_todo(title, Status.PENDING))
    return board_state(store.list_all(user_id))


def mark_done(store: TodoStore, user_id: str, title: str) -> State:
    todos = store.list_all(user_id)
    todo = _require(todos, title)
    updated = store.set_status(user_id, todo.id, Status.DONE, now_rfc3339(), expected_title=title)
    return board_state([updated if t.id == todo.id else t for t in todos])


def delete_item(store: TodoStore, user_id: str, title: str) -> State:
    todos = store.list_all(user_id)
    todo = _require(todos, title)
    store.delete(user_id, todo.id, expected_title=title)
    return board_state([t for t in todos if t.id != todo.id])


def new_todo(title: str, status: Status) -> Todo:
    now = now_rfc3339()
    return Todo(new_todo_id(), title, status, created_at=now, updated_at=now, version=1)


def _require(todos: list[Todo], title: str) -> Todo:
    todo = find_by_title(todos, title)
    if todo is None:
        raise NotFound("You have no item with that title.")
    return todo
