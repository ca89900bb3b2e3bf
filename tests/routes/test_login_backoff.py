"""Back-off after failed logins, through /v1/auth/login and /v2/auth/token.

The stage's numbers are shortened here (LOGIN_BACKOFF_*), and the service's
clock is the `now` fixture's, which the tests move on by hand.
"""

import hashlib
from collections.abc import Callable

import argon2
import pytest
from chalice.test import Client

from chalicelib import dependencies
from chalicelib.platform import metrics
from chalicelib.platform.passwords import Passwords
from chalicelib.storage.user_keys import login_key
from tests.routes.conftest import CallLog, post_json, sign_up
from tests.routes.test_metrics import counted
from tests.support.api import credentials
from tests.support.values import PASSWORD, unique

DAY_MS = 86_400_000
LOGIN_PATHS = ("/v1/auth/login", "/v2/auth/token")


@pytest.fixture
def backoff(stage_settings: Callable[..., None], now: list[int]) -> list[int]:
    """Back off after 3 failures: 1 s, 2 s, 4 s, then 4 s at most."""
    stage_settings(
        LOGIN_BACKOFF_AFTER="3", LOGIN_BACKOFF_FIRST_SECONDS="1", LOGIN_BACKOFF_MAX_SECONDS="4"
    )
    return now


