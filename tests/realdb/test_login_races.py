"""Failed logins under races, on DynamoDB Local: every failure counts, and a
sign-up racing failures of its name keeps a login record with no TTL."""

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from chalicelib.storage.user_keys import login_key
from tests.realdb.conftest import Handler
from tests.support.api import credentials, v2_account
from tests.support.client import Reply

WRONG = "not the password"


def all_at_once(calls: list[Callable[[], Reply]]) -> list[Reply]:
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def login_record(table_client: Any, table: str, name: str) -> dict[str, Any]:
    key = login_key(name)
    return table_client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item", {})


def wrong_login(handler: Handler, name: str) -> Callable[[], Reply]:
    return lambda: handler("POST", "/v1/auth/login", {"username": name, "password": WRONG})


@pytest.mark.parametrize("known", [True, False], ids=["known name", "unknown name"])
def test_every_failure_of_twenty_at_once_is_counted(
    handler: Handler, table_client: Any, real_table: str, known: bool
) -> None:
    name = f"guess-{uuid.uuid4().hex[:8]}"
    if known:
        assert handler("POST", "/v2/users", v2_account(name)).status == 201
    replies = all_at_once([wrong_login(handler, name)] * 20)
    statuses = [reply.status for reply in replies]
    # Those that read the count at 5 or more were refused unchecked, and do not count.
    assert set(statuses) <= {401, 429}
    stored = login_record(table_client, real_table, name)
    assert int(stored["failed_logins"]["N"]) == statuses.count(401) >= 5


def test_a_sign_up_racing_failed_logins_of_its_name_keeps_its_login_record_for_good(
    handler: Handler, table_client: Any, real_table: str
) -> None:
    # GIVEN a name nobody has, whose failures are being counted
    name = f"race-{uuid.uuid4().hex[:8]}"
    assert [wrong_login(handler, name)().status for _ in range(2)] == [401, 401]
    # WHEN it is signed up while more failed logins of it arrive
    sign_up = lambda: handler("POST", "/v2/users", v2_account(name))  # noqa: E731
    replies = all_at_once([wrong_login(handler, name)] * 10 + [sign_up])
    # THEN the sign-up stands, and its login record will never expire
    assert replies[-1].status == 201
    stored = login_record(table_client, real_table, name)
    assert stored["user_id"]["S"]
    assert "expires_at" not in stored
    # AND it logs in, unless the failures counted since its sign-up reached a back-off
    backing_off = int(stored.get("failed_logins", {"N": "0"})["N"]) >= 5
    login = handler("POST", "/v2/auth/token", credentials(name))
    assert login.status == (429 if backing_off else 200)
