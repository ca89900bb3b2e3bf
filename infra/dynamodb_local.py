"""Amazon's DynamoDB Local, for the tests that need real DynamoDB semantics.

The emulator ships inside the npm package amplify-dynamodb-simulator, in its
emulator/ folder; `npm pack` fetches the pinned version and only that folder
is unpacked, into .local/ (git-ignored). It listens on every interface, so
it is for tests only: `make run` keeps moto's loopback-only server.
"""

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from infra.dev_stack import OFFLINE_AWS_ENV, PROJECT_DIR, free_port

PACKAGE = "amplify-dynamodb-simulator"
VERSION = "2.9.30"
EMULATOR_DIR = PROJECT_DIR / ".local" / f"dynamodb-local-{VERSION}"


class Unavailable(RuntimeError):
    """Java or npm is missing, or the package could not be fetched."""


def ensure_emulator(target: Path = EMULATOR_DIR) -> Path:
    """Fetch and unpack the emulator once; later calls reuse it."""
    if (target / "DynamoDBLocal.jar").is_file():
        return target
    if shutil.which("npm") is None:
        raise Unavailable("npm is not installed")
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"],
            cwd=scratch,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tarball = next(Path(scratch).glob("*.tgz"))
        _unpack_emulator(tarball, Path(scratch) / "unpacked")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(Path(scratch) / "unpacked" / "package" / "emulator", target)
    return target


def _unpack_emulator(tarball: Path, destination: Path) -> None:
    with tarfile.open(tarball) as archive:
        members = [m for m in archive.getmembers() if m.name.startswith("package/emulator/")]
        archive.extractall(destination, members=members, filter="data")


class DynamoDBLocal:
    """A DynamoDB Local process on a free port, in memory, with telemetry off."""

    def __init__(self, emulator: Path) -> None:
        self._emulator = emulator
        self._process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> str:
        if shutil.which("java") is None:
            raise Unavailable("java is not installed")
        port = free_port()
        command = [
            "java",
            f"-Djava.library.path={self._emulator / 'DynamoDBLocal_lib'}",
            "-jar",
            str(self._emulator / "DynamoDBLocal.jar"),
            "-inMemory",
            "-sharedDb",
            "-disableTelemetry",
            "-port",
            str(port),
        ]
        env = {**os.environ, **OFFLINE_AWS_ENV, "DDB_LOCAL_TELEMETRY": "0"}
        self._process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        endpoint = f"http://127.0.0.1:{port}"
        _wait_until_listening(endpoint, self._process, timeout)
        return endpoint

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


def _wait_until_listening(endpoint: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Unavailable(f"DynamoDB Local exited with code {process.returncode}")
        try:
            urllib.request.urlopen(endpoint, timeout=1)  # noqa: S310 - loopback only
        except urllib.error.HTTPError:
            return  # it answers (400 to a bare GET): it is up
        except OSError:
            time.sleep(0.2)
        else:
            return
    raise Unavailable(f"DynamoDB Local did not answer on {endpoint} within {timeout} s")


if __name__ == "__main__":
    print(ensure_emulator(), file=sys.stderr)
