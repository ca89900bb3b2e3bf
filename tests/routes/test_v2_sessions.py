"""Refresh tokens, revocation and logging out everywhere, through the v2 routes."""

import pytest
from chalice.test import Client

from tests.routes.conftest import CallLog, send_json, unique
from tests.support.api import bearer
from tests.support.values import PASSWORD

DAY_MS = 86_400_000


def new_account(client: Client) -> dict[str, str]:
    name = unique()
    body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    assert send_json(client, "POST", "/v2/users", body).status_code == 201
    return {"username": name, "password": PASSWORD}


def log_in(client: Client, credentials: dict, **extra: object):
    return send_json(client, "POST", "/v2/auth/token", {**credentials, **extra})


def refresh(client: Client, refresh_token: str | None = None, headers: dict | None = None):
    body = {"grant_type": "refresh_token"}
    if refresh_token is not None:
        body["refresh_token"] = refresh_token
    return send_json(client, "POST", "/v2/auth/token", body, headers)


def test_a_v2_login_returns_a_refresh_token_and_a_15_minute_access_token(client: Client) -> None:
    grant = log_in(client, new_account(client))
    assert grant.status_code == 200
    assert set(grant.json_body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert grant.json_body["expires_in"] == 15 * 60
    assert grant.headers["Cache-Control"] == "no-store"


def test_a_refresh_rotates_the_pair_and_the_old_refresh_token_stops_working(
    client: Client, now: list[int]
) -> None:
    first = log_in(client, new_account(client)).json_body["refresh_token"]
    rotated = refresh(client, first)
    assert rotated.status_code == 200
    second = rotated.json_body["refresh_token"]
    assert second != first
    created = send_json(
        client, "POST", "/v2/todos", {"title": "x"}, bearer(rotated.json_body["access_token"])
    )
    assert created.status_code == 201
    now[0] += 60_000  # past the grace for two tabs refreshing at once
    reused = refresh(client, first)
    assert (reused.status_code, reused.json_body["reason"]) == (401, "invalid_grant")


def test_reusing_a_rotated_refresh_token_ends_the_whole_family(
    client: Client, now: list[int]
) -> None:
    # GIVEN a stolen refresh token that its owner has since rotated
    stolen = log_in(client, new_account(client)).json_body["refresh_token"]
    owners = refresh(client, stolen).json_body["refresh_token"]
    now[0] += 60_000
    # WHEN the thief presents it, THEN it is refused, and the owner's token is dead too
    assert refresh(client, stolen).status_code == 401
    assert refresh(client, owners).status_code == 401


def test_two_tabs_refreshing_at_once_leave_the_winners_token_working(
    client: Client, now: list[int]
) -> None:
    shared = log_in(client, new_account(client)).json_body["refresh_token"]
    winner = refresh(client, shared)
    loser = refresh(client, shared)  # the same token, a moment later
    assert (winner.status_code, loser.status_code) == (200, 401)
    assert refresh(client, winner.json_body["refresh_token"]).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["", "nonsense", "a" * 32 + "." + "b" * 32 + ".1.short", "x" * 5000, "\u00e9" * 40],
)
def test_a_malformed_or_unknown_refresh_token_is_401_invalid_grant(
    client: Client, token: str
) -> None:
    reply = refresh(client, token)
    assert (reply.status_code, reply.json_body["reason"]) == (401, "invalid_grant")


