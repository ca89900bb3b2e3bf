"""What `make` checks before anything slow: the interpreter, the port, and the venv.

The Makefile runs this file with $(PYTHON), which may be any Python 3, so it
uses the standard library only and nothing newer than Python 3.7 allows.

`check` prints at most one line, the first problem found, and exits 0 either
way: the Makefile turns that line into its error. `venv` makes the venv, or
rebuilds it when it was made by another interpreter than the one PYTHON names
(or one too old), and reinstalls the requirements when they change.
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import os
import shutil
import socket
import subprocess
import sys

MINIMUM = (3, 11)
HOST = "127.0.0.1"
PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")
STAMP = ".requirements-sha256"


def python_problem(name: str) -> str | None:
    """Why this interpreter cannot build the venv, or None."""
    if sys.version_info[:2] >= MINIMUM:
        return None
    have = ".".join(str(part) for part in sys.version_info[:3])
    return (
        f"Python {MINIMUM[0]}.{MINIMUM[1]} or newer is needed, but PYTHON={name} is {have}; "
        "choose another interpreter, e.g. make run PYTHON=python3.12"
    )


def listen(port: int) -> socket.socket:
    """A listening socket on loopback; OSError (EADDRINUSE when taken) if it cannot be had."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        # Lets a restart reuse a port whose old connections linger in TIME_WAIT; on
        # Linux it never lets two sockets listen on one port.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, port))
        listener.listen(128)
    except OSError:
        listener.close()
        raise
    return listener


def port_problem(raw: str) -> str | None:
    """Why `make run` cannot serve on this port, or None. Nothing is left bound."""
    try:
        port = int(raw)
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        return f"PORT must be a number from 1 to 65535, not {raw!r}"
    try:
        listen(port).close()
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            return f"cannot listen on {HOST}:{port} ({error.strerror}); choose another port"
        return (
            f"port {port} is already in use on {HOST}; stop what holds it, "
            f"or choose another port, e.g. make run PORT={_free_port_after(port)}"
        )
    return None


def _free_port_after(port: int) -> int:
    for candidate in range(port + 1, min(port + 50, 65536)):
        try:
            listen(candidate).close()
            return candidate
        except OSError:
            continue
    return port + 1


def venv_interpreter(venv: str) -> tuple[str, str] | None:
    """(version, interpreter path) that made the venv, from its pyvenv.cfg; None if unusable."""
    try:
        with open(os.path.join(venv, "pyvenv.cfg")) as handle:
            pairs = [line.split("=", 1) for line in handle if "=" in line]
    except OSError:
        return None
    cfg = {key.strip(): value.strip() for key, value in pairs}
    executable = cfg.get("executable") or os.path.join(cfg.get("home", ""), "python3")
    if not os.path.exists(os.path.join(venv, "bin", "python")) or "version" not in cfg:
        return None
    return cfg["version"], os.path.realpath(executable)


def this_interpreter() -> tuple[str, str]:
    version = ".".join(str(part) for part in sys.version_info[:3])
    base = getattr(sys, "_base_executable", None) or sys.executable
    return version, os.path.realpath(base)


def venv_mismatch(venv: str, explicit: bool) -> str | None:
    """Why the venv must be rebuilt, or None to keep it.

    Without PYTHON given, any venv made by a usable interpreter is kept, so
    `make run PYTHON=python3.12` is remembered until `make clean` or another PYTHON.
    """
    made_by = venv_interpreter(venv)
    if made_by is None:
        return "it is missing or incomplete" if os.path.exists(venv) else None
    version, executable = made_by
    if _version_tuple(version) < MINIMUM:
        return f"it was made by Python {version}"
    if explicit and made_by != this_interpreter():
        return f"it was made by Python {version} ({executable})"
    return None


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:2] if part.isdigit())


def requirements_digest() -> str:
    digest = hashlib.sha256()
    for name in REQUIREMENTS:
        with open(os.path.join(PROJECT_DIR, name), "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()


def sync_venv(venv: str, explicit: bool) -> None:
    """Make, remake or update the venv so it matches PYTHON and the requirements."""
    reason = venv_mismatch(venv, explicit)
    if reason:
        version, executable = this_interpreter()
        print(f"make: rebuilding {venv} with Python {version} ({executable}): {reason}", flush=True)
        shutil.rmtree(venv)
    if not os.path.exists(venv):
        subprocess.check_call([sys.executable, "-m", "venv", venv])
    stamp = os.path.join(venv, STAMP)
    wanted = requirements_digest()
    if _read(stamp) == wanted:
        return
    pip = [os.path.join(venv, "bin", "python"), "-m", "pip", "install", "--quiet"]
    pip += ["--disable-pip-version-check", "-r", os.path.join(PROJECT_DIR, REQUIREMENTS[1])]
    subprocess.check_call(pip)
    with open(stamp, "w") as handle:
        handle.write(wanted)


def _read(path: str) -> str | None:
    try:
        with open(path) as handle:
            return handle.read().strip()
    except OSError:
        return None


def check(args: argparse.Namespace) -> str | None:
    usable_venv = not args.explicit and venv_interpreter(args.venv) is not None
    if not usable_venv or venv_mismatch(args.venv, args.explicit):
        problem = python_problem(args.python)
        if problem:
            return problem
    return port_problem(args.port) if args.port is not None else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["check", "venv"])
    parser.add_argument("--venv", default=".venv")
    parser.add_argument("--python", default="python3", help="PYTHON as given to make")
    parser.add_argument("--explicit", action="store_true", help="PYTHON was given, not defaulted")
    parser.add_argument("--port", help="also check that make run can listen here")
    args = parser.parse_args()
    if args.action == "check":
        print(check(args) or "")
        return
    try:
        sync_venv(args.venv, args.explicit)
    except (OSError, subprocess.CalledProcessError) as error:
        sys.exit(f"make: could not set up {args.venv}: {error}")


if __name__ == "__main__":
    main()
