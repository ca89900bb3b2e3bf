"""Login and sign-up against the scrypt work they cannot avoid, with the service's parameters."""

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from chalicelib.platform.passwords import Passwords
from tests.support.values import PASSWORD
from tools.bench.events import api_event
from tools.bench.harness import Harness, Measured
from tools.bench.warm import expect
from tools.report import median

VERIFY, HASH = "one scrypt verify", "one scrypt hash"


@dataclass(frozen=True)
class Paired:
    route: str
    seconds: float
    dynamodb_seconds: float
    calls: list[str]
    floor: str
    floor_seconds: float
    cpu_overhead: float
    floor_cpu_seconds: float


def requests(name: str, number: int) -> Iterator[tuple[str, dict, int, str]]:
    """(route, event, expected status, floor) for one round; `name` already exists."""
    credentials = {"username": name, "password": PASSWORD}
    yield "POST /v1/auth/login", _post("/v1/auth/login", credentials), 200, VERIFY
    yield "POST /v2/auth/token", _post("/v2/auth/token", credentials), 200, VERIFY
    fresh = f"{name}-{number}"
    account = {"name": fresh, "email": f"{fresh}@example.com", "password": PASSWORD}
    yield "POST /v1/user/create (sign up)", _post("/v1/user/create", account), 201, HASH


def measure_login(harness: Harness, name: str, samples: int) -> list[Paired]:
    """Each request is timed right next to one bare scrypt call of the same kind."""
    work = bare_scrypt(Passwords().hash(PASSWORD))
    replies: dict[str, list[Measured]] = defaultdict(list)
    floors: dict[str, list[tuple[float, float]]] = defaultdict(list)
    kinds: dict[str, str] = {}
    for number in range(samples):
        for route, event, status, floor in requests(name, number):
            replies[route].append(expect(harness.call(event), status, route))
            floors[floor].append(_timed(work[floor]))
            kinds[route] = floor
    return [
        Paired(
            route,
            median([r.seconds for r in measured]),
            median([r.dynamodb_seconds for r in measured]),
            measured[-1].calls,
            kinds[route],
            median([wall for wall, _cpu in floors[kinds[route]]]),
            median([r.cpu_overhead for r in measured]),
            median([cpu for _wall, cpu in floors[kinds[route]]]),
        )
        for route, measured in replies.items()
    ]


def bare_scrypt(stored: str) -> dict[str, Callable[[], Any]]:
    """One verify and one hash by hashlib.scrypt alone, at the cost written in `stored`,
    a hash the service made, so that the floor follows whatever cost it uses."""
    cost = re.fullmatch(r"\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)", stored)
    assert cost, stored
    log2_n, block_size, parallelism = (int(cost.group(i)) for i in (1, 2, 3))
    salt, key = (base64.b64decode(cost.group(i) + "==") for i in (4, 5))
    kdf = {"n": 1 << log2_n, "r": block_size, "p": parallelism, "maxmem": 1 << 30}

    def derive(salt: bytes) -> bytes:
        return hashlib.scrypt(PASSWORD.encode(), salt=salt, dklen=len(key), **kdf)

    return {
        VERIFY: lambda: hmac.compare_digest(derive(salt), key),
        HASH: lambda: derive(secrets.token_bytes(len(salt))),
    }


def _post(path: str, body: dict) -> dict:
    return api_event("POST", path, path, body=body)


def _timed(work: Callable[[], Any]) -> tuple[float, float]:
    """Wall time and CPU time of one call of `work`."""
    started, cpu_started = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - started, time.process_time() - cpu_started
