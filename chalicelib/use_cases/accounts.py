"""Sign-up and log-in."""

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.domain.errors import Conflict, Unauthenticated
from chalicelib.domain.ids import new_user_id
from chalicelib.domain.users import SignUp, User
from chalicelib.platform import logs, metrics
from chalicelib.platform.clock import Clock
from chalicelib.platform.passwords import Passwords
from chalicelib.storage.user_store import UserStore

BAD_CREDENTIALS = "Unknown username or wrong password."


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


class Accounts:
    def __init__(
        self,
        users: UserStore,
        passwords: Passwords,
        clock: Clock,
        new_id: Callable[[], str] = new_user_id,
    ) -> None:
        self._users = users
        self._passwords = passwords
        self._clock = clock
        self._new_id = new_id

    def sign_up(self, request: SignUp, name_field: str) -> User:
        """Store a new user; Conflict names the taken field as the caller's API does."""
        user = User(self._new_id(), request.username, request.email, self._clock())
        try:
            self._users.create(user, self._passwords.hash(request.password))
        except Conflict as conflict:
            # v1 calls the username "name", v2 "username".
            field = name_field if conflict.field == "username" else conflict.field
            raise Conflict(conflict.detail, field=field) from None
        logs.user_id.set(user.id)
        metrics.count(metrics.SIGN_UPS)
        return user

    def log_in(self, credentials: Credentials) -> str:
        """Return the user id for valid credentials.

        An unknown user and a wrong password fail the same way and take about
        the same time, so the answer does not reveal which usernames exist.
        """
        stored = self._users.credentials(credentials.username)
        stored_hash = stored.password_hash if stored else None
        password_ok = self._passwords.verify(stored_hash, credentials.password)
        if stored is None or not password_ok:
            metrics.count(metrics.FAILED_LOGINS)
            raise Unauthenticated("invalid_credentials", BAD_CREDENTIALS)
        logs.user_id.set(stored.user_id)
        self._users.ensure_account(stored)
        metrics.count(metrics.LOGINS)
        return stored.user_id
