"""`make load`: concurrent clients against the local server, bounded in requests and time.

Each client thread keeps one HTTP/1.1 connection open and repeats a session
(tests/perf/scenario.py: the book's v1 walk-through, then v2 CRUD) until the
shared request budget is spent or the time limit passes. Every response is
checked; any error makes the exit status non-zero. If nothing answers at the
URL, a private stack (embedded DynamoDB and the local server without reload)
is started on a free port for the run and stopped after it. Loopback only.
"""

import argparse
import http.client
import json
import os
import sys
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.perf import scenario
from tests.perf.report import LOAD_BEGIN, LOAD_END, load_report, percentile, replace_section
from tests.perf.stack import SERVER_LOG, private_stack

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
DOC = Path(__file__).resolve().parents[2] / "docs" / "PERFORMANCE.md"


class OutOfBudget(Exception):
    """The request budget is spent or the time is up: the client stops."""


class StepFailed(Exception):
    """A response was wrong: the client abandons this session and starts another."""


@dataclass
class Budget:
    requests: int
    deadline: float
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> None:
        with self._lock:
            if self.requests <= 0 or time.monotonic() >= self.deadline:
                raise OutOfBudget
            self.requests -= 1


@dataclass(frozen=True)
class Sample:
    op: str
    seconds: float
    error: str | None


class Client:
    """One keep-alive connection; each call spends one request of the budget."""

    def __init__(self, address: str, budget: Budget, timeout: float) -> None:
        self._address, self._budget, self._timeout = address, budget, timeout
        self._connection = http.client.HTTPConnection(address, timeout=timeout)
        self.samples: list[Sample] = []

    def __call__(
        self,
        op: str,
        method: str,
        path: str,
        expected: int,
        body: dict | None = None,
        headers: dict[str, str] | None = None,
        check: scenario.Check | None = None,
    ) -> Any:
        self._budget.take()
        payload = None if body is None else json.dumps(body).encode()
        sent = {"Content-Type": "application/json"} if payload else {}
        started = time.perf_counter()
        try:
            self._connection.request(method, path, payload, {**sent, **(headers or {})})
            response = self._connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as error:
            self._fail(op, started, f"{type(error).__name__}: {error}")
            self._connection.close()
            self._connection = http.client.HTTPConnection(self._address, timeout=self._timeout)
            raise StepFailed from None
        elapsed = time.perf_counter() - started
        is_json = "json" in response.getheader("Content-Type", "")
        parsed, error = _mismatch(response.status, expected, raw if is_json else b"", check)
        self.samples.append(Sample(op, elapsed, error))
        if error:
            raise StepFailed
        return parsed

    def _fail(self, op: str, started: float, error: str) -> None:
        self.samples.append(Sample(op, time.perf_counter() - started, error))

    def run(self) -> None:
        try:
            while True:
                try:
                    scenario.session(self)
                except StepFailed:
                    continue
        except OutOfBudget:
            pass
        finally:
            self._connection.close()


def _mismatch(
    status: int, expected: int, raw: bytes, check: scenario.Check | None
) -> tuple[Any, str | None]:
    """The parsed JSON body, and what is wrong with the response, if anything."""
    if status != expected:
        return None, f"status {status}, expected {expected}"
    try:
        body = json.loads(raw) if raw else None
        if check is not None and not check(body):
            return body, f"unexpected body {raw[:300]!r}"
    except (ValueError, KeyError, TypeError, IndexError):
        return None, f"malformed body {raw[:300]!r}"
    return body, None


def drive(base_url: str, clients: int, requests: int, max_seconds: float) -> dict[str, Any]:
    budget = Budget(requests, time.monotonic() + max_seconds)
    address = urlsplit(base_url).netloc
    workers = [Client(address, budget, timeout=min(30.0, max_seconds)) for _ in range(clients)]
    threads = [threading.Thread(target=w.run, daemon=True) for w in workers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, started + max_seconds + 35 - time.perf_counter()))
    wall = time.perf_counter() - started
    samples = [s for w in workers for s in w.samples]
    hung = sum(thread.is_alive() for thread in threads)
    return {"samples": samples, "wall": wall, "hung_clients": hung, "budget": requests}


def answers(base_url: str) -> bool:
    """Whether a server answers at base_url; something other than this service is an error."""
    connection = http.client.HTTPConnection(urlsplit(base_url).netloc, timeout=2)
    try:
        connection.request("GET", "/v1/auth/ping")
        status = connection.getresponse().status
    except OSError:
        return False
    finally:
        connection.close()
    if status != 200:
        sys.exit(f"load: {base_url}/v1/auth/ping answered {status}; is that this service?")
    return True


def handler_times(log: Path) -> str:
    """What the server's own request log says about time spent inside the handler."""
    durations = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith('{"event": "request"'):
            durations.append(json.loads(line)["duration_ms"])
    if not durations:
        return "The server logged no requests."
    p50, p95, p99 = (percentile(durations, p) for p in (50, 95, 99))
    return (
        f"Inside the handler, by the server's own request log: p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms, p99 {p99:.1f} ms over {len(durations)} requests."
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    port = os.environ.get("PORT", "8000")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{port}")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument(
        "--record", action="store_true", help=f"also write the result into {DOC.name}"
    )
    args = parser.parse_args(argv)
    if urlsplit(args.url).hostname not in LOOPBACK_HOSTS:
        parser.error("--url must be a loopback address; this script never leaves the machine")
    if min(args.clients, args.requests) < 1 or args.max_seconds <= 0:
        parser.error("--clients, --requests and --max-seconds must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with ExitStack() as stack:
        target, base_url = f"the server at {args.url}", args.url
        if not answers(args.url):
            print(f"Nothing answers at {args.url}: starting a private stack.", flush=True)
            base_url = stack.enter_context(private_stack())
            target = f"a private stack at {base_url} (the local server, no reload)"
        print(f"Driving {target}: {args.clients} clients, {args.requests} requests.", flush=True)
        result = drive(base_url, args.clients, args.requests, args.max_seconds)
    settings = {k: getattr(args, k) for k in ("clients", "requests", "max_seconds")}
    text, errors = load_report(result, settings, target)
    if base_url != args.url:
        text += "\n\n" + handler_times(SERVER_LOG)
    print(text)
    if args.record:
        replace_section(DOC, LOAD_BEGIN, LOAD_END, text)
        print(f"Recorded in {DOC}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
