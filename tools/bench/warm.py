"""Warm requests: the service's own time per route against bare Chalice routes.

One cycle drives every measured route once, in the order a client would
(create, read, change, delete), with the floor routes called before the v1
group and again before the v2 group, so all of them are sampled side by
side under the same conditions. A user's board keeps a few items throughout.

Every route but one is called with the same token each time, so its check
is a hit in the service's memory of verified tokens, as a client's second
and later requests to a container are. The token-cache miss row reads the
same todo with a token the service has not seen yet, issued just before,
so it pays for the full PyJWT verification, as a client's first request does.
"""

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from tools.bench.events import api_event, bearer
from tools.bench.harness import Harness, Measured
from tools.report import median

FLOOR_BARE = "floor: bare Chalice route, constant JSON, no token"
FLOOR_JWT = "floor: bare Chalice route, constant JSON + 1 PyJWT decode"
FLOOR_GET = "floor: bare Chalice route, one GetItem, no token"
FLOORS = (FLOOR_BARE, FLOOR_JWT, FLOOR_GET)
CACHE_HIT_ROUTE = "GET /v2/todos/{id}"
CACHE_MISS_ROUTE = "GET /v2/todos/{id} (token-cache miss: a token not yet verified here)"
BASELINE_TITLES = ("washing", "cooking", "shopping")


@dataclass(frozen=True)
class RouteFigures:
    route: str
    seconds: float
    dynamodb_seconds: float
    overhead: float
    cpu_overhead: float  # the handler's CPU time less its DynamoDB calls' CPU time
    calls: list[str]
    items_read: int


def expect(reply: Measured, status: int, what: str) -> Measured:
    if reply.status != status:
        raise RuntimeError(f"{what}: expected {status}, got {reply.status}: {reply.body}")
    return reply


def new_user(harness: Harness, name: str, password: str) -> str:
    """Sign up through v2 and return a token for the new user."""
    account = {"username": name, "email": f"{name}@example.com", "password": password}
    expect(harness.call(api_event("POST", "/v2/users", "/v2/users", body=account)), 201, "sign up")
    credentials = {"username": name, "password": password}
    event = api_event("POST", "/v2/auth/token", "/v2/auth/token", body=credentials)
    return expect(harness.call(event), 200, "token").body["access_token"]


def create_event(token: str, title: str) -> dict:
    encoded = quote(title, safe="")
    return api_event(
        "POST",
        "/v1/item/create/{title}",
        f"/v1/item/create/{encoded}",
        path_params={"title": encoded},
        headers={"token": token},
    )


def seed_board(harness: Harness, token: str) -> str:
    """Give the user's board its baseline items; return the id of the first."""
    for title in BASELINE_TITLES:
        expect(harness.call(create_event(token, title)), 200, "seed")
    page = harness.call(api_event("GET", "/v2/todos", "/v2/todos", headers=bearer(token)))
    return page.body["items"][0]["id"]


def v1_cycle(harness: Harness, token: str, title: str) -> dict[str, Measured]:
    auth = {"token": token}
    item = {"title": title, "status": "DONE"}
    steps = {
        "GET /v1/auth/ping": (api_event("GET", "/v1/auth/ping", "/v1/auth/ping"), 200),
        "POST /v1/item/create/{title}": (create_event(token, title), 200),
        "POST /v1/item/create/{title} (title exists)": (create_event(token, title), 200),
        "GET /v1/item/get": (api_event("GET", "/v1/item/get", "/v1/item/get", headers=auth), 200),
        "POST /v1/item/edit": (_post("/v1/item/edit", auth, item), 200),
        "POST /v1/item/delete": (_post("/v1/item/delete", auth, item), 200),
    }
    return {
        route: expect(harness.call(event), status, route)
        for route, (event, status) in steps.items()
    }


def _post(path: str, headers: dict[str, str], body: dict) -> dict:
    return api_event("POST", path, path, headers=headers, body=body)


