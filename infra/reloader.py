"""Restart the local server when its code changes, and only then.

Only app.py, chalicelib/ and the JSON files in .chalice/ count as code.
Chalice's own reloader polls every file under the project, .venv included,
so a log written into the project (`make run > log`) or `make package`
writing out/ restarted it, and polling cost a tenth of a core when idle.
watchfiles uses the operating system's file events (inotify, FSEvents)
instead, so waiting costs next to nothing, and it watches only these paths.

The server is a child process serving on a listening socket that this
process holds for the whole run: during a restart, connections wait in the
socket's queue rather than being refused, and no other program can take the
port in between.
"""

import socket
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchfiles import Change, DefaultFilter, watch

from infra.dev_stack import ServerProcess, stop_server, wait_until_serving

WATCHED = ("app.py", "chalicelib", ".chalice")
_IGNORED = DefaultFilter()  # __pycache__, *.pyc, editors' swap and backup files


def code_filter(project_dir: Path) -> Callable[[Change, str], bool]:
    def is_code(change: Change, path: str) -> bool:
        try:
            parts = Path(path).relative_to(project_dir).parts
        except ValueError:
            return False
        if parts == ("app.py",):
            return True
        if parts[:1] == ("chalicelib",):
            return _IGNORED(change, path)
        # Config and policy only: `make package` writes its wheel cache in .chalice/ too.
        return parts[:1] == (".chalice",) and len(parts) == 2 and parts[1].endswith(".json")

    return is_code


def changed_files(project_dir: Path, changes: Iterable[tuple[Change, str]]) -> str:
    names = sorted({str(Path(path).relative_to(project_dir)) for _, path in changes})
    more = f" and {len(names) - 1} more" if len(names) > 1 else ""
    return names[0] + more


class Reloader:
    """Runs the server child, restarting it on code changes until `stopping` is set."""

    def __init__(
        self,
        project_dir: Path,
        listener: socket.socket,
        spawn: Callable[[socket.socket], ServerProcess],
        stopping: threading.Event,
    ) -> None:
        self._project_dir = project_dir
        self._listener = listener
        self._spawn = spawn
        self._stopping = stopping
        self._server: ServerProcess | None = None
        self.base_url = "http://{}:{}".format(*listener.getsockname()[:2])

    def start(self) -> None:
        """Start the server and wait until it answers; RuntimeError if it cannot."""
        self._server = self._spawn(self._listener)
        wait_until_serving(self.base_url, self._server, stopping=self._stopping)

    def run_until_stopped(self) -> None:
        paths = [self._project_dir / name for name in WATCHED]
        for changes in watch(
            *paths,
            watch_filter=code_filter(self._project_dir),
            stop_event=self._stopping,
            rust_timeout=1000,
            yield_on_timeout=True,
            raise_interrupt=False,
        ):
            if self._stopping.is_set():
                return
            if changes:
                self._restart(changed_files(self._project_dir, changes))
            elif self._server is not None and self._server.poll() is not None:
                self._report_exit()

    def stop(self) -> None:
        if self._server is not None:
            stop_server(self._server)

    def _restart(self, what: str) -> None:
        started = time.monotonic()
        say(f"{what} changed; restarting the server")
        self.stop()
        try:
            self.start()
        except RuntimeError as error:
            if not self._stopping.is_set():
                say(f"{error}; it restarts when code changes again")
            self._server = None  # reported once, here
            return
        say(f"serving again ({time.monotonic() - started:.1f} s)")

    def _report_exit(self) -> None:
        time.sleep(0.2)  # a Ctrl-C reaches the server and this process together
        if not self._stopping.is_set():
            code = self._server.returncode
            say(f"the server exited with code {code}; it restarts when code changes")
        self._server = None


def say(message: str) -> None:
    print(f"make run: {message}", flush=True)
