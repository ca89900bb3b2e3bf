"""Opaque, signed cursors: for the pages of a v2 list, and for sync.

A cursor carries a small JSON value (where the previous page stopped, and
what it was made for), signed with HMAC-SHA256 over its purpose and the
user's id. A cursor from another user, made for another purpose, or with a
single changed byte fails verification, so a cursor can neither read
another user's todos nor be steered to a key the server did not issue.
Callers still check the shape of what a verified cursor holds.
"""

import base64
import hashlib
import hmac
import json
from typing import Any

_MAC_BYTES = 16


class BadCursor(ValueError):
    pass


def encode_cursor(value: Any, *, purpose: str, user_id: str, secret: bytes) -> str:
    payload = _b64(json.dumps(value, separators=(",", ":")).encode())
    return f"{payload}.{_b64(_mac(payload, purpose, user_id, secret))}"


def decode_cursor(cursor: str, *, purpose: str, user_id: str, secrets: list[bytes]) -> Any:
    """The value a cursor holds, if one of `secrets` signed it for this purpose and user."""
    payload, _, mac = cursor.partition(".")
    try:
        given = _unb64(mac)
        valid = any(hmac.compare_digest(given, _mac(payload, purpose, user_id, s)) for s in secrets)
        if valid:
            return json.loads(_unb64(payload))
    except (ValueError, TypeError):
        raise BadCursor("cursor is malformed") from None
    raise BadCursor("cursor was not issued for this request")


def _mac(payload: str, purpose: str, user_id: str, secret: bytes) -> bytes:
    message = f"cursor|{purpose}|{user_id}|{payload}".encode()
    return hmac.new(secret, message, hashlib.sha256).digest()[:_MAC_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii") + b"=" * (-len(text) % 4))
