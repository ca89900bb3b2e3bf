"""Users in DynamoDB. The only module that knows their key layout.

* ``USERNAME#<digest of normalised username>`` holds the user: id, display username,
  email, password hash. Login reads this one item.
* ``EMAIL#<digest of normalised email>`` claims the email for one user id.

Both are written in one transaction, each conditional on not existing, so
two concurrent sign-ups can never share a username or an email.
"""

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.dynamo import (
    cancellation_reasons,
    error_code,
    failed_condition,
    key_digest,
    s,
    transient_failures_as_unavailable,
)
from chalicelib.errors import Conflict, Unavailable
from chalicelib.users import email_key, username_key

USER_SK = "USER"
EMAIL_SK = "EMAIL"


@dataclass(frozen=True)
class User:
    id: str
    username: str
    email: str
    created_at: str


@dataclass(frozen=True)
class Credentials:
    user_id: str
    password_hash: str


class UserStore:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def create(self, user: User, password_hash: str) -> None:
        user_item = {
            "pk": s(_username_pk(user.username)),
            "sk": s(USER_SK),
            "user_id": s(user.id),
            "username": s(user.username),
            "email": s(user.email),
            "password_hash": s(password_hash),
            "created_at": s(user.created_at),
        }
        email_item = {
            "pk": s("EMAIL#" + key_digest(email_key(user.email))),
            "sk": s(EMAIL_SK),
            "user_id": s(user.id),
        }
        unclaimed = "attribute_not_exists(pk)"
        puts = [
            {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": unclaimed}}
            for item in (user_item, email_item)
        ]
        try:
            with transient_failures_as_unavailable("TransactWriteItems"):
                self._client.transact_write_items(TransactItems=puts)
        except ClientError as error:
            if error_code(error) != "TransactionCanceledException":
                raise
            raise _sign_up_failure(cancellation_reasons(error)) from None

    def credentials(self, username: str) -> Credentials | None:
        with transient_failures_as_unavailable("GetItem"):
            result = self._client.get_item(
                TableName=self._table,
                Key={"pk": s(_username_pk(username)), "sk": s(USER_SK)},
                ProjectionExpression="user_id, password_hash",
                ConsistentRead=True,
            )
        item = result.get("Item")
        if item is None:
            return None
        return Credentials(item["user_id"]["S"], item["password_hash"]["S"])


def _username_pk(username: str) -> str:
    return "USERNAME#" + key_digest(username_key(username))


def _sign_up_failure(reasons: list[dict[str, Any]]) -> Exception:
    username_reason, email_reason = [*reasons, {}, {}][:2]
    if failed_condition(username_reason):
        return Conflict("That username is already taken.", field="username")
    if failed_condition(email_reason):
        return Conflict("That email is already registered.", field="email")
    return Unavailable("Sign-up could not complete; try again shortly.")
