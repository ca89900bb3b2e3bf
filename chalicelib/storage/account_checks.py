"""The account item's part in every write: the session, the change number, and the counts.

Each user has one account item (USER#<id> / ACCOUNT, see user_keys). Every
write of a todo or a list updates it in the same transaction, so it costs
no extra call:

* it sets ``seq`` to the write's change number, on condition that the
  number is greater than the one there (see changes);
* a create adds to ``todos`` (or ``lists``), conditional on staying under
  the quota; a delete takes away.

Each is also conditional on the caller's token having been issued no
earlier than ``sessions_valid_from`` (both in milliseconds since the epoch),
which logging out everywhere, a password change and account deletion move
forward (a deleted account has no item at all). So a token whose sessions
have ended can still read until it expires, but never write.
"""

from typing import Any, NamedTuple

from chalicelib.domain.errors import QuotaExceeded, SessionEnded
from chalicelib.domain.users import Caller
from chalicelib.storage.dynamo import Item, Table, n
from chalicelib.storage.user_keys import account_key

_SESSION_STANDS = "sessions_valid_from <= :issued_at"
_SEQ_GROWS = "(attribute_not_exists(seq) OR seq < :seq)"


class SeqTaken(Exception):
    """Another write took this change number or a later one: try again above `last`."""

    def __init__(self, last: int) -> None:
        super().__init__(f"change number taken; last is {last}")
        self.last = last


class Counted(NamedTuple):
    """What a write adds to one of the account's counts, and that count's quota."""

    counter: str  # "todos" or "lists"
    by: int
    quota: int | None = None  # checked when adding


class AccountChecks:
    def __init__(self, table: Table) -> None:
        self._table = table

    def update(self, caller: Caller, seq: int, counted: Counted | None = None) -> dict[str, Any]:
        """The account's item in a write's transaction; with no count, a change that only
        checks the session and takes its number."""
        sets = ["seq = :seq"]
        condition = f"{_SESSION_STANDS} AND {_SEQ_GROWS}"
        values = {":seq": n(seq), ":issued_at": n(caller.token_issued_ms)}
        if counted is not None:
            # Accounts from before lists have no `lists`, hence if_not_exists.
            sets.append(f"{counted.counter} = if_not_exists({counted.counter}, :zero) + :by")
            values |= {":by": n(counted.by), ":zero": n(0)}
            if counted.quota is not None:
                condition += f" AND (attribute_not_exists({counted.counter}) OR "
                condition += f"{counted.counter} <= :room)"
                values[":room"] = n(counted.quota - counted.by)
        return {
            "Update": {
                "TableName": self._table.name,
                "Key": account_key(caller.user_id),
                "UpdateExpression": "SET " + ", ".join(sets),
                "ConditionExpression": condition,
                "ExpressionAttributeValues": values,
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

    def failure(
        self, caller: Caller, account: Item | None, counted: Counted | None = None
    ) -> Exception:
        """What it means that the account's condition failed, given the item as it was:
        SessionEnded, SeqTaken (try again), or QuotaExceeded."""
        if account is None or int(account["sessions_valid_from"]["N"]) > caller.token_issued_ms:
            return SessionEnded()
        if counted is not None and counted.quota is not None:
            held = int(account.get(counted.counter, {"N": "0"})["N"])
            if held + counted.by > counted.quota:
                return QuotaExceeded(counted.quota, counted.counter)
        return SeqTaken(int(account["seq"]["N"]) if "seq" in account else 0)
