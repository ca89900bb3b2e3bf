"""`make smoke URL=<base URL>` (or STAGE=<stage>): a short check that a running service works.

Against any base URL (make run's, or a deployed stack's, whose URL `--stage`
reads from the stack's outputs), it signs up a throwaway user, runs the
book's v1 walk-through and a v2 round trip, deletes what it created, and
prints one row per step. It exits 1 if any step failed, 2 if it could not
start. Only the standard library is used, so any Python 3.11 can run it.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 15
RESULTS = {"ok": "ok", "FAIL": "failed", "SKIP": "skipped"}


class StepFailed(Exception):
    pass


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class Client:
    base_url: str
    headers: dict[str, str] = field(default_factory=dict)
    # curl's --resolve: requests to this host and port go to another address
    # (HOST:PORT:ADDRESS), with the Host header still naming the host.
    resolve: str = ""

    def send(self, method: str, path: str, body: Any = None, **headers: str) -> Reply:
        url = urllib.parse.urljoin(self.base_url.rstrip("/") + "/", path.lstrip("/"))
        data = json.dumps(body).encode() if body is not None else None
        merged = {**self.headers, **headers}
        url = self._resolved(url, merged)
        if data is not None:
            merged["Content-Type"] = "application/json"
        # main() accepts only http and https base URLs.
        request = urllib.request.Request(url, data=data, method=method, headers=merged)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                return _reply(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return _reply(error.code, error.headers, error.read())

    def _resolved(self, url: str, headers: dict[str, str]) -> str:
        if not self.resolve:
            return url
        host, port, address = self.resolve.rsplit(":", 2)
        parts = urllib.parse.urlsplit(url)
        default_port = 443 if parts.scheme == "https" else 80
        if (parts.hostname, str(parts.port or default_port)) != (host, port):
            return url
        headers["Host"] = parts.netloc
        return urllib.parse.urlunsplit(parts._replace(netloc=f"{address}:{port}"))

    def at(self, location: str) -> str:
        """A Location header as a path relative to the base URL, whatever prefix it carries."""
        base_path = urllib.parse.urlsplit(self.base_url).path.rstrip("/")
        path = urllib.parse.urlsplit(location).path
        return path.removeprefix(base_path) if base_path else path


def _reply(status: int, headers: Any, raw: bytes) -> Reply:
    text = raw.decode("utf-8", "replace")
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = text
    return Reply(status, {k.lower(): v for k, v in headers.items()}, body)


def expect(reply: Reply, status: int, check: Callable[[Any], bool] = lambda _: True) -> Reply:
    if reply.status != status:
        raise StepFailed(f"got {reply.status}, expected {status}: {str(reply.body)[:120]}")
    if not check(reply.body):
        raise StepFailed(f"unexpected body: {str(reply.body)[:160]}")
    return reply


def board(pending: tuple[str, ...] = (), done: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "pending_items": [{"title": t, "status": "PENDING"} for t in pending],
        "done_items": [{"title": t, "status": "DONE"} for t in done],
        "pending_item_count": len(pending),
        "done_item_count": len(done),
    }


@dataclass
class Scenario:
    client: Client
    name: str = field(default_factory=lambda: f"smoke-{secrets.token_hex(6)}")
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    token: str = ""
    access_token: str = ""
    todo_path: str = ""
    etag: str = ""

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        v1 = [
            ("ping", self.ping),
            ("v1 sign up a throwaway user", self.sign_up),
            ("v1 log in", self.log_in),
        ]
        for number, (method, path, body, state) in enumerate(book_walk_through(), 1):
            step = self.book_step(method, path, body, state)
            v1.append((f"v1 book {number}: {method} {path}", step))
        v2 = [
            ("v2 token", self.v2_token),
            ("v2 create a todo", self.v2_create),
            ("v2 read it", self.v2_read),
            ("v2 mark it done, If-Match", self.v2_update),
            ("v2 list shows it", self.v2_list),
            ("v2 delete it, If-Match", self.v2_delete),
            ("v2 it is gone", self.v2_gone),
        ]
        return v1 + v2

    def ping(self) -> str:
        expect(self.client.send("GET", "/v1/auth/ping"), 200, lambda b: b == {"status": "ok"})
        return "ok"

    def sign_up(self) -> str:
        body = {"name": self.name, "email": f"{self.name}@example.com", "password": self.password}
        expect(self.client.send("POST", "/v1/user/create", body), 201)
        return self.name

    def log_in(self) -> str:
        credentials = {"username": self.name, "password": self.password}
        reply = expect(self.client.send("POST", "/v1/auth/login", credentials), 200)
        self.token = reply.body["token"]
        return "token"

    def book_step(self, method: str, path: str, body: Any, state: dict) -> Callable[[], str]:
        def run() -> str:
            reply = self.client.send(method, path, body, token=self.token)
            expect(reply, 200, lambda got: got == state)
            return f"{state['pending_item_count']} pending, {state['done_item_count']} done"

        return run

    def v2_token(self) -> str:
        credentials = {"username": self.name, "password": self.password}
        reply = expect(self.client.send("POST", "/v2/auth/token", credentials), 200)
        self.access_token = reply.body["access_token"]
        return "access token"

    def _bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    def v2_create(self) -> str:
        body = {"title": "smoke test", "notes": "made by make smoke"}
        reply = self.client.send("POST", "/v2/todos", body, **self._bearer())
        expect(reply, 201, lambda b: b["title"] == "smoke test" and b["status"] == "PENDING")
        self.todo_path = self.client.at(reply.headers["location"])
        self.etag = reply.headers["etag"]
        return reply.headers["location"]

    def v2_read(self) -> str:
        reply = self.client.send("GET", self.todo_path, **self._bearer())
        expect(reply, 200, lambda b: b["title"] == "smoke test")
        return self.todo_path

    def v2_update(self) -> str:
        headers = {**self._bearer(), "If-Match": self.etag}
        reply = self.client.send("PATCH", self.todo_path, {"status": "DONE"}, **headers)
        expect(reply, 200, lambda b: b["status"] == "DONE")
        self.etag = reply.headers["etag"]
        return "DONE"

    def v2_list(self) -> str:
        reply = self.client.send("GET", "/v2/todos", **self._bearer())
        expect(reply, 200, lambda b: [t["title"] for t in b["items"]] == ["smoke test"])
        return "1 item"

    def v2_delete(self) -> str:
        headers = {**self._bearer(), "If-Match": self.etag}
        expect(self.client.send("DELETE", self.todo_path, **headers), 204)
        self.todo_path = ""
        return "204"

    def v2_gone(self) -> str:
        listed = self.client.send("GET", "/v2/todos", **self._bearer())
        expect(listed, 200, lambda b: b["items"] == [])
        return "0 items"

    def clean_up(self) -> str:
        """Delete every todo the user still has, whatever step stopped the scenario."""
        if not self.token:
            return "no user was made"
        if not self.access_token:
            self.v2_token()
        listed = expect(self.client.send("GET", "/v2/todos", **self._bearer()), 200)
        for todo in listed.body["items"]:
            path = f"/v2/todos/{todo['id']}"
            expect(self.client.send("DELETE", path, **self._bearer()), 204)
        return f"{len(listed.body['items'])} left over, deleted"

    def delete_account(self) -> str:
        """Delete the throwaway account with its password, then check it cannot log in."""
        bearer = {"Authorization": f"Bearer {self.access_token or self.token}"}
        body = {"password": self.password}
        expect(self.client.send("DELETE", "/v2/users/me", body, **bearer), 204)
        credentials = {"username": self.name, "password": self.password}
        expect(self.client.send("POST", "/v1/auth/login", credentials), 401)
        return f"{self.name} deleted; it cannot log in"


def book_walk_through() -> list[tuple[str, str, Any, dict]]:
    """The book's v1 walk-through: (method, path, body, the state expected afterwards)."""
    both = board(pending=("washing", "cooking"))
    done = board(done=("washing", "cooking"))
    return [
        ("POST", "/v1/item/create/washing", None, board(pending=("washing",))),
        ("POST", "/v1/item/create/cooking", None, both),
        ("POST", "/v1/item/create/cooking", None, both),
        ("GET", "/v1/item/get", None, both),
        ("POST", "/v1/item/edit", {"title": "washing", "status": "PENDING"},
         board(("cooking",), ("washing",))),
        ("POST", "/v1/item/edit", {"title": "cooking", "status": "PENDING"}, done),
        ("POST", "/v1/item/delete", {"title": "cooking", "status": "DONE"},
         board(done=("washing",))),
        ("POST", "/v1/item/delete", {"title": "washing", "status": "DONE"}, board()),
    ]  # fmt: skip


