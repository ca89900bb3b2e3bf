"""Back-off after failed logins: how long a username must wait before its next try.

After `after_failures` failures in a row the wait is `first_seconds`, and
it doubles with each further failure, up to `max_seconds`. A try during the
wait is refused unchecked and does not count, so it cannot prolong the wait.
A success clears the count, and so does a day without failures. The same
rule holds for usernames nobody has, so the back-off cannot tell which exist.
"""

from dataclasses import dataclass

FORGET_AFTER_MS = 24 * 60 * 60 * 1000  # failures older than this no longer count
_MOST_DOUBLINGS = 32  # far past any cap, and keeps 2**n small


@dataclass(frozen=True)
class FailedLogins:
    """A username's failed logins in a row, and when the last one was."""

    count: int = 0
    last_ms: int = 0

    def forgotten(self, now_ms: int) -> bool:
        """Whether these failures are old enough to count no more."""
        return self.count > 0 and now_ms - self.last_ms >= FORGET_AFTER_MS


@dataclass(frozen=True)
class Backoff:
    after_failures: int = 5
    first_seconds: int = 1
    max_seconds: int = 15 * 60

    def wait_seconds(self, failures: int) -> int:
        """How long the next try must wait after `failures` in a row."""
        if failures < self.after_failures:
            return 0
        doublings = min(failures - self.after_failures, _MOST_DOUBLINGS)
        return min(self.first_seconds * 2**doublings, self.max_seconds)

    def retry_after_seconds(self, failed: FailedLogins, now_ms: int) -> int:
        """Whole seconds, rounded up, until a try may come; 0 if it may come now."""
        if failed.forgotten(now_ms):
            return 0
        remaining_ms = failed.last_ms + self.wait_seconds(failed.count) * 1000 - now_ms
        return max(0, -(-remaining_ms // 1000))
