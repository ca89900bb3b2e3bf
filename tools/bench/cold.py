"""Cold start: a fresh interpreter until its first response, ours against a bare Chalice app.

Each measurement is wall time from just before the child process is spawned
until it prints its result, so interpreter start-up is included for both.
The variants run in rotating order, round after round, and medians are
compared. One extra run of each with `-X importtime` attributes import time
to top-level packages.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from infra.dev_stack import PROJECT_DIR
from tools.bench.cold_child import RESULT_PREFIX
from tools.report import median

FLOOR = "floor: bare Chalice, boto3, one GetItem"
OURS_PACKAGED = "ours, as in deployment.zip: without cryptography"
OURS_VENV = "ours, in this virtualenv (PyJWT also loads cryptography)"
VARIANTS = {
    FLOOR: ["floor"],
    OURS_PACKAGED: ["app", "--hide-cryptography"],
    OURS_VENV: ["app"],
}


@dataclass
class ColdResult:
    seconds: list[float] = field(default_factory=list)
    import_seconds: list[float] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)
    heavy: list[tuple[str, float]] = field(default_factory=list)

    @property
    def median(self) -> float:
        return median(self.seconds)


def measure_cold_start(
    env: dict[str, str], todo_id: str, floor_id: str, token: str, rounds: int
) -> dict[str, ColdResult]:
    results = {name: ColdResult() for name in VARIANTS}
    names = list(VARIANTS)
    for round_number in range(rounds + 1):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            item = floor_id if VARIANTS[name][0] == "floor" else todo_id
            seconds, result = run_child(VARIANTS[name], item, token, env)
            if round_number == 0:
                continue  # warm-up: fills the page cache and __pycache__
            results[name].seconds.append(seconds)
            results[name].import_seconds.append(result["import_s"])
            results[name].modules = result["modules"]
    for name, args in VARIANTS.items():
        item = floor_id if args[0] == "floor" else todo_id
        results[name].heavy = heaviest_packages(args, item, token, env)
    return results


def run_child(
    args: list[str], item: str, token: str, env: dict[str, str], flags: tuple[str, ...] = ()
) -> tuple[float, dict[str, Any]]:
    command = [sys.executable, *flags, "-m", "tools.bench.cold_child", args[0], item, token]
    with tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        child = subprocess.Popen(
            [*command, *args[1:]],
            cwd=PROJECT_DIR,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        result, elapsed = None, 0.0
        for line in child.stdout:
            if line.startswith(RESULT_PREFIX):
                elapsed = time.perf_counter() - started
                result = json.loads(line[len(RESULT_PREFIX) :])
        child.wait()
        errors.seek(0)
        stderr = errors.read()
    if result is None or result["status"] != 200:
        raise RuntimeError(f"cold start of {args} failed: {result}\n{stderr[-2000:]}")
    result["stderr"] = stderr
    return elapsed, result


def heaviest_packages(
    args: list[str], item: str, token: str, env: dict[str, str], top: int = 6
) -> list[tuple[str, float]]:
    """Top-level packages by the import time of their modules (`-X importtime`, own time, ms).

    Only modules imported after the child began measuring are counted, so the
    interpreter's own start-up is left out for every variant alike.
    """
    _, result = run_child(args, item, token, env, flags=("-X", "importtime"))
    new = set(result["modules"])
    own: dict[str, float] = defaultdict(float)
    for line in result["stderr"].splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or parts[2].strip() not in new:
            continue
        own[parts[2].strip().split(".")[0]] += int(parts[0]) / 1000
    return sorted(own.items(), key=lambda pair: -pair[1])[:top]
