"""Lists as JSON: the bodies clients send to make and rename one, and what they are sent."""

from typing import Any

from chalice.app import Request

from chalicelib.domain.lists import DEFAULT_LIST_ID, TodoList
from chalicelib.domain.todos import validate_title
from chalicelib.http.requests import json_object, string_fields
from chalicelib.http.todo_json import reject_unknown_fields


def list_json(todo_list: TodoList) -> dict[str, Any]:
    """A list; the default list, never renamed, has no times yet."""
    return {
        "id": todo_list.id,
        "title": todo_list.title,
        "default": todo_list.id == DEFAULT_LIST_ID,
        "created_at": todo_list.created_at or None,
        "updated_at": todo_list.updated_at or None,
    }


def parse_list_title(request: Request) -> str:
    """The body of a list's create or rename: {"title"}."""
    body = json_object(request)
    reject_unknown_fields(body, {"title"})
    title = string_fields(body, "title")[0]
    return validate_title(title)
