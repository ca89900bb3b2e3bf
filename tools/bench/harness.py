"""The service's Lambda handler in this process, with its DynamoDB calls timed and counted.

Each call of the handler is timed as a whole; every DynamoDB call inside it
is timed by wrapping the botocore client's `_make_api_call`, which covers
the SDK's serialising, signing, sending, retrying and parsing. Handler time
minus that is the service's own work plus Chalice's.
"""

import contextlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from infra.dev_stack import LOCAL_TABLE, OFFLINE_AWS_ENV
from tools.bench.events import lambda_context

ISSUER = "todo-service"
# moto takes seconds to answer a Query for a thousand items, where the service's
# 2 s read timeout (chosen for DynamoDB) would retry it into a 503, and a timed-out
# TransactWriteItems that moto did apply would be retried into a false conflict:
# moto ignores the idempotency token that DynamoDB honours. The benchmark waits
# longer. Waiting changes no figure it reports as own time or as calls.
BENCH_READ_TIMEOUT_SECONDS = 120


@dataclass
class Measured:
    status: int
    body: Any
    seconds: float
    dynamodb_seconds: float
    calls: list[str]
    items_read: int
    cpu_overhead: float  # CPU time of the handler minus CPU time inside DynamoDB calls
    body_bytes: int = 0
    cpu_seconds: float = 0.0  # CPU time of this process, every thread, during the handler

    @property
    def overhead(self) -> float:
        return self.seconds - self.dynamodb_seconds


@dataclass
class CallMeter:
    """What the wrapped client did during one handler call."""

    seconds: float = 0.0
    cpu_seconds: float = 0.0
    calls: list[str] = field(default_factory=list)
    items_read: int = 0

    def clear(self) -> None:
        self.seconds, self.cpu_seconds, self.calls, self.items_read = 0.0, 0.0, [], 0

    def wrap(self, make_api_call: Callable[[str, dict], Any]) -> Callable[[str, dict], Any]:
        def timed(operation: str, params: dict) -> Any:
            started, cpu_started = time.perf_counter(), time.process_time()
            try:
                reply = make_api_call(operation, params)
            finally:
                self.seconds += time.perf_counter() - started
                self.cpu_seconds += time.process_time() - cpu_started
                self.calls.append(operation)
            self.items_read += len(reply.get("Items", ())) + ("Item" in reply)
            return reply

        return timed


def configure_environment(endpoint: str, secret: str) -> dict[str, str]:
    """The variables `chalice local --stage local` would set, pointed at `endpoint`."""
    env = {
        **OFFLINE_AWS_ENV,
        "DYNAMODB_ENDPOINT_URL": endpoint,
        "TABLE_NAME": LOCAL_TABLE,
        "APP_STAGE": "local",
        "JWT_SECRET": secret,
        "TOKEN_ISSUER": ISSUER,
        "TOKEN_EXPIRE_MINUTES": "60",
        "CORS_ALLOW_ORIGIN": "*",
        # A back-off that outlasts the benchmark, so that every login it times during
        # one is inside it; the path taken is the same whatever the wait.
        "LOGIN_BACKOFF_FIRST_SECONDS": "900",
    }
    os.environ.update(env)
    return env


class Harness:
    """Calls a Chalice app as Lambda would; the service's log lines go to /dev/null."""

    def __init__(self) -> None:
        from app import app
        from chalicelib import dependencies
        from chalicelib.platform import retries

        retries.READ_TIMEOUT_SECONDS = BENCH_READ_TIMEOUT_SECONDS
        retries.MAX_REQUEST_SECONDS = BENCH_READ_TIMEOUT_SECONDS * 2
        dependencies.reset()
        self.app = app
        self._meter = CallMeter()
        client = dependencies.dynamodb_client()
        client._make_api_call = self._meter.wrap(client._make_api_call)
        self._metered = [client]
        self._null = open(os.devnull, "w")  # noqa: SIM115 - closed in close()
        self._count = 0
        self.profiler: Any = None  # a cProfile.Profile to run around handler calls only

    def meter(self, client: Any) -> None:
        """Time and count another client's calls too, as the service's are (for the floors)."""
        if client not in self._metered:
            client._make_api_call = self._meter.wrap(client._make_api_call)
            self._metered.append(client)

    def call(self, event: dict[str, Any], app: Any = None) -> Measured:
        meter = self._meter
        meter.clear()
        self._count += 1
        context = lambda_context(self._count)
        with contextlib.redirect_stdout(self._null):
            if self.profiler:
                self.profiler.enable()
            started, cpu_started = time.perf_counter(), time.process_time()
            raw = (app or self.app)(event, context)
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu_started
            if self.profiler:
                self.profiler.disable()
        text = raw.get("body") or ""
        body = json.loads(text) if text.startswith(("{", "[")) else text
        return Measured(
            raw["statusCode"],
            body,
            seconds,
            meter.seconds,
            meter.calls,
            meter.items_read,
            cpu_seconds - meter.cpu_seconds,
            len(text.encode()),
            cpu_seconds,
        )

    def close(self) -> None:
        self._null.close()