@pytest.mark.parametrize(
    ("days", "used_every_days"), [(31, None), (91, 20)], ids=["idle", "absolute"]
)
def test_a_refresh_token_ends_after_30_idle_days_or_90_from_login(
    client: Client, now: list[int], days: int, used_every_days: int | None
) -> None:
    token = log_in(client, new_account(client)).json_body["refresh_token"]
    if used_every_days:  # kept in use, it outlives the idle limit but not the absolute one
        for _ in range(days // used_every_days):
            now[0] += used_every_days * DAY_MS
            token = refresh(client, token).json_body["refresh_token"]
        now[0] += (days % used_every_days) * DAY_MS
    else:
        now[0] += days * DAY_MS
    assert refresh(client, token).status_code == 401


@pytest.mark.parametrize("token", ["unknown", None])
def test_revoke_answers_200_whatever_it_is_given(client: Client, token: str | None) -> None:
    body = {} if token is None else {"token": token}
    reply = send_json(client, "POST", "/v2/auth/revoke", body)
    assert (reply.status_code, reply.body) == (200, b"")


def test_a_revoked_refresh_token_no_longer_refreshes(client: Client) -> None:
    token = log_in(client, new_account(client)).json_body["refresh_token"]
    assert send_json(client, "POST", "/v2/auth/revoke", {"token": token}).status_code == 200
    assert refresh(client, token).status_code == 401


def test_logging_out_everywhere_ends_refreshes_and_writes_but_reads_go_on(
    client: Client,
) -> None:
    # GIVEN two sessions of one user
    account = new_account(client)
    laptop, phone = log_in(client, account).json_body, log_in(client, account).json_body
    old_access = bearer(phone["access_token"])
    # WHEN the laptop logs out everywhere
    ended = send_json(
        client, "DELETE", "/v2/users/me/sessions", None, bearer(laptop["access_token"])
    )
    assert ended.status_code == 204
    # (and the page's cookie is cleared from outside its folder, by naming the folder)
    assert {"Max-Age=0", "Path=/v2/auth"} <= set(ended.headers["Set-Cookie"].split("; "))
    # THEN neither refresh token works, and the phone's access token may read but not write
    assert refresh(client, laptop["refresh_token"]).status_code == 401
    assert refresh(client, phone["refresh_token"]).status_code == 401
    assert client.http.get("/v2/todos", headers=old_access).status_code == 200
    write = send_json(client, "POST", "/v2/todos", {"title": "x"}, old_access)
    assert (write.status_code, write.json_body["reason"]) == (401, "revoked")
    # AND a new login, even at once, writes as usual
    fresh = bearer(log_in(client, account).json_body["access_token"])
    assert send_json(client, "POST", "/v2/todos", {"title": "x"}, fresh).status_code == 201


def test_the_page_keeps_its_refresh_token_in_an_http_only_strict_cookie(client: Client) -> None:
    grant = log_in(client, new_account(client), refresh_token_cookie=True)
    assert "refresh_token" not in grant.json_body
    cookie = grant.headers["Set-Cookie"]
    name_value, *attributes = cookie.split("; ")
    assert name_value.startswith("todo_refresh=")
    # No Path: the browser scopes it to the folder it asked, wherever the API is mounted
    assert set(attributes) == {
        f"Max-Age={30 * 86_400}",
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
    }
    # WHEN the page refreshes with the cookie alone, THEN it gets a new cookie
    body = {"grant_type": "refresh_token", "refresh_token_cookie": True}
    again = send_json(client, "POST", "/v2/auth/token", body, {"Cookie": name_value})
    assert again.status_code == 200
    assert again.headers["Set-Cookie"].split("; ")[0] != name_value
    # AND revoking with the cookie ends the family and clears the cookie
    new_cookie = again.headers["Set-Cookie"].split("; ")[0]
    revoked = send_json(client, "POST", "/v2/auth/revoke", {}, {"Cookie": new_cookie})
    assert "Max-Age=0" in revoked.headers["Set-Cookie"]
    assert "Path=" not in revoked.headers["Set-Cookie"]  # the same folder as it was set from
    assert (
        send_json(client, "POST", "/v2/auth/token", body, {"Cookie": new_cookie}).status_code == 401
    )


def test_a_refresh_is_one_transaction(client: Client, dynamodb_calls: CallLog) -> None:
    token = log_in(client, new_account(client)).json_body["refresh_token"]
    calls = dynamodb_calls.during()
    refresh(client, token)
    assert calls.operations == ["TransactWriteItems"]


def test_v1_login_gives_no_refresh_token(client: Client) -> None:
    account = new_account(client)
    reply = send_json(client, "POST", "/v1/auth/login", account)
    assert set(reply.json_body) == {"token"}


@pytest.mark.parametrize(
    "body",
    [
        {"grant_type": {}},
        {"grant_type": ["refresh_token"]},
        {"grant_type": "client_credentials"},
        {"grant_type": "refresh_token", "refresh_token": 5},
        {"grant_type": "refresh_token", "refresh_token_cookie": "yes"},
        {"grant_type": "refresh_token", "username": "x"},
    ],
)
def test_a_grant_of_the_wrong_shape_is_422_naming_the_field(client: Client, body: dict) -> None:
    reply = send_json(client, "POST", "/v2/auth/token", body)
    assert reply.status_code == 422
    assert reply.json_body["errors"]


def test_a_v2_login_is_one_read_and_one_write_and_the_other_session_routes_one_call_each(
    client: Client, dynamodb_calls: CallLog
) -> None:
    account = new_account(client)
    calls = dynamodb_calls.during()
    grant = log_in(client, account).json_body
    assert calls.operations == ["GetItem", "PutItem"]
    calls = dynamodb_calls.during()
    send_json(client, "POST", "/v2/auth/revoke", {"token": grant["refresh_token"]})
    assert calls.operations == ["DeleteItem"]
    calls = dynamodb_calls.during()
    send_json(client, "DELETE", "/v2/users/me/sessions", None, bearer(grant["access_token"]))
    assert calls.operations == ["UpdateItem"]
