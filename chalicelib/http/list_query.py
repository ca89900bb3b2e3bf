"""A v2 list request's query string into a ListQuery, and a page's next cursor.

A cursor names what it was made for (the list, the order and every
filter) and is refused for anything else, since where it stopped means
nothing in another listing.
"""

import re
from typing import Any

from chalicelib.domain.due import due_sort_key
from chalicelib.domain.errors import FieldError, InvalidInput, MalformedRequest
from chalicelib.domain.ids import is_todo_id
from chalicelib.domain.lists import DEFAULT_LIST_ID, validate_list_id
from chalicelib.domain.positions import is_position
from chalicelib.domain.todos import parse_status
from chalicelib.http.cursors import BadCursor, decode_cursor, encode_cursor
from chalicelib.use_cases.listing import Filters, ListQuery, Page

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
ORDERS = ("position", "due")
PURPOSE = "todos"
_DUE_KEY = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\.\d{6}Z)?")


def parse_list_query(params: dict[str, str], user_id: str, keys: list[bytes]) -> ListQuery:
    """`keys` may sign cursors, the current one first (SigningKeys.cursor_keys)."""
    list_id = validate_list_id(params.get("list_id", DEFAULT_LIST_ID))
    order = params.get("order", "position")
    if order not in ORDERS:
        raise InvalidInput(FieldError("order", "must be position or due"))
    filters = Filters(
        parse_status(params["status"]) if "status" in params else None,
        *(_moment(params, name) for name in ("due_before", "due_after", "updated_since")),
    )
    query = ListQuery(page_size(params.get("limit")), list_id, filters, order)
    if order == "due":
        query = ListQuery(query.limit, list_id, filters, order, phase="due")
    if "cursor" in params:
        return _resumed(query, params["cursor"], user_id, keys)
    return query


def next_cursor(page: Page, query: ListQuery, user_id: str, keys: list[bytes]) -> str | None:
    if not page.more:
        return None
    value = {"for": _scope(query), "phase": page.phase, "after": page.after, "at": page.snapshot}
    return encode_cursor(value, purpose=PURPOSE, user_id=user_id, secret=keys[0])


def page_size(raw: str | None, default: int = DEFAULT_PAGE_SIZE) -> int:
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,3}", raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise InvalidInput(FieldError("limit", f"must be a whole number from 1 to {MAX_PAGE_SIZE}"))
    return int(raw)


def _moment(params: dict[str, str], name: str) -> str | None:
    return due_sort_key(params[name], name) if name in params else None


def _scope(query: ListQuery) -> list[Any]:
    """What a cursor is good for."""
    f = query.filters
    status = f.status.value if f.status else None
    return [query.list_id, query.order, status, f.due_before, f.due_after, f.updated_since]


def _resumed(query: ListQuery, cursor: str, user_id: str, keys: list[bytes]) -> ListQuery:
    try:
        value = decode_cursor(cursor, purpose=PURPOSE, user_id=user_id, secrets=keys)
    except BadCursor as error:
        raise MalformedRequest(f"The cursor is not valid: {error}.") from None
    if not isinstance(value, dict) or value.get("for") != _scope(query):
        raise MalformedRequest("The cursor was made for a different list, order or filter.")
    phase, after, snapshot = value.get("phase"), value.get("after"), value.get("at")
    # Only a cursor signed with our key gets here; what it holds still goes
    # into DynamoDB keys, so it must have the shape every such key part has.
    valid = (phase == "position" and (after is None or _is_place(after))) or (
        phase == "due" and query.order == "due" and _is_due_key(after)
    )
    if not valid or not (snapshot is None or (isinstance(snapshot, int) and snapshot >= 0)):
        raise MalformedRequest("The cursor is not valid: it names no place in a list.")
    return ListQuery(query.limit, query.list_id, query.filters, query.order, after, snapshot, phase)


def _is_place(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    position, _, todo_id = value.partition("#")
    return is_position(position) and (todo_id == "" or is_todo_id(todo_id))


def _is_due_key(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    due, _, todo_id = value.partition("#")
    return _DUE_KEY.fullmatch(due) is not None and is_todo_id(todo_id)
