from datetime import UTC, datetime


def now_rfc3339() -> str:
    """The current UTC time as RFC 3339 with milliseconds, e.g. 2026-01-02T03:04:05.678Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
