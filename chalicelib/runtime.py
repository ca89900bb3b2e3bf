"""Per-container singletons: settings, the signing secret, clients and stores.

Each is built on first use and then reused for the life of the container,
which is the only state the service keeps between requests. Tests call
reset() so that each test builds them afresh, inside its own mocks.
"""

from functools import cache
from typing import Any

from chalicelib.config import Settings, load_settings, load_signing_secret
from chalicelib.todo_store import TodoStore
from chalicelib.user_store import UserStore

# Bounded retries with short timeouts, so a failing dependency surfaces as a
# 503 well inside the Lambda timeout instead of as a timeout.
RETRY_ATTEMPTS = 3
CONNECT_TIMEOUT_SECONDS = 1
READ_TIMEOUT_SECONDS = 2


@cache
def settings() -> Settings:
    return load_settings()


@cache
def signing_secret() -> bytes:
    return load_signing_secret()


@cache
def dynamodb_client() -> Any:
    import boto3  # deferred: routes that never touch DynamoDB skip its import cost
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "total_max_attempts": RETRY_ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
    )
    return boto3.client("dynamodb", endpoint_url=settings().dynamodb_endpoint_url, config=config)


@cache
def todo_store() -> TodoStore:
    return TodoStore(dynamodb_client(), settings().table_name)


@cache
def user_store() -> UserStore:
    return UserStore(dynamodb_client(), settings().table_name)


def reset() -> None:
    for getter in (settings, signing_secret, dynamodb_client, todo_store, user_store):
        getter.cache_clear()
