"""How a todo is stored: its keys, its attributes, and its write conditions.

Each user's data lives in one partition, ``USER#<user id>``:

* ``TODO#<id>``: the todo. Ids are ULIDs, so sort-key order is creation order.
  ``status_sk`` (``<STATUS>#<id>``) feeds the ``by_status`` local index.
* ``TITLE#<digest of title>``: the claim that makes a title unique per user
  (see title_claims).
* ``COUNT#todos``: how many todos the user has, in ``todos``. Every create and
  delete changes it in the same transaction, so the quota holds under races.
"""

from typing import Any

from chalicelib.domain.errors import NotFound, PreconditionFailed
from chalicelib.domain.todos import Status, Todo
from chalicelib.storage.dynamo import Item, key_digest, n, s

TODO_PREFIX = "TODO#"
TITLE_PREFIX = "TITLE#"
COUNTER_SK = "COUNT#todos"
STATUS_INDEX = "by_status"
NO_VERSION = 0  # versions start at 1
STALE_VERSION = "The todo has changed since the version given in If-Match."


def partition(user_id: str) -> str:
    return f"USER#{user_id}"


def todo_key(user_id: str, todo_id: str) -> Item:
    return {"pk": s(partition(user_id)), "sk": s(TODO_PREFIX + todo_id)}


def claim_key(user_id: str, title: str) -> Item:
    # A 255-character title can be 1,020 UTF-8 bytes: past the 1,024-byte
    # sort-key limit once prefixed, so the key holds a digest instead.
    return {"pk": s(partition(user_id)), "sk": s(TITLE_PREFIX + key_digest(title))}


def counter_key(user_id: str) -> Item:
    return {"pk": s(partition(user_id)), "sk": s(COUNTER_SK)}


def counter_item(user_id: str, todos: int) -> Item:
    return {**counter_key(user_id), "todos": n(todos)}


def status_sk(status: Status, todo_id: str) -> str:
    return f"{status}#{todo_id}"


def todo_item(user_id: str, todo: Todo) -> Item:
    return {
        **todo_key(user_id, todo.id),
        "id": s(todo.id),
        "title": s(todo.title),
        "status": s(todo.status),
        "status_sk": s(status_sk(todo.status, todo.id)),
        "created_at": s(todo.created_at),
        "updated_at": s(todo.updated_at),
        "version": n(todo.version),
    }


def todo_from_item(item: Item) -> Todo:
    return Todo(
        id=item["id"]["S"],
        title=item["title"]["S"],
        status=Status(item["status"]["S"]),
        created_at=item["created_at"]["S"],
        updated_at=item["updated_at"]["S"],
        version=int(item["version"]["N"]),
    )


def guard(expected_title: str | None, expected_versions: list[int] | None) -> tuple[str, dict]:
    """The condition for changing an existing todo, optionally pinned to a title or versions."""
    condition = "attribute_exists(pk)"
    values: dict[str, Any] = {}
    if expected_title is not None:
        condition += " AND title = :expected_title"
        values[":expected_title"] = s(expected_title)
    if expected_versions is not None:
        # An If-Match that can match nothing still needs the write attempted,
        # so that its failure says whether the todo is missing (404) or changed (412).
        versions = expected_versions or [NO_VERSION]
        names = [f":version{index}" for index in range(len(versions))]
        condition += f" AND version IN ({', '.join(names)})"
        values.update({name: n(v) for name, v in zip(names, versions, strict=True)})
    return condition, values


def guard_failure(old_item: Item | None, expected_title: str | None) -> Exception:
    """What a failed guard means, given the item as it was (None if absent)."""
    if old_item is None:
        return NotFound("No such todo.")
    if expected_title is not None and old_item.get("title", {}).get("S") != expected_title:
        return NotFound("No such todo.")
    return PreconditionFailed(STALE_VERSION)
