"""infra/emulator/lambda_runtime.py speaks the emulator's runtime protocol.

A stand-in for the emulator's executor endpoint records what the runtime
posts back; the runtime runs as the emulator runs it, a process of its own
in the code folder. The emulated suite (tests/emulated) runs it for real.
"""

import json
import os
import queue
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest

from infra.dev_stack import free_port
from infra.emulator.lambda_runtime import __file__ as RUNTIME

HANDLER = """
import os

def handle(event, context):
    print('{"event": "handled", "request_id": "%s"}' % context.aws_request_id)
    if event.get("fail"):
        raise ValueError("asked to fail")
    return {"echo": event, "table": os.environ["TABLE_NAME"], "arn": context.invoked_function_arn}
"""


class Callbacks:
    """The emulator's side: every POST the runtime makes, as (path, body)."""

    def __init__(self) -> None:
        self.posts: queue.Queue[tuple[str, bytes]] = queue.Queue()
        received = self.posts

        class Record(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                received.put((self.path, self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Record)
        Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/_localstack_lambda/env-1"

    def next(self) -> tuple[str, bytes]:
        return self.posts.get(timeout=20)


@pytest.fixture
def callbacks() -> Iterator[Callbacks]:
    recorder = Callbacks()
    yield recorder
    recorder.server.shutdown()


def start_runtime(
    task_root: Path, callbacks: Callbacks, handler: str
) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "LOCALSTACK_RUNTIME_ENDPOINT": callbacks.url,
        "LOCALSTACK_RUNTIME_ID": "env-1",
        "LAMBDA_TASK_ROOT": str(task_root),
        "EMULATED_LAMBDA_PORT": str(port),
        "_HANDLER": handler,
        "TABLE_NAME": "todo-table",
    }
    process = subprocess.Popen(
        [sys.executable, RUNTIME], env=env, cwd=task_root, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return process, port


def invoke(port: int, request_id: str, event: dict) -> None:
    body = {
        "invoke-id": request_id,
        "invoked-function-arn": "arn:aws:lambda:us-east-1:000000000000:function:f:live",
        "payload": json.dumps(event),
        "trace-id": "Root=1-0-0",
    }
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/invoke", data=json.dumps(body).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310 - loopback
        assert reply.status == 202


def test_it_reports_ready_then_answers_an_invoke_with_its_logs_and_result(
    tmp_path: Path, callbacks: Callbacks
) -> None:
    (tmp_path / "handler.py").write_text(HANDLER)
    process, port = start_runtime(tmp_path, callbacks, "handler.handle")
    try:
        assert callbacks.next() == ("/_localstack_lambda/env-1/status/env-1/ready", b"{}")
        invoke(port, "req-1", {"path": "/api/v1/auth/ping"})
        logs_path, logs = callbacks.next()
        result_path, result = callbacks.next()
    finally:
        process.terminate()
        process.wait()

    assert logs_path == "/_localstack_lambda/env-1/invocations/req-1/logs"
    lines = json.loads(logs)["logs"].splitlines()
    assert lines[0].startswith("START RequestId: req-1")
    assert '{"event": "handled", "request_id": "req-1"}' in lines
    assert result_path == "/_localstack_lambda/env-1/invocations/req-1/response"
    assert json.loads(result) == {
        "echo": {"path": "/api/v1/auth/ping"},
        "table": "todo-table",
        "arn": "arn:aws:lambda:us-east-1:000000000000:function:f:live",
    }


def test_an_exception_goes_back_as_the_invoke_error(tmp_path: Path, callbacks: Callbacks) -> None:
    (tmp_path / "handler.py").write_text(HANDLER)
    process, port = start_runtime(tmp_path, callbacks, "handler.handle")
    try:
        callbacks.next()
        invoke(port, "req-2", {"fail": True})
        _, logs = callbacks.next()
        error_path, error = callbacks.next()
    finally:
        process.terminate()
        process.wait()

    assert error_path == "/_localstack_lambda/env-1/invocations/req-2/error"
    assert json.loads(error)["errorType"] == "ValueError"
    assert json.loads(error)["errorMessage"] == "asked to fail"
    assert "ValueError: asked to fail" in json.loads(logs)["logs"]


def test_a_handler_that_cannot_be_imported_fails_the_start(
    tmp_path: Path, callbacks: Callbacks
) -> None:
    process, _ = start_runtime(tmp_path, callbacks, "missing_module.handle")

    path, body = callbacks.next()

    assert process.wait(timeout=20) == 1
    assert path == "/_localstack_lambda/env-1/status/env-1/error"
    assert json.loads(body)["errorType"] == "ModuleNotFoundError"
