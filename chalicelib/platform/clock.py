import time
from collections.abc import Callable
from datetime import UTC, datetime

# What use cases are given to tell the time: a call returning now in RFC 3339.
Clock = Callable[[], str]


def now_rfc3339() -> str:
    """The current UTC time as RFC 3339 with milliseconds, e.g. 2026-01-02T03:04:05.678Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_ms() -> int:
    """The current time in milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


def now_us() -> int:
    """The current time in microseconds since the epoch: what change numbers start from."""
    return time.time_ns() // 1_000
