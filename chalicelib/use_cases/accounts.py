"""Sign-up, log-in and token issue."""

from chalicelib.domain.errors import Conflict, Unauthenticated
from chalicelib.domain.ids import new_user_id
from chalicelib.domain.users import validate_sign_up
from chalicelib.platform import logs, runtime
from chalicelib.platform.clock import now_rfc3339
from chalicelib.platform.passwords import hash_password, verify_password
from chalicelib.platform.tokens import issue_token
from chalicelib.storage.user_store import User, UserStore

BAD_CREDENTIALS = "Unknown username or wrong password."


def sign_up(store: UserStore, username: str, email: str, password: str, name_field: str) -> User:
    request = validate_sign_up(username, email, password, name_field)
    user = User(new_user_id(), request.username, request.email, now_rfc3339())
    try:
        store.create(user, hash_password(request.password))
    except Conflict as conflict:
        # Name the field as the caller's API does: v1 says "name", v2 "username".
        field = name_field if conflict.field == "username" else conflict.field
        raise Conflict(conflict.detail, field=field) from None
    logs.user_id.set(user.id)
    return user


def log_in(store: UserStore, username: str, password: str) -> str:
    """Return the user id for valid credentials.

    An unknown user and a wrong password fail the same way and take about
    the same time, so the answer does not reveal which usernames exist.
    """
    credentials = store.credentials(username)
    stored_hash = credentials.password_hash if credentials else None
    password_ok = verify_password(stored_hash, password)
    if credentials is None or not password_ok:
        raise Unauthenticated("invalid_credentials", BAD_CREDENTIALS)
    logs.user_id.set(credentials.user_id)
    return credentials.user_id


def token_for(user_id: str) -> str:
    settings = runtime.settings()
    return issue_token(
        user_id,
        secret=runtime.signing_secret(),
        issuer=settings.token_issuer,
        ttl_minutes=settings.token_expire_minutes,
    )


def token_lifetime_seconds() -> int:
    return runtime.settings().token_expire_minutes * 60
