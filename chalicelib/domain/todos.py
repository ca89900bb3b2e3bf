"""What a todo is: its fields, the rules for them, and how a change applies.

The Todo type is the one place a todo's fields are declared. Storage maps
them through a table of the same names (chalicelib.storage.todo_keys), and
the HTTP edge chooses which to show and accept (chalicelib.http.todo_json).
"""

import unicodedata
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any, NamedTuple

from chalicelib.domain.errors import FieldError, InvalidInput
from chalicelib.domain.lists import DEFAULT_LIST_ID

MAX_TITLE_CHARS = 255
MAX_NOTES_CHARS = 8192
STALE_VERSION = "The todo has changed since the version given in If-Match."


class Status(StrEnum):
    PENDING = "PENDING"
    DONE = "DONE"


@dataclass(frozen=True)
class Todo:
    id: str
    title: str
    status: Status
    created_at: str
    updated_at: str
    version: int
    notes: str = ""
    list_id: str = DEFAULT_LIST_ID
    position: str = ""  # "" until new_todo or storage gives it one (positions.py)
    due: str | None = None
    completed_at: str | None = None


class TodoCreate(NamedTuple):
    """A new todo as a client asks for it."""

    title: str
    status: Status = Status.PENDING
    notes: str = ""
    list_id: str = DEFAULT_LIST_ID
    due: str | None = None


@dataclass(frozen=True)
class TodoPatch:
    """The fields a client may change; None leaves a field as it is, and CLEAR empties one
    that may be empty (a due date)."""

    title: str | None = None
    status: Status | None = None
    notes: str | None = None
    due: "str | Clear | None" = None

    def changes(self) -> dict[str, Any]:
        given = {f.name: getattr(self, f.name) for f in fields(self)}
        return {name: None if v is CLEAR else v for name, v in given.items() if v is not None}


class Clear:
    """What a patch gives for a field it empties; None already means "leave it"."""


CLEAR = Clear()


class Expected(NamedTuple):
    """What a write requires of the stored todo, beyond existing.

    `title`: it still has this title (v1 addresses todos by title).
    `versions`: it is at one of these versions (If-Match); an empty tuple
    is a condition nothing meets.
    """

    title: str | None = None
    versions: tuple[int, ...] | None = None


def new_todo(todo_id: str, create: TodoCreate, now: str) -> Todo:
    """A new todo, at the end of its list: its position is its id (positions.py)."""
    return Todo(
        todo_id,
        create.title,
        create.status,
        now,
        now,
        version=1,
        notes=create.notes,
        list_id=create.list_id,
        position=todo_id,
        due=create.due,
        completed_at=now if create.status is Status.DONE else None,
    )


def apply(todo: Todo, patch: TodoPatch, now: str) -> Todo:
    """The todo with the patch applied, as a new version; the same todo if nothing changes.

    Becoming DONE sets `completed_at`, and going back to PENDING clears it.
    """
    changes = {name: v for name, v in patch.changes().items() if getattr(todo, name) != v}
    if not changes:
        return todo
    if "status" in changes:
        changes["completed_at"] = now if changes["status"] is Status.DONE else None
    return replace(todo, **changes, updated_at=now, version=todo.version + 1)


def moved(todo: Todo, list_id: str, position: str, now: str) -> Todo:
    """The todo at a new place, as a new version."""
    return replace(
        todo, list_id=list_id, position=position, updated_at=now, version=todo.version + 1
    )


def validate_title(title: str, field: str = "title") -> str:
    if not 1 <= len(title) <= MAX_TITLE_CHARS:
        raise InvalidInput(FieldError(field, f"must be 1 to {MAX_TITLE_CHARS} characters"))
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in title):
        raise InvalidInput(FieldError(field, "must not contain control characters"))
    return title


def validate_notes(notes: str, field: str = "notes") -> str:
    """Free text of up to MAX_NOTES_CHARS: lines and tabs, but no other control characters."""
    if len(notes) > MAX_NOTES_CHARS:
        raise InvalidInput(FieldError(field, f"must be at most {MAX_NOTES_CHARS} characters"))
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in notes):
        raise InvalidInput(
            FieldError(field, "must not contain control characters but lines and tabs")
        )
    return notes


def parse_status(value: Any, field: str = "status") -> Status:
    if isinstance(value, str) and value in Status.__members__:
        return Status(value)
    raise InvalidInput(FieldError(field, "must be PENDING or DONE"))


def find_by_title(todos: list[Todo], title: str) -> Todo | None:
    return next((todo for todo in todos if todo.title == title), None)
