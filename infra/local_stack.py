"""One way to start a local stack: a database, its table, and N local server processes.

The database is either `moto`, the serialised embedded DynamoDB that `make
run` uses (infra/dev_stack.py), in a child process of its own, or
`dynamodb-local`, Amazon's DynamoDB Local (infra/dynamodb_local.py). Every
server shares that database and one signing secret. The HTTP-level and
browser tests, and the tools' load test and benchmark, all start theirs here.

The embedded database runs in a child so that moto's state, which is per
process, is never shared with another suite's tables or with an in-process
`mock_aws`, and so that its work never competes with the caller's for the
GIL. Run as `python -m infra.local_stack`, that child starts the database,
prints its endpoint and serves until its stdin closes.
"""

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import IO

from infra.dev_stack import (
    LOCAL_TABLE,
    OFFLINE_AWS_ENV,
    PROJECT_DIR,
    EmbeddedDynamoDB,
    create_table,
    free_port,
    server_env,
    spawn_server,
    stop_process_group,
    wait_until_serving,
)

BACKENDS = ("moto", "dynamodb-local")


@dataclass(frozen=True)
class LocalStack:
    base_urls: tuple[str, ...]
    endpoint_url: str
    secret: str
    backend: str

    @property
    def base_url(self) -> str:
        return self.base_urls[0]


@contextmanager
def local_stack(
    backend: str = "moto",
    instances: int = 1,
    *,
    extra_env: Mapping[str, str] = {},
    output: IO | None = None,
    database_module: str = __name__,
) -> Iterator[LocalStack]:
    """Start the stack, yield it, and stop everything it started.

    `output` takes the servers' stdout and stderr (the terminal's by default);
    `database_module` names the module the embedded database's child runs.
    infra.dynamodb_local.Unavailable means DynamoDB Local cannot run here.
    """
    with ExitStack() as stops:
        endpoint_url = stops.enter_context(database(backend, database_module))
        create_table(endpoint_url, LOCAL_TABLE)
        secret = secrets.token_urlsafe(48)
        env = server_env(endpoint_url, secret, extra_env)
        base_urls = []
        for port in distinct_free_ports(instances):
            server = spawn_server(
                ["--port", str(port)], env, start_new_session=True, stdout=output, stderr=output
            )
            stops.callback(stop_process_group, server)
            base_urls.append(f"http://127.0.0.1:{port}")
            wait_until_serving(base_urls[-1], server)
        yield LocalStack(tuple(base_urls), endpoint_url, secret, backend)


@contextmanager
def database(backend: str, database_module: str = __name__) -> Iterator[str]:
    """A running, empty database of this backend; yields its endpoint."""
    if backend == "moto":
        with embedded_database(database_module) as endpoint_url:
            yield endpoint_url
        return
    if backend != "dynamodb-local":
        raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
    from infra.dynamodb_local import DynamoDBLocal, ensure_emulator

    server = DynamoDBLocal(ensure_emulator())
    endpoint_url = server.start()
    try:
        yield endpoint_url
    finally:
        server.stop()


@contextmanager
def embedded_database(module: str = __name__) -> Iterator[str]:
    """The embedded DynamoDB in a child process running `module`; yields its endpoint."""
    child = subprocess.Popen(
        [sys.executable, "-m", module],
        cwd=PROJECT_DIR,
        env={**os.environ, **OFFLINE_AWS_ENV},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        endpoint_url = child.stdout.readline().strip()
        if not endpoint_url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the embedded DynamoDB did not start (got {endpoint_url!r})")
        yield endpoint_url
    finally:
        child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def distinct_free_ports(count: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


def serve_database() -> None:
    """The child's side: serve until the parent closes stdin (or dies)."""
    server = EmbeddedDynamoDB()
    endpoint_url = server.start()
    try:
        print(endpoint_url, flush=True)
        sys.stdin.read()
    finally:
        server.stop()


if __name__ == "__main__":
    serve_database()
