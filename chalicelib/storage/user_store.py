"""Users in DynamoDB. The only module that knows their key layout.

* ``USERNAME#<digest of normalised username>`` holds the user: id, display username,
  email, password hash. Login reads this one item.
* ``EMAIL#<digest of normalised email>`` claims the email for one user id.

Both are written in one transaction, each conditional on not existing, so
two concurrent sign-ups can never share a username or an email. The same
transaction starts the user's todo counter at zero (see todo_counter).
"""

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import Conflict, Unavailable
from chalicelib.domain.users import User, email_key, username_key
from chalicelib.storage.dynamo import Cancelled, Table, key_digest, s
from chalicelib.storage.todo_keys import counter_item

USER_SK = "USER"
_UNCLAIMED = "attribute_not_exists(pk)"
EMAIL_SK = "EMAIL"


@dataclass(frozen=True)
class Credentials:
    user_id: str
    password_hash: str


class UserStore:
    def __init__(self, table: Table) -> None:
        self._table = table

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
        items = {
            "username": user_item,
            "email": email_item,
            "counter": counter_item(user.id, 0),
        }
        puts = {name: {"Put": self._unclaimed(item)} for name, item in items.items()}
        try:
            self._table.transact(puts)
        except Cancelled as cancelled:
            raise _sign_up_failure(cancelled) from None

    def _unclaimed(self, item: dict[str, Any]) -> dict[str, Any]:
        return {"TableName": self._table.name, "Item": item, "ConditionExpression": _UNCLAIMED}

    def credentials(self, username: str) -> Credentials | None:
        result = self._table.get_item(
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


def _sign_up_failure(cancelled: Cancelled) -> Exception:
    if cancelled.failed("username"):
        return Conflict("That username is already taken.", field="username")
    if cancelled.failed("email"):
        return Conflict("That email is already registered.", field="email")
    return Unavailable("Sign-up could not complete; try again shortly.")
