"""Local servers for the load test and the benchmark, each in its own process.

The embedded DynamoDB runs in a child process rather than a thread of the
measuring process, so the server's work never competes with the measurement
for the GIL, as with `make run`, where it lives in the `make run` process.
Run as `python -m tests.perf.stack`, it starts the database, creates the
table, prints the endpoint and serves until its stdin closes.

That database answers one request at a time. moto's TransactWriteItems
deep-copies each table it touches before it starts and, when the
transaction is cancelled (as every create of an existing title is),
restores that copy, undoing whatever other requests wrote in between. With
concurrent clients that loses items and duplicates titles, so a load test
would measure moto's race rather than the service. DynamoDB itself, and
DynamoDB Local in tests/realdb, need no such help.
"""

import os
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from infra.dev_stack import (
    LOCAL_TABLE,
    OFFLINE_AWS_ENV,
    PROJECT_DIR,
    EmbeddedDynamoDB,
    create_table,
    free_port,
    start_chalice,
    stop_process_group,
    wait_until_serving,
)

SERVER_LOG = PROJECT_DIR / ".local" / "perf-server.log"


@contextmanager
def embedded_dynamodb() -> Iterator[str]:
    """An embedded DynamoDB with the table, in a child process; yields its endpoint."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.perf.stack"],
        cwd=PROJECT_DIR,
        env={**os.environ, **OFFLINE_AWS_ENV},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        endpoint = child.stdout.readline().strip()
        if not endpoint.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"embedded DynamoDB did not start (got {endpoint!r})")
        yield endpoint
    finally:
        child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@contextmanager
def private_stack() -> Iterator[str]:
    """`chalice local` without reload on a free loopback port, with its own database.

    The server's request log goes to SERVER_LOG rather than the terminal.
    """
    with embedded_dynamodb() as endpoint:
        port = free_port()
        with _output_to(SERVER_LOG):
            chalice = start_chalice(port, endpoint, secrets.token_urlsafe(48), reload=False)
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_serving(base_url, chalice)
            yield base_url
        finally:
            stop_process_group(chalice)


@contextmanager
def _output_to(path: Path) -> Iterator[None]:
    """Point this process's stdout and stderr at `path` while a child inherits them."""
    path.parent.mkdir(exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with path.open("wb") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])


def serialize_moto_requests() -> None:
    """Make moto's server, in this process, handle one request at a time (see above)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    handle = DomainDispatcherApplication.__call__
    one_at_a_time = threading.Lock()

    def serialized(self: Any, environ: dict, start_response: Any) -> Any:
        with one_at_a_time:
            return handle(self, environ, start_response)

    DomainDispatcherApplication.__call__ = serialized


def main() -> None:
    serialize_moto_requests()
    database = EmbeddedDynamoDB()
    endpoint = database.start()
    try:
        create_table(endpoint, LOCAL_TABLE)
        print(endpoint, flush=True)
        sys.stdin.read()
    finally:
        database.stop()


if __name__ == "__main__":
    main()
