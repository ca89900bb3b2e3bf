"""The local stack's parts: an embedded DynamoDB (moto's server), its table, and server processes.

`make run` (infra/launcher.py) puts them together; infra/local_stack.py
starts the same stack on free ports for the tests and tools. Nothing here
reaches AWS: every process gets dummy credentials and an explicit endpoint.

A server process runs infra/local_server.py. It exits when its parent closes
its stdin or dies, and answers the nonce it was started with, so that
waiting for it can never mistake another server on the port for it.
"""

import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
TABLE_DEFINITION = Path(__file__).with_name("table.json")
LOCAL_STAGE = "local"
CHALICE_CONFIG = PROJECT_DIR / ".chalice" / "config.json"
LOCAL_TABLE = json.loads(CHALICE_CONFIG.read_text())["stages"][LOCAL_STAGE][
    "environment_variables"
]["TABLE_NAME"]
# The local server echoes this header when a request carries its nonce, and only then.
NONCE_HEADER = "X-Dev-Stack-Nonce"
NONCE_ENV = "DEV_STACK_NONCE"
OFFLINE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}
# Settings that would point a local process at a real AWS account.
AWS_ACCOUNT_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN")


def table_definition(table_name: str) -> dict[str, Any]:
    """The one table definition, shaped for CreateTable (which takes no TTL; see time_to_live)."""
    definition = json.loads(TABLE_DEFINITION.read_text())
    definition.pop("TimeToLiveSpecification")
    return {"TableName": table_name, **definition}


def time_to_live() -> dict[str, Any]:
    """The table's TTL setting, for UpdateTimeToLive after CreateTable."""
    return json.loads(TABLE_DEFINITION.read_text())["TimeToLiveSpecification"]


def local_client(endpoint_url: str) -> Any:
    """A DynamoDB client for a local endpoint, with the dummy credentials it accepts."""
    import boto3

    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name=OFFLINE_AWS_ENV["AWS_DEFAULT_REGION"],
        aws_access_key_id=OFFLINE_AWS_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=OFFLINE_AWS_ENV["AWS_SECRET_ACCESS_KEY"],
    )


def create_table(endpoint_url: str, table_name: str) -> None:
    client = local_client(endpoint_url)
    client.create_table(**table_definition(table_name))
    client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 0.2})
    client.update_time_to_live(TableName=table_name, TimeToLiveSpecification=time_to_live())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EmbeddedDynamoDB:
    """moto's server, in a thread of this process, bound to loopback only.

    It answers one request at a time. moto runs TransactWriteItems on a copy
    of each table it names and, when the transaction is cancelled, puts the
    copy back, undoing whatever other requests wrote meanwhile. Serialising
    requests makes that exact; DynamoDB itself needs no such thing.
    """

    def __init__(self, port: int = 0) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server_class = _serial_moto_server_class()
        self._server = server_class(ip_address="127.0.0.1", port=port, verbose=False)

    def start(self) -> str:
        os.environ.update(OFFLINE_AWS_ENV)
        self._server.start()
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self._server.stop()


def _serial_moto_server_class() -> type:
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    class SerialMotoServer(ThreadedMotoServer):
        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)
            one_at_a_time = threading.Lock()

            def serial_app(environ: dict, start_response: Any) -> Any:
                with one_at_a_time:
                    return app(environ, start_response)

            self._server = make_server(
                self._ip_address, self._port, serial_app, True, request_handler=MotoRequestHandler
            )
            self._server_ready_event.set()
            self._server.serve_forever()

    return SerialMotoServer


class ServerProcess(subprocess.Popen):
    """The local server's process, and the nonce it echoes to prove it is this one."""

    nonce: str


def server_env(endpoint_url: str, secret: str, extra_env: Mapping[str, str] = {}) -> dict[str, str]:
    """The server's environment: this process's, which wins over the stage's defaults."""
    env = {name: value for name, value in os.environ.items() if name not in AWS_ACCOUNT_ENV}
    return {
        **env,
        **OFFLINE_AWS_ENV,
        "DYNAMODB_ENDPOINT_URL": endpoint_url,
        "TABLE_NAME": LOCAL_TABLE,
        "JWT_SECRET": secret,
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }


def spawn_server(
    where: list[str], env: Mapping[str, str], *, pass_fds: tuple[int, ...] = (), **popen: Any
) -> ServerProcess:
    """Start infra/local_server.py; it exits when this process closes its stdin (or dies)."""
    nonce = secrets.token_hex(16)
    command = [sys.executable, "-m", "infra.local_server", "--stage", LOCAL_STAGE, *where]
    process = ServerProcess(
        command,
        cwd=PROJECT_DIR,
        env={**env, NONCE_ENV: nonce},
        stdin=subprocess.PIPE,
        pass_fds=pass_fds,
        **popen,
    )
    process.nonce = nonce
    return process


def wait_until_serving(
    base_url: str,
    process: ServerProcess,
    timeout: float = 30,
    stopping: threading.Event | None = None,
) -> None:
    """Return once `process` answers on base_url; RuntimeError if it exits or another does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not (stopping and stopping.is_set()):
        if process.poll() is not None:
            raise RuntimeError(f"the local server exited with code {process.returncode}")
        # A preflight: the gateway answers it without calling the app, so it logs nothing.
        request = urllib.request.Request(  # noqa: S310 - loopback only
            f"{base_url}/v1/auth/ping", headers={NONCE_HEADER: process.nonce}, method="OPTIONS"
        )
        try:
            with urllib.request.urlopen(request, timeout=1) as reply:  # noqa: S310
                echoed = reply.headers.get(NONCE_HEADER)
        except urllib.error.HTTPError as error:  # an answer, if not a happy one
            echoed = error.headers.get(NONCE_HEADER)
        except OSError:  # nothing answers yet
            time.sleep(0.05)
            continue
        if echoed != process.nonce:
            raise RuntimeError(f"another server answers on {base_url}")
        return
    if not (stopping and stopping.is_set()):
        raise RuntimeError(f"the local server did not answer on {base_url} within {timeout} s")


def stop_server(process: subprocess.Popen, signum: int = signal.SIGTERM) -> None:
    """Stop a server child of this process's group: SIGTERM, then SIGKILL after 5 s."""
    if process.poll() is None:
        process.send_signal(signum)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdin:
        process.stdin.close()


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop a process started in a group of its own, and anything else in that group."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    if process.stdin:
        process.stdin.close()
