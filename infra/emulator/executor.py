"""A LocalStack Lambda executor that runs each function as a local Python process.

LocalStack ships one executor, which starts a Docker container per execution
environment. This one runs lambda_runtime.py under the interpreter named by
EMULATED_LAMBDA_PYTHON (the project's venv, whose Python `make package`
compiled the zip for), in the folder where LocalStack unzipped the code. The
process listens on a loopback port of its own for LocalStack's invokes and
reports back through LocalStack's executor endpoint, exactly as LocalStack's
own runtime does inside a container.

It runs inside the emulator (Python >= 3.13) and imports LocalStack's
internals, every one of them listed in INTERNALS: check_internals() imports
each, so that a LocalStack upgrade that moves one fails loudly, naming it
(tests/emulated/test_emulator_glue.py), rather than at the first invoke.
"""

import contextlib
import importlib
import os
import socket
import subprocess
import threading
from concurrent.futures import InvalidStateError
from pathlib import Path

# (module, names): every LocalStack internal used below.
INTERNALS = (
    ("localstack.config", ("GATEWAY_LISTEN", "dirs")),
    ("localstack.services.lambda_.invocation.lambda_models", ("S3Code",)),
    ("localstack.services.lambda_.invocation.plugins", ("RuntimeExecutorPlugin",)),
    (
        "localstack.services.lambda_.invocation.runtime_executor",
        ("RuntimeExecutor", "LambdaRuntimeException"),
    ),
    ("localstack.services.lambda_.invocation.executor_endpoint", ("ExecutorEndpoint",)),
)
# Members used here of an ExecutorEndpoint, and of the code of a function version.
ENDPOINT_MEMBERS = (
    "start",
    "wait_for_startup",
    "shutdown",
    "invoke",
    "get_endpoint_prefix",
    "startup_future",
    "invocation_future",
    "container_port",
)
CODE_MEMBERS = ("get_unzipped_code_location", "prepare_for_execution")

RUNTIME_SCRIPT = Path(__file__).with_name("lambda_runtime.py")
LAMBDA_PYTHON_ENV = "EMULATED_LAMBDA_PYTHON"
RUNTIME_PORT_ENV = "EMULATED_LAMBDA_PORT"
# What the function process inherits from the emulator's own environment; the rest
# of its environment is the function's, as LocalStack builds it.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def check_internals() -> list[str]:
    """The LocalStack internals this module needs that cannot be imported, by full name."""
    missing = []
    for module_name, names in INTERNALS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            missing.append(module_name)
            continue
        missing += [f"{module_name}.{n}" for n in names if not hasattr(module, n)]
    if missing:
        return missing
    from localstack.services.lambda_.invocation import executor_endpoint, lambda_models

    endpoint = executor_endpoint.ExecutorEndpoint("check-internals")
    missing += [
        f"{executor_endpoint.__name__}.ExecutorEndpoint.{name}"
        for name in ENDPOINT_MEMBERS
        if not hasattr(endpoint, name)
    ]
    missing += [
        f"{lambda_models.__name__}.S3Code.{name}"
        for name in CODE_MEMBERS
        if not hasattr(lambda_models.S3Code, name)
    ]
    return missing


try:
    from localstack import config
    from localstack.services.lambda_.invocation.executor_endpoint import ExecutorEndpoint
    from localstack.services.lambda_.invocation.plugins import RuntimeExecutorPlugin
    from localstack.services.lambda_.invocation.runtime_executor import (
        LambdaRuntimeException,
        RuntimeExecutor,
    )
except ImportError as error:  # say which of them, not only the first
    raise ImportError(f"LocalStack internals missing: {', '.join(check_internals())}") from error

LOOPBACK = "127.0.0.1"


class LocalProcessExecutor(RuntimeExecutor):
    """One execution environment: one Python process serving one invoke at a time."""

    def __init__(self, id: str, function_version) -> None:
        super().__init__(id, function_version)
        self.endpoint = ExecutorEndpoint(id, container_address=LOOPBACK)
        self.process: subprocess.Popen | None = None
        self.log_path = Path(config.dirs.tmp) / f"lambda-{id}.log"

    def start(self, env_vars: dict[str, str]) -> None:
        python = _lambda_python(self.function_version.config.runtime)
        code_dir = self.function_version.config.code.get_unzipped_code_location()
        self.endpoint.start()
        self.endpoint.container_port = _free_port()
        env = {name: os.environ[name] for name in INHERITED if name in os.environ}
        env.update({key: str(value) for key, value in env_vars.items()})
        env.update(
            {
                "LAMBDA_TASK_ROOT": str(code_dir),
                RUNTIME_PORT_ENV: str(self.endpoint.container_port),
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [python, str(RUNTIME_SCRIPT)],
                env=env,
                cwd=code_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        threading.Thread(target=self._fail_startup_on_exit, daemon=True).start()
        self.endpoint.wait_for_startup()

    def _fail_startup_on_exit(self) -> None:
        """A process that dies before it answers would leave LocalStack waiting for it:
        at start-up, or during an invoke, for up to 15 minutes."""
        code = self.process.wait()
        output = self.get_logs()[-2000:]
        error = LambdaRuntimeException(f"the function process exited with code {code}: {output}")
        for future in (self.endpoint.startup_future, self.endpoint.invocation_future):
            if future is not None and not future.done():
                with contextlib.suppress(InvalidStateError):  # answered meanwhile
                    future.set_exception(error)

    def stop(self) -> None:
        self.endpoint.shutdown()
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def get_address(self) -> str:
        return LOOPBACK

    def get_endpoint_from_executor(self) -> str:
        return LOOPBACK

    def get_runtime_endpoint(self) -> str:
        port = config.GATEWAY_LISTEN[0].port
        return f"http://{LOOPBACK}:{port}{self.endpoint.get_endpoint_prefix()}"

    def invoke(self, payload: dict[str, str]):
        return self.endpoint.invoke(payload)

    def get_logs(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    @classmethod
    def prepare_version(cls, function_version) -> None:
        if function_version.config.code:
            function_version.config.code.prepare_for_execution()

    @classmethod
    def cleanup_version(cls, function_version) -> None:
        pass  # the unzipped code belongs to LocalStack, which removes it

    @classmethod
    def validate_environment(cls) -> bool:
        return bool(os.environ.get(LAMBDA_PYTHON_ENV))


class LocalExecutorPlugin(RuntimeExecutorPlugin):
    name = "local"

    def load(self, *args, **kwargs):
        return LocalProcessExecutor


_versions: dict[str, str] = {}


def _lambda_python(runtime: str | None) -> str:
    """EMULATED_LAMBDA_PYTHON, once it is known to be the function's runtime (python3.X)."""
    python = os.environ.get(LAMBDA_PYTHON_ENV)
    if not python:
        raise LambdaRuntimeException(f"{LAMBDA_PYTHON_ENV} is not set")
    if python not in _versions:
        probe = "import sys; print(f'python{sys.version_info[0]}.{sys.version_info[1]}')"
        _versions[python] = subprocess.run(
            [python, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.strip()
    if runtime != _versions[python]:
        found = _versions[python]
        raise LambdaRuntimeException(
            f"the function's runtime is {runtime}, but {LAMBDA_PYTHON_ENV}={python} is {found}"
        )
    return python


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]
