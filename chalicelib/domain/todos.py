"""To-do rules: what a title may be, what a status is, and the v1 board state."""

import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from chalicelib.domain.errors import FieldError, InvalidInput

MAX_TITLE_CHARS = 255


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

    def with_status(self, status: Status, now: str) -> "Todo":
        return replace(self, status=status, updated_at=now, version=self.version + 1)


def validate_title(title: str, field: str = "title") -> str:
    if not 1 <= len(title) <= MAX_TITLE_CHARS:
        raise InvalidInput(FieldError(field, f"must be 1 to {MAX_TITLE_CHARS} characters"))
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in title):
        raise InvalidInput(FieldError(field, "must not contain control characters"))
    return title


def parse_status(value: Any, field: str = "status") -> Status:
    if isinstance(value, str) and value in Status.__members__:
        return Status(value)
    raise InvalidInput(FieldError(field, "must be PENDING or DONE"))


def board_state(todos: list[Todo]) -> dict[str, Any]:
    """The book's state shape: pending and done lists, oldest first, with counts."""
    pending = [_v1_item(t) for t in todos if t.status is Status.PENDING]
    done = [_v1_item(t) for t in todos if t.status is Status.DONE]
    return {
        "pending_items": pending,
        "done_items": done,
        "pending_item_count": len(pending),
        "done_item_count": len(done),
    }


def find_by_title(todos: list[Todo], title: str) -> Todo | None:
    return next((todo for todo in todos if todo.title == title), None)


def _v1_item(todo: Todo) -> dict[str, str]:
    return {"title": todo.title, "status": todo.status.value}
