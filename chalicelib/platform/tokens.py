"""JWT issue and verification: the caller supplies the secret, the algorithm is pinned.

TokenVerifier keeps, per container, the tokens it has already verified in
full, so a client's next request with the same token costs a dictionary
lookup and an expiry check instead of PyJWT's parse and HMAC. Only a token
string exactly equal to one PyJWT accepted can hit: a forged or altered
token is a different string, and is verified in full.
"""

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, NamedTuple

from chalicelib.platform.jwt_import import import_jwt
from chalicelib.platform.signing_keys import SigningKey, SigningKeys

jwt = import_jwt()

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "iat", "exp", "iss"]
# The subject becomes part of DynamoDB keys, so even a correctly signed
# token must carry a short, printable ASCII one (our user ids are 32 hex
# digits); nothing longer or stranger ever reaches a key.
MAX_SUBJECT_CHARS = 64
_SUBJECT = re.compile(rf"[\x21-\x7e]{{1,{MAX_SUBJECT_CHARS}}}")

TokenProblem = Literal["missing", "expired", "invalid"]


class TokenRejected(Exception):
    def __init__(self, reason: TokenProblem) -> None:
        super().__init__(reason)
        self.reason: TokenProblem = reason


class UnknownKey(TokenRejected):
    """The token names a key that is neither the current one nor the previous one."""

    def __init__(self) -> None:
        super().__init__("invalid")


def issue_token(
    user_id: str,
    *,
    secret: bytes,
    issuer: str,
    ttl_minutes: int,
    now: datetime | None = None,
    kid: str | None = None,
) -> str:
    issued_at = now or datetime.now(UTC)
    claims = {
        "sub": user_id,
        "iat": issued_at,
        "exp": issued_at + timedelta(minutes=ttl_minutes),
        "iss": issuer,
        # `iat` is whole seconds; ending sessions needs the order of events finer.
        "iat_ms": int(issued_at.timestamp() * 1000),
    }
    headers = {"kid": kid} if kid else None
    return jwt.encode(claims, secret, algorithm=ALGORITHM, headers=headers)


class VerifiedToken(NamedTuple):
    subject: str
    issued_ms: int  # from `iat_ms`, or `iat` for tokens from before it
    expires_at: int


def verify_token(token: str | None, *, secret: bytes, issuer: str) -> str:
    """Return the user id the token was issued to, or raise TokenRejected."""
    return verify_claims(token, keys=SigningKeys.of(secret), issuer=issuer).subject


def verify_claims(token: str | None, *, keys: SigningKeys, issuer: str) -> VerifiedToken:
    """Verify a token in full with PyJWT, with the key it names: signature, algorithm,
    issuer, every claim. A token naming a key that is neither current nor previous fails."""
    if not token:
        raise TokenRejected("missing")
    try:
        key = keys.find(jwt.get_unverified_header(token).get("kid"))
        if key is None:
            raise UnknownKey
        claims = jwt.decode(
            token,
            key.secret,
            algorithms=[ALGORITHM],
            issuer=issuer,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError:
        raise TokenRejected("expired") from None
    except jwt.PyJWTError:
        raise TokenRejected("invalid") from None
    subject = claims["sub"]
    if not isinstance(subject, str) or not _SUBJECT.fullmatch(subject):
        raise TokenRejected("invalid")
    issued_ms = claims.get("iat_ms")
    if not isinstance(issued_ms, int) or abs(issued_ms - claims["iat"] * 1000) >= 1000:
        issued_ms = int(claims["iat"]) * 1000
    return VerifiedToken(subject, issued_ms, int(claims["exp"]))


class TokenVerifier:
    """Verifies tokens for one secret and issuer, remembering those it has verified.

    The memory is bounded: at most `max_entries` tokens, least recently
    used first out, and only tokens up to `max_token_chars` long (ours are
    about 200). Each hit checks the expiry again. New keys mean a new
    verifier, so rotating keys forgets everything verified with the old.
    """

    def __init__(
        self,
        keys: SigningKeys,
        issuer: str,
        *,
        max_entries: int = 1024,
        max_token_chars: int = 1024,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._max_entries = max_entries
        self._max_token_chars = max_token_chars
        self._clock = clock
        self._verified: OrderedDict[str, VerifiedToken] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, token: str | None) -> VerifiedToken:
        known = self._remembered(token) if token else None
        if known is None:
            known = verify_claims(token, keys=self._keys, issuer=self._issuer)
            self._remember(token, known)
        if known.expires_at <= self._clock():
            raise TokenRejected("expired")
        return known

    def _remembered(self, token: str) -> VerifiedToken | None:
        with self._lock:
            known = self._verified.get(token)
            if known is not None:
                self._verified.move_to_end(token)
            return known

    def _remember(self, token: str | None, verified: VerifiedToken) -> None:
        if token is None or len(token) > self._max_token_chars:
            return
        with self._lock:
            self._verified[token] = verified
            while len(self._verified) > self._max_entries:
                self._verified.popitem(last=False)


@dataclass(frozen=True)
class TokenIssuer:
    """Issues this stage's access tokens, signed with the current key and naming it."""

    key: SigningKey
    issuer: str

    def issue(self, user_id: str, ttl_minutes: int) -> str:
        return issue_token(
            user_id,
            secret=self.key.secret,
            issuer=self.issuer,
            ttl_minutes=ttl_minutes,
            kid=self.key.kid,
        )
