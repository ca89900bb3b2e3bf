"""Where warm requests spend their time: cProfile over the handler calls only."""

import cProfile
import pstats
import time
from collections import defaultdict

from infra.dev_stack import PROJECT_DIR
from tools.bench.harness import Harness
from tools.bench.warm import v1_cycle, v2_cycle

# Whose code runs for the DynamoDB calls: the SDK and the standard library under it.
DYNAMODB_SIDE = frozenset(
    {"botocore", "urllib3", "dateutil", "jmespath", "http", "email", "socket", "urllib", "ssl"}
)
SERVICE_SIDE = frozenset({"app", "chalicelib", "chalice", "jwt"})
SIDES = (
    "DynamoDB calls: the SDK and HTTP",
    "the service, Chalice and PyJWT",
    "json (used by both), the rest of the standard library, and C code",
)


def profile_warm(harness: Harness, token: str, cycles: int) -> pstats.Stats:
    # CPU time, not wall time: waits on DynamoDB, and time this process spends
    # descheduled on a busy machine, are then charged to nobody.
    profiler = cProfile.Profile(time.process_time)
    harness.profiler = profiler
    try:
        for number in range(cycles):
            v1_cycle(harness, token, f"profiled {number}")
            v2_cycle(harness, token, f"profiled todo {number}")
    finally:
        harness.profiler = None
    return pstats.Stats(profiler)


def owner(filename: str) -> str:
    """The package a profiled function belongs to."""
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/")[0].removesuffix(".py")
    if filename.startswith(str(PROJECT_DIR)):
        return filename[len(str(PROJECT_DIR)) + 1 :].split("/")[0].removesuffix(".py")
    if "/lib/python3" in filename:
        tail = filename.split("/lib/python3", 1)[1].split("/", 2)
        return tail[1].removesuffix(".py") if len(tail) > 1 else "stdlib"
    return "other"


def by_package(stats: pstats.Stats) -> list[tuple[str, float, float]]:
    """(package, own seconds, share of all profiled time), largest first."""
    own: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        own[owner(filename)] += tottime
    total = sum(own.values()) or 1.0
    return sorted(((pkg, sec, sec / total) for pkg, sec in own.items()), key=lambda r: -r[1])


def top_functions(
    stats: pstats.Stats, packages: set[str], limit: int
) -> list[tuple[str, int, float]]:
    """The functions of `packages` with the most own time: (name, calls, seconds)."""
    rows = []
    for (filename, line, name), (_cc, calls, tottime, _ct, _callers) in stats.stats.items():
        if owner(filename) in packages:
            short = filename.split("site-packages/")[-1].split("/lib/python3.11/")[-1]
            short = short.replace(str(PROJECT_DIR) + "/", "")
            rows.append((f"{short}:{line} {name}", calls, tottime))
    return sorted(rows, key=lambda r: -r[2])[:limit]


def shares(stats: pstats.Stats) -> dict[str, float]:
    """Share of profiled CPU time on the DynamoDB side, the service's side, and the rest."""
    dynamodb, service, rest = SIDES
    result = dict.fromkeys(SIDES, 0.0)
    for package, _seconds, share in by_package(stats):
        side = (
            dynamodb if package in DYNAMODB_SIDE else service if package in SERVICE_SIDE else rest
        )
        result[side] += share
    return result
