"""Refreshing a session, and logging in during a back-off, each against its floor.

- **Refresh** (`POST /v2/auth/token` with `grant_type: refresh_token`): the
  service parses the refresh token, rotates its family in one transaction
  and signs a new access token. Its floor is a bare Chalice route doing
  what a grant cannot avoid: one PyJWT encode, and a 256-bit random token
  with its SHA-256. Each refresh presents the token the previous one
  returned, as a client does.
- **Login during back-off** (the same route with a password, after five
  failed logins): 429 with Retry-After, decided from one GetItem and with no
  scrypt at all, for a username that exists and for one nobody has. Its
  floor is a bare Chalice route making one GetItem.

Each round calls every route and every floor once, side by side. The
failed logins that start the back-off are made once, before the rounds.
"""

from collections import defaultdict
from dataclasses import dataclass

from tests.support.values import PASSWORD
from tools.bench.events import api_event
from tools.bench.harness import Harness, Measured
from tools.bench.warm import FLOOR_GET, expect, floor_app, new_user
from tools.report import median

REFRESH = "POST /v2/auth/token (refresh_token grant)"
BACKOFF_KNOWN = "POST /v2/auth/token during back-off (429), a user that exists"
BACKOFF_UNKNOWN = "POST /v2/auth/token during back-off (429), a username nobody has"
FLOOR_GRANT = "floor: bare Chalice route, 1 PyJWT encode + a random token and its SHA-256"
FLOORS = {REFRESH: FLOOR_GRANT, BACKOFF_KNOWN: FLOOR_GET, BACKOFF_UNKNOWN: FLOOR_GET}
FAILURES_BEFORE_BACKOFF = 5  # the stage's default, which the benchmark keeps
WRONG_PASSWORD = "not the password at all"  # noqa: S105 - wrong on purpose


@dataclass(frozen=True)
class SessionFigures:
    route: str
    seconds: float
    dynamodb_seconds: float
    overhead: float
    cpu_overhead: float
    calls: list[str]
    floor: str
    floor_calls: list[str]
    floor_seconds: float
    floor_overhead: float
    floor_cpu_overhead: float


def token_event(body: dict) -> dict:
    return api_event("POST", "/v2/auth/token", "/v2/auth/token", body=body)


def start_backoff(harness: Harness, username: str) -> None:
    """Fail enough logins in a row for `username` that the next is refused unchecked."""
    wrong = token_event({"username": username, "password": WRONG_PASSWORD})
    for _ in range(FAILURES_BEFORE_BACKOFF):
        expect(harness.call(wrong), 401, "failed login")


def measure_sessions(harness: Harness, name: str, samples: int, floor_item: str) -> list:
    app = floor_app(harness)
    login = token_event({"username": name, "password": PASSWORD})
    refresh_token = expect(harness.call(login), 200, "login").body["refresh_token"]
    locked = f"{name}-locked"
    new_user(harness, locked, PASSWORD)
    start_backoff(harness, locked)
    nobody = f"{name}-nobody"
    start_backoff(harness, nobody)
    floor_events: dict[str, dict] = {
        FLOOR_GRANT: api_event("POST", "/floor/token", "/floor/token"),
        FLOOR_GET: api_event(
            "GET",
            "/floor/items/{item_id}",
            f"/floor/items/{floor_item}",
            path_params={"item_id": floor_item},
        ),
    }
    replies: dict[str, list[Measured]] = defaultdict(list)
    for number in range(samples + 2):
        grant = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        refreshed = expect(harness.call(token_event(grant)), 200, REFRESH)
        refresh_token = refreshed.body["refresh_token"]
        round_replies = {REFRESH: refreshed}
        for route, username in ((BACKOFF_KNOWN, locked), (BACKOFF_UNKNOWN, nobody)):
            event = token_event({"username": username, "password": PASSWORD})
            round_replies[route] = expect(harness.call(event), 429, route)
        for floor, event in floor_events.items():
            round_replies[floor] = expect(harness.call(event, app=app), 200, floor)
        if number < 2:
            continue  # warm-up
        for route, reply in round_replies.items():
            replies[route].append(reply)
    return [summarise(route, replies) for route in FLOORS]


def summarise(route: str, replies: dict[str, list[Measured]]) -> SessionFigures:
    ours, floor = replies[route], replies[FLOORS[route]]
    return SessionFigures(
        route=route,
        seconds=_median(ours, "seconds"),
        dynamodb_seconds=_median(ours, "dynamodb_seconds"),
        overhead=_median(ours, "overhead"),
        cpu_overhead=_median(ours, "cpu_overhead"),
        calls=ours[-1].calls,
        floor=FLOORS[route],
        floor_calls=floor[-1].calls,
        floor_seconds=_median(floor, "seconds"),
        floor_overhead=_median(floor, "overhead"),
        floor_cpu_overhead=_median(floor, "cpu_overhead"),
    )


def _median(kept: list[Measured], figure: str) -> float:
    return median([getattr(measured, figure) for measured in kept])
