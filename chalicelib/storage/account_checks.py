"""The account item's part in every todo write: the count behind the quota, and the session.

Each user has one account item (USER#<id> / ACCOUNT, see user_keys). Every
write of a todo carries an item on it in the same transaction, so it costs
no extra call:

* a create adds one to `todos`, conditional on staying under the quota;
* a delete takes one away;
* a change only checks it.

Each is also conditional on the caller's token having been issued no
earlier than `sessions_valid_from` (both in milliseconds since the epoch),
which logging out everywhere, a
password change and account deletion move forward (a deleted account has
no item at all). So a token whose sessions have ended can still read
until it expires, but never write.
"""

from typing import Any

from chalicelib.domain.errors import QuotaExceeded, SessionEnded
from chalicelib.domain.users import Caller
from chalicelib.storage.dynamo import Item, Table, n
from chalicelib.storage.user_keys import account_key

_SESSION_STANDS = "sessions_valid_from <= :issued_at"


class AccountChecks:
    def __init__(self, table: Table, quota: int) -> None:
        self._table = table
        self.quota = quota

    def add_one(self, caller: Caller) -> dict[str, Any]:
        """For a create: one more todo, while under the quota."""
        values = {":one": n(1), ":quota": n(self.quota)}
        return self._update(caller, "SET todos = todos + :one", "todos < :quota", values)

    def take_one(self, caller: Caller) -> dict[str, Any]:
        """For a delete: one todo fewer."""
        return self._update(caller, "SET todos = todos - :one", None, {":one": n(1)})

    def still_valid(self, caller: Caller) -> dict[str, Any]:
        """For a change: only that the account exists and the session stands."""
        check = {
            "TableName": self._table.name,
            "Key": account_key(caller.user_id),
            "ConditionExpression": _SESSION_STANDS,
            "ExpressionAttributeValues": {":issued_at": n(caller.token_issued_ms)},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        return {"ConditionCheck": check}

    def failure(self, caller: Caller, account: Item | None) -> Exception:
        """What it means that the account item's condition failed, given the item as it was."""
        if account is None or int(account["sessions_valid_from"]["N"]) > caller.token_issued_ms:
            return SessionEnded()
        return QuotaExceeded(self.quota)

    def _update(
        self, caller: Caller, update: str, condition: str | None, values: dict[str, Any]
    ) -> dict[str, Any]:
        full_condition = _SESSION_STANDS + (f" AND {condition}" if condition else "")
        return {
            "Update": {
                "TableName": self._table.name,
                "Key": account_key(caller.user_id),
                "UpdateExpression": update,
                "ConditionExpression": full_condition,
                "ExpressionAttributeValues": {**values, ":issued_at": n(caller.token_issued_ms)},
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }
