"""Sign-up, log-in, and what a user does with their own account."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.domain.errors import Conflict, SessionEnded, TooManyAttempts, Unauthenticated
from chalicelib.domain.ids import new_user_id
from chalicelib.domain.login_backoff import Backoff
from chalicelib.domain.users import Caller, SignUp, User, validate_password
from chalicelib.platform import logs, metrics
from chalicelib.platform.clock import Clock
from chalicelib.storage.account_store import AccountStore
from chalicelib.storage.user_store import Credentials as StoredCredentials
from chalicelib.storage.user_store import UserStore

if TYPE_CHECKING:  # loaded by dependencies.passwords(), on the account routes only
    from chalicelib.platform.passwords import Passwords

BAD_CREDENTIALS = "Unknown username or wrong password."
DEFAULT_BACKOFF = Backoff()


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


class Accounts:
    def __init__(
        self,
        users: UserStore,
        accounts: AccountStore,
        passwords: "Passwords",
        clock: Clock,
        now_ms: Callable[[], int],
        backoff: Backoff = DEFAULT_BACKOFF,
        new_id: Callable[[], str] = new_user_id,
    ) -> None:
        self._users = users
        self._accounts = accounts
        self._passwords = passwords
        self._clock = clock
        self._now_ms = now_ms
        self._backoff = backoff
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

        An unknown user and a wrong password fail the same way, take about
        the same time and back off alike, so the answer does not reveal which
        usernames exist. During a back-off the password is not even checked.
        """
        now = self._now_ms()
        record = self._users.login_record(credentials.username)
        wait = self._backoff.retry_after_seconds(record.failures, now)
        if wait:
            metrics.count(metrics.LOCKOUTS)
            raise TooManyAttempts(wait)
        stored = record.credentials
        if stored is not None and stored.record.get("deleting"):
            stored = None  # being deleted: as good as gone, and costs the same to find so
        # Verified whether or not the user exists, for the same cost either way.
        password_ok = self._passwords.verify(
            stored.password_hash if stored else None, credentials.password
        )
        if stored is None or not password_ok:
            restart = record.failures.forgotten(now)
            self._users.record_failure(
                credentials.username, record.credentials is not None, restart, now
            )
            metrics.count(metrics.FAILED_LOGINS)
            raise Unauthenticated("invalid_credentials", BAD_CREDENTIALS)
        logs.user_id.set(stored.user_id)
        self._after_success(credentials, stored, record.failures.count > 0)
        metrics.count(metrics.LOGINS)
        return stored.user_id

    def _after_success(
        self, credentials: Credentials, stored: StoredCredentials, had_failures: bool
    ) -> None:
        """Clear the failures and upgrade an outdated hash: a write only if either is due."""
        new_hash = None
        if self._passwords.needs_rehash(stored.password_hash):
            new_hash = self._passwords.hash(credentials.password)
        self._users.record_success(credentials.username, stored, had_failures, new_hash)
        self._users.ensure_account(stored)

    def me(self, caller: Caller) -> User:
        """The caller's account; SessionEnded once it is gone (or from before accounts)."""
        user = self._accounts.account(caller.user_id)
        if user is None:
            raise SessionEnded()
        return user

    def change_password(self, caller: Caller, current: str, new: str) -> None:
        """Check the current password, store the new one's hash, and end every session,
        the caller's included, in one transaction."""
        user, stored = self._checked(caller, current, "current_password")
        new_hash = self._passwords.hash(validate_password(new, "new_password"))
        valid_from = self._now_ms() + 1
        self._accounts.change_password(caller, user, stored.password_hash, new_hash, valid_from)

    def delete(self, caller: Caller, password: str) -> int:
        """Delete the account and everything of it; how many items of its partition went.

        Safe to repeat: a retry of a deletion that failed part-way finishes it.
        """
        user, _stored = self._checked(caller, password, "password")
        self._accounts.begin_deletion(caller, user, self._now_ms() + 1)
        deleted = self._accounts.delete_partition(user.id)
        self._accounts.finish_deletion(user)
        logs.log_event("account_deleted", items=deleted + 3)
        return deleted

    def _checked(self, caller: Caller, password: str, field: str) -> tuple[User, StoredCredentials]:
        user = self.me(caller)
        stored = self._users.credentials(user.username)
        if stored is None or not self._passwords.verify(stored.password_hash, password):
            raise Unauthenticated("invalid_credentials", f"The {field.replace('_', ' ')} is wrong.")
        return user, stored
