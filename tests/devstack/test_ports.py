"""A taken port stops `make run` at once, in one line naming the port; readiness means ours.

Before, a second `make run` on a serving port said it was ready (the first
server answered its check), then printed a traceback and hung; a port held by
another program cost a traceback and 33 s of waiting without naming the port.
"""

import http.server
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.dev_stack import ServerProcess, free_port, wait_until_serving
from tests.devstack.support import (
    PROJECT_DIR,
    Run,
    make_run,
    python_launcher,
    wait_listening,
)
from tests.support.client import http_client


def finished(run: Run, within: float) -> float:
    started = time.monotonic()
    try:
        run.process.wait(timeout=within)
    except subprocess.TimeoutExpired:
        run.kill()
        pytest.fail(f"still running after {within} s:\n{run.output()}")
    return time.monotonic() - started


def assert_one_line_naming(run: Run, port: int) -> None:
    assert run.process.returncode != 0
    lines = run.output().strip().splitlines()
    assert len(lines) == 1, run.output()
    assert f"port {port} is already in use" in lines[0]
    assert "PORT=" in lines[0]  # says how to choose another


@pytest.fixture
def other_program() -> Iterator[int]:
    """A plain `python -m http.server` holding a port, as a person might have running."""
    port = free_port()
    command = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)]
    holder = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port)
        yield port
    finally:
        holder.terminate()
        holder.wait()


def test_a_second_make_run_on_a_serving_port_exits_at_once_naming_the_port(
    serving: Run, log_path: Path
) -> None:
    second = make_run(serving.port, log_path)

    assert finished(second, within=5) < 5
    assert_one_line_naming(second, serving.port)
    assert http_client(serving.base_url)("GET", "/v1/auth/ping")[0] == 200


def test_a_port_held_by_another_program_stops_make_run_at_once_naming_the_port(
    other_program: int, log_path: Path
) -> None:
    run = make_run(other_program, log_path)

    assert finished(run, within=5) < 5
    assert_one_line_naming(run, other_program)


def test_the_launcher_itself_refuses_a_taken_port_in_one_line(
    other_program: int, log_path: Path
) -> None:
    # The port can be taken after make's check; the launcher says the same.
    run = python_launcher(other_program, log_path, sys.executable, PROJECT_DIR)

    finished(run, within=5)
    assert_one_line_naming(run, other_program)


class AnswersEverything(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_OPTIONS(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_OPTIONS

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("status", [200, 404])
def test_readiness_refuses_a_server_that_answers_without_this_runs_nonce(status: int) -> None:
    # GIVEN some other server answering every request on a port
    handler = type("Answers", (AnswersEverything,), {"status": status})
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    # AND a server process of ours that has not answered yet
    ours = ServerProcess(["sleep", "30"], stdin=subprocess.PIPE)
    ours.nonce = "this-run"
    try:
        # WHEN waiting for ours to serve on that port, THEN the other is not taken for it
        with pytest.raises(RuntimeError, match="another server answers"):
            wait_until_serving(f"http://127.0.0.1:{other.server_address[1]}", ours, timeout=5)
    finally:
        ours.kill()
        ours.wait()
        other.shutdown()
