"""The change feed: a sequence number for every write, and the records sync reads.

Every write of a todo or a list also, in the same transaction:

* sets the account item's ``seq`` to a new number, on condition that it is
  greater than the one there (account_checks). So, per user, the numbers of
  committed writes grow in the order the writes commit, and once the
  account shows a number, every write with a smaller one has committed;
* puts a change record, ``CHANGE#<seq>``: the kind (todo or list), the ids,
  and whether they were deleted. Sync reads these in order. They expire
  after RETENTION_DAYS, through the table's TTL; the sync horizon,
  HORIZON_DAYS, is shorter, so no record a valid cursor needs is gone;
* if todos moved, puts ``MOVE#<seq>``: each one's place before the move, and
  the number of its move before that, for paging (todo_pages).

A number is the time in microseconds, or one more than the last one seen
if the clock is behind: the condition keeps the order, whatever the clocks
of the containers say.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from chalicelib.storage.dynamo import Item, Table, n, s
from chalicelib.storage.user_keys import EXPIRES_AT, partition

CHANGE_PREFIX = "CHANGE#"
MOVE_PREFIX = "MOVE#"
SEQ_DIGITS = 20  # wide enough for microseconds for thousands of years, so strings sort as numbers
HORIZON_DAYS = 30
RETENTION_DAYS = HORIZON_DAYS + 1
MICROSECONDS_PER_DAY = 86_400 * 1_000_000
TODO, LIST = "todo", "list"


class Moved(NamedTuple):
    """A todo's place (its whole status_sk) before a move, and its move before that (0: none)."""

    place: str
    prior_move: int


@dataclass(frozen=True)
class Change:
    """What one write changed: todos or lists, by id; and, for todos, where moved ones were."""

    kind: str
    ids: tuple[str, ...]
    deleted: bool = False
    moves: dict[str, Moved] = field(default_factory=dict)


def next_seq(now_us: int, last_seen: int) -> int:
    return max(now_us, last_seen + 1)


def seq_key(user_id: str, prefix: str, seq: int) -> Item:
    return {"pk": s(partition(user_id)), "sk": s(f"{prefix}{seq:0{SEQ_DIGITS}d}")}


def seq_of(item: Item) -> int:
    return int(item["sk"]["S"].partition("#")[2])


def record_items(table: str, user_id: str, seq: int, change: Change) -> dict[str, Any]:
    """The transaction items that record `change` under number `seq`."""
    expires = {EXPIRES_AT: n(seq // 1_000_000 + RETENTION_DAYS * 86_400)}
    record = {
        **seq_key(user_id, CHANGE_PREFIX, seq),
        "kind": s(change.kind),
        "ids": {"SS": list(change.ids)},
        "deleted": {"BOOL": change.deleted},
        **expires,
    }
    items = {"change": {"Put": {"TableName": table, "Item": record}}}
    if change.moves:
        moves = {
            todo_id: {"M": {"place": s(moved.place), "prior_move": n(moved.prior_move)}}
            for todo_id, moved in change.moves.items()
        }
        move = {**seq_key(user_id, MOVE_PREFIX, seq), "moves": {"M": moves}, **expires}
        items["moves"] = {"Put": {"TableName": table, "Item": move}}
    return items


class Recorded(NamedTuple):
    """A change record as read back."""

    seq: int
    kind: str
    ids: tuple[str, ...]
    deleted: bool


def read_changes(
    table: Table, user_id: str, after: int, through: int, limit: int
) -> tuple[list[Recorded], bool]:
    """Change records numbered in (after, through], oldest first; and whether more follow.
    One more record than `limit` is asked for, so a last full page says nothing follows."""
    if through <= after:
        # Nothing to read, and DynamoDB refuses a BETWEEN whose bounds are the wrong way round.
        return [], False
    result = table.query(**_range(user_id, CHANGE_PREFIX, after, through), Limit=limit + 1)
    records = [
        Recorded(seq_of(item), item["kind"]["S"], tuple(item["ids"]["SS"]), item["deleted"]["BOOL"])
        for item in result["Items"]
    ]
    return records[:limit], len(records) > limit or "LastEvaluatedKey" in result


def read_moves(table: Table, user_id: str, after: int) -> Iterable[tuple[int, str, Moved]]:
    """Every move numbered after `after`, oldest first: (number, todo id, where it was)."""
    query = _range(user_id, MOVE_PREFIX, after, None)
    while True:
        result = table.query(**query)
        for item in result["Items"]:
            for todo_id, moved in item["moves"]["M"].items():
                fields = moved["M"]
                yield (
                    seq_of(item),
                    todo_id,
                    Moved(fields["place"]["S"], int(fields["prior_move"]["N"])),
                )
        if "LastEvaluatedKey" not in result:
            return
        query["ExclusiveStartKey"] = result["LastEvaluatedKey"]


def _range(user_id: str, prefix: str, after: int, through: int | None) -> dict[str, Any]:
    low = seq_key(user_id, prefix, after + 1)["sk"]
    high = seq_key(user_id, prefix, through)["sk"] if through is not None else s(prefix + "~")
    return {
        "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
        "ExpressionAttributeValues": {":pk": s(partition(user_id)), ":low": low, ":high": high},
        "ConsistentRead": True,
    }
