"""The errors the service can answer with. Mapped to HTTP in chalicelib.problems."""

from typing import NamedTuple


class ServiceError(Exception):
    """Base for every error that is the client's to see."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class FieldError(NamedTuple):
    field: str
    message: str


class MalformedRequest(ServiceError):
    """The request cannot be parsed at all (bad JSON, not an object, bad cursor)."""


class PayloadTooLarge(ServiceError):
    pass


class InvalidInput(ServiceError):
    """Well-formed, but one or more fields break the rules."""

    def __init__(self, *errors: FieldError) -> None:
        names = ", ".join(error.field for error in errors)
        super().__init__(f"Invalid value for: {names}")
        self.errors = errors


class Unauthenticated(ServiceError):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


class SessionEnded(Unauthenticated):
    """The caller's token was valid, but its sessions were ended since it was issued
    (logged out everywhere, password changed, account deleted): it may no longer write."""

    def __init__(self) -> None:
        super().__init__(
            "revoked",
            "This session has ended (logged out everywhere, or the password or "
            "account changed); log in again.",
        )


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    def __init__(self, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.field = field


class PreconditionFailed(ServiceError):
    pass


class QuotaExceeded(ServiceError):
    """The user already holds as many todos (or lists) as the stage allows."""

    def __init__(self, limit: int, things: str = "todos") -> None:
        super().__init__(f"You can keep at most {limit} {things}; delete some to add more.")
        self.limit = limit


class Gone(ServiceError):
    """A cursor from before what the service still remembers: start again from scratch."""


class TooManyAttempts(ServiceError):
    """Too many failed logins in a row for this username: wait, then try again."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            f"Too many failed logins for this username; try again in {retry_after_seconds} s."
        )
        self.retry_after_seconds = retry_after_seconds


class Unavailable(ServiceError):
    """A dependency failed after retries; the client may try again later."""

    retry_after_seconds = 1
