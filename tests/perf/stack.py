"""Local servers for the load test and the benchmark, each in its own process.

The embedded DynamoDB runs in a child process rather than a thread of the
measuring process, so the server's work never competes with the measurement
for the GIL, as with `make run`, where it lives in the `make run` process.
Run as `python -m tests.perf.stack`, it starts the database, creates the
table, prints the endpoint and serves until its stdin closes.

That database is moto's server, which answers one request at a time
(infra/dev_stack.py), with one more change for speed as the table grows:
see tests/perf/moto_tweaks.py.
"""

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
from tests.perf import moto_tweaks

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
    """The local server, without reload, on a free loopback port, with its own database.

    The server's request log goes to SERVER_LOG rather than the terminal.
    """
    with embedded_dynamodb() as endpoint:
        port = free_port()
        with _output_to(SERVER_LOG):
            chalice = start_chalice(port, endpoint, secrets.token_urlsafe(48))
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


def main() -> None:
    moto_tweaks.snapshot_touched_items()
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