@pytest.fixture
def scrypt_runs(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The salt of every scrypt run, in order: one per password hashed or checked."""
    salts: list[bytes] = []
    real_scrypt = hashlib.scrypt

    def spy(password: bytes, *, salt: bytes, **cost: int) -> bytes:
        salts.append(salt)
        return real_scrypt(password, salt=salt, **cost)

    monkeypatch.setattr(hashlib, "scrypt", spy)
    return salts


def log_in(client: Client, name: str, password: str | None = None, path: str = LOGIN_PATHS[0]):
    body = credentials(name) if password is None else credentials(name, password)
    return post_json(client, path, body)


def wrong(client: Client, name: str, times: int = 1, path: str = LOGIN_PATHS[0]) -> list[int]:
    return [log_in(client, name, "not the password", path).status_code for _ in range(times)]


def after_waiting(now: list[int], seconds: float) -> None:
    now[0] += int(seconds * 1000)


@pytest.mark.parametrize("known", [True, False], ids=["known name", "unknown name"])
def test_failures_past_the_threshold_back_off_1_2_4_seconds_up_to_the_cap(
    client: Client, backoff: list[int], known: bool
) -> None:
    name = sign_up(client) if known else unique()
    assert wrong(client, name, 3) == [401, 401, 401]
    waits = []
    for _ in range(4):
        refused = log_in(client, name, "not the password")
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        after_waiting(backoff, waits[-1])
        assert wrong(client, name) == [401]
    assert waits == [1, 2, 4, 4]


def test_during_a_back_off_even_the_right_password_is_429_and_scrypt_is_not_run(
    client: Client, backoff: list[int], scrypt_runs: list[bytes]
) -> None:
    name = sign_up(client)
    wrong(client, name, 3)
    scrypt_runs.clear()
    refused = log_in(client, name)
    assert refused.status_code == 429
    assert refused.json_body["type"] == "/problems/too-many-requests"
    assert refused.headers["Retry-After"] == "1"
    assert scrypt_runs == []
    after_waiting(backoff, 1)
    assert log_in(client, name).status_code == 200
    assert len(scrypt_runs) == 1


def test_the_retry_after_counts_down_and_never_says_zero(
    client: Client, backoff: list[int]
) -> None:
    name = sign_up(client)
    wrong(client, name, 3)
    after_waiting(backoff, 4)
    wrong(client, name, 1)  # the 4th failure: wait 2 s
    after_waiting(backoff, 1.5)
    refused = log_in(client, name)
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "1")
    after_waiting(backoff, 0.5)
    assert log_in(client, name).status_code == 200


def test_tries_during_a_back_off_do_not_lengthen_it(client: Client, backoff: list[int]) -> None:
    name = sign_up(client)
    wrong(client, name, 3)
    assert wrong(client, name, 10) == [429] * 10
    after_waiting(backoff, 1)
    assert wrong(client, name) == [401]
    assert log_in(client, name).headers["Retry-After"] == "2"


def test_a_success_clears_the_count(client: Client, backoff: list[int]) -> None:
    name = sign_up(client)
    wrong(client, name, 3)
    after_waiting(backoff, 1)
    assert log_in(client, name).status_code == 200
    assert wrong(client, name, 2) == [401, 401]
    assert log_in(client, name).status_code == 200


def test_a_day_without_failures_forgets_them(client: Client, backoff: list[int]) -> None:
    name = sign_up(client)
    wrong(client, name, 5)  # 3 failures, then 2 refused unchecked
    after_waiting(backoff, 24 * 60 * 60)
    assert wrong(client, name, 2) == [401, 401]  # counted from one again
    assert log_in(client, name).status_code == 200


def test_v1_login_and_v2_token_share_the_count(client: Client, backoff: list[int]) -> None:
    name = sign_up(client)
    assert wrong(client, name, 2, path="/v1/auth/login") == [401, 401]
    assert wrong(client, name, 1, path="/v2/auth/token") == [401]
    for path in LOGIN_PATHS:
        assert log_in(client, name, path=path).status_code == 429


def test_an_unknown_name_costs_what_a_known_one_does_failing_and_backing_off(
    client: Client, backoff: list[int], dynamodb_calls: CallLog, scrypt_runs: list[bytes]
) -> None:
    calls = {}
    for label, name in (("known", sign_up(client)), ("unknown", unique())):
        dynamodb_calls.during()
        scrypt_runs.clear()
        statuses = wrong(client, name, 4)
        calls[label] = (statuses, list(dynamodb_calls.operations), len(scrypt_runs))
    failure = ["GetItem", "UpdateItem"]
    expected = ([401] * 3 + [429], failure * 3 + ["GetItem"], 3)
    assert calls["known"] == calls["unknown"] == expected


def test_a_login_with_no_failures_reads_once_and_writes_nothing(
    client: Client, backoff: list[int], dynamodb_calls: CallLog
) -> None:
    name = sign_up(client)
    dynamodb_calls.during()
    assert log_in(client, name).status_code == 200
    assert dynamodb_calls.operations == ["GetItem"]
    wrong(client, name)
    dynamodb_calls.during()
    assert log_in(client, name).status_code == 200  # clears the failure: one write
    assert log_in(client, name).status_code == 200  # nothing left to clear
    assert dynamodb_calls.operations == ["GetItem", "UpdateItem", "GetItem"]


def test_a_failed_unknown_name_leaves_no_obstacle_to_its_sign_up(
    client: Client, backoff: list[int]
) -> None:
    name = unique()
    wrong(client, name, 3)
    sign_up(client, name)
    assert log_in(client, name).status_code == 200


def test_an_unknown_names_count_expires_with_the_ttl_a_day_after_its_last_failure(
    client: Client, backoff: list[int]
) -> None:
    name = unique()
    wrong(client, name, 2)
    item = dependencies.table().get_item(Key=login_key(name))["Item"]
    assert set(item) == {"pk", "sk", "failed_logins", "last_failure_ms", "expires_at"}
    assert int(item["failed_logins"]["N"]) == 2
    assert int(item["expires_at"]["N"]) == (backoff[0] + DAY_MS) // 1000


def test_refused_logins_are_counted_as_lockouts(
    client: Client, backoff: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    name = sign_up(client)
    capsys.readouterr()
    wrong(client, name, 5)
    assert counted(capsys.readouterr().out) == {metrics.FAILED_LOGINS: 3, metrics.LOCKOUTS: 2}


def test_a_hash_made_with_older_parameters_is_upgraded_at_the_next_login_only(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a user whose hash was made with weaker scrypt parameters than today's
    weaker, today = Passwords(4, 1, 1), Passwords(5, 1, 1)
    monkeypatch.setattr(dependencies, "passwords", lambda: weaker)
    dependencies.reset()
    name = sign_up(client)
    monkeypatch.setattr(dependencies, "passwords", lambda: today)
    dependencies.reset()
    # WHEN they log in twice
    dynamodb_calls = CallLog()
    events = dependencies.dynamodb_client().meta.events
    events.register("before-call.dynamodb", dynamodb_calls.record)
    assert log_in(client, name).status_code == 200
    assert log_in(client, name).status_code == 200
    operations = list(dynamodb_calls.operations)
    # THEN the first login stored a hash with today's parameters, in its one write
    stored = dependencies.table().get_item(Key=login_key(name))["Item"]["password_hash"]["S"]
    assert not today.needs_rehash(stored)
    assert weaker.needs_rehash(stored)
    assert operations == ["GetItem", "UpdateItem", "GetItem"]


@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_an_argon2_hash_from_before_scrypt_logs_in_and_is_stored_again_as_scrypt(
    client: Client, dynamodb_calls: CallLog, path: str
) -> None:
    # GIVEN an account whose stored hash was made with argon2id, as before scrypt
    name = sign_up(client)
    legacy = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    dependencies.table().update_item(
        Key=login_key(name),
        UpdateExpression="SET password_hash = :legacy",
        ExpressionAttributeValues={":legacy": {"S": legacy}},
    )
    # WHEN they log in, with argon2 installed, and then again
    dynamodb_calls.during()
    assert log_in(client, name, path=path).status_code == 200
    assert log_in(client, name, path=path).status_code == 200
    # THEN the first login replaced the hash with a scrypt one at the service's cost
    stored = dependencies.table().get_item(Key=login_key(name))["Item"]["password_hash"]["S"]
    assert stored.startswith("$scrypt$")
    assert not dependencies.passwords().needs_rehash(stored)
    assert dependencies.passwords().verify(stored, PASSWORD)
    assert dynamodb_calls.operations.count("UpdateItem") == 1
