"""What the routes are given: per-container settings, secret, clients, stores and use cases.

This is where the layers are put together. Each piece is built on first
use and then reused for the life of the container, which is the only state
the service keeps between requests. Every use case is handed its stores
and clock here, the same way; nothing below this module reaches for them.
Tests call reset() so that each test builds them afresh, inside its own
mocks.
"""

import time
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.domain.login_backoff import Backoff
from chalicelib.platform import retries
from chalicelib.platform.clock import now_ms, now_rfc3339
from chalicelib.platform.config import (
    ConfigError,
    Settings,
    load_previous_secret,
    load_settings,
    load_signing_secret,
    signing_keys_ttl_seconds,
)
from chalicelib.platform.logs import log_event
from chalicelib.platform.signing_keys import SigningKey, SigningKeys
from chalicelib.platform.tokens import TokenIssuer, TokenVerifier
from chalicelib.storage.account_store import AccountStore
from chalicelib.storage.change_writer import now_us
from chalicelib.storage.due_pages import DuePager
from chalicelib.storage.dynamo import Table
from chalicelib.storage.list_store import ListStore
from chalicelib.storage.session_store import Lifetimes, SessionStore
from chalicelib.storage.sync_reader import SyncReader
from chalicelib.storage.todo_pages import PositionPager
from chalicelib.storage.todo_store import TodoStore
from chalicelib.storage.user_store import UserStore
from chalicelib.use_cases.accounts import Accounts
from chalicelib.use_cases.arranging import Arranging
from chalicelib.use_cases.items_by_title import ItemsByTitle
from chalicelib.use_cases.listing import Listing
from chalicelib.use_cases.lists import Lists
from chalicelib.use_cases.sessions import Sessions
from chalicelib.use_cases.sync import Sync
from chalicelib.use_cases.todos_by_id import TodosById

if TYPE_CHECKING:  # imported by passwords(), which only the account routes call
    from chalicelib.platform.passwords import Passwords

# Appended to the User-Agent of every AWS call the service makes, so that its
# calls can be told apart in CloudTrail, and in the tests' recording of calls.
USER_AGENT_EXTRA = "todo-service"


@cache
def settings() -> Settings:
    return load_settings()


_loaded_keys: list[tuple[SigningKeys, float]] = []  # the keys, and when they were read


def signing_keys() -> SigningKeys:
    """The signing keys, read again once they are SIGNING_KEYS_TTL_SECONDS old, so a
    rotated secret takes effect without a redeploy. A failed read is retried at the next
    request; while older keys are at hand they keep serving, and the failure is logged."""
    now = time.monotonic()
    if _loaded_keys and now - _loaded_keys[0][1] < signing_keys_ttl_seconds():
        return _loaded_keys[0][0]
    try:
        keys = SigningKeys.of(
            load_signing_secret(read_secret=read_managed_secret),
            load_previous_secret(read_previous=read_previous_secret),
        )
    except ConfigError as error:
        if not _loaded_keys:
            raise
        log_event("signing_keys_not_refreshed", level="warning", detail=str(error))
        return _loaded_keys[0][0]
    _loaded_keys[:] = [(keys, now)]
    return keys


# A token naming a key this container has not read makes it read its keys
# again, at most this often: right after a rotation, tokens signed with the
# new key by another container work here at once, and forged key ids cannot
# make every request call Secrets Manager.
KEYS_REREAD_SECONDS = 10


def reread_signing_keys() -> bool:
    """Make the next signing_keys() read the keys again, unless they were read less than
    KEYS_REREAD_SECONDS ago; whether it will."""
    if not _loaded_keys:
        return False
    keys, read_at = _loaded_keys[0]
    if time.monotonic() - read_at < KEYS_REREAD_SECONDS:
        return False
    _loaded_keys[:] = [(keys, float("-inf"))]
    return True


def signing_secret() -> bytes:
    return signing_keys().current.secret


