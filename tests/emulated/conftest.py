"""The dev stage deployed by `make deploy`'s own path to LocalStack, and driven over its gateway.

One emulator for this package of tests, on a free loopback port with its state in a
temporary folder (infra/emulator/control.py); the stack is deployed once.
The suite is skipped, saying why, where no CPython >= 3.13 is found, unless
REQUIRE_EMULATOR is set (CI sets it), in which case that fails the run.

Requests go to the API's own host name, `<api id>.execute-api.<emulator host>`,
which no DNS resolves here: they connect to loopback and name the host in
the Host header, as `curl --resolve` would. So the API sees the paths a
client of AWS sends, stage prefix and all.

The modules run in file order, and test_emulated_teardown.py, which destroys
the stack, sorts last.
"""

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest

from infra.dev_stack import free_port
from infra.emulator.control import (
    REGION,
    STAGE,
    Emulator,
    EmulatorError,
    find_python,
    plain_http,
)
from tests.support.client import Send, http_client

STACK = f"todo-service-{STAGE}"


@dataclass
class EmulatedStack:
    emulator: Emulator
    out_dir: Path
    base_url: str  # the EndpointURL output over plain HTTP: http://<api host>:<port>/api
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def api_host(self) -> str:
        return urlsplit(self.base_url).netloc

    @property
    def resolve(self) -> str:
        """curl's --resolve argument that reaches the API on loopback."""
        return f"{urlsplit(self.base_url).hostname}:{self.emulator.port}:127.0.0.1"

    def client(self, on_host: bool = False) -> Send:
        """A Send to the stage, or with on_host to the API host's root (for Location paths).

        It connects to loopback and names the API's host in the Host header.
        """
        loopback = f"http://127.0.0.1:{self.emulator.port}"
        inner = http_client(
            loopback if on_host else loopback + urlsplit(self.base_url).path, timeout=30
        )

        def send(method: str, path: str, body: Any = None, headers: dict | None = None):
            return inner(method, path, body, {"Host": self.api_host, **(headers or {})})

        return send

    def aws(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.emulator.endpoint,
            region_name=REGION,
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    def output(self, key: str) -> str:
        stack = self.aws("cloudformation").describe_stacks(StackName=STACK)["Stacks"][0]
        return next(o["OutputValue"] for o in stack["Outputs"] if o["OutputKey"] == key)


@pytest.fixture(scope="package")
def emulator_available() -> None:
    """Skip, or with REQUIRE_EMULATOR fail, where no Python can run the emulator."""
    try:
        find_python()
    except EmulatorError as error:
        if os.environ.get("REQUIRE_EMULATOR"):
            pytest.fail(f"the emulated deploy is required here: {error}")
        pytest.skip(str(error))


@pytest.fixture(scope="package")
def emulated(
    emulator_available: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EmulatedStack]:
    root = tmp_path_factory.mktemp("emulated")
    emulator = Emulator(port=free_port(), state_dir=root / "emulator")
    timings: dict[str, float] = {}
    try:
        timings["start"] = emulator.start()
        started = time.monotonic()
        emulator.deploy(root / "out")
        timings["deploy"] = time.monotonic() - started
        stack = EmulatedStack(emulator, root / "out", "", timings)
        stack.base_url = plain_http(stack.output("EndpointURL"))
        started = time.monotonic()
        assert stack.client()("GET", "/v1/auth/ping").status == 200
        timings["first request"] = time.monotonic() - started
        yield stack
    finally:
        emulator.stop()
    rounded = {step: round(seconds, 2) for step, seconds in timings.items()}
    print(f"\nemulated stack timings (s): {rounded}")
