"""Locust's side of `make load`: each user repeats tools/load/scenario.py's session.

Every request first takes one from a shared budget (`--requests`); once it
is spent and the last answer is in, the run stops, so a run sends exactly
that many requests unless Locust's `--run-time` ends it first. Each answer
is checked (its status, and for some steps its body); a wrong one is a
failure in Locust's statistics and ends that user's session, and the user
starts another. Every request's operation, time and error are written to
`--samples` as JSON, for tools/load/__main__.py's report.
"""

import contextlib
import json
import time
from pathlib import Path
from typing import Any, ClassVar

import gevent
from locust import FastHttpUser, constant, events, task
from locust.env import Environment
from locust.exception import StopUser

from tools.load.scenario import Check, session


class StepFailed(Exception):
    """An answer was wrong: the user abandons this session and starts another."""


class Run:
    """The budget, and what was sent: one per Locust process."""

    environment: Environment
    budget = 0
    taken = 0
    samples: ClassVar[list[tuple[str, float, str | None]]] = []
    started = 0.0


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    parser.add_argument("--requests", type=int, default=2000, help="requests to send in all")
    parser.add_argument("--samples", default="", help="write each request's figures here")


@events.test_start.add_listener
def _start(environment: Environment, **_: Any) -> None:
    Run.environment = environment
    Run.budget, Run.taken, Run.samples = environment.parsed_options.requests, 0, []
    Run.started = time.perf_counter()


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any, **_: Any) -> None:
    Run.samples.append((name, response_time / 1000, str(exception) if exception else None))
    if len(Run.samples) == Run.budget:
        gevent.spawn(Run.environment.runner.quit)  # not from this user's own greenlet


@events.test_stop.add_listener
def _write(environment: Environment, **_: Any) -> None:
    path = environment.parsed_options.samples
    if path:
        wall = time.perf_counter() - Run.started
        Path(path).write_text(json.dumps({"samples": Run.samples, "wall": wall}))


class SessionUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def one_session(self) -> None:
        with contextlib.suppress(StepFailed):
            session(self.call)

    def call(
        self,
        op: str,
        method: str,
        path: str,
        expected: int,
        body: dict | None = None,
        headers: dict[str, str] | None = None,
        check: Check | None = None,
    ) -> Any:
        if Run.taken >= Run.budget:
            raise StopUser
        Run.taken += 1
        with self.client.request(
            method, path, name=op, json=body, headers=headers, catch_response=True
        ) as response:
            parsed, error = mismatch(response.status_code, expected, response.content, check)
            if error:
                response.failure(error)
            else:
                response.success()
        if error:
            raise StepFailed
        return parsed


def mismatch(
    status: int, expected: int, raw: bytes | None, check: Check | None
) -> tuple[Any, str | None]:
    """The parsed JSON body, and what is wrong with the answer, if anything."""
    if status != expected:
        return None, f"status {status}, expected {expected}: {(raw or b'')[:300]!r}"
    try:
        body = json.loads(raw) if raw else None
        if check is not None and not check(body):
            return body, f"unexpected body {raw[:300]!r}"
    except (ValueError, KeyError, TypeError, IndexError):
        return None, f"malformed body {(raw or b'')[:300]!r}"
    return body, None
