"""Password hashing with the standard library's scrypt (OpenSSL) at OWASP's cost.

scrypt needs no third-party package and no native code of the zip's own,
so the zip stays small and the same for every CPU architecture. Hashes are
stored as `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<key>` (base64 without
padding), so the cost can be raised later: a hash made at another cost
verifies with its own parameters and is upgraded at the next log-in.

Hashes made with argon2id before the switch are still verified when the
`argon2` package is installed (docs/DEPLOY.md says when to add it), and are
always reported as needing a rehash.
"""

import base64
import hashlib
import hmac
import re
import secrets

from chalicelib.platform import logs

# The OWASP Password Storage Cheat Sheet lists scrypt at N=2^17, r=8, p=1 and
# settings it deems equivalent with less memory, down to N=2^13, r=8, p=10;
# N=2^14, r=8, p=5 is one of them: 16 MiB, near argon2id's 19 MiB minimum.
LOG2_N = 14
BLOCK_SIZE = 8
PARALLELISM = 5
SALT_BYTES = 16
KEY_BYTES = 32

SCHEME = "scrypt"
LEGACY_PREFIX = "$argon2"
# Bounds on what a stored hash may ask for, so that a corrupt or planted one
# cannot make a verification take seconds or more memory than Lambda gives:
# four times today's memory (128 * r * N bytes) and about six times its work
# (N * r * p). A cost raised past them needs them raised too.
MAX_MEMORY_BYTES = 64 * 2**20
MAX_WORK = 2**22
SALT_LENGTHS, KEY_LENGTHS = range(16, 65), range(16, 65)
_PARAMETERS = re.compile(r"ln=([1-9][0-9]?),r=([1-9][0-9]?),p=([1-9][0-9]?)")

# What an unknown user's password is checked against. A constant, so the
# first unknown-user login in a container costs one verification, like every
# other, and no hash is made at import. Its parameters must stay the
# default Passwords' (the tests check that it would not rehash it), or an
# unknown user would cost a different amount of work than a known one.
DUMMY_HASH = (
    "$scrypt$ln=14,r=8,p=5$Qzj2GIU7nFD3gm2Ofq7xpg$Jqqgg7/b0pM4HoE0wAon8djUVSNID2wkaG9hg2RcCm8"
)


class Passwords:
    """Hashes and checks passwords. The service always uses the defaults; only the
    tests pass cheaper costs, to spend their time on something other than scrypt."""

    def __init__(
        self,
        log2_n: int = LOG2_N,
        block_size: int = BLOCK_SIZE,
        parallelism: int = PARALLELISM,
    ) -> None:
        self.cost = (log2_n, block_size, parallelism)
        self._warned_legacy = False
        default = self.cost == (LOG2_N, BLOCK_SIZE, PARALLELISM)
        self._dummy_hash = DUMMY_HASH if default else self.hash("not a password of anyone")

    def hash(self, password: str) -> str:
        salt = secrets.token_bytes(SALT_BYTES)
        key = _derive(password, salt, self.cost, KEY_BYTES)
        log2_n, block_size, parallelism = self.cost
        parameters = f"ln={log2_n},r={block_size},p={parallelism}"
        return f"${SCHEME}${parameters}${_encode(salt)}${_encode(key)}"

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether a stored hash was made otherwise than these parameters would make it."""
        parsed = _parse(password_hash)
        if parsed is None:
            return True  # legacy (argon2id) or unreadable: the next log-in replaces it
        cost, salt, key = parsed
        return (cost, len(salt), len(key)) != (self.cost, SALT_BYTES, KEY_BYTES)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Check a password; with no stored hash, burn the same work and fail.

        Verifying against a dummy hash for unknown users keeps the timing of
        "no such user" close to "wrong password", so usernames cannot be probed.
        A stored hash this module cannot read fails like a wrong password.
        """
        if password_hash is not None and password_hash.startswith(LEGACY_PREFIX):
            return self._verify_legacy(password_hash, password)
        parsed = _parse(self._dummy_hash if password_hash is None else password_hash)
        if parsed is None:
            return False
        cost, salt, key = parsed
        try:
            derived = _derive(password, salt, cost, len(key))
        except (ValueError, MemoryError):  # a cost OpenSSL refuses, such as N too large for r
            return False
        return hmac.compare_digest(derived, key) and password_hash is not None

    def _verify_legacy(self, password_hash: str, password: str) -> bool:
        """An argon2id hash from before scrypt, checked only if argon2 is installed."""
        try:
            from argon2 import PasswordHasher
            from argon2.exceptions import InvalidHashError, VerificationError
        except ImportError:
            if not self._warned_legacy:
                self._warned_legacy = True
                logs.log_event("legacy_password_hash_unverifiable", level="warning")
            return False
        try:  # the hash carries its own parameters, which verify reads
            return PasswordHasher().verify(password_hash, password)
        except (VerificationError, InvalidHashError):  # a mismatch is a VerificationError
            return False


def _derive(password: str, salt: bytes, cost: tuple[int, int, int], length: int) -> bytes:
    log2_n, block_size, parallelism = cost
    # OpenSSL refuses to use more than maxmem (32 MiB unless given): what scrypt
    # needs is 128 * r * (N + 2) bytes for its table plus 128 * r * p for the lanes.
    needed = 128 * block_size * ((1 << log2_n) + 2 + parallelism)
    return hashlib.scrypt(
        password.encode(errors="surrogatepass"),  # never raises; sign-up refuses surrogates
        salt=salt,
        n=1 << log2_n,
        r=block_size,
        p=parallelism,
        maxmem=needed,
        dklen=length,
    )


def _parse(password_hash: str) -> tuple[tuple[int, int, int], bytes, bytes] | None:
    """The cost, salt and key of a hash in this module's format; None for anything else."""
    parts = password_hash.split("$")
    if len(parts) != 5 or parts[0] or parts[1] != SCHEME:
        return None
    parameters = _PARAMETERS.fullmatch(parts[2])
    salt, key = _decode(parts[3]), _decode(parts[4])
    if parameters is None or salt is None or key is None:
        return None
    log2_n, block_size, parallelism = cost = tuple(int(value) for value in parameters.groups())
    within_bounds = (
        128 * block_size << log2_n <= MAX_MEMORY_BYTES
        and block_size * parallelism << log2_n <= MAX_WORK
        and len(salt) in SALT_LENGTHS
        and len(key) in KEY_LENGTHS
    )
    return (cost, salt, key) if within_bounds else None


def _encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def _decode(text: str) -> bytes | None:
    """Unpadded standard base64, accepted only in the form _encode writes it."""
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except ValueError:  # binascii.Error is a ValueError
        return None
    return raw if _encode(raw) == text else None
