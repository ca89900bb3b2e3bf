"""A v2 list request's query string into a ListQuery, and a page's next cursor."""

import re

from chalicelib.domain.errors import FieldError, InvalidInput, MalformedRequest
from chalicelib.domain.ids import is_todo_id
from chalicelib.domain.todos import Status, parse_status
from chalicelib.http.cursors import BadCursor, Position, decode_cursor, encode_cursor
from chalicelib.use_cases.todos_by_id import ListQuery, Page

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


def parse_list_query(params: dict[str, str], user_id: str, keys: list[bytes]) -> ListQuery:
    """`keys` may sign cursors, the current one first (SigningKeys.cursor_keys)."""
    status = parse_status(params["status"]) if "status" in params else None
    after_id = None
    if "cursor" in params:
        after_id = _cursor_position(params["cursor"], status, user_id, keys)
    return ListQuery(_page_size(params.get("limit")), status, after_id)


def next_cursor(page: Page, query: ListQuery, user_id: str, keys: list[bytes]) -> str | None:
    if not page.more:
        return None
    position = Position(page.todos[-1].id, query.status.value if query.status else None)
    return encode_cursor(position, user_id=user_id, secret=keys[0])


def _page_size(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if not re.fullmatch(r"[0-9]{1,3}", raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise InvalidInput(FieldError("limit", f"must be a whole number from 1 to {MAX_PAGE_SIZE}"))
    return int(raw)


def _cursor_position(cursor: str, status: Status | None, user_id: str, keys: list[bytes]) -> str:
    try:
        position = decode_cursor(cursor, user_id=user_id, secrets=keys)
    except BadCursor as error:
        raise MalformedRequest(f"The cursor is not valid: {error}.") from None
    if position.status != (status.value if status else None):
        raise MalformedRequest("The cursor was made for a different status filter.")
    if not is_todo_id(position.after_id):
        # Only a cursor signed with our key gets here; its id still goes into
        # a DynamoDB key, so it must have the shape every todo id has.
        raise MalformedRequest("The cursor is not valid: it names no todo.")
    return position.after_id
