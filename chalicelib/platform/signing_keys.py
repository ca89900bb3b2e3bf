"""The keys tokens are signed with: the current one, and the one before it.

Tokens name their key in the `kid` header, a digest that identifies a key
without revealing it. Verifying with either key means rotating the secret
does not log anyone out: tokens signed with the previous key keep working
until they expire, and only tokens from before that stop.

Cursors are signed with keys derived from these, never with the token keys
themselves, so no value signed for one purpose can pass for the other.
"""

import hashlib
import hmac
from typing import NamedTuple

_KEY_ID_LABEL = b"todo-service key id|"
_CURSOR_LABEL = b"todo-service cursor key"


class SigningKey(NamedTuple):
    kid: str
    secret: bytes

    @classmethod
    def of(cls, secret: bytes) -> "SigningKey":
        return cls(hashlib.sha256(_KEY_ID_LABEL + secret).hexdigest()[:16], secret)


class SigningKeys(NamedTuple):
    current: SigningKey
    previous: SigningKey | None = None

    @classmethod
    def of(cls, current: bytes, previous: bytes | None = None) -> "SigningKeys":
        older = SigningKey.of(previous) if previous and previous != current else None
        return cls(SigningKey.of(current), older)

    def find(self, kid: str | None) -> SigningKey | None:
        """The key a token names. Tokens from before key ids name none: the current key."""
        if kid is None or kid == self.current.kid:
            return self.current
        if self.previous is not None and kid == self.previous.kid:
            return self.previous
        return None

    def cursor_keys(self) -> list[bytes]:
        """Keys for cursors, the current one first: derived, never the token keys themselves."""
        keys = [self.current] + ([self.previous] if self.previous else [])
        return [hmac.new(key.secret, _CURSOR_LABEL, hashlib.sha256).digest() for key in keys]
