"""How users are stored: their keys and the items that carry them.

* ``USERNAME#<digest of username>``: ``USER``, the login record: user id,
  display username, email, password hash, and the failed logins in a row
  with when the last was (login_backoff). Login reads this one item. For a
  username nobody has, the same item holds only the failures, with a TTL,
  so that back-off cannot tell the two apart; a sign-up replaces it.
* ``EMAIL#<digest of email>``: ``EMAIL`` claims an email for one user id.
* ``USER#<user id>``: ``ACCOUNT``, the account: username, email, created_at,
  `todos` (the count behind the quota) and `sessions_valid_from` (tokens
  issued before it may no longer write; see account_checks). The user's
  todos and title claims share this partition (todo_keys), and so does
  each refresh-token family, ``SESSION#<family id>`` (session_store).

Keys hold SHA-256 digests of user text, so no valid input can exceed
DynamoDB's key size limits.
"""

from chalicelib.domain.users import User, email_key, username_key
from chalicelib.storage.dynamo import Item, key_digest, n, s

LOGIN_SK = "USER"
EMAIL_SK = "EMAIL"
ACCOUNT_SK = "ACCOUNT"
SESSION_PREFIX = "SESSION#"
# When items with it may be deleted by DynamoDB's TTL, in epoch seconds.
EXPIRES_AT = "expires_at"


def partition(user_id: str) -> str:
    return f"USER#{user_id}"


def username_pk(username: str) -> dict[str, str]:
    return s("USERNAME#" + key_digest(username_key(username)))


def login_key(username: str) -> Item:
    return {"pk": username_pk(username), "sk": s(LOGIN_SK)}


def email_claim_key(email: str) -> Item:
    return {"pk": s("EMAIL#" + key_digest(email_key(email))), "sk": s(EMAIL_SK)}


def account_key(user_id: str) -> Item:
    return {"pk": s(partition(user_id)), "sk": s(ACCOUNT_SK)}


def session_key(user_id: str, family_id: str) -> Item:
    return {"pk": s(partition(user_id)), "sk": s(SESSION_PREFIX + family_id)}


def login_item(user: User, password_hash: str) -> Item:
    return {
        **login_key(user.username),
        "user_id": s(user.id),
        "username": s(user.username),
        "email": s(user.email),
        "password_hash": s(password_hash),
        "created_at": s(user.created_at),
        "failed_logins": n(0),
        "has_account": {"BOOL": True},
    }


def account_item(user: User, todos: int) -> Item:
    return {
        **account_key(user.id),
        "username": s(user.username),
        "email": s(user.email),
        "created_at": s(user.created_at),
        "todos": n(todos),
        "sessions_valid_from": n(0),
    }


def user_from(item: Item, user_id: str) -> User:
    return User(user_id, item["username"]["S"], item["email"]["S"], item["created_at"]["S"])
