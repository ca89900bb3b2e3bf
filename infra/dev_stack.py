"""The local stack: an embedded DynamoDB (moto's server) plus `chalice local`.

`make run` runs this module; the HTTP-level tests import it to start the
same stack on free ports. Nothing here reaches AWS: every process gets
dummy credentials and an explicit endpoint.
"""

import argparse
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
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
TABLE_DEFINITION = Path(__file__).with_name("table.json")
LOCAL_SECRET_FILE = PROJECT_DIR / ".local" / "jwt-secret"
LOCAL_TABLE = "todo-local"
OFFLINE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def table_definition(table_name: str) -> dict[str, Any]:
    """The one table definition, shaped for CreateTable."""
    return {"TableName": table_name, **json.loads(TABLE_DEFINITION.read_text())}


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


def local_secret(path: Path = LOCAL_SECRET_FILE) -> str:
    """A random signing secret made on first run and kept, so tokens survive reloads."""
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def start_chalice(
    port: int, endpoint_url: str, secret: str, *, reload: bool, extra_env: Mapping[str, str] = {}
) -> subprocess.Popen:
    env = {
        **os.environ,
        **OFFLINE_AWS_ENV,
        "DYNAMODB_ENDPOINT_URL": endpoint_url,
        "JWT_SECRET": secret,
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    chalice_cli = str(Path(sys.executable).with_name("chalice"))
    command = [chalice_cli, "local", "--stage", "local"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    if not reload:
        command.append("--no-autoreload")
    # Its own process group, so stopping it also stops the reloader's child.
    return subprocess.Popen(command, cwd=PROJECT_DIR, env=env, start_new_session=True)


def wait_until_serving(base_url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chalice local exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/v1/auth/ping", timeout=1):  # noqa: S310
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"chalice local did not answer on {base_url} within {timeout} s")


def stop_process_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args()
    # Shells start background jobs with SIGINT ignored; restore Ctrl-C either way.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(0))
    try:
        serve(args.port)
    except KeyboardInterrupt:
        pass
    except RuntimeError as error:
        sys.exit(f"make run: {error}")


def serve(port: int) -> None:
    started = time.monotonic()
    database = EmbeddedDynamoDB()
    endpoint_url = database.start()
    try:
        create_table(endpoint_url, LOCAL_TABLE)
        chalice = start_chalice(port, endpoint_url, local_secret(), reload=True)
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_serving(base_url, chalice)
            elapsed = time.monotonic() - started
            print(f"\nTo-do service on {base_url} (ready in {elapsed:.1f} s)")
            print(f"Embedded DynamoDB on {endpoint_url}")
            print("Data lives in memory until you stop this with Ctrl-C.\n", flush=True)
            chalice.wait()
        finally:
            stop_process_group(chalice)
    finally:
        database.stop()


if __name__ == "__main__":
    main()
