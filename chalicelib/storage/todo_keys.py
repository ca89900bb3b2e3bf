"""How a todo is stored: its keys, its attributes, and its write conditions.

Each user's data lives in one partition, ``USER#<user id>``:

* ``TODO#<id>``: the todo, read by id with one GetItem.
* Its ``status_sk`` places it in the ``by_status`` local index, which reads
  strongly consistently: by list, then status, then the list's manual order:
  ``[L#<list id>#]<STATUS>#<position>[#<id>]``. The default list has no
  prefix, and a todo whose position is its own id no suffix, so a todo
  stored before lists and positions existed already has its key.
* A todo with a due date has ``due_pk`` (``USER#<user id>#<list id>``) and
  ``due_sk`` (``<due sort key>#<id>``), which place it in the ``by_due``
  global index; one without is not in it at all.
* ``moved_seq``: the change sequence of its last move (todo_pages).
* ``TITLE#[<list id>#]<digest of title>``: the claim that makes a title
  unique in its list (see title_claims); the default list's have no list id.
* ``ACCOUNT`` (user_keys): every todo write updates it in the same
  transaction (account_checks), and creates and deletes keep its count.

A todo's attributes come from FIELDS, one row per field of the Todo type:
items, reads and update expressions are all derived from it.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from chalicelib.domain.due import due_sort_key
from chalicelib.domain.errors import NotFound, PreconditionFailed
from chalicelib.domain.lists import DEFAULT_LIST_ID
from chalicelib.domain.todos import STALE_VERSION, Expected, Status, Todo
from chalicelib.storage.dynamo import Item, key_digest, n, s
from chalicelib.storage.user_keys import partition

TODO_PREFIX = "TODO#"
TITLE_PREFIX = "TITLE#"
STATUS_INDEX = "by_status"
DUE_INDEX = "by_due"
NO_VERSION = 0  # versions start at 1
INDEX_ATTRIBUTES = ("status_sk", "due_pk", "due_sk")

_REQUIRED = object()
_OWN_ID = object()  # a position not stored is the todo's id


class Field(NamedTuple):
    """One attribute of a stored todo: the Todo field it holds, and how to convert it.

    `default` is what a todo stored before the field existed reads as; a
    field whose value is None is not stored at all.
    """

    name: str
    to_attribute: Callable[[Any], dict[str, str]]
    from_attribute: Callable[[dict[str, str]], Any]
    default: Any = _REQUIRED

    def read(self, item: Item) -> Any:
        if self.name in item or self.default is _REQUIRED:
            return self.from_attribute(item[self.name])
        return item["id"]["S"] if self.default is _OWN_ID else self.default


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
    Field("list_id", s, _text, default=DEFAULT_LIST_ID),
    Field("position", s, _text, default=_OWN_ID),
    Field("due", s, _text, default=None),
    Field("completed_at", s, _text, default=None),
)
_BY_NAME = {field.name: field for field in FIELDS}


def todo_key(user_id: str, todo_id: str) -> Item:
    return {"pk": s(partition(user_id)), "sk": s(TODO_PREFIX + todo_id)}


def claim_key(user_id: str, list_id: str, title: str) -> Item:
    # A 255-character title can be 1,020 UTF-8 bytes: past the 1,024-byte
    # sort-key limit once prefixed, so the key holds a digest instead.
    in_list = "" if list_id == DEFAULT_LIST_ID else f"{list_id}#"
    return {"pk": s(partition(user_id)), "sk": s(TITLE_PREFIX + in_list + key_digest(title))}


def list_prefix(list_id: str) -> str:
    """Where a list's todos start in the by_status index."""
    return "" if list_id == DEFAULT_LIST_ID else f"L#{list_id}#"


def status_prefix(list_id: str, status: Status) -> str:
    return f"{list_prefix(list_id)}{status}#"


def place(position: str, todo_id: str) -> str:
    """A todo's place in its list, the part of status_sk after the status: the list's
    order, compared as strings. A position other than the id gets the id as tie-break."""
    return todo_id if position == todo_id else f"{position}#{todo_id}"


def status_sk(todo: Todo) -> str:
    return status_prefix(todo.list_id, todo.status) + place(todo.position, todo.id)


def due_pk(user_id: str, list_id: str) -> str:
    return f"{partition(user_id)}#{list_id}"


def todo_item(user_id: str, todo: Todo) -> Item:
    attributes = {
        f.name: f.to_attribute(value)
        for f in FIELDS
        if (value := getattr(todo, f.name)) is not None
    }
    return {**todo_key(user_id, todo.id), **attributes, **_indexed(user_id, todo)}


def todo_from_item(item: Item) -> Todo:
    return Todo(**{f.name: f.read(item) for f in FIELDS})


def set_clause(user_id: str, todo: Todo, names: list[str]) -> tuple[str, dict, dict]:
    """The update that gives a stored todo these fields of `todo`, and the index keys that
    follow from all of them: expression, names, values. Fields that are None are removed.

    Every name goes through a placeholder, since several (status, version)
    are DynamoDB reserved words.
    """
    values = {name: getattr(todo, name) for name in names}
    sets = {name: _BY_NAME[name].to_attribute(v) for name, v in values.items() if v is not None}
    sets.update(_indexed(user_id, todo))
    removed = [name for name, v in values.items() if v is None]
    removed += [name for name in INDEX_ATTRIBUTES if name not in sets]
    expression = "SET " + ", ".join(f"#{name} = :{name}" for name in sets)
    if removed:
        expression += " REMOVE " + ", ".join(f"#{name}" for name in removed)
    placeholders = {f"#{name}": name for name in [*sets, *removed]}
    return expression, placeholders, {f":{name}": value for name, value in sets.items()}


def _indexed(user_id: str, todo: Todo) -> dict[str, dict[str, str]]:
    """Attributes that exist only for indexes, kept in step with the fields they follow."""
    indexed = {"status_sk": s(status_sk(todo))}
    if todo.due is not None:
        indexed["due_pk"] = s(due_pk(user_id, todo.list_id))
        indexed["due_sk"] = s(f"{due_sort_key(todo.due)}#{todo.id}")
    return indexed


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
