"""The v2 use cases: todos as resources, addressed by id."""

import re
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.domain.errors import (
    FieldError,
    InvalidInput,
    MalformedRequest,
    NotFound,
    PreconditionFailed,
    Unavailable,
)
from chalicelib.domain.todos import Status, Todo, parse_status, validate_title
from chalicelib.http.cursors import BadCursor, Position, decode_cursor, encode_cursor
from chalicelib.http.requests import string_fields
from chalicelib.platform.clock import now_rfc3339
from chalicelib.storage.todo_keys import STALE_VERSION
from chalicelib.storage.todo_store import TodoStore
from chalicelib.use_cases.items_by_title import new_todo

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
TODO_FIELDS = frozenset({"title", "status"})
MAX_RENAME_ATTEMPTS = 3
_TODO_ID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")


@dataclass(frozen=True)
class Page:
    todos: list[Todo]
    next_cursor: str | None


@dataclass(frozen=True)
class TodoPatch:
    title: str | None
    status: Status | None


def create_todo(store: TodoStore, user_id: str, body: dict[str, Any]) -> Todo:
    reject_unknown_fields(body, TODO_FIELDS)
    (title,) = string_fields(body, "title")
    status = parse_status(body.get("status", Status.PENDING.value))
    todo = new_todo(validate_title(title), status)
    store.insert(user_id, todo)
    return todo


def get_todo(store: TodoStore, user_id: str, todo_id: str) -> Todo:
    todo = store.get(user_id, _known_shape(todo_id))
    if todo is None:
        raise NotFound("No such todo.")
    return todo


def update_todo(
    store: TodoStore,
    user_id: str,
    todo_id: str,
    body: dict[str, Any],
    if_match: list[int] | None,
) -> Todo:
    """Apply a PATCH. A status change alone is one conditional write; a rename
    reads first so the claim on the new title moves in the same transaction
    that changes the todo, conditional on the version read."""
    patch = parse_patch(body)
    if patch.title is None and patch.status is not None:
        return _set_status(store, user_id, todo_id, patch.status, if_match)
    for _ in range(MAX_RENAME_ATTEMPTS):
        current = get_todo(store, user_id, todo_id)
        if if_match is not None and current.version not in if_match:
            raise PreconditionFailed(STALE_VERSION)
        try:
            return _apply(store, user_id, current, patch)
        except PreconditionFailed:
            continue  # changed since we read it: read again, and recheck If-Match
    raise Unavailable("The todo is changing too often to update; try again shortly.")


def delete_todo(store: TodoStore, user_id: str, todo_id: str, if_match: list[int] | None) -> None:
    store.delete(user_id, _known_shape(todo_id), expected_versions=if_match)


def list_todos(store: TodoStore, user_id: str, params: dict[str, str], secret: bytes) -> Page:
    limit = _page_size(params.get("limit"))
    status = parse_status(params["status"]) if "status" in params else None
    after_id = None
    if "cursor" in params:
        after_id = _cursor_position(params["cursor"], status, user_id, secret)
    todos, more = store.page(user_id, status, after_id, limit)
    next_cursor = None
    if more:
        position = Position(todos[-1].id, status.value if status else None)
        next_cursor = encode_cursor(position, user_id=user_id, secret=secret)
    return Page(todos, next_cursor)


def parse_patch(body: dict[str, Any]) -> TodoPatch:
    reject_unknown_fields(body, TODO_FIELDS)
    title = body.get("title")
    if "title" in body and not isinstance(title, str):
        raise InvalidInput(FieldError("title", "must be a string"))
    status = parse_status(body["status"]) if "status" in body else None
    return TodoPatch(validate_title(title) if title is not None else None, status)


def reject_unknown_fields(body: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise InvalidInput(*(FieldError(name, "is not a known field") for name in unknown))


def todo_json(todo: Todo) -> dict[str, str]:
    return {
        "id": todo.id,
        "title": todo.title,
        "status": todo.status.value,
        "created_at": todo.created_at,
        "updated_at": todo.updated_at,
    }


def _apply(store: TodoStore, user_id: str, current: Todo, patch: TodoPatch) -> Todo:
    if patch.title in (None, current.title):
        if patch.status in (None, current.status):
            return current
        return _set_status(store, user_id, current.id, patch.status, [current.version])
    changed = replace(
        current,
        title=patch.title,
        status=patch.status or current.status,
        updated_at=now_rfc3339(),
        version=current.version + 1,
    )
    store.rename(user_id, current, changed)
    return changed


def _set_status(
    store: TodoStore,
    user_id: str,
    todo_id: str,
    status: Status,
    expected_versions: list[int] | None,
) -> Todo:
    return store.set_status(
        user_id, _known_shape(todo_id), status, now_rfc3339(), expected_versions=expected_versions
    )


def _known_shape(todo_id: str) -> str:
    """The id as given, or NotFound without a DynamoDB call if no todo could have it."""
    if not _TODO_ID.fullmatch(todo_id):
        raise NotFound("No such todo.")
    return todo_id


def _page_size(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if not re.fullmatch(r"[0-9]{1,3}", raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise InvalidInput(FieldError("limit", f"must be a whole number from 1 to {MAX_PAGE_SIZE}"))
    return int(raw)


def _cursor_position(cursor: str, status: Status | None, user_id: str, secret: bytes) -> str:
    try:
        position = decode_cursor(cursor, user_id=user_id, secret=secret)
    except BadCursor as error:
        raise MalformedRequest(f"The cursor is not valid: {error}.") from None
    if position.status != (status.value if status else None):
        raise MalformedRequest("The cursor was made for a different status filter.")
    if not _TODO_ID.fullmatch(position.after_id):
        # Only a cursor signed with our key gets here; its id still goes into
        # a DynamoDB key, so it must have the shape every todo id has.
        raise MalformedRequest("The cursor is not valid: it names no todo.")
    return position.after_id
