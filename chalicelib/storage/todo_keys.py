"""How a todo is stored: its keys, its attributes, and its write conditions.

Each user's data lives in one partition, ``USER#<user id>``:

* ``TODO#<id>``: the todo. Ids are ULIDs, so sort-key order is creation order.
  ``status_sk`` (``<STATUS>#<id>``) feeds the ``by_status`` local index.
* ``TITLE#<digest of title>``: the claim that makes a title unique per user
  (see title_claims).
* ``ACCOUNT`` (user_keys): every todo write checks it in the same transaction
  (account_checks), and creates and deletes keep its count of todos.

A todo's attributes come from FIELDS, one row per field of the Todo type:
items, reads and update expressions are all derived from it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import NotFound, PreconditionFailed
from chalicelib.domain.todos import STALE_VERSION, Expected, Status, Todo
from chalicelib.storage.dynamo import Item, key_digest, n, s
from chalicelib.storage.user_keys import partition

TODO_PREFIX = "TODO#"
TITLE_PREFIX = "TITLE#"
STATUS_INDEX = "by_status"
NO_VERSION = 0  # versions start at 1


_REQUIRED = object()


@dataclass(frozen=True)
class Field:
    """One attribute of a stored todo: the Todo field it holds, and how to convert it.

    `default` is what a todo stored before the field existed reads as.
    """

    name: str
    to_attribute: Callable[[Any], dict[str, str]]
    from_attribute: Callable[[dict[str, str]], Any]
    default: Any = _REQUIRED

    def read(self, item: Item) -> Any:
        if self.name in item or self.default is _REQUIRED:
            return self.from_attribute(item[self.name])
        return self.default


def _text(value: dict[str, str]) -> str:
    return value["S"]


FIELDS = (
    Field("id", s, _text),
    Field("title", s, _text),
    Field("status", s, lambda value: Status(value["S"])),
    Field("created_at", s, _text),
    Field("updated_at", s, _text),
    Field("version", n, lambda value: int(value["N"])),
    Field("notes", s, _text, default=""),
)
_BY_NAME = {field.name: field for field in FIELDS}


def todo_key(user_id: str, todo_id: str) -> Item:
    return {"pk": s(partition(user_id)), "sk": s(TODO_PREFIX + todo_id)}


def claim_key(user_id: str, title: str) -> Item:
    # A 255-character title can be 1,020 UTF-8 bytes: past the 1,024-byte
    # sort-key limit once prefixed, so the key holds a digest instead.
    return {"pk": s(partition(user_id)), "sk": s(TITLE_PREFIX + key_digest(title))}


def status_sk(status: Status, todo_id: str) -> str:
    return f"{status}#{todo_id}"


def todo_item(user_id: str, todo: Todo) -> Item:
    attributes = {f.name: f.to_attribute(getattr(todo, f.name)) for f in FIELDS}
    return {**todo_key(user_id, todo.id), **attributes, **_derived(todo.id, attributes)}


def todo_from_item(item: Item) -> Todo:
    return Todo(**{f.name: f.read(item) for f in FIELDS})


def set_clause(todo_id: str, values: dict[str, Any]) -> tuple[str, dict, dict]:
    """`SET` for these field values (and what derives from them): expression, names, values.

    Every name goes through a placeholder, since several (status, version)
    are DynamoDB reserved words.
    """
    attributes = {name: _BY_NAME[name].to_attribute(value) for name, value in values.items()}
    attributes.update(_derived(todo_id, attributes))
    expression = "SET " + ", ".join(f"#{name} = :{name}" for name in attributes)
    names = {f"#{name}": name for name in attributes}
    return expression, names, {f":{name}": value for name, value in attributes.items()}


def _derived(todo_id: str, attributes: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Attributes that exist only for indexes, kept in step with the fields they follow."""
    if "status" not in attributes:
        return {}
    return {"status_sk": s(status_sk(Status(attributes["status"]["S"]), todo_id))}


def guard(expected: Expected) -> tuple[str, dict[str, Any]]:
    """The condition for changing an existing todo, pinned to what the caller expects."""
    condition = "attribute_exists(pk)"
    values: dict[str, Any] = {}
    if expected.title is not None:
        condition += " AND title = :expected_title"
        values[":expected_title"] = s(expected.title)
    if expected.versions is not None:
        # An If-Match that can match nothing still needs the write attempted,
        # so that its failure says whether the todo is missing (404) or changed (412).
        versions = expected.versions or (NO_VERSION,)
        names = [f":version{index}" for index in range(len(versions))]
        condition += f" AND version IN ({', '.join(names)})"
        values.update({name: n(v) for name, v in zip(names, versions, strict=True)})
    return condition, values


def guard_failure(old_item: Item | None, expected: Expected) -> Exception:
    """What a failed guard means, given the item as it was (None if absent)."""
    if old_item is None:
        return NotFound("No such todo.")
    if expected.title is not None and old_item.get("title", {}).get("S") != expected.title:
        return NotFound("No such todo.")
    return PreconditionFailed(STALE_VERSION)
