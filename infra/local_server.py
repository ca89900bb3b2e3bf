"""Chalice's local server for one stage, started without Chalice's command line.

`chalice local` imports Chalice's interactive CLI, whose terminal library
queries the terminal and waits seconds for answers that some terminals
(script and expect harnesses, CI consoles, IDE run panes) never send. This
module builds the same server from chalice.local directly, so nothing touches
the terminal. It also differs from `chalice local` in three ways:

* An unknown route gets the problem+json 404 that the deployed API Gateway
  gives (infra/template.py), not a 403 that echoes the Authorization header.
* A request carrying this run's nonce (NONCE_HEADER, from the environment) gets
  it back, so a launcher can tell its own server from anything else on the port.
* The stage's environment variables from .chalice/config.json are defaults:
  a variable already in the environment (`make run TOKEN_EXPIRE_MINUTES=5`) wins.

It serves on a listening socket inherited from its parent (`--fd`) or bound
here (`--port`), and exits when its stdin closes, so it never outlives the
process that started it.
"""

import argparse
import importlib
import json
import logging
import os
import signal
import socket
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler
from typing import Any

from chalice.app import Chalice
from chalice.config import Config
from chalice.deploy.validate import validate_routes
from chalice.local import (
    ChaliceRequestHandler,
    LocalDevServer,
    LocalGateway,
    LocalGatewayException,
    ThreadedHTTPServer,
)

from infra.dev_stack import CHALICE_CONFIG, NONCE_ENV, NONCE_HEADER, PROJECT_DIR
from infra.preflight import listen
from infra.template import GATEWAY_PROBLEMS, gateway_response


def no_route_reply(request_id: str) -> tuple[int, dict[str, str], bytes]:
    """API Gateway's answer when no route matches, as infra/template.py has it deployed."""
    origin = os.environ.get("CORS_ALLOW_ORIGIN", "*")
    response = gateway_response(origin, *GATEWAY_PROBLEMS["MISSING_AUTHENTICATION_TOKEN"])
    headers = {
        name: value.strip("'") for name, value in response["ResponseParameters"]["Headers"].items()
    }
    body = response["ResponseTemplates"]["application/json"]
    return (
        int(response["StatusCode"]),
        headers,
        body.replace("$context.requestId", request_id).encode(),
    )


class NoSuchRoute(LocalGatewayException):
    def __init__(self, request_id: str) -> None:
        self.CODE, headers, body = no_route_reply(request_id)
        super().__init__({**headers, "x-amzn-RequestId": request_id}, body)


class Gateway(LocalGateway):
    def _generate_lambda_event(self, method: str, path: str, headers: Any, body: Any) -> Any:
        # Chalice raises ValueError when no route matches, then answers 403 with the
        # Authorization header quoted in the body; answer as the deployed gateway does.
        try:
            return super()._generate_lambda_event(method, path, headers, body)
        except ValueError:
            raise NoSuchRoute(str(uuid.uuid4())) from None


class RequestHandler(ChaliceRequestHandler):
    def __init__(
        self, request: Any, client_address: Any, server: Any, app_object: Chalice, config: Config
    ) -> None:
        # As ChaliceRequestHandler.__init__ does, with this module's gateway.
        self.local_gateway = Gateway(app_object, config)
        self.nonce = os.environ.get(NONCE_ENV)
        BaseHTTPRequestHandler.__init__(self, request, client_address, server)

    def end_headers(self) -> None:
        if self._from_launcher():
            self.send_header(NONCE_HEADER, self.nonce)
        super().end_headers()

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        if not self._from_launcher():
            super().log_request(code, size)

    def _from_launcher(self) -> bool:
        return bool(self.nonce) and self.headers.get(NONCE_HEADER) == self.nonce


def load_app(stage: str) -> tuple[Chalice, Config]:
    """The app and its stage config, with the stage's variables as environment defaults."""
    config_from_disk = json.loads(CHALICE_CONFIG.read_text())
    defaults = {"project_dir": str(PROJECT_DIR), "api_gateway_stage": "api"}
    user_params: dict[str, Any] = {}
    config = Config(
        chalice_stage=stage,
        user_provided_params=user_params,
        config_from_disk=config_from_disk,
        default_params=defaults,
    )
    for name, value in config.environment_variables.items():
        os.environ.setdefault(name, value)
    os.environ["AWS_CHALICE_CLI_MODE"] = "true"  # as `chalice local` sets it
    sys.path.insert(0, str(PROJECT_DIR))
    app = importlib.import_module("app").app
    validate_routes(app.routes)
    user_params["chalice_app"] = app
    return app, config


class Server(ThreadedHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (say, while a restart waited on broken code) is no error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(listener: socket.socket, stage: str) -> None:
    app, config = load_app(stage)

    def on_listener(address: Any, handler: Any) -> ThreadedHTTPServer:
        server = Server(address, handler, bind_and_activate=False)
        server.socket.close()
        server.socket = listener
        return server

    host, port = listener.getsockname()[:2]
    server = LocalDevServer(app, config, host, port, RequestHandler, on_listener)
    server.server.serve_forever()


def exit_when_stdin_closes() -> None:
    def wait() -> None:
        # The raw descriptor: a thread blocked in sys.stdin's buffer would hold its
        # lock, and the interpreter aborts if it must close stdin at exit.
        while os.read(sys.stdin.fileno(), 4096):
            pass
        os._exit(0)

    threading.Thread(target=wait, name="parent-watch", daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="local")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--fd", type=int, help="a listening socket inherited from the parent")
    where.add_argument("--port", type=int, help="bind 127.0.0.1:PORT here")
    args = parser.parse_args()
    # Ctrl-C reaches the whole process group; end without a traceback.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    exit_when_stdin_closes()
    if args.fd is not None:
        listener = socket.socket(fileno=args.fd)
    else:
        try:
            listener = listen(args.port)
        except OSError as error:
            sys.exit(f"local server: cannot listen on 127.0.0.1:{args.port}: {error.strerror}")
    # `chalice local` logs to stdout the way Lambda does; so does this.
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    serve(listener, args.stage)


if __name__ == "__main__":
    main()
