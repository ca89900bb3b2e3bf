"""`make run`: the port, the database, the server and its restarts, until Ctrl-C.

Run as `python -m infra.launcher --port PORT`. It listens on 127.0.0.1:PORT
first, so a taken port stops it before anything slow; hands that socket to
each server it starts (infra/reloader.py); and makes the signing secret once,
so tokens last exactly as long as the in-memory data.
"""

import argparse
import os
import secrets
import signal
import socket
import sys
import threading
import time

from infra.dev_stack import (
    LOCAL_TABLE,
    PROJECT_DIR,
    EmbeddedDynamoDB,
    ServerProcess,
    create_table,
    server_env,
    spawn_server,
)
from infra.preflight import listen, port_problem
from infra.reloader import Reloader


class Stopped(Exception):
    """A stop signal arrived during start-up."""


class StopSignals:
    """Ctrl-C, SIGTERM and SIGHUP end the run: at once during start-up, then through `event`.

    Once serving, the watcher and restarts poll `event`, so a signal never
    lands in the middle of starting or stopping the server.
    """

    def __init__(self) -> None:
        self.event = threading.Event()
        self.abort = True
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            # Shells start background jobs with SIGINT ignored; Ctrl-C must stop this anyway.
            signal.signal(signum, self._on_signal)

    def _on_signal(self, *_: object) -> None:
        first = not self.event.is_set()
        self.event.set()
        if first and self.abort:
            raise Stopped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args()
    signals = StopSignals()
    problem = None
    try:
        listener = listen(args.port)
    except OSError:
        exit_now(f"make run: {port_problem(str(args.port))}")
    try:
        serve(listener, signals)
    except Stopped:
        pass
    except RuntimeError as error:
        problem = f"make run: {error}"
    finally:
        listener.close()
    exit_now(problem)


def exit_now(problem: str | None = None) -> None:
    """Exit, skipping the interpreter's tear-down of moto and boto3 (half a second).

    By now the server has stopped, and the database is a thread of this process.
    """
    if problem:
        print(problem, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(1 if problem else 0)


def serve(listener: socket.socket, signals: StopSignals) -> None:
    started = time.monotonic()
    database = EmbeddedDynamoDB()
    endpoint_url = database.start()
    env = server_env(endpoint_url, secrets.token_urlsafe(48))

    def spawn(sock: socket.socket) -> ServerProcess:
        return spawn_server(["--fd", str(sock.fileno())], env, pass_fds=(sock.fileno(),))

    reloader = Reloader(PROJECT_DIR, listener, spawn, signals.event)
    try:
        create_table(endpoint_url, LOCAL_TABLE)
        reloader.start()
        signals.abort = False
        if signals.event.is_set():
            return
        elapsed = time.monotonic() - started
        print(f"\nTo-do service on {reloader.base_url} (ready in {elapsed:.1f} s)")
        print(f"Embedded DynamoDB on {endpoint_url}")
        print("Data and sign-ins last until you stop this with Ctrl-C.")
        print("Edits to app.py, chalicelib/ or .chalice/ restart the server.\n", flush=True)
        reloader.run_until_stopped()
    finally:
        signals.abort = False
        reloader.stop()


if __name__ == "__main__":
    main()
