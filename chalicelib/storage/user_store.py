"""Users in DynamoDB: sign-up, the login record, and the account it stands for.

Sign-up writes the login record, the email claim and the account in one
transaction, each conditional on not existing, so two concurrent sign-ups
can never share a username or an email. Key layout: user_keys.

Login reads the login record alone, failures included. Failures are counted
with ADD, so concurrent wrong guesses all count.
"""

from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import Conflict, Unavailable
from chalicelib.domain.login_backoff import FORGET_AFTER_MS, FailedLogins
from chalicelib.domain.users import User
from chalicelib.platform.logs import log_event
from chalicelib.storage.dynamo import Cancelled, ConditionFailed, Item, Table, n, s
from chalicelib.storage.todo_keys import TODO_PREFIX
from chalicelib.storage.user_keys import (
    EXPIRES_AT,
    account_item,
    account_key,
    email_claim_key,
    login_item,
    login_key,
    partition,
    user_from,
)

_UNCLAIMED = "attribute_not_exists(pk)"
# A username's login record may hold only the failures of a name nobody had.
_USERNAME_FREE = "attribute_not_exists(user_id)"
_IS_USER = "attribute_exists(user_id)"
# Where accounts from before the account item kept their count of todos.
LEGACY_COUNTER_SK = "COUNT#todos"


@dataclass(frozen=True)
class Credentials:
    user_id: str
    password_hash: str
    record: Item  # the whole login record, for what login does with it besides checking


@dataclass(frozen=True)
class LoginRecord:
    """What login reads: the user's credentials, if the username is anyone's, and its
    failures either way."""

    credentials: Credentials | None
    failures: FailedLogins


class UserStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def create(self, user: User, password_hash: str) -> None:
        email_claim = {**email_claim_key(user.email), "user_id": s(user.id)}
        items = {
            "username": login_item(user, password_hash),
            "email": email_claim,
            "account": account_item(user, todos=0),
        }
        puts = {name: {"Put": self._unclaimed(item)} for name, item in items.items()}
        puts["username"]["Put"]["ConditionExpression"] = _USERNAME_FREE
        try:
            self._table.transact(puts)
        except Cancelled as cancelled:
            raise _sign_up_failure(cancelled) from None

    def credentials(self, username: str) -> Credentials | None:
        return self.login_record(username).credentials

    def login_record(self, username: str) -> LoginRecord:
        """One strongly consistent GetItem, so that the latest failures count."""
        item = self._table.get_item(Key=login_key(username), ConsistentRead=True).get("Item")
        if item is None:
            return LoginRecord(None, FailedLogins())
        failures = FailedLogins(_number(item, "failed_logins"), _number(item, "last_failure_ms"))
        if "user_id" not in item:
            return LoginRecord(None, failures)
        credentials = Credentials(item["user_id"]["S"], item["password_hash"]["S"], item)
        return LoginRecord(credentials, failures)

    def record_failure(self, username: str, known: bool, restart: bool, now_ms: int) -> None:
        """Count one more failed login; `restart` counts from one, past forgotten failures.

        For a username nobody has, the record holds only the failures and
        expires once they would be forgotten anyway.
        """
        values = {":one": n(1), ":now": n(now_ms)}
        update = "ADD failed_logins :one SET last_failure_ms = :now"
        if restart:
            update = "SET failed_logins = :one, last_failure_ms = :now"
        if not known:
            update += f", {EXPIRES_AT} = :expires"
            values[":expires"] = n((now_ms + FORGET_AFTER_MS) // 1000)
        # A sign-up or a deletion got there first: the failure no longer matters.
        with suppress(ConditionFailed):
            self._table.update_item(
                Key=login_key(username),
                UpdateExpression=update,
                ConditionExpression=_IS_USER if known else _USERNAME_FREE,
                ExpressionAttributeValues=values,
            )

    def record_success(
        self, username: str, credentials: Credentials, clear_failures: bool, new_hash: str | None
    ) -> None:
        """After a good login: clear its failures, store an upgraded hash; neither, no write."""
        sets, values = [], {":id": s(credentials.user_id)}
        condition = "user_id = :id"
        if clear_failures:
            sets.append("failed_logins = :zero")
            values[":zero"] = n(0)
        if new_hash is not None:
            sets.append("password_hash = :new")
            condition += " AND password_hash = :old"
            values |= {":new": s(new_hash), ":old": s(credentials.password_hash)}
        if not sets:
            return
        # The password changed or the account went meanwhile: that change stands.
        with suppress(ConditionFailed):
            self._table.update_item(
                Key=login_key(username),
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
            )

    def ensure_account(self, credentials: Credentials) -> None:
        """Give a user from before account items one, at their first login since.

        Their todos are counted once, strongly consistently; no write can land
        meanwhile, since every write needs the account item. Their old counter
        item, if any, goes in the same transaction.
        """
        if credentials.record.get("has_account", {}).get("BOOL"):
            return
        user = user_from(credentials.record, credentials.user_id)
        todos = self._count_todos(user.id)
        legacy_counter = {"pk": s(partition(user.id)), "sk": s(LEGACY_COUNTER_SK)}
        migrate = {
            "account": {"Put": self._unclaimed(account_item(user, todos))},
            "login": {
                "Update": {
                    "TableName": self._table.name,
                    "Key": login_key(user.username),
                    "UpdateExpression": "SET has_account = :yes",
                    "ExpressionAttributeValues": {":yes": {"BOOL": True}},
                }
            },
            "legacy": {"Delete": {"TableName": self._table.name, "Key": legacy_counter}},
        }
        try:
            self._table.transact(migrate)
        except Cancelled as cancelled:
            if not cancelled.failed("account"):
                raise Unavailable("Log-in could not complete; try again shortly.") from None
            return  # a concurrent login made it first
        log_event("account_created_for_existing_user", todos=todos)

    def end_sessions(self, user_id: str, valid_from: int) -> None:
        """Refuse writes, from now on, to every token issued before `valid_from`.

        A moment already later stays: sessions are never revived.
        """
        # No account any more, or its sessions already ended later: nothing to do.
        with suppress(ConditionFailed):
            self._table.update_item(
                Key=account_key(user_id),
                UpdateExpression="SET sessions_valid_from = :from",
                ConditionExpression="sessions_valid_from < :from",
                ExpressionAttributeValues={":from": n(valid_from)},
            )

    def _unclaimed(self, item: dict[str, Any]) -> dict[str, Any]:
        return {"TableName": self._table.name, "Item": item, "ConditionExpression": _UNCLAIMED}

    def _count_todos(self, user_id: str) -> int:
        query: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": s(partition(user_id)), ":prefix": s(TODO_PREFIX)},
            "Select": "COUNT",
            "ConsistentRead": True,
        }
        total = 0
        while True:
            page = self._table.query(**query)
            total += page["Count"]
            if "LastEvaluatedKey" not in page:
                return total
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _number(item: Item, name: str) -> int:
    return int(item[name]["N"]) if name in item else 0


def _sign_up_failure(cancelled: Cancelled) -> Exception:
    if cancelled.failed("username"):
        return Conflict("That username is already taken.", field="username")
    if cancelled.failed("email"):
        return Conflict("That email is already registered.", field="email")
    return Unavailable("Sign-up could not complete; try again shortly.")
