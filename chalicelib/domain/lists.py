"""What a list of todos is. Every user has a default list, which needs no item to exist:
todos stored before lists existed are in it, and so is every v1 item."""

import re
from dataclasses import dataclass, replace

from chalicelib.domain.errors import FieldError, InvalidInput

DEFAULT_LIST_ID = "default"
DEFAULT_LIST_TITLE = "Tasks"
# Any other list's id is a ULID, like a todo's.
_LIST_ID = re.compile(r"default|[0-9A-HJKMNP-TV-Z]{26}")


@dataclass(frozen=True)
class TodoList:
    id: str
    title: str
    created_at: str
    updated_at: str
    version: int


def default_list() -> TodoList:
    """The default list as it is until it is first renamed."""
    return TodoList(DEFAULT_LIST_ID, DEFAULT_LIST_TITLE, "", "", version=0)


def renamed(todo_list: TodoList, title: str, now: str) -> TodoList:
    created = todo_list.created_at or now  # the default list's item is made at its first rename
    return replace(
        todo_list, title=title, created_at=created, updated_at=now, version=todo_list.version + 1
    )


def is_list_id(text: str) -> bool:
    return _LIST_ID.fullmatch(text) is not None


def validate_list_id(value: object, field: str = "list_id") -> str:
    if isinstance(value, str) and is_list_id(value):
        return value
    raise InvalidInput(FieldError(field, 'must be "default" or the id of one of your lists'))
