"""A user's own account through v2: reading it, changing its password, deleting it."""

from typing import Any

import boto3
import pytest
from chalice.test import Client

from chalicelib import dependencies
from chalicelib.domain.errors import Unavailable
from chalicelib.storage.account_store import AccountStore
from tests.routes.conftest import CallLog, send_json, unique
from tests.support.api import bearer
from tests.support.values import PASSWORD

NEW_PASSWORD = "another long password"


def new_account(client: Client) -> dict[str, str]:
    """Sign up and log in through v2; the account's details and its first tokens."""
    name = unique()
    account = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    created = send_json(client, "POST", "/v2/users", account).json_body
    grant = login(client, name, PASSWORD).json_body
    return {**account, "id": created["id"], **grant}


def login(client: Client, username: str, password: str):
    return send_json(client, "POST", "/v2/auth/token", {"username": username, "password": password})


def refresh(client: Client, token: str):
    body = {"grant_type": "refresh_token", "refresh_token": token}
    return send_json(client, "POST", "/v2/auth/token", body)


def write(client: Client, access: str, title: str = "x"):
    return send_json(client, "POST", "/v2/todos", {"title": title}, bearer(access))


def test_me_is_the_callers_own_account(client: Client) -> None:
    mine, theirs = new_account(client), new_account(client)
    reply = client.http.get("/v2/users/me", headers=bearer(mine["access_token"]))
    assert reply.status_code == 200
    assert set(reply.json_body) == {"id", "username", "email", "created_at"}
    assert (reply.json_body["id"], reply.json_body["username"]) == (mine["id"], mine["username"])
    assert reply.json_body["id"] != theirs["id"]


def test_a_password_change_needs_the_current_password_and_a_valid_new_one(
    client: Client,
) -> None:
    account = new_account(client)
    headers = bearer(account["access_token"])
    wrong = {"current_password": "not my password", "new_password": NEW_PASSWORD}
    short = {"current_password": PASSWORD, "new_password": "short"}
    refused = send_json(client, "PUT", "/v2/users/me/password", wrong, headers)
    invalid = send_json(client, "PUT", "/v2/users/me/password", short, headers)
    assert (refused.status_code, refused.json_body["reason"]) == (401, "invalid_credentials")
    assert (invalid.status_code, invalid.json_body["errors"][0]["field"]) == (422, "new_password")
    assert login(client, account["username"], PASSWORD).status_code == 200


def test_a_password_change_ends_every_session_and_only_the_new_password_logs_in(
    client: Client,
) -> None:
    account = new_account(client)
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    changed = send_json(
        client, "PUT", "/v2/users/me/password", change, bearer(account["access_token"])
    )
    assert (changed.status_code, changed.body) == (204, b"")
    assert "Max-Age=0" in changed.headers["Set-Cookie"]
    assert login(client, account["username"], PASSWORD).status_code == 401
    assert refresh(client, account["refresh_token"]).status_code == 401
    assert write(client, account["access_token"]).json_body["reason"] == "revoked"
    fresh = login(client, account["username"], NEW_PASSWORD).json_body["access_token"]
    assert write(client, fresh).status_code == 201


FAILURE_COUNT = ("failed_logins", "last_failure_ms", "expires_at")


def everything_about(account: dict[str, str]) -> list[dict[str, Any]]:
    """Every item in the table that names the user, holds one of their keys, or their email."""
    table = dependencies.settings().table_name
    # A client of the test's own: the service never scans, and the IAM check
    # (tests/deploy) holds every call of the service's own clients to that.
    items = boto3.client("dynamodb").scan(TableName=table)["Items"]
    needles = (account["id"], account["email"], account["username"])
    return [item for item in items if any(n in str(item) for n in needles)] + [
        item for item in items if _is_login_or_email_claim_of(item, account)
    ]