@dataclass(frozen=True)
class Row:
    step: str
    result: str
    detail: str
    milliseconds: float


def run(scenario: Scenario) -> list[Row]:
    rows = []
    failed = False
    for name, step in scenario.steps():
        if failed:
            rows.append(Row(name, "SKIP", "an earlier step failed", 0))
            continue
        rows.append(timed(name, step))
        failed = rows[-1].result == "FAIL"
    rows.append(timed("clean up: delete the user's todos", scenario.clean_up))
    if not scenario.token:
        rows.append(Row("clean up: delete the account", "ok", "no user was made", 0))
        return rows
    rows.append(timed("clean up: delete the account", scenario.delete_account))
    return rows


def timed(name: str, step: Callable[[], str]) -> Row:
    started = time.perf_counter()
    try:
        detail = step()
    except (StepFailed, KeyError, TypeError, urllib.error.URLError, OSError) as error:
        return Row(name, "FAIL", f"{type(error).__name__}: {error}", elapsed_ms(started))
    return Row(name, "ok", detail, elapsed_ms(started))


def elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def table(rows: list[Row]) -> str:
    header = Row("step", "result", "detail", 0)
    widths = [max(len(getattr(r, f)) for r in [header, *rows]) for f in ("step", "result")]
    lines = [f"{'step':<{widths[0]}}  {'result':<{widths[1]}}  {'ms':>6}  detail"]
    for row in rows:
        ms = f"{row.milliseconds:6.0f}"
        lines.append(f"{row.step:<{widths[0]}}  {row.result:<{widths[1]}}  {ms}  {row.detail}")
    return "\n".join(lines)


def stage_url(stage: str) -> str:
    """The deployed stage's URL, from its stack's outputs (infra/stack.sh checks AWS first)."""
    result = subprocess.run(
        ["bash", str(PROJECT_DIR / "infra" / "stack.sh"), "url", stage],
        capture_output=True,
        text=True,
        env={**os.environ, "MAKE_TARGET": "smoke"},
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(2)
    return result.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="base URL, e.g. http://127.0.0.1:8000")
    where.add_argument("--stage", help="a deployed stage, whose URL the stack's outputs give")
    parser.add_argument(
        "--resolve", default="", metavar="HOST:PORT:ADDRESS", help="as curl's --resolve"
    )
    args = parser.parse_args()
    base_url = args.url or stage_url(args.stage)
    if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
        parser.error(f"not an http(s) URL: {base_url!r}")
    print(f"make smoke against {base_url}")
    rows = run(Scenario(Client(base_url, resolve=args.resolve)))
    print(table(rows))
    counts = {result: sum(row.result == result for row in rows) for result in RESULTS}
    print(", ".join(f"{count} {RESULTS[result]}" for result, count in counts.items()))
    raise SystemExit(1 if counts["FAIL"] else 0)


if __name__ == "__main__":
    main()
