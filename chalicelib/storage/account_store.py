"""A user's account in DynamoDB: reading it, changing its password, and deleting it all.

Deleting an account removes everything the user has: the login record, the
email claim, and every item of the user's partition (the account itself,
todos, title claims, sessions). It goes in three steps, each safe to run
again, so a request that fails part-way is finished by its retry:

1. one transaction marks the login record and the account as being deleted
   and ends every session: from here on the user cannot log in, refresh or
   write, though the password still checks, for the retry;
2. the partition's items are deleted in batches of 25, several at once;
3. one transaction deletes the login record, the email claim and the
   account item, which is deleted last since it is what marks the user as
   existing.
"""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib.domain.errors import SessionEnded, Unavailable
from chalicelib.domain.users import Caller, User
from chalicelib.storage.dynamo import Cancelled, Item, Table, n, s
from chalicelib.storage.user_keys import (
    ACCOUNT_SK,
    account_key,
    email_claim_key,
    login_key,
    partition,
    user_from,
)

BATCH = 25  # BatchWriteItem's most
PARALLEL_BATCHES = 8
# A retry of a deletion under way goes on, though step 1 ended the caller's session.
_SESSION_STANDS = "(sessions_valid_from <= :issued OR deleting = :yes)"
_YES = {"BOOL": True}


class AccountStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def account(self, user_id: str) -> User | None:
        item = self._table.get_item(Key=account_key(user_id), ConsistentRead=True).get("Item")
        return user_from(item, user_id) if item else None

    def change_password(
        self, caller: Caller, user: User, old_hash: str, new_hash: str, valid_from: int
    ) -> None:
        """Replace the hash, if still the one checked, and end every session, at once."""
        update_login = self._update(
            login_key(user.username),
            "SET password_hash = :new",
            "password_hash = :old AND user_id = :id",
            {":new": s(new_hash), ":old": s(old_hash), ":id": s(user.id)},
        )
        end_sessions = self._update(
            account_key(user.id),
            "SET sessions_valid_from = :from",
            "sessions_valid_from <= :issued",
            {":from": n(valid_from), ":issued": n(caller.token_issued_ms)},
        )
        self._transact({"login": update_login, "account": end_sessions})

    def begin_deletion(self, caller: Caller, user: User, valid_from: int) -> None:
        """Step 1: mark the user as being deleted, and end every session."""
        mark_login = self._update(
            login_key(user.username),
            "SET deleting = :yes",
            "user_id = :id",
            {":id": s(user.id), ":yes": _YES},
        )
        mark_account = self._update(
            account_key(user.id),
            "SET deleting = :yes, sessions_valid_from = :from",
            _SESSION_STANDS,
            {":from": n(valid_from), ":issued": n(caller.token_issued_ms), ":yes": _YES},
        )
        self._transact({"login": mark_login, "account": mark_account})

    def delete_partition(self, user_id: str) -> int:
        """Step 2: delete every item of the user's partition but the account; how many."""
        keys = [key for key in self._partition_keys(user_id) if key["sk"]["S"] != ACCOUNT_SK]
        batches = [keys[i : i + BATCH] for i in range(0, len(keys), BATCH)]
        with ThreadPoolExecutor(max_workers=PARALLEL_BATCHES) as pool:
            list(pool.map(self._table.batch_delete, batches))
        return len(keys)

    def finish_deletion(self, user: User) -> None:
        """Step 3: the login record, the email claim and, last, the account."""
        mine = {
            "ConditionExpression": "user_id = :id",
            "ExpressionAttributeValues": {":id": s(user.id)},
        }
        deletes = {
            "login": {
                "Delete": {"TableName": self._table.name, "Key": login_key(user.username), **mine}
            },
            "email": {
                "Delete": {
                    "TableName": self._table.name,
                    "Key": email_claim_key(user.email),
                    **mine,
                }
            },
            "account": {"Delete": {"TableName": self._table.name, "Key": account_key(user.id)}},
        }
        self._transact(deletes)

    def _partition_keys(self, user_id: str) -> list[Item]:
        query: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": s(partition(user_id))},
            "ProjectionExpression": "pk, sk",
            "ConsistentRead": True,
        }
        keys: list[Item] = []
        while True:
            page = self._table.query(**query)
            keys.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                return keys
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _update(
        self, key: Item, update: str, condition: str, values: dict[str, Any]
    ) -> dict[str, Any]:
        update_item = {
            "TableName": self._table.name,
            "Key": key,
            "UpdateExpression": update,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": values,
        }
        return {"Update": update_item}

    def _transact(self, items: dict[str, dict[str, Any]]) -> None:
        try:
            self._table.transact(items)
        except Cancelled as cancelled:
            if cancelled.failed("account"):
                raise SessionEnded() from None
            raise Unavailable("The account changed meanwhile; try again.") from None
