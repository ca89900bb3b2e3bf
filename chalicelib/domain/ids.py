"""Identifiers. Todo ids sort in creation order, so a Query on them lists oldest first."""

import os
import re
import threading
import time
import uuid

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TODO_ID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")
_lock = threading.Lock()
_last = (0, 0)


def new_user_id() -> str:
    return uuid.uuid4().hex


def new_todo_id() -> str:
    """A ULID: 48-bit millisecond time then 80 random bits, in Crockford base32.

    Within one millisecond the random part is incremented rather than redrawn,
    so ids made by one container never sort out of creation order.
    """
    global _last
    with _lock:
        millis = time.time_ns() // 1_000_000
        last_millis, last_random = _last
        if millis <= last_millis:
            millis, randomness = last_millis, last_random + 1
        else:
            randomness = int.from_bytes(os.urandom(10), "big")
        _last = (millis, randomness)
    return _encode((millis << 80) | (randomness & ((1 << 80) - 1)), 26)


def _encode(number: int, length: int) -> str:
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 32)
        chars.append(_CROCKFORD[digit])
    return "".join(reversed(chars))


def is_todo_id(text: str) -> bool:
    """Whether text has a todo id's shape; anything else names no todo."""
    return _TODO_ID.fullmatch(text) is not None
