"""Driving `make run` as a person would: in a process group of its own, output to a file.

Every helper here speaks to the stack over HTTP or through signals and /proc,
never through the launcher's internals, so the tests see what a person sees.
"""

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from infra.preflight import listen

PROJECT_DIR = Path(__file__).resolve().parents[2]
BANNER = "To-do service on http://127.0.0.1:{port} "
# The shared `make run` gets TOKEN_EXPIRE_MINUTES=7; .chalice/config.json says 60.
EXPIRE_MINUTES = "7"


def make_env(**extra: str) -> dict[str, str]:
    """This environment for a nested make, without an outer make's flags."""
    outer = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    return {**{k: v for k, v in os.environ.items() if k not in outer}, **extra}


@dataclass
class Run:
    """One `make run` (or `python -m infra.launcher`), leader of its own process group."""

    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 30) -> float:
        """Seconds until the banner appeared; fails the test if it never does."""
        started = time.monotonic()
        banner = BANNER.format(port=self.port)
        while time.monotonic() - started < timeout:
            if banner in self.output():
                return time.monotonic() - started
            if self.process.poll() is not None:
                raise AssertionError(f"make run exited early:\n{self.output()}")
            time.sleep(0.05)
        raise AssertionError(f"make run was not ready within {timeout} s:\n{self.output()}")

    def stop(self, signum: int = signal.SIGINT, timeout: float = 5) -> None:
        """Signal the whole group, as a terminal's Ctrl-C or `kill -TERM -<pgid>` does."""
        pgid = self.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signum)
        self.process.wait(timeout=timeout)
        wait_group_gone(pgid, timeout)

    def kill(self) -> None:
        """Last-resort clean-up for a failed test."""
        if group_members(self.process.pid) or self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def make_run(port: int, log: Path, *args: str, cwd: Path = PROJECT_DIR, **env: str) -> Run:
    command = ["make", "--no-print-directory", "run", f"PORT={port}", *args]
    return _launch(command, port, log, cwd, env)


def python_launcher(port: int, log: Path, python: str, cwd: Path, **env: str) -> Run:
    command = [python, "-m", "infra.launcher", "--port", str(port)]
    return _launch(command, port, log, cwd, env)


def _launch(command: list[str], port: int, log: Path, cwd: Path, env: dict[str, str]) -> Run:
    with log.open("ab") as output:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=make_env(**env),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Run(process, port, log)


def group_members(pgid: int) -> list[str]:
    """Live (not zombie) processes in a process group, as 'pid command' strings."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        state, _ppid, group = text[text.rindex(")") + 2 :].split()[:3]
        if int(group) == pgid and state != "Z":
            members.append(f"{stat.parent.name} {text[text.index('(') + 1 : text.rindex(')')]}")
    return members


def wait_group_gone(pgid: int, timeout: float = 5) -> None:
    """Give what remains of a stopping group a moment; the caller checks what is left."""
    deadline = time.monotonic() + timeout
    while group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.02)


def command_lines(pgid: int) -> list[str]:
    lines = []
    for member in group_members(pgid):
        try:
            raw = Path(f"/proc/{member.split()[0]}/cmdline").read_bytes()
        except OSError:
            continue
        lines.append(raw.replace(b"\0", b" ").decode(errors="replace"))
    return lines


def port_is_free(port: int) -> bool:
    try:
        listen(port).close()
    except OSError:
        return False
    return True


def wait_listening(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while port_is_free(port):
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing listens on port {port} after {timeout} s")
        time.sleep(0.05)
