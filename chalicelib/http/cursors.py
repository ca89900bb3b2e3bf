"""Opaque, signed page cursors for the v2 list.

A cursor carries the id of the last todo on the page (an id the caller has
already seen) and the status filter it was made for, and is signed with
HMAC-SHA256 over the user's id. A cursor from another user, another filter,
or with a single changed byte fails verification, so a cursor can neither
read another user's todos nor be steered to a key the server did not issue.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

_MAC_BYTES = 16


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Position:
    after_id: str
    status: str | None


def encode_cursor(position: Position, *, user_id: str, secret: bytes) -> str:
    payload = _b64(json.dumps([position.after_id, position.status]).encode())
    return f"{payload}.{_b64(_mac(payload, user_id, secret))}"


def decode_cursor(cursor: str, *, user_id: str, secrets: list[bytes]) -> Position:
    """The position a cursor holds, if one of `secrets` signed it for this user."""
    payload, _, mac = cursor.partition(".")
    try:
        given = _unb64(mac)
        valid = any(hmac.compare_digest(given, _mac(payload, user_id, s)) for s in secrets)
        after_id, status = json.loads(_unb64(payload)) if valid else (None, None)
    except (ValueError, TypeError):
        raise BadCursor("cursor is malformed") from None
    if not valid or not isinstance(after_id, str) or not isinstance(status, str | None):
        raise BadCursor("cursor was not issued for this request")
    return Position(after_id, status)


def _mac(payload: str, user_id: str, secret: bytes) -> bytes:
    message = f"cursor|{user_id}|{payload}".encode()
    return hmac.new(secret, message, hashlib.sha256).digest()[:_MAC_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii") + b"=" * (-len(text) % 4))
