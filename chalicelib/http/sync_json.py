"""Sync as JSON: its cursor in, and a page of changes out."""

from typing import Any

from chalicelib.domain.errors import MalformedRequest
from chalicelib.domain.ids import is_todo_id
from chalicelib.http.cursors import BadCursor, decode_cursor, encode_cursor
from chalicelib.http.list_json import list_json
from chalicelib.http.list_query import MAX_PAGE_SIZE, page_size
from chalicelib.http.todo_json import todo_json
from chalicelib.use_cases.sync import SyncPage, SyncPosition

PURPOSE = "sync"


def parse_sync_cursor(
    params: dict[str, str], user_id: str, keys: list[bytes]
) -> tuple[SyncPosition | None, int]:
    """Where to sync from (None: from scratch), and how much at most per page."""
    limit = page_size(params.get("limit"), default=MAX_PAGE_SIZE)
    if "cursor" not in params:
        return None, limit
    try:
        value = decode_cursor(params["cursor"], purpose=PURPOSE, user_id=user_id, secrets=keys)
    except BadCursor as error:
        raise MalformedRequest(f"The cursor is not valid: {error}.") from None
    if not _is_position(value):
        raise MalformedRequest("The cursor is not valid: it names no point in your changes.")
    seq, issued, from_scratch, after_id = value
    return SyncPosition(seq, issued, from_scratch, after_id), limit


def sync_json(page: SyncPage, user_id: str, keys: list[bytes]) -> dict[str, Any]:
    position = page.next
    value = [position.seq, position.issued_us, position.from_scratch, position.after_id]
    changes = page.changes
    return {
        "lists": [list_json(todo_list) for todo_list in changes.lists],
        "todos": [todo_json(todo) for todo in changes.todos],
        "deleted": {"lists": changes.deleted_lists, "todos": changes.deleted_todos},
        "next_cursor": encode_cursor(value, purpose=PURPOSE, user_id=user_id, secret=keys[0]),
        "more": page.more,
    }


def _is_position(value: Any) -> bool:
    if not isinstance(value, list) or len(value) != 4:
        return False
    seq, issued, from_scratch, after_id = value
    numbers = all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in (seq, issued))
    mid_scratch = from_scratch is True and (after_id is None or is_todo_id(after_id))
    return numbers and (mid_scratch or (from_scratch is False and after_id is None))