def v2_cycle(
    harness: Harness, token: str, title: str, unseen_token: str | None = None
) -> dict[str, Measured]:
    results: dict[str, Measured] = {}

    def step(
        route: str,
        method: str,
        todo_id: str | None,
        status: int,
        body: dict | None = None,
        **headers: str,
    ) -> Measured:
        resource, path = "/v2/todos", "/v2/todos"
        params = None
        if todo_id is not None:
            resource, path, params = (
                "/v2/todos/{todo_id}",
                f"/v2/todos/{todo_id}",
                {"todo_id": todo_id},
            )
        all_headers = {**bearer(token), **{k.replace("_", "-"): v for k, v in headers.items()}}
        event = api_event(
            method, resource, path, path_params=params, headers=all_headers, body=body
        )
        results[route] = expect(harness.call(event), status, route)
        return results[route]

    todo_id = step("POST /v2/todos", "POST", None, 201, {"title": title}).body["id"]
    step(CACHE_HIT_ROUTE, "GET", todo_id, 200)
    if unseen_token:
        step(CACHE_MISS_ROUTE, "GET", todo_id, 200, authorization=f"Bearer {unseen_token}")
    step("GET /v2/todos/{id} (If-None-Match, 304)", "GET", todo_id, 304, if_none_match='"1"')
    step("PATCH /v2/todos/{id} (status)", "PATCH", todo_id, 200, {"status": "DONE"}, if_match='"1"')
    step("PATCH /v2/todos/{id} (title)", "PATCH", todo_id, 200, {"title": f"{title} (renamed)"})
    step("GET /v2/todos", "GET", None, 200)
    step("DELETE /v2/todos/{id}", "DELETE", todo_id, 204)
    again = f"{title} (renamed)"
    reborn = step("POST /v2/todos (title freed by a delete)", "POST", None, 201, {"title": again})
    step("DELETE /v2/todos/{id}", "DELETE", reborn.body["id"], 204)
    return results


def floor_app(harness: Harness) -> Any:
    """The floors' Chalice app, its DynamoDB client timed as the service's is."""
    from tools.bench import floor

    harness.meter(floor.client())
    return floor.app


def floor_calls(harness: Harness, app: Any, token: str, floor_item: str) -> dict[str, Measured]:
    item_path = f"/floor/items/{floor_item}"
    events = {
        FLOOR_BARE: api_event("GET", "/floor/constant", "/floor/constant"),
        FLOOR_JWT: api_event("GET", "/floor/jwt", "/floor/jwt", headers=bearer(token)),
        FLOOR_GET: api_event(
            "GET", "/floor/items/{item_id}", item_path, path_params={"item_id": floor_item}
        ),
    }
    return {
        route: expect(harness.call(event, app=app), 200, route) for route, event in events.items()
    }


def unseen_tokens(token: str) -> Iterator[str]:
    """Fresh access tokens for `token`'s user, each a string the service has not verified."""
    from chalicelib import dependencies

    user_id = dependencies.token_verifier().verify(token).subject
    minutes = dependencies.settings().access_token_minutes
    issued = {token}
    while True:
        fresh = dependencies.token_issuer().issue(user_id, minutes)
        if fresh in issued:  # issued within the same millisecond: the same string
            time.sleep(0.002)
            continue
        issued.add(fresh)
        yield fresh


def measure_warm(harness: Harness, token: str, samples: int, floor_item: str) -> list[RouteFigures]:
    """Median figures per route, the floors first; `token`'s board already holds a few items."""
    app = floor_app(harness)
    fresh: Callable[[], str] = unseen_tokens(token).__next__
    collected: dict[str, list[Measured]] = defaultdict(list)
    for number in range(samples + 5):
        cycle: dict[str, list[Measured]] = defaultdict(list)
        for route, reply in floor_calls(harness, app, token, floor_item).items():
            cycle[route].append(reply)
        for route, reply in v1_cycle(harness, token, f"task {number}").items():
            cycle[route].append(reply)
        for route, reply in floor_calls(harness, app, token, floor_item).items():
            cycle[route].append(reply)
        for route, reply in v2_cycle(harness, token, f"todo {number}", fresh()).items():
            cycle[route].append(reply)
        if number < 5:
            continue  # warm-up: first calls build clients and fill caches
        for route, replies in cycle.items():
            collected[route].extend(replies)
    return [summarise(route, replies) for route, replies in collected.items()]


def summarise(route: str, replies: list[Measured]) -> RouteFigures:
    return RouteFigures(
        route=route,
        seconds=median([r.seconds for r in replies]),
        dynamodb_seconds=median([r.dynamodb_seconds for r in replies]),
        overhead=median([r.overhead for r in replies]),
        cpu_overhead=median([r.cpu_overhead for r in replies]),
        calls=replies[-1].calls,
        items_read=replies[-1].items_read,
    )
