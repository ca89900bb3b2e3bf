"""A Lambda runtime for the emulator, in the standard library only.

executor.py starts it in the folder of the unzipped deployment.zip, with the
function's environment (what CloudFormation resolved, and the emulator's
endpoint and credentials) plus LocalStack's runtime variables. It:

1. puts the code folder first on the path, as Lambda does with /var/task, and
   imports the handler named by _HANDLER (e.g. app.app);
2. listens on EMULATED_LAMBDA_PORT (loopback) and reports ready, or the import
   error, to LOCALSTACK_RUNTIME_ENDPOINT;
3. for each POST /invoke, answers at once, calls the handler with the event
   and a context, and posts what the handler printed to .../logs, then its
   result to .../response or the exception to .../error, keyed by request id.

This is the protocol LocalStack's own runtime speaks from inside a container.
The handler's output also goes to this process's stdout, which executor.py
keeps in a file. Not emulated: the timeout, the memory limit, and freezing
the process between invokes.
"""

import importlib
import io
import json
import os
import sys
import time
import traceback
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any


def post(path: str, body: bytes, content_type: str = "application/json") -> None:
    url = os.environ["LOCALSTACK_RUNTIME_ENDPOINT"] + path
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 - loopback
    request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310
        reply.read()


def error_body(error: BaseException) -> bytes:
    frames = traceback.format_tb(error.__traceback__)
    return json.dumps(
        {"errorMessage": str(error), "errorType": type(error).__name__, "stackTrace": frames}
    ).encode()


class Context:
    """The parts of Lambda's context object a handler reads."""

    def __init__(self, request_id: str, function_arn: str) -> None:
        self.aws_request_id = request_id
        self.invoked_function_arn = function_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        timeout = float(os.environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT", "3"))
        self._deadline = time.monotonic() + timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class Tee(io.TextIOBase):
    """Writes to the process's stream and keeps a copy for the invoke's logs."""

    def __init__(self, stream: Any, copy: io.StringIO) -> None:
        self._stream = stream
        self._copy = copy

    def write(self, text: str) -> int:
        self._copy.write(text)
        self._stream.write(text)
        return len(text)

    def flush(self) -> None:
        self._stream.flush()


def invoke(handler: Callable, invocation: dict[str, Any]) -> None:
    request_id = invocation["invoke-id"]
    os.environ["_X_AMZN_TRACE_ID"] = invocation.get("trace-id") or ""
    captured = io.StringIO()
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Tee(streams[0], captured), Tee(streams[1], captured)
    started = time.perf_counter()
    print(f"START RequestId: {request_id} Version: {os.environ.get('AWS_LAMBDA_FUNCTION_VERSION')}")
    try:
        event = json.loads(invocation["payload"] or "null")
        result = handler(event, Context(request_id, invocation["invoked-function-arn"]))
        outcome, body = "response", json.dumps(result).encode()
    except Exception as error:
        traceback.print_exc()
        outcome, body = "error", error_body(error)
    finally:
        print(f"END RequestId: {request_id}")
        elapsed = (time.perf_counter() - started) * 1000
        print(f"REPORT RequestId: {request_id}\tDuration: {elapsed:.2f} ms")
        sys.stdout.flush()
        sys.stdout, sys.stderr = streams
    logs = json.dumps({"logs": captured.getvalue()}).encode()
    post(f"/invocations/{request_id}/logs", logs)
    post(f"/invocations/{request_id}/{outcome}", body)


def serve(handler: Callable, port: int) -> None:
    class InvokeRequests(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path != "/invoke":
                self.send_error(404)
                return
            invocation = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.wfile.flush()
            invoke(handler, invocation)

        def log_message(self, *args: Any) -> None:
            pass  # the emulator's log has the invokes; the function's log stays the function's

    server = HTTPServer(("127.0.0.1", port), InvokeRequests)
    post(f"/status/{os.environ['LOCALSTACK_RUNTIME_ID']}/ready", b"{}")
    server.serve_forever()


def load_handler() -> Callable:
    sys.path[0] = os.environ["LAMBDA_TASK_ROOT"]  # in place of this file's folder
    module_name, _, attribute = os.environ["_HANDLER"].rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def main() -> None:
    try:
        handler = load_handler()
    except Exception as error:
        traceback.print_exc()
        post(f"/status/{os.environ['LOCALSTACK_RUNTIME_ID']}/error", error_body(error))
        raise SystemExit(1) from error
    serve(handler, int(os.environ["EMULATED_LAMBDA_PORT"]))


if __name__ == "__main__":
    main()
