"""Sign-up rules for usernames, emails and passwords."""

import unicodedata
from typing import NamedTuple

from chalicelib.domain.errors import FieldError, InvalidInput

MAX_NAME_CHARS = 64
MAX_EMAIL_CHARS = 254
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024

# Code points that draw nothing, or only blank space, so that a name or email
# holding one looks the same as one without it. First Unicode's
# Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt of Unicode
# 14, the version of Python 3.11's unicodedata): the combining grapheme
# joiner, Hangul fillers, variation selectors and format characters. Then
# graphic characters that draw as blank.
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
_BLANK_LOOKALIKES = frozenset(
    {
        0x2800,  # BRAILLE PATTERN BLANK
        0x16FE4,  # KHITAN SMALL SCRIPT FILLER
        0x1D159,  # MUSICAL SYMBOL NULL NOTEHEAD
    }
)
INVISIBLE = "must not contain invisible characters (fillers, variation selectors, blanks)"
# Two passes reach a fixed point for every single character and every letter
# followed by a combining mark; the cap bounds the work for anything longer,
# which the property tests search.
_MAX_FOLDS = 4


class Caller(NamedTuple):
    """Who a request comes from: the user its access token names, and when it was
    issued, in milliseconds since the epoch."""

    user_id: str
    token_issued_ms: int


class User(NamedTuple):
    id: str
    username: str
    email: str
    created_at: str


class SignUp(NamedTuple):
    username: str
    email: str
    password: str


class Credentials(NamedTuple):
    """What a log-in gives: a username and a password, as typed."""

    username: str
    password: str


def validate_sign_up(username: str, email: str, password: str, name_field: str) -> SignUp:
    problems = [
        problem
        for problem in (
            _username_problem(username, name_field),
            _email_problem(email),
            _password_problem(password),
        )
        if problem
    ]
    if problems:
        raise InvalidInput(*problems)
    return SignUp(username, email, password)


def username_key(username: str) -> str:
    """Usernames are unique regardless of case or Unicode compatibility forms."""
    return _stable_fold(username)


def email_key(email: str) -> str:
    return _stable_fold(email)


def is_invisible(char: str) -> bool:
    """True for a character that draws nothing, or only blank space."""
    code = ord(char)
    return code in _BLANK_LOOKALIKES or any(low <= code <= high for low, high in _DEFAULT_IGNORABLE)


def _stable_fold(text: str) -> str:
    """NFKC then case folding, repeated until the text no longer changes.

    One pass is not a fixed point for every input: folding `ß` to `ss` lets
    NFKC compose a following combining acute into `ś`, so one pass gives
    `zzss\u0301` for `zzß\u0301` but `zzsś` for `ZZSŚ`, which look alike.
    Where one pass is already a fixed point (nearly every name), the result
    is that one pass, so keys stored before this rule still match.
    """
    key = unicodedata.normalize("NFKC", text).casefold()
    for _ in range(_MAX_FOLDS):
        again = unicodedata.normalize("NFKC", key).casefold()
        if again == key:
            break
        key = again
    return key


def _username_problem(username: str, field: str) -> FieldError | None:
    if not 1 <= len(username) <= MAX_NAME_CHARS:
        return FieldError(field, f"must be 1 to {MAX_NAME_CHARS} characters")
    if any(char.isspace() or unicodedata.category(char)[0] in "CZ" for char in username):
        return FieldError(field, "must not contain whitespace or control characters")
    if any(is_invisible(char) for char in username):
        return FieldError(field, INVISIBLE)
    return None


def _email_problem(email: str) -> FieldError | None:
    if len(email) > MAX_EMAIL_CHARS:
        return FieldError("email", f"must be at most {MAX_EMAIL_CHARS} characters")
    local, at, domain = email.partition("@")
    if not at or not local or not domain or "@" in domain:
        return FieldError("email", "must contain exactly one @ with text on both sides")
    if any(char.isspace() or unicodedata.category(char)[0] == "C" for char in email):
        return FieldError("email", "must not contain whitespace or control characters")
    if any(is_invisible(char) for char in email):
        return FieldError("email", INVISIBLE)
    return None


def validate_password(password: str, field: str = "password") -> str:
    problem = _password_problem(password, field)
    if problem:
        raise InvalidInput(problem)
    return password


def _password_problem(password: str, field: str = "password") -> FieldError | None:
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        return FieldError(field, f"must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters")
    return None