def read_managed_secret(secret_id: str, stage: str = "AWSCURRENT") -> str:
    """A version of a Secrets Manager secret, or a ConfigError naming the failure.

    The error carries the secret's id and the AWS error code, never the value.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        answer = secrets_client().get_secret_value(SecretId=secret_id, VersionStage=stage)
        return answer["SecretString"]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "unknown")
        raise ConfigError(f"cannot read signing secret {secret_id} ({stage}): {code}") from None
    except (BotoCoreError, KeyError) as error:
        raise ConfigError(
            f"cannot read signing secret {secret_id} ({stage}): {type(error).__name__}"
        ) from None


def read_previous_secret(secret_id: str) -> str | None:
    """The version before the current one; None until the secret has been rotated once."""
    try:
        return read_managed_secret(secret_id, "AWSPREVIOUS")
    except ConfigError as error:
        if "ResourceNotFoundException" in str(error):
            return None
        raise


@cache
def aws_session() -> Any:
    """One botocore session per container, shared by every client the service makes.

    It loads credentials and the endpoint data once. Clients are built with
    botocore directly: boto3 adds about 18 ms to the first client and
    nothing the service uses. Routes that never touch AWS skip the import.
    """
    import botocore.session

    return botocore.session.get_session()


@cache
def dynamodb_client() -> Any:
    return aws_session().create_client(
        "dynamodb", endpoint_url=settings().dynamodb_endpoint_url, config=_client_config()
    )


@cache
def secrets_client() -> Any:
    return aws_session().create_client("secretsmanager", config=_client_config())


def _client_config() -> Any:
    from botocore.config import Config

    # One attempt per call: the request's retry budget (platform/retries)
    # decides every retry, so botocore must make none of its own.
    return Config(
        retries={"mode": "standard", "total_max_attempts": 1},
        connect_timeout=retries.CONNECT_TIMEOUT_SECONDS,
        read_timeout=retries.READ_TIMEOUT_SECONDS,
        user_agent_extra=USER_AGENT_EXTRA,
    )


@cache
def table() -> Table:
    return Table(dynamodb_client(), settings().table_name)


@cache
def todo_store() -> TodoStore:
    return TodoStore(table(), settings().todo_quota)


@cache
def list_store() -> ListStore:
    return ListStore(table(), settings().list_quota)


@cache
def user_store() -> UserStore:
    return UserStore(table())


def token_issuer() -> TokenIssuer:
    return _issuer_for(signing_keys().current, settings().token_issuer)


@lru_cache(maxsize=1)
def _issuer_for(key: SigningKey, issuer: str) -> TokenIssuer:
    return TokenIssuer(key, issuer)


def token_verifier() -> TokenVerifier:
    """The verifier for the keys of the moment: new keys, a new (empty) memory of tokens."""
    return _verifier_for(signing_keys(), settings().token_issuer)


@lru_cache(maxsize=1)
def _verifier_for(keys: SigningKeys, issuer: str) -> TokenVerifier:
    return TokenVerifier(keys, issuer)


@cache
def passwords() -> "Passwords":
    from chalicelib.platform.passwords import Passwords

    return Passwords()


@cache
def account_store() -> AccountStore:
    return AccountStore(table())


@cache
def accounts() -> Accounts:
    return Accounts(user_store(), account_store(), passwords(), now_rfc3339, now_ms, backoff())


def backoff() -> Backoff:
    configured = settings()
    return Backoff(
        configured.login_backoff_after,
        configured.login_backoff_first_seconds,
        configured.login_backoff_max_seconds,
    )


@cache
def session_store() -> SessionStore:
    days = settings().refresh_idle_days, settings().refresh_max_days
    return SessionStore(table(), Lifetimes(days[0] * 86_400, days[1] * 86_400))


@cache
def sessions() -> Sessions:
    return Sessions(session_store(), user_store(), now_ms)


@cache
def items_by_title() -> ItemsByTitle:
    return ItemsByTitle(todo_store(), now_rfc3339)


@cache
def todos_by_id() -> TodosById:
    return TodosById(todo_store(), now_rfc3339)


@cache
def listing() -> Listing:
    return Listing(PositionPager(table(), todo_store()), DuePager(table()))


@cache
def arranging() -> Arranging:
    return Arranging(todo_store(), list_store(), now_rfc3339)


@cache
def lists() -> Lists:
    return Lists(list_store(), now_rfc3339)


@cache
def sync() -> Sync:
    return Sync(SyncReader(table(), list_store()), now_us)


# reset() keeps aws_session: it holds only what every test's environment
# gives alike (dummy credentials, endpoint data), and loading that again for
# each test would cost more than the test.
_GETTERS = (
    settings,
    dynamodb_client,
    secrets_client,
    table,
    todo_store,
    user_store,
    _issuer_for,
    _verifier_for,
    passwords,
    account_store,
    accounts,
    session_store,
    sessions,
    items_by_title,
    todos_by_id,
    list_store,
    lists,
    sync,
    listing,
    arranging,
)


def reset() -> None:
    for getter in _GETTERS:
        getter.cache_clear()
    _loaded_keys.clear()
