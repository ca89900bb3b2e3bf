"""Password hashing with argon2id at OWASP's minimum cost or above."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
MEMORY_COST_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1

_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no stored hash, burn the same work and fail.

    Verifying against a dummy hash for unknown users keeps the timing of
    "no such user" close to "wrong password", so usernames cannot be probed.
    """
    candidate = password_hash or _dummy_hash()
    try:
        matched = _hasher.verify(candidate, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-password-for-timing-only")
