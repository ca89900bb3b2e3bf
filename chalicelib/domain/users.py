"""Sign-up rules for usernames, emails and passwords."""

import unicodedata
from dataclasses import dataclass

from chalicelib.domain.errors import FieldError, InvalidInput

MAX_NAME_CHARS = 64
MAX_EMAIL_CHARS = 254
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024


@dataclass(frozen=True)
class User:
    id: str
    username: str
    email: str
    created_at: str


@dataclass(frozen=True)
class SignUp:
    username: str
    email: str
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
    return unicodedata.normalize("NFKC", username).casefold()


def email_key(email: str) -> str:
    return unicodedata.normalize("NFKC", email).casefold()


def _username_problem(username: str, field: str) -> FieldError | None:
    if not 1 <= len(username) <= MAX_NAME_CHARS:
        return FieldError(field, f"must be 1 to {MAX_NAME_CHARS} characters")
    if any(char.isspace() or unicodedata.category(char)[0] in "CZ" for char in username):
        return FieldError(field, "must not contain whitespace or control characters")
    return None


def _email_problem(email: str) -> FieldError | None:
    if len(email) > MAX_EMAIL_CHARS:
        return FieldError("email", f"must be at most {MAX_EMAIL_CHARS} characters")
    local, at, domain = email.partition("@")
    if not at or not local or not domain or "@" in domain:
        return FieldError("email", "must contain exactly one @ with text on both sides")
    if any(char.isspace() or unicodedata.category(char)[0] == "C" for char in email):
        return FieldError("email", "must not contain whitespace or control characters")
    return None


def _password_problem(password: str) -> FieldError | None:
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        return FieldError(
            "password", f"must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"
        )
    return None
