"""Pages of a list in its manual order that never skip or repeat a todo, whatever moves.

A listing reads the account's change number once, on its first page: the
snapshot, S. Every todo is then listed at the place it had at S:

* a todo not moved since S (its ``moved_seq`` is S or less) is listed where
  the by_status index has it;
* a todo moved since S is not listed where it is now, but where it was:
  the first move record after S that names it (one whose todo's previous
  move is S or older) says where that was (changes.Moved).

Each todo has exactly one place at S, and each page lists the todos whose
place is past the cursor's, so no todo is listed twice or skipped. Todos
created after S are listed where they were created. The fields shown are
the todo's current ones. The index is local, so every read is strongly
consistent; the move records are read after the index on every page, so
a move that committed between them is seen in both or in the records.

The list's statuses are separate ranges of the index; a page merges them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from chalicelib.domain.todos import Status, Todo
from chalicelib.storage.changes import read_moves
from chalicelib.storage.dynamo import Table
from chalicelib.storage.todo_keys import status_prefix, todo_from_item
from chalicelib.storage.todo_store import Placed, TodoStore
from chalicelib.storage.user_keys import account_key

MAX_ROUNDS = 4  # index reads per status on one page, before a short page is answered


@dataclass(frozen=True)
class PageRequest:
    list_id: str
    statuses: tuple[Status, ...]
    limit: int
    after: str | None = None  # the place of the last todo the previous page examined
    snapshot: int | None = None  # None on a first page
    keep: Callable[[Todo], bool] = lambda todo: True


@dataclass(frozen=True)
class PlacedPage:
    todos: list[Todo]
    snapshot: int
    last_place: str | None  # where the next page starts; None if this one is the last
    more: bool


@dataclass
class _Range:
    """One status's part of the list, read forward in rounds."""

    status: Status
    read: list[Placed] = field(default_factory=list)
    exhausted: bool = False


class PositionPager:
    def __init__(self, table: Table, store: TodoStore) -> None:
        self._table = table
        self._store = store

    def page(self, user_id: str, request: PageRequest) -> PlacedPage:
        snapshot = request.snapshot
        if snapshot is None:
            snapshot = self._account_seq(user_id)
        ranges = [_Range(status) for status in request.statuses]
        for _ in range(MAX_ROUNDS):
            self._read_more(user_id, request, ranges)
            moved = self._moved_since(user_id, request, snapshot)
            page = self._assemble(user_id, request, snapshot, ranges, moved)
            if page is not None:
                return page
        return self._assemble(user_id, request, snapshot, ranges, moved, final=True)

    def _account_seq(self, user_id: str) -> int:
        item = self._table.get_item(Key=account_key(user_id), ConsistentRead=True).get("Item")
        return int(item["seq"]["N"]) if item and "seq" in item else 0

    def _read_more(self, user_id: str, request: PageRequest, ranges: list[_Range]) -> None:
        """Read the next batch of each range not yet read to its end, past the cursor."""
        for part in ranges:
            if part.exhausted:
                continue
            after = part.read[-1].place if part.read else request.after
            found, more = self._store.walk(
                user_id, request.list_id, part.status, after, request.limit + 1
            )
            part.read += found
            part.exhausted = not more

    def _moved_since(self, user_id: str, request: PageRequest, snapshot: int) -> dict[str, str]:
        """Todos moved since the snapshot that were in these ranges at it: id → place then."""
        prefixes = {status_prefix(request.list_id, status) for status in request.statuses}
        places: dict[str, str] = {}
        seen: set[str] = set()
        for _seq, todo_id, moved in read_moves(self._table, user_id, snapshot):
            if todo_id in seen or moved.prior_move > snapshot:
                continue  # not the first move since the snapshot
            seen.add(todo_id)
            prefix = next((p for p in prefixes if moved.place.startswith(p)), None)
            if prefix is not None:
                places[todo_id] = moved.place[len(prefix) :]
        return places

    def _assemble(
        self,
        user_id: str,
        request: PageRequest,
        snapshot: int,
        ranges: list[_Range],
        moved: dict[str, str],
        final: bool = False,
    ) -> PlacedPage | None:
        """The page, if what has been read settles it (or `final`); None to read more.

        Entries up to the horizon (the last place read of a range not read to
        its end) are settled: nothing unread can come before them.
        """
        horizon = min((r.read[-1].place for r in ranges if not r.exhausted), default=None)
        entries: dict[str, tuple[str, Todo | None]] = {}
        for part in ranges:
            for placed in part.read:
                if int(placed.item.get("moved_seq", {"N": "0"})["N"]) <= snapshot:
                    entries.setdefault(placed.item["id"]["S"], (placed.place, placed.todo))
        for todo_id, place in moved.items():
            if request.after is None or place > request.after:
                entries.setdefault(todo_id, (place, None))  # its body is read below
        settled = sorted(
            (place, todo_id, todo)
            for todo_id, (place, todo) in entries.items()
            if horizon is None or place <= horizon
        )
        kept: list[Todo] = []
        for place, todo in self._bodies(user_id, request, settled):
            if todo is not None:
                kept.append(todo)
            if len(kept) == request.limit:
                more = horizon is not None or settled[-1][0] > place
                return PlacedPage(kept, snapshot, place if more else None, more)
        if horizon is None:
            return PlacedPage(kept, snapshot, None, False)
        return PlacedPage(kept, snapshot, horizon, True) if final else None

    def _bodies(
        self, user_id: str, request: PageRequest, settled: list[tuple[str, str, Todo | None]]
    ) -> list[tuple[str, Todo | None]]:
        """Each settled entry's place and todo; None where it is filtered out or gone.

        A todo listed at its place before a move is shown as it is now, if it
        is still in this list and of a status asked for.
        """
        missing = [todo_id for _place, todo_id, todo in settled if todo is None]
        found = self._store.get_items(user_id, missing) if missing else {}
        bodies: list[tuple[str, Todo | None]] = []
        for place, todo_id, todo in settled:
            if todo is None and todo_id in found:
                now = todo_from_item(found[todo_id])
                if now.status in request.statuses and now.list_id == request.list_id:
                    todo = now
            bodies.append((place, todo if todo is not None and request.keep(todo) else None))
        return bodies
