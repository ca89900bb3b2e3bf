"""Todos as JSON, both ways: the shapes clients send and the shapes they are sent."""

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from typing import Any

from chalice.app import Request

from chalicelib.domain.due import parse_due
from chalicelib.domain.errors import FieldError, InvalidInput
from chalicelib.domain.lists import validate_list_id
from chalicelib.domain.todos import (
    CLEAR,
    Status,
    Todo,
    TodoCreate,
    TodoPatch,
    parse_status,
    validate_notes,
    validate_title,
)
from chalicelib.http.requests import is_unicode_text, json_object


def _title(value: Any) -> str:
    return validate_title(_text(value, "title"))


def _notes(value: Any) -> str:
    return validate_notes(_text(value, "notes"))


def _due(value: Any) -> str | None:
    return None if value is None else parse_due(_text(value, "due"))


# What v2 shows of a todo; the version travels in the ETag header instead.
SHOWN = (
    "id",
    "title",
    "status",
    "notes",
    "list_id",
    "position",
    "due",
    "completed_at",
    "created_at",
    "updated_at",
)
# Each field a client may set, and how its JSON value becomes the domain's;
# a create must give those in REQUIRED, and the rest take TodoCreate's defaults.
# Only `due` may be null, which empties it. A todo changes list by moving.
SETTABLE: dict[str, Callable[[Any], Any]] = {
    "title": _title,
    "status": parse_status,
    "notes": _notes,
    "due": _due,
}
SETTABLE_ON_CREATE = {**SETTABLE, "list_id": validate_list_id}
REQUIRED = ("title",)
# The largest body a todo's fields can need, every character escaped as JSON allows:
# the longest notes, each character a 12-byte surrogate pair escape, fit.
MAX_TODO_BODY_BYTES = 128 * 1024


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


def parse_todo_create(request: Request) -> TodoCreate:
    body = json_object(request, MAX_TODO_BODY_BYTES)
    reject_unknown_fields(body, SETTABLE_ON_CREATE.keys())
    missing = [FieldError(name, "is required") for name in REQUIRED if name not in body]
    if missing:
        raise InvalidInput(*missing)
    return TodoCreate(**_parsed(body, SETTABLE_ON_CREATE))


def parse_todo_patch(request: Request) -> TodoPatch:
    """A PATCH body; a null `due` empties it, and null is invalid for any other field."""
    body = json_object(request, MAX_TODO_BODY_BYTES)
    reject_unknown_fields(body, SETTABLE.keys())
    parsed = _parsed(body, SETTABLE)
    if "due" in parsed and parsed["due"] is None:
        parsed["due"] = CLEAR
    return TodoPatch(**parsed)


def parse_move(request: Request) -> tuple[str | None, str | None]:
    """A move's body: the list to move to (None: the todo's own) and the todo to go after
    (None: first in the list)."""
    body = json_object(request)
    reject_unknown_fields(body, {"list_id", "after"})
    if "after" not in body:
        raise InvalidInput(FieldError("after", "is required: a todo's id, or null for the top"))
    after = body["after"]
    if after is not None and not isinstance(after, str):
        raise InvalidInput(FieldError("after", "must be a todo's id or null"))
    list_id = validate_list_id(body["list_id"]) if "list_id" in body else None
    return list_id, after


def _parsed(body: dict[str, Any], settable: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    errors, parsed = [], {}
    for name, value in body.items():
        try:
            parsed[name] = settable[name](value)
        except InvalidInput as invalid:
            errors.extend(invalid.errors)
    if errors:
        raise InvalidInput(*errors)
    return parsed


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(FieldError(field, "must be a string"))
    if not is_unicode_text(value):
        raise InvalidInput(FieldError(field, "must be valid Unicode text"))
    return value


def reject_unknown_fields(body: dict[str, Any], allowed: AbstractSet[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise InvalidInput(*(FieldError(name, "is not a known field") for name in unknown))


def _v1_item(todo: Todo) -> dict[str, str]:
    return {"title": todo.title, "status": todo.status.value}
