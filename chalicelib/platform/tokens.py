"""JWT issue and verification. Pure functions: the caller supplies the secret."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

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


def issue_token(
    user_id: str,
    *,
    secret: bytes,
    issuer: str,
    ttl_minutes: int,
    now: datetime | None = None,
) -> str:
    issued_at = now or datetime.now(UTC)
    claims = {
        "sub": user_id,
        "iat": issued_at,
        "exp": issued_at + timedelta(minutes=ttl_minutes),
        "iss": issuer,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_token(token: str | None, *, secret: bytes, issuer: str) -> str:
    """Return the user id the token was issued to, or raise TokenRejected."""
    if not token:
        raise TokenRejected("missing")
    try:
        claims = jwt.decode(
            token,
            secret,
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
    return subject


@dataclass(frozen=True)
class TokenIssuer:
    """Issues this stage's access tokens: its secret, issuer and lifetime, held together."""

    secret: bytes
    issuer: str
    ttl_minutes: int

    def issue(self, user_id: str) -> str:
        return issue_token(
            user_id, secret=self.secret, issuer=self.issuer, ttl_minutes=self.ttl_minutes
        )

    @property
    def lifetime_seconds(self) -> int:
        return self.ttl_minutes * 60
