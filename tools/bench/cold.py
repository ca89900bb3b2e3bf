"""Cold start as Lambda runs it: a fresh interpreter, the unzipped zip read-only, one request.

Each side is a zip unpacked into a read-only folder (tools/bench/lambda_zip):
the service's deployment.zip, answering `GET /v2/todos/{id}` (a JWT checked
and one GetItem), and the floor's zip, a bare Chalice app whose one route
builds its DynamoDB client as the service does and makes one GetItem. Each
runs in a fresh `python -I -S` of the runtime's version that sees only its
zip and the runtime's boto3. The time is wall time from just before the
process is spawned until it prints its first response, so interpreter
start-up counts on both sides. Variants run in rotating order, round after
round, after one warm-up round, and medians are compared, with the median
of the round-by-round ratios beside them; the child's CPU time (user and
system, until its first response) is compared too, as it is the figure
the machine's load moves least. One extra run of
each with `-X importtime` attributes import time to top-level packages.
"""

import json
import subprocess
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from infra.dev_stack import OFFLINE_AWS_ENV
from tools.bench.cold_child import RESULT_PREFIX
from tools.bench.events import api_event, bearer
from tools.bench.lambda_zip import TaskRoots
from tools.report import median

CHILD = Path(__file__).with_name("cold_child.py")
FLOOR = "floor: bare Chalice app in a zip built the same way, same client, one GetItem"
OURS = "ours: deployment.zip, GET /v2/todos/{id}, signing secret in the environment"
OURS_DEPLOYED = "ours: deployment.zip, signing secret read from Secrets Manager, as deployed"


@dataclass(frozen=True)
class Variant:
    root: Path
    env: dict[str, str]
    event: dict[str, Any]


@dataclass
class ColdResult:
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)  # the child's user + system time
    import_seconds: list[float] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)
    heavy: list[tuple[str, float]] = field(default_factory=list)

    @property
    def median(self) -> float:
        return median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return median(self.cpu_seconds)

    def paired_ratio(self, floor: "ColdResult", cpu: bool = False) -> float:
        """The median of this variant's time over the floor's, round by round: a round runs
        its variants one after another, so a change of load between rounds cancels out.
        Wall time, or with `cpu` the child's CPU time."""
        mine, theirs = (
            (self.cpu_seconds, floor.cpu_seconds) if cpu else (self.seconds, floor.seconds)
        )
        return median([m / t for m, t in zip(mine, theirs, strict=True)])


def variants(
    roots: TaskRoots, env: dict[str, str], todo_id: str, floor_id: str, token: str
) -> dict[str, Variant]:
    ours_event = todo_event(todo_id, token)
    return {
        FLOOR: floor_variant(roots, env, floor_id),
        OURS: Variant(roots.ours, lambda_env(roots.ours, env), ours_event),
        OURS_DEPLOYED: Variant(roots.ours, secret_env(roots.ours, env), ours_event),
    }


def floor_variant(roots: TaskRoots, env: dict[str, str], floor_id: str) -> Variant:
    path = f"/floor/items/{floor_id}"
    event = api_event("GET", "/floor/items/{item_id}", path, path_params={"item_id": floor_id})
    return Variant(roots.floor, lambda_env(roots.floor, env), event)


def todo_event(todo_id: str, token: str) -> dict[str, Any]:
    """`GET /v2/todos/{id}` with a bearer token: what the service's cold start answers."""
    path = f"/v2/todos/{todo_id}"
    return api_event(
        "GET", "/v2/todos/{todo_id}", path, path_params={"todo_id": todo_id}, headers=bearer(token)
    )


def lambda_env(root: Path, env: dict[str, str]) -> dict[str, str]:
    """The function's environment: only what Lambda sets and the stage's variables."""
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LAMBDA_TASK_ROOT": str(root),
        "AWS_LAMBDA_FUNCTION_NAME": "todo-service-perf",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_REGION": OFFLINE_AWS_ENV["AWS_DEFAULT_REGION"],
        **env,
        "APP_STAGE": "dev",
    }


def secret_env(root: Path, env: dict[str, str]) -> dict[str, str]:
    """As deployed: the signing secret's ARN, read at the first request (the embedded
    server plays Secrets Manager), with the same value as the environment's."""
    endpoint = env["DYNAMODB_ENDPOINT_URL"]
    client = boto3.client(
        "secretsmanager", endpoint_url=endpoint, region_name=OFFLINE_AWS_ENV["AWS_DEFAULT_REGION"]
    )
    name = f"bench-signing-{uuid.uuid4().hex[:8]}"
    arn = client.create_secret(Name=name, SecretString=env["JWT_SECRET"])["ARN"]
    deployed = {k: v for k, v in lambda_env(root, env).items() if k != "JWT_SECRET"}
    return {**deployed, "JWT_SECRET_ARN": arn, "AWS_ENDPOINT_URL_SECRETS_MANAGER": endpoint}


def measure_cold_start(
    roots: TaskRoots,
    env: dict[str, str],
    todo_id: str,
    floor_id: str,
    token: str,
    rounds: int,
) -> dict[str, ColdResult]:
    chosen = variants(roots, env, todo_id, floor_id, token)
    results = measure_variants(chosen, roots, rounds)
    for name, variant in chosen.items():
        results[name].heavy = heaviest_packages(variant, roots)
    return results


def measure_variants(
    chosen: dict[str, Variant], roots: TaskRoots, rounds: int
) -> dict[str, ColdResult]:
    """Each variant's cold start, `rounds` times after a warm-up round, in rotating order."""
    results = {name: ColdResult() for name in chosen}
    names = list(chosen)
    for round_number in range(rounds + 1):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            seconds, result = run_child(chosen[name], roots)
            if round_number == 0:
                continue  # warm-up: fills the page cache
            results[name].seconds.append(seconds)
            results[name].cpu_seconds.append(result["cpu_s"])
            results[name].import_seconds.append(result["import_s"])
            results[name].modules = result["modules"]
    return results


def run_child(
    variant: Variant, roots: TaskRoots, flags: tuple[str, ...] = ()
) -> tuple[float, dict[str, Any]]:
    command = [roots.python, *flags, "-I", "-S", str(CHILD), str(variant.root)]
    command += [str(roots.runtime_libraries), roots.handler, json.dumps(variant.event)]
    with tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        child = subprocess.Popen(
            command,
            cwd=variant.root,
            env=variant.env,
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
        raise RuntimeError(f"cold start in {variant.root} failed: {result}\n{stderr[-2000:]}")
    if not (result["origins"]["app"] or "").startswith(str(variant.root)):
        raise RuntimeError(f"the app came from {result['origins']['app']}, not the zip")
    result["stderr"] = stderr
    return elapsed, result


def heaviest_packages(variant: Variant, roots: TaskRoots, top: int = 6) -> list[tuple[str, float]]:
    """Top-level packages by the import time of their modules (`-X importtime`, own time, ms).

    Only modules imported after the child began measuring are counted, so the
    interpreter's own start-up is left out for every variant alike.
    """
    _, result = run_child(variant, roots, flags=("-X", "importtime"))
    new = set(result["modules"])
    own: dict[str, float] = defaultdict(float)
    for line in result["stderr"].splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or parts[2].strip() not in new:
            continue
        own[parts[2].strip().split(".")[0]] += int(parts[0]) / 1000
    return sorted(own.items(), key=lambda pair: -pair[1])[:top]