def _is_login_or_email_claim_of(item: dict, account: dict[str, str]) -> bool:
    from chalicelib.storage.user_keys import email_claim_key, login_key

    keys = (login_key(account["username"]), email_claim_key(account["email"]))
    return any(item["pk"] == key["pk"] and item["sk"] == key["sk"] for key in keys)


def test_deleting_the_account_leaves_nothing_and_every_token_stops(client: Client) -> None:
    # GIVEN an account with todos, title claims, a renamed todo, and two sessions
    account = new_account(client)
    other_session = login(client, account["username"], PASSWORD).json_body
    for title in ("a", "b", "c"):
        assert write(client, account["access_token"], title).status_code == 201
    # WHEN it is deleted, with its password
    body = {"password": PASSWORD}
    gone = send_json(client, "DELETE", "/v2/users/me", body, bearer(account["access_token"]))
    assert (gone.status_code, gone.body) == (204, b"")
    # THEN nothing of it is left in the table
    assert everything_about(account) == []
    # AND no token of it works, and nothing can be written for it
    assert login(client, account["username"], PASSWORD).status_code == 401
    for session in (account, other_session):
        assert refresh(client, session["refresh_token"]).status_code == 401
        assert write(client, session["access_token"]).status_code == 401
    # AND the one item since is the failed login's count, for a name that is nobody's now
    left = everything_about(account)
    assert [set(item) for item in left] == [{"pk", "sk", *FAILURE_COUNT}]
    # AND the username and email can be taken again
    again = {k: account[k] for k in ("username", "email", "password")}
    assert send_json(client, "POST", "/v2/users", again).status_code == 201


def test_deleting_needs_the_password(client: Client) -> None:
    account = new_account(client)
    body = {"password": "not my password"}
    refused = send_json(client, "DELETE", "/v2/users/me", body, bearer(account["access_token"]))
    assert (refused.status_code, refused.json_body["reason"]) == (401, "invalid_credentials")
    assert login(client, account["username"], PASSWORD).status_code == 200


def test_a_deletion_that_fails_part_way_is_finished_by_its_retry(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a deletion whose sweep of the partition fails once
    account = new_account(client)
    write(client, account["access_token"], "kept until the retry")
    real_sweep = AccountStore.delete_partition
    failures = iter([Unavailable("The database is busy; try again shortly.")])

    def sweep_failing_once(store: AccountStore, user_id: str) -> int:
        failure = next(failures, None)
        if failure:
            raise failure
        return real_sweep(store, user_id)

    monkeypatch.setattr(AccountStore, "delete_partition", sweep_failing_once)
    headers, body = bearer(account["access_token"]), {"password": PASSWORD}
    # WHEN it is sent, THEN it fails, and already nobody can log in or write
    assert send_json(client, "DELETE", "/v2/users/me", body, headers).status_code == 503
    assert login(client, account["username"], PASSWORD).status_code == 401
    assert write(client, account["access_token"]).status_code == 401
    # WHEN the same request is sent again, THEN it finishes, leaving nothing
    assert send_json(client, "DELETE", "/v2/users/me", body, headers).status_code == 204
    assert everything_about(account) == []


def test_me_after_deletion_is_401(client: Client) -> None:
    account = new_account(client)
    headers = bearer(account["access_token"])
    send_json(client, "DELETE", "/v2/users/me", {"password": PASSWORD}, headers)
    reply = client.http.get("/v2/users/me", headers=headers)
    assert (reply.status_code, reply.json_body["reason"]) == (401, "revoked")


def test_me_is_one_read_and_a_password_change_two_reads_and_one_transaction(
    client: Client, dynamodb_calls: CallLog
) -> None:
    account = new_account(client)
    headers = bearer(account["access_token"])
    calls = dynamodb_calls.during()
    client.http.get("/v2/users/me", headers=headers)
    assert calls.operations == ["GetItem"]
    calls = dynamodb_calls.during()
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    send_json(client, "PUT", "/v2/users/me/password", change, headers)
    assert calls.operations == ["GetItem", "GetItem", "TransactWriteItems"]
