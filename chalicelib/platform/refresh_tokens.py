"""Refresh tokens: opaque to clients, parsed here, and stored only as a hash.

A refresh token reads `<user id>.<family id>.<family start>.<secret>`: 256
random bits of secret, and what the service needs to find its family
without a lookup (the user's partition, the family's item, and when the
family began, which bounds its whole life). Only a SHA-256 digest of the
whole token is ever stored, so the table holds nothing that could be
presented. Rotating a token keeps its family and draws a new secret.
"""

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass

SECRET_BYTES = 32  # 256 bits
_SHAPE = re.compile(r"([0-9a-f]{32})\.([0-9a-f]{32})\.([0-9]{1,15})\.([A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class RefreshToken:
    user_id: str
    family_id: str
    family_started: int  # milliseconds since the epoch
    value: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.value.encode()).hexdigest()


def new_family(user_id: str, now_ms: int) -> RefreshToken:
    return _token(user_id, secrets.token_hex(16), now_ms)


def rotated(token: RefreshToken) -> RefreshToken:
    """The next token of the same family."""
    return _token(token.user_id, token.family_id, token.family_started)


def parse(value: str) -> RefreshToken | None:
    """The token's parts, or None for anything that is not a refresh token of ours."""
    match = _SHAPE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    user_id, family_id, started, _secret = match.groups()
    return RefreshToken(user_id, family_id, int(started), value)


def _token(user_id: str, family_id: str, started: int) -> RefreshToken:
    secret = base64.urlsafe_b64encode(secrets.token_bytes(SECRET_BYTES)).rstrip(b"=").decode()
    return RefreshToken(user_id, family_id, started, f"{user_id}.{family_id}.{started}.{secret}")
