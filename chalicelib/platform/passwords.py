"""Password hashing with argon2id at OWASP's minimum cost or above.

argon2 and its cffi bindings are imported when the first Passwords is
made, which only the sign-up and log-in routes do: every other cold start
is spared them.
"""

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
MEMORY_COST_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1

# What an unknown user's password is checked against. A constant, so the
# first unknown-user login in a container costs one verification, like every
# other, and no hash is made at import. Its parameters must stay the
# default Passwords' (the tests check that it would not rehash it), or an
# unknown user would cost a different amount of work than a known one.
DUMMY_HASH = (
    "$argon2id$v=19$m=19456,t=2,p=1"
    "$C5wVfc3FrZnhMCabNUJSiQ$I1qgkDiiWOAMIrgiPCXgRwb5qIhEdDT+vNzrdq8oVoo"
)


class Passwords:
    """Hashes and checks passwords. The service always uses the defaults; only the
    tests pass cheaper costs, to spend their time on something other than argon2."""

    def __init__(
        self,
        time_cost: int = TIME_COST,
        memory_cost_kib: int = MEMORY_COST_KIB,
        parallelism: int = PARALLELISM,
    ) -> None:
        from argon2 import PasswordHasher

        self.hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism
        )
        owasp = (time_cost, memory_cost_kib, parallelism) == (
            TIME_COST,
            MEMORY_COST_KIB,
            PARALLELISM,
        )
        self._dummy_hash = DUMMY_HASH if owasp else self.hasher.hash("not a password of anyone")

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether a stored hash was made with other parameters than these."""
        return self.hasher.check_needs_rehash(password_hash)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Check a password; with no stored hash, burn the same work and fail.

        Verifying against a dummy hash for unknown users keeps the timing of
        "no such user" close to "wrong password", so usernames cannot be probed.
        """
        from argon2.exceptions import InvalidHashError, VerificationError

        candidate = password_hash or self._dummy_hash
        try:
            matched = self.hasher.verify(candidate, password)
        except (VerificationError, InvalidHashError):  # a mismatch is a VerificationError
            return False
        return matched and password_hash is not None
