"""Todos as JSON, both ways: the shapes clients send and the shapes they are sent."""

from typing import Any

from chalicelib.domain.errors import FieldError, InvalidInput
from chalicelib.domain.todos import (
    Status,
    Todo,
    TodoCreate,
    TodoPatch,
    parse_status,
    validate_title,
)
from chalicelib.http.requests import string_fields

# What v2 shows of a todo, and what a client may set. The version travels
# in the ETag header, not in the body.
SHOWN = ("id", "title", "status", "created_at", "updated_at")
SETTABLE = frozenset({"title", "status"})


def todo_json(todo: Todo) -> dict[str, Any]:
    return {name: getattr(todo, name) for name in SHOWN}


def board_json(todos: list[Todo]) -> dict[str, Any]:
    """The book's v1 state: pending and done lists, oldest first, with counts."""
    pending = [_v1_item(t) for t in todos if t.status is Status.PENDING]
    done = [_v1_item(t) for t in todos if t.status is Status.DONE]
    return {
        "pending_items": pending,
        "done_items": done,
        "pending_item_count": len(pending),
        "done_item_count": len(done),
    }


def parse_todo_create(body: dict[str, Any]) -> TodoCreate:
    reject_unknown_fields(body, SETTABLE)
    (title,) = string_fields(body, "title")
    status = parse_status(body.get("status", Status.PENDING.value))
    return TodoCreate(validate_title(title), status)


def parse_todo_patch(body: dict[str, Any]) -> TodoPatch:
    reject_unknown_fields(body, SETTABLE)
    title = body.get("title")
    if "title" in body and not isinstance(title, str):
        raise InvalidInput(FieldError("title", "must be a string"))
    status = parse_status(body["status"]) if "status" in body else None
    return TodoPatch(title=validate_title(title) if title is not None else None, status=status)


def reject_unknown_fields(body: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise InvalidInput(*(FieldError(name, "is not a known field") for name in unknown))


def _v1_item(todo: Todo) -> dict[str, str]:
    return {"title": todo.title, "status": todo.status.value}
