"""The signing secret in a deployed stack: read from Secrets Manager by ARN, once per container."""

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib import dependencies
from chalicelib.domain.errors import Unauthenticated
from chalicelib.domain.users import Caller
from chalicelib.http.auth import authenticated_caller
from chalicelib.platform.config import (
    DEFAULT_SIGNING_KEYS_TTL_SECONDS as SIGNING_KEYS_TTL_SECONDS,
)
from chalicelib.platform.config import ConfigError, load_signing_secret
from chalicelib.platform.signing_keys import SigningKey
from chalicelib.platform.tokens import TokenIssuer, TokenVerifier
from infra.dev_stack import OFFLINE_AWS_ENV
from tests.support.values import unique

ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:jwt-AbCdEf"
STRONG = "s" * 64


def test_the_secret_named_by_its_arn_is_read_through_the_reader() -> None:
    asked = []

    def reader(secret_id: str) -> str:
        asked.append(secret_id)
        return STRONG

    assert load_signing_secret({"JWT_SECRET_ARN": ARN}, reader) == STRONG.encode()
    assert asked == [ARN]


def test_an_arn_and_a_value_together_are_refused_rather_than_one_picked() -> None:
    with pytest.raises(ConfigError, match="not both"):
        load_signing_secret({"JWT_SECRET_ARN": ARN, "JWT_SECRET": STRONG}, lambda _: STRONG)


def test_a_short_managed_secret_is_refused() -> None:
    with pytest.raises(ConfigError, match="shorter than 32 bytes"):
        load_signing_secret({"JWT_SECRET_ARN": ARN}, lambda _: "s" * 31)


def test_an_arn_with_no_way_to_read_it_is_refused() -> None:
    with pytest.raises(ConfigError):
        load_signing_secret({"JWT_SECRET_ARN": ARN})


@pytest.fixture
def secrets_manager(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in OFFLINE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("JWT_SECRET", raising=False)
    dependencies.reset()
    with mock_aws():
        yield boto3.client("secretsmanager")
    dependencies.reset()


def test_the_managed_secret_is_fetched_once_per_container_until_its_keys_are_due_again(
    secrets_manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a secret in Secrets Manager named by JWT_SECRET_ARN
    arn = secrets_manager.create_secret(Name=unique("jwt"), SecretString=STRONG)["ARN"]
    monkeypatch.setenv("JWT_SECRET_ARN", arn)
    calls = []
    dependencies.secrets_client().meta.events.register(
        "before-call.secrets-manager", lambda model, **_: calls.append(model.name)
    )
    # WHEN the container asks for it three times
    values = {dependencies.signing_secret() for _ in range(3)}
    # THEN it has the value, read once with its previous version (none yet)
    assert values == {STRONG.encode()}
    assert calls == ["GetSecretValue", "GetSecretValue"]
    assert dependencies.signing_keys().previous is None


def test_a_missing_managed_secret_fails_with_its_arn_and_is_retried_next_time(
    secrets_manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JWT_SECRET_ARN", ARN)
    with pytest.raises(ConfigError, match="ResourceNotFoundException") as failure:
        dependencies.signing_secret()
    assert ARN in str(failure.value)
    # A failure is not cached: once the secret exists, the next request gets it.
    arn = secrets_manager.create_secret(Name=unique("jwt"), SecretString=STRONG)["ARN"]
    monkeypatch.setenv("JWT_SECRET_ARN", arn)
    assert dependencies.signing_secret() == STRONG.encode()


def test_a_rotated_secret_takes_effect_after_the_keys_ttl_and_old_tokens_keep_working(
    secrets_manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a container that read its keys, and a token signed with them
    arn = secrets_manager.create_secret(Name=unique("jwt"), SecretString=STRONG)["ARN"]
    monkeypatch.setenv("JWT_SECRET_ARN", arn)
    now = [1_000.0]
    monkeypatch.setattr(dependencies.time, "monotonic", lambda: now[0])
    before = dependencies.signing_keys()
    old_token = TokenIssuer(before.current, "todo-service").issue("0" * 32, ttl_minutes=5)
    # WHEN the secret is rotated in Secrets Manager
    rotated = "rotated-" + STRONG
    secrets_manager.put_secret_value(SecretId=arn, SecretString=rotated)
    # THEN the container keeps its keys until they are due, then reads both versions
    assert dependencies.signing_keys() == before
    now[0] += SIGNING_KEYS_TTL_SECONDS
    after = dependencies.signing_keys()
    assert (after.current.secret, after.previous.secret) == (rotated.encode(), STRONG.encode())
    verifier = TokenVerifier(after, "todo-service")
    assert verifier.verify(old_token).subject == "0" * 32


def test_a_token_of_a_key_newer_than_the_containers_makes_it_read_its_keys_at_once(
    secrets_manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a container that read its keys well within their TTL
    arn = secrets_manager.create_secret(Name=unique("jwt"), SecretString=STRONG)["ARN"]
    monkeypatch.setenv("JWT_SECRET_ARN", arn)
    monkeypatch.setenv("TABLE_NAME", "todos")  # settings need one; no table is read
    now = [1_000.0]
    monkeypatch.setattr(dependencies.time, "monotonic", lambda: now[0])
    dependencies.signing_keys()
    now[0] += dependencies.KEYS_REREAD_SECONDS
    reads = []
    dependencies.secrets_client().meta.events.register(
        "before-call.secrets-manager", lambda model, **_: reads.append(model.name)
    )
    # WHEN the secret is rotated, and another container signs a token with the new key
    rotated = "rotated-" + STRONG
    secrets_manager.put_secret_value(SecretId=arn, SecretString=rotated)
    new_key = SigningKey.of(rotated.encode())
    token = TokenIssuer(new_key, "todo-service").issue("1" * 32, ttl_minutes=5)
    # THEN this container reads its keys again and accepts it
    assert _caller(token).user_id == "1" * 32
    assert len(reads) == 2  # AWSCURRENT and AWSPREVIOUS
    # AND a token naming a key nobody has is refused, without another read so soon
    forged = TokenIssuer(SigningKey.of(b"f" * 64), "todo-service").issue("2" * 32, ttl_minutes=5)
    with pytest.raises(Unauthenticated):
        _caller(forged)
    assert len(reads) == 2
    # AND once KEYS_REREAD_SECONDS have passed, such a token may make it read once more
    now[0] += dependencies.KEYS_REREAD_SECONDS
    with pytest.raises(Unauthenticated):
        _caller(forged)
    assert len(reads) == 4


def _caller(token: str) -> Caller:
    return authenticated_caller(SimpleNamespace(headers={"authorization": f"Bearer {token}"}))
