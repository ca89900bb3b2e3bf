"""What the routes are given: per-container settings, secret, clients, stores and use cases.

This is where the layers are put together. Each piece is built on first
use and then reused for the life of the container, which is the only state
the service keeps between requests. Every use case is handed its stores
and clock here, the same way; nothing below this module reaches for them.
Tests call reset() so that each test builds them afresh, inside its own
mocks.
"""

from functools import cache
from typing import Any

from chalicelib.platform import retries
from chalicelib.platform.clock import now_rfc3339
from chalicelib.platform.config import ConfigError, Settings, load_settings, load_signing_secret
from chalicelib.platform.passwords import Passwords
from chalicelib.platform.tokens import TokenIssuer, TokenVerifier
from chalicelib.storage.dynamo import Table
from chalicelib.storage.todo_store import TodoStore
from chalicelib.storage.user_store import UserStore
from chalicelib.use_cases.accounts import Accounts
from chalicelib.use_cases.items_by_title import ItemsByTitle
from chalicelib.use_cases.todos_by_id import TodosById

# Appended to the User-Agent of every AWS call the service makes, so that its
# calls can be told apart in CloudTrail, and in the tests' recording of calls.
USER_AGENT_EXTRA = "todo-service"


@cache
def settings() -> Settings:
    return load_settings()


@cache
def signing_secret() -> bytes:
    """The signing secret, fetched once per container; a failed fetch is retried next request."""
    return load_signing_secret(read_secret=read_managed_secret)


def read_managed_secret(secret_id: str) -> str:
    """The current value of a Secrets Manager secret, or a ConfigError naming the failure.

    The error carries the secret's id and the AWS error code, never the value.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return secrets_client().get_secret_value(SecretId=secret_id)["SecretString"]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "unknown")
        raise ConfigError(f"cannot read signing secret {secret_id}: {code}") from None
    except (BotoCoreError, KeyError) as error:
        raise ConfigError(
            f"cannot read signing secret {secret_id}: {type(error).__name__}"
        ) from None


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
def user_store() -> UserStore:
    return UserStore(table())


@cache
def token_issuer() -> TokenIssuer:
    return TokenIssuer(signing_secret(), settings().token_issuer, settings().token_expire_minutes)


@cache
def token_verifier() -> TokenVerifier:
    return TokenVerifier(signing_secret(), settings().token_issuer)


@cache
def passwords() -> Passwords:
    return Passwords()


@cache
def accounts() -> Accounts:
    return Accounts(user_store(), passwords(), now_rfc3339)


@cache
def items_by_title() -> ItemsByTitle:
    return ItemsByTitle(todo_store(), now_rfc3339)


@cache
def todos_by_id() -> TodosById:
    return TodosById(todo_store(), now_rfc3339)


# reset() keeps aws_session: it holds only what every test's environment
# gives alike (dummy credentials, endpoint data), and loading that again for
# each test would cost more than the test.
_GETTERS = (
    settings,
    signing_secret,
    dynamodb_client,
    secrets_client,
    table,
    todo_store,
    user_store,
    token_issuer,
    token_verifier,
    passwords,
    accounts,
    items_by_title,
    todos_by_id,
)


def reset() -> None:
    for getter in _GETTERS:
        getter.cache_clear()
