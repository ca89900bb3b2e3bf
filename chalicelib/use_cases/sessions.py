"""Sessions: refresh tokens that renew v2 access tokens, and ending them.

A login through v2 starts a family of refresh tokens; each refresh rotates
it to a new token (see storage/session_store for reuse and races). Logging
out ends one family; logging out everywhere ends every session of the
user at once, through the account item, which also refuses writes from
access tokens issued before it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.domain.errors import Unauthenticated
from chalicelib.domain.users import Caller
from chalicelib.platform import logs, metrics
from chalicelib.platform import refresh_tokens as tokens
from chalicelib.platform.refresh_tokens import RefreshToken
from chalicelib.storage.session_store import Refused, SessionStore
from chalicelib.storage.user_store import UserStore

BAD_GRANT = "The refresh token is not valid any more; log in again."
MillisecondClock = Callable[[], int]


@dataclass(frozen=True)
class Sessions:
    _sessions: SessionStore
    _users: UserStore
    _now_ms: MillisecondClock

    def start(self, user_id: str) -> RefreshToken:
        """A new family of refresh tokens for a user who has just logged in."""
        token = tokens.new_family(user_id, self._now_ms())
        self._sessions.start(token, self._now_ms())
        return token

    def refresh(self, presented: str | None) -> RefreshToken:
        """The next refresh token of the presented one's family; Unauthenticated if none."""
        token = tokens.parse(presented) if presented else None
        if token is None:
            raise Unauthenticated("invalid_grant", BAD_GRANT)
        following = tokens.rotated(token)
        try:
            self._sessions.rotate(token, following, self._now_ms())
        except Refused as refused:
            if refused.reused:
                logs.log_event("refresh_token_reused", level="warning", user_id=token.user_id)
            raise Unauthenticated("invalid_grant", BAD_GRANT) from None
        logs.user_id.set(token.user_id)
        metrics.count(metrics.REFRESHES)
        return following

    def revoke(self, presented: str | None) -> None:
        """End the token's family. Unknown or malformed tokens are no error (RFC 7009)."""
        token = tokens.parse(presented) if presented else None
        if token is not None:
            self._sessions.end(token)

    def end_all(self, caller: Caller) -> None:
        """Log the caller's user out everywhere: every refresh token, and every access
        token's writes, from before this moment."""
        self._users.end_sessions(caller.user_id, self._now_ms() + 1)
