"""Password hashing with argon2id at OWASP's minimum cost or above."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
MEMORY_COST_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1

_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM)

# What an unknown user's password is checked against. A constant, so the
# first unknown-user login in a container costs one verification, like every
# other, and no hash is made at import. Its parameters must stay those of
# _hasher (the tests check that _hasher would not rehash it), or an unknown
# user would cost a different amount of work than a known one.
DUMMY_HASH = (
    "$argon2id$v=19$m=19456,t=2,p=1"
    "$C5wVfc3FrZnhMCabNUJSiQ$I1qgkDiiWOAMIrgiPCXgRwb5qIhEdDT+vNzrdq8oVoo"
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no stored hash, burn the same work and fail.

    Verifying against a dummy hash for unknown users keeps the timing of
    "no such user" close to "wrong password", so usernames cannot be probed.
    """
    candidate = password_hash or DUMMY_HASH
    try:
        matched = _hasher.verify(candidate, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None
