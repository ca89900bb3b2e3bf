"""Settings, read from the environment when first needed.

Chalice's test client only sets a stage's environment variables while a
request runs, so nothing here is read at import time.
"""

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

MIN_SECRET_BYTES = 32
DEFAULT_EXPIRE_MINUTES = 60  # v1's tokens: the book's clients cannot refresh
DEFAULT_ACCESS_TOKEN_MINUTES = 15  # v2's, which a refresh token renews
DEFAULT_SIGNING_KEYS_TTL_SECONDS = 300
DEFAULT_REFRESH_IDLE_DAYS = 30  # a refresh token unused this long ends
DEFAULT_REFRESH_MAX_DAYS = 90  # and none outlives this from its login
# Failed logins in a row before back-off, its first wait, and its longest.
DEFAULT_LOGIN_BACKOFF_AFTER = 5
DEFAULT_LOGIN_BACKOFF_FIRST_SECONDS = 1
DEFAULT_LOGIN_BACKOFF_MAX_SECONDS = 15 * 60
# Each todo a user keeps makes their v1 calls read more, so the stage caps it.
# Google Tasks allows 20,000 open tasks per list; a quarter of that keeps a
# whole v1 list near 1 MB, one page of a DynamoDB Query.
DEFAULT_TODO_QUOTA = 5000
# Lists besides the default one. Every v2 list of lists reads them all, in
# one Query: a hundred keeps that small, and is more than a person uses.
DEFAULT_LIST_QUOTA = 100


class ConfigError(RuntimeError):
    """The deployment is misconfigured; the service must not serve."""


@dataclass(frozen=True)
class Settings:
    stage: str
    table_name: str
    token_issuer: str
    token_expire_minutes: int
    access_token_minutes: int
    refresh_idle_days: int
    refresh_max_days: int
    login_backoff_after: int
    login_backoff_first_seconds: int
    login_backoff_max_seconds: int
    todo_quota: int
    list_quota: int
    dynamodb_endpoint_url: str | None


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    return Settings(
        stage=environ.get("APP_STAGE", "local"),
        table_name=_required(environ, "TABLE_NAME"),
        token_issuer=environ.get("TOKEN_ISSUER", "todo-service"),
        token_expire_minutes=_positive_int(environ, "TOKEN_EXPIRE_MINUTES", DEFAULT_EXPIRE_MINUTES),
        access_token_minutes=_positive_int(
            environ, "ACCESS_TOKEN_MINUTES", DEFAULT_ACCESS_TOKEN_MINUTES
        ),
        refresh_idle_days=_positive_int(environ, "REFRESH_IDLE_DAYS", DEFAULT_REFRESH_IDLE_DAYS),
        refresh_max_days=_positive_int(environ, "REFRESH_MAX_DAYS", DEFAULT_REFRESH_MAX_DAYS),
        login_backoff_after=_positive_int(
            environ, "LOGIN_BACKOFF_AFTER", DEFAULT_LOGIN_BACKOFF_AFTER
        ),
        login_backoff_first_seconds=_positive_int(
            environ, "LOGIN_BACKOFF_FIRST_SECONDS", DEFAULT_LOGIN_BACKOFF_FIRST_SECONDS
        ),
        login_backoff_max_seconds=_positive_int(
            environ, "LOGIN_BACKOFF_MAX_SECONDS", DEFAULT_LOGIN_BACKOFF_MAX_SECONDS
        ),
        todo_quota=_positive_int(environ, "TODO_QUOTA", DEFAULT_TODO_QUOTA),
        list_quota=_positive_int(environ, "LIST_QUOTA", DEFAULT_LIST_QUOTA),
        dynamodb_endpoint_url=environ.get("DYNAMODB_ENDPOINT_URL") or None,
    )


def load_signing_secret(
    environ: Mapping[str, str] = os.environ,
    read_secret: Callable[[str], str] | None = None,
) -> bytes:
    """Return the JWT signing secret, refusing anything short or absent.

    Deployed stacks set JWT_SECRET_ARN and the value is fetched with
    `read_secret`; local runs and tests set JWT_SECRET itself. Setting both
    is refused rather than resolved, and there is deliberately no fallback
    value: a service that signs tokens with a default secret lets anyone
    mint tokens.
    """
    secret_id = environ.get("JWT_SECRET_ARN", "").strip()
    if not secret_id:
        return require_strong_secret(environ.get("JWT_SECRET", "").encode())
    if environ.get("JWT_SECRET"):
        raise ConfigError("set JWT_SECRET_ARN or JWT_SECRET, not both")
    if read_secret is None:
        raise ConfigError("JWT_SECRET_ARN is set but no secret reader was given")
    return require_strong_secret(read_secret(secret_id).encode())


def signing_keys_ttl_seconds(environ: Mapping[str, str] = os.environ) -> int:
    """How long a container keeps the signing keys it read before reading them again."""
    return _positive_int(environ, "SIGNING_KEYS_TTL_SECONDS", DEFAULT_SIGNING_KEYS_TTL_SECONDS)


def load_previous_secret(
    environ: Mapping[str, str] = os.environ,
    read_previous: Callable[[str], str | None] | None = None,
) -> bytes | None:
    """The secret before the current one, if there is one: tokens it signed still verify.

    Deployed, it is the secret's AWSPREVIOUS version; locally and in tests,
    JWT_PREVIOUS_SECRET.
    """
    secret_id = environ.get("JWT_SECRET_ARN", "").strip()
    if secret_id and read_previous is not None:
        previous = read_previous(secret_id)
    else:
        previous = environ.get("JWT_PREVIOUS_SECRET") or None
    return require_strong_secret(previous.encode()) if previous else None


def require_strong_secret(secret: bytes) -> bytes:
    if len(secret) < MIN_SECRET_BYTES:
        raise ConfigError(
            f"JWT signing secret is missing or shorter than {MIN_SECRET_BYTES} bytes; "
            "refusing to serve"
        )
    return secret


def _required(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"environment variable {name} is not set")
    return value


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a positive whole number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {value}")
    return value
