"""Values every suite shares: test users' password, unique names, what the book's client sends."""

import uuid

PASSWORD = "correct horse battery"
# The signing secret of the in-process suites; the local stacks make their own.
TEST_SECRET = "route-tests-secret-that-is-long-enough-0123456789"
# The request headers that make the book's clients preflight, lower-cased: its
# React front end sends `token`, JSON bodies, and (from its login form, by
# mistake) two response headers; its Postman collection also sends `user-token`.
BOOK_CLIENT_REQUEST_HEADERS = frozenset(
    {
        "token",
        "content-type",
        "access-control-allow-origin",
        "access-control-expose-headers",
        "user-token",
    }
)


def unique(prefix: str = "user") -> str:
    """A name no other test uses, so tests can share one table without colliding."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"
