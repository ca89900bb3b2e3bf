"""Incremental sync: everything that changed since a cursor, or everything, from scratch."""

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.domain.errors import Gone
from chalicelib.storage.changes import HORIZON_DAYS, MICROSECONDS_PER_DAY
from chalicelib.storage.sync_reader import Changes, SyncReader

RESYNC = (
    f"This sync cursor is more than {HORIZON_DAYS} days old, older than the deletions the "
    "service remembers: resync from scratch, with no cursor."
)


@dataclass(frozen=True)
class SyncPosition:
    """Where a sync stands: mid-way through a sync from scratch (`after_id` the last todo
    sent) at change number `seq`, or, once that is done, after change number `seq`.
    `issued_us`: no change the next page needs is older than this."""

    seq: int
    issued_us: int
    from_scratch: bool = False
    after_id: str | None = None


@dataclass(frozen=True)
class SyncPage:
    changes: Changes
    next: SyncPosition
    more: bool


@dataclass(frozen=True)
class Sync:
    _reader: SyncReader
    _now_us: Callable[[], int]

    def page(self, user_id: str, position: SyncPosition | None, limit: int) -> SyncPage:
        now = self._now_us()
        if position is None or position.from_scratch:
            return self._from_scratch(user_id, position, limit, now)
        if position.issued_us < now - HORIZON_DAYS * MICROSECONDS_PER_DAY:
            raise Gone(RESYNC)
        delta = self._reader.delta(user_id, position.seq, limit)
        # Records left for the next page already exist: they date from before now.
        issued = position.issued_us if delta.more else now
        return SyncPage(delta.changes, SyncPosition(delta.after, issued), delta.more)

    def _from_scratch(
        self, user_id: str, position: SyncPosition | None, limit: int, now: int
    ) -> SyncPage:
        snapshot = position.seq if position else None
        after_id = position.after_id if position else None
        page = self._reader.full(user_id, snapshot, after_id, limit)
        issued = position.issued_us if position else now
        if page.last_todo_id is not None:
            next_position = SyncPosition(page.snapshot, issued, True, page.last_todo_id)
            return SyncPage(page.changes, next_position, True)
        return SyncPage(page.changes, SyncPosition(page.snapshot, issued), False)
