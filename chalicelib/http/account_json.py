"""Accounts as JSON: sign-up and credential bodies in, users out."""

from typing import Any

from chalicelib.domain.users import Credentials, SignUp, User, validate_sign_up
from chalicelib.http.requests import string_fields
from chalicelib.http.todo_json import reject_unknown_fields


def parse_sign_up(body: dict[str, Any], name_field: str, *, strict: bool) -> SignUp:
    """A sign-up body; v1 names the username `name` and tolerates extra fields, v2 does not."""
    if strict:
        reject_unknown_fields(body, frozenset({name_field, "email", "password"}))
    username, email, password = string_fields(body, name_field, "email", "password")
    return validate_sign_up(username, email, password, name_field)


def parse_credentials(body: dict[str, Any], *, strict: bool) -> Credentials:
    if strict:
        reject_unknown_fields(body, frozenset({"username", "password"}))
    username, password = string_fields(body, "username", "password")
    return Credentials(username, password)


def parse_password_change(body: dict[str, Any]) -> tuple[str, str]:
    """(current password, new password) from a password change."""
    reject_unknown_fields(body, frozenset({"current_password", "new_password"}))
    current, new = string_fields(body, "current_password", "new_password")
    return current, new


def parse_password(body: dict[str, Any]) -> str:
    """The password that confirms deleting an account."""
    reject_unknown_fields(body, frozenset({"password"}))
    return string_fields(body, "password")[0]


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "created_at": user.created_at,
    }
