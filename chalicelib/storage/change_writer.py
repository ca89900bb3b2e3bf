"""One write of todos or lists: a transaction with its change number and change records.

Every write goes through ChangeWriter.write, which adds to the caller's
items the account's (account_checks) and the change records (changes),
and runs them as one TransactWriteItems. A cancelled attempt either ends
the write with the error it means, or teaches the next attempt something
(the last change number, who holds a title's claim), and only an attempt
cancelled by contention alone waits before the next. Every retry comes out
of the request's one budget.
"""

from collections.abc import Callable
from typing import Any

from chalicelib.domain.errors import SessionEnded, Unavailable
from chalicelib.domain.users import Caller
from chalicelib.platform import retries
from chalicelib.platform.clock import now_us
from chalicelib.storage.account_checks import AccountChecks, Counted, SeqTaken
from chalicelib.storage.changes import Change, next_seq, record_items
from chalicelib.storage.dynamo import Cancelled, Table

Writes = dict[str, dict[str, Any]]
# Attempts overtaken by another write of the same user, on top of the request's
# retries: each means that other write committed, so some write always progresses.
MAX_OVERTAKEN = 50


class Retry(Exception):
    """Raised by a judge: the attempt taught something; try again at once."""


class AlreadyWritten(Exception):
    """Raised by a judge: an earlier attempt of this very write committed, and only its
    answer was lost (a timeout, then a retry); the write is done."""


class ChangeWriter:
    def __init__(self, table: Table, clock_us: Callable[[], int] = now_us) -> None:
        self._table = table
        self._account = AccountChecks(table)
        self._clock_us = clock_us

    def write(
        self,
        caller: Caller,
        change: Change,
        build: Callable[[int], Writes],
        judge: Callable[[Cancelled], None] = lambda cancelled: None,
        counted: Counted | None = None,
    ) -> int:
        """Run build(seq)'s items with the account's and the change records; the seq used.

        `judge` looks at a cancellation's reasons: it raises the error they
        mean, raises Retry if it learned something, or returns to let the
        account's reason decide.
        """
        budget = retries.current()
        last_seen, attempt, overtaken = 0, 0, 0
        while True:
            seq = next_seq(self._clock_us(), last_seen)
            items = {
                **build(seq),
                "account": self._account.update(caller, seq, counted),
                **record_items(self._table.name, caller.user_id, seq, change),
            }
            try:
                self._table.transact(items)
                return seq
            except Cancelled as cancelled:
                try:
                    learned, seen = self._learn(caller, cancelled, judge, counted)
                except AlreadyWritten:
                    return seq
            if seen is not None and overtaken < MAX_OVERTAKEN and budget.has_time():
                # Another write of this user's committed first: the user's writes
                # progress, so this costs no retry, only time.
                last_seen, overtaken = seen, overtaken + 1
                continue
            if not budget.retry(0 if learned else retries.back_off(attempt)):
                raise Unavailable("Too many concurrent changes; try again shortly.")
            attempt += 1

    def _learn(
        self,
        caller: Caller,
        cancelled: Cancelled,
        judge: Callable[[Cancelled], None],
        counted: Counted | None,
    ) -> tuple[bool, int | None]:
        """Raise the error a cancellation means, or return (learned something, the change
        number that overtook this one, if that was all)."""
        refused = None
        if cancelled.failed("account"):
            refused = self._account.failure(caller, cancelled.old_item("account"), counted)
            if isinstance(refused, SessionEnded):
                raise refused  # whatever else failed, this caller may not write at all
        overtaken_by = refused.last if isinstance(refused, SeqTaken) else None
        try:
            judge(cancelled)
        except Retry:
            # Another write committed first here too: the user's writes progress.
            return True, overtaken_by
        if isinstance(refused, SeqTaken):
            return True, refused.last
        if refused is not None:
            raise refused
        return False, None
