"""Warm requests: the service's own time per route against a bare Chalice route.

One cycle drives every measured route once, in the order a client would
(create, read, change, delete), with the floor route called between the v1
and v2 groups, so all of them are sampled side by side under the same
conditions. A user's board keeps a few items throughout.
"""

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import quote

from tools.bench.events import api_event, bearer
from tools.bench.harness import Harness, Measured
from tools.report import median

FLOOR_ROUTE = "floor: bare Chalice route, constant JSON + 1 PyJWT decode"
BASELINE_TITLES = ("washing", "cooking", "shopping")


@dataclass(frozen=True)
class RouteFigures:
    route: str
    seconds: float
    dynamodb_seconds: float
    overhead: float
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


def v2_cycle(harness: Harness, token: str, title: str) -> dict[str, Measured]:
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
    step("GET /v2/todos/{id}", "GET", todo_id, 200)
    step("GET /v2/todos/{id} (If-None-Match, 304)", "GET", todo_id, 304, if_none_match='"1"')
    step("PATCH /v2/todos/{id} (status)", "PATCH", todo_id, 200, {"status": "DONE"}, if_match='"1"')
    step("PATCH /v2/todos/{id} (title)", "PATCH", todo_id, 200, {"title": f"{title} (renamed)"})
    step("GET /v2/todos", "GET", None, 200)
    step("DELETE /v2/todos/{id}", "DELETE", todo_id, 204)
    again = f"{title} (renamed)"
    reborn = step("POST /v2/todos (title freed by a delete)", "POST", None, 201, {"title": again})
    step("DELETE /v2/todos/{id}", "DELETE", reborn.body["id"], 204)
    return results


def floor_call(harness: Harness, floor_app: object, token: str) -> Measured:
    event = api_event("GET", "/floor/constant", "/floor/constant", headers=bearer(token))
    return expect(harness.call(event, app=floor_app), 200, FLOOR_ROUTE)


def measure_warm(harness: Harness, token: str, samples: int) -> list[RouteFigures]:
    """Median figures per route, the floor first; `token`'s board already holds a few items."""
    from tools.bench.floor import app as floor_app

    collected: dict[str, list[Measured]] = defaultdict(list)
    for number in range(samples + 5):
        cycle = {FLOOR_ROUTE: [floor_call(harness, floor_app, token)]}
        for route, reply in v1_cycle(harness, token, f"task {number}").items():
            cycle[route] = [reply]
        cycle[FLOOR_ROUTE].append(floor_call(harness, floor_app, token))
        for route, reply in v2_cycle(harness, token, f"todo {number}").items():
            cycle[route] = [reply]
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
        calls=replies[-1].calls,
        items_read=replies[-1].items_read,
    )
