"""`python -m tools.bench.revisions BEFORE AFTER`: the service at two git revisions, side by side.

Each revision is exported with `git archive` into a scratch folder and
packaged there by its own infra/package.py (`make package STAGE=dev`'s
command), run by this virtualenv, whose library versions must be the ones
both revisions pin. Against one embedded DynamoDB, a table for each:

- **Warm own time per route**: round after round, one process per revision
  (tools/bench/revision_warm), in alternating order, runs make bench's warm
  cycles on the revision's own `app`. A route's figure is its median over
  every cycle of every round; the ratio is the median of the rounds' own
  after/before ratios, as the two processes of a round ran one after the
  other, so a change of load between rounds cancels out.
- **Cold start from the zip**: each revision's deployment.zip unpacked
  read-only, answering `GET /v2/todos/{id}` with a valid token in a fresh
  `python -I -S`, against make bench's floor (built from AFTER's zip), in
  rotating order round after round (tools/bench/cold).

Prints a Markdown report with the machine's 1-minute load average at the
start and the end; `--write FILE` also writes it there.
"""

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from infra.dev_stack import PROJECT_DIR, create_table, local_client
from infra.local_stack import embedded_database
from tools.bench.cold import (
    ColdResult,
    Variant,
    floor_variant,
    lambda_env,
    measure_variants,
    todo_event,
)
from tools.bench.harness import configure_environment
from tools.bench.lambda_zip import function_of, read_only, unpack, unpacked
from tools.bench.revision_warm import FLOOR_ITEM, LIST_ROUTE, LISTED
from tools.bench.warm import CACHE_HIT_ROUTE, CACHE_MISS_ROUTE, FLOORS
from tools.moto_tweaks import DATABASE
from tools.report import median, percentile, table, today

FLOOR = "floor"
Rounds = list[dict[str, list[float]]]  # per round, each route's own time per cycle, seconds
ROW_LABELS = {
    CACHE_MISS_ROUTE: "GET /v2/todos/{id} (token-cache miss)",
    LIST_ROUTE: f"{LIST_ROUTE} (a list of {LISTED})",
}
# The pins that decide what the revisions' code runs on: the runtime's
# requirements, Chalice (which packages the zip) and the SDK beside it.
PINNED_FILES = ("requirements.txt", "requirements-dev.txt")
PINNED_TOOLS = ("chalice", "boto3")


@dataclass
class Revision:
    label: str  # "before" or "after"
    commit: str  # abbreviated hash
    tree: Path
    table: str
    env: dict[str, str] = field(default_factory=dict)
    token: str = ""
    todo_id: str = ""
    rounds: Rounds = field(default_factory=list)

    @property
    def zip(self) -> Path:
        return self.tree / "out" / "dev" / "deployment.zip"

    @property
    def name(self) -> str:
        return f"{self.label} ({self.commit})"


def export(rev: str, label: str, scratch: Path) -> Revision:
    """`rev`'s files, as committed, in a folder of their own."""
    commit = git("rev-parse", "--short", f"{rev}^{{commit}}")
    tree = scratch / label
    tree.mkdir()
    archive = subprocess.Popen(["git", "archive", commit], cwd=PROJECT_DIR, stdout=subprocess.PIPE)
    with tarfile.open(fileobj=archive.stdout, mode="r|") as files:
        files.extractall(tree, filter="data")
    if archive.wait() != 0:
        raise SystemExit(f"git archive {commit} failed")
    return Revision(label, commit, tree, f"compare-{label}")


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    ).stdout.strip()


def pin_mismatches(tree: Path) -> list[str]:
    """The pins of `tree` that this virtualenv does not have installed."""
    wrong = []
    for name in PINNED_FILES:
        for line in (tree / name).read_text().splitlines():
            pin = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==(\S+)", line.strip())
            if not pin or (name != "requirements.txt" and pin[1] not in PINNED_TOOLS):
                continue
            try:
                installed = version(pin[1])
            except PackageNotFoundError:
                installed = "none"
            if installed != pin[2]:
                wrong.append(f"{pin[1]}=={pin[2]} (installed: {installed})")
    return wrong


def package(revision: Revision) -> None:
    """The revision's deployment.zip, made by its own infra/package.py."""
    wrong = pin_mismatches(revision.tree)
    if wrong:
        raise SystemExit(f"{revision.name} pins what this virtualenv lacks: {', '.join(wrong)}")
    command = [sys.executable, "-m", "infra.package", "dev", "--out", "out/dev"]
    subprocess.run(command, cwd=revision.tree, check=True, stdout=subprocess.DEVNULL)


def warm_round(revision: Revision, cycles: int) -> None:
    command = [sys.executable, "-m", "tools.bench.revision_warm", str(revision.tree), str(cycles)]
    done = subprocess.run(
        command, cwd=PROJECT_DIR, env={**os.environ, **revision.env}, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"warm requests of {revision.name} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.splitlines()[-1])
    revision.token, revision.todo_id = result["token"], result["todo_id"]
    revision.rounds.append(result["own_seconds"])


def alternate(rounds: int) -> list[tuple[int, int]]:
    """Who goes first in each round: before then after, then after then before, and so on."""
    return [(0, 1) if number % 2 == 0 else (1, 0) for number in range(rounds)]


def pooled_median(rounds: Rounds, route: str) -> float:
    return median([seconds for samples in rounds for seconds in samples[route]])


def round_ratios(before: Rounds, after: Rounds, route: str) -> list[float]:
    """Each round's after median over the before median of the same round."""
    pairs = zip(before, after, strict=True)
    return [median(a[route]) / median(b[route]) for b, a in pairs]


def paired_ratio(before: Rounds, after: Rounds, route: str) -> float:
    return median(round_ratios(before, after, route))


def middle_half(ratios: list[float]) -> str:
    """The spread of the rounds' ratios, from the first quartile to the third."""
    return f"{percentile(ratios, 25):.2f} to {percentile(ratios, 75):.2f}"


def common_routes(before: Revision, after: Revision) -> list[str]:
    """The routes both measured, in the order the cycles call them, the floors first."""
    theirs = set(after.rounds[0])
    routes = [route for route in before.rounds[0] if route in theirs]
    return sorted(routes, key=lambda route: route not in FLOORS)


def measure_cold(before: Revision, after: Revision, rounds: int) -> dict[str, ColdResult]:
    with unpacked(after.zip) as roots, tempfile.TemporaryDirectory() as scratch:
        if function_of(before.zip) != (roots.handler, roots.python):
            raise SystemExit("the two revisions' functions differ in handler or runtime")
        before_root = unpack(before.zip, Path(scratch) / "before")
        with read_only(before_root):
            chosen = {FLOOR: floor_variant(roots, after.env, FLOOR_ITEM)}
            for revision, root in ((before, before_root), (after, roots.ours)):
                event = todo_event(revision.todo_id, revision.token)
                chosen[revision.name] = Variant(root, lambda_env(root, revision.env), event)
            return measure_variants(chosen, roots, rounds)


def report(before: Revision, after: Revision, cold: dict[str, ColdResult], loads: tuple) -> str:
    cycles = len(before.rounds[0][FLOORS[0]])
    return "\n\n".join(
        [
            f"## Before and after: {before.commit} and {after.commit}",
            f"Measured {today()} on {os.cpu_count()} logical cores; 1-minute load average "
            f"{loads[0]:.2f} at the start and {loads[1]:.2f} at the end; "
            f"{len(before.rounds)} rounds, each of {cycles} warm cycles per revision and "
            "one cold start of each side.",
            "### Cold start from deployment.zip (`GET /v2/todos/{id}`)",
            cold_table(before, after, cold),
            "### Warm own time per route (handler time less time in botocore calls)",
            warm_table(before, after),
            "Every route but the token-cache miss reuses one token, so a revision with a "
            f"cache of verified tokens answers it from there (`{CACHE_HIT_ROUTE}`, the usual "
            "case); the miss row presents a token that process has not seen, so it pays the "
            "full verification, as a client's first request to a container does. The floor "
            "rows run the same code in both processes, between the revision's routes: a ratio "
            "away from 1.00x there is noise, or the revision's routes weighing on what runs "
            "after them (CPU caches, the garbage collector). The last column shows how far "
            "the rounds' ratios spread; a route's ratio within the floors' spread is no "
            "change of that route's own code.",
        ]
    )


def cold_table(before: Revision, after: Revision, cold: dict[str, ColdResult]) -> str:
    floor = cold[FLOOR]
    rows = [
        [
            name,
            f"{result.median * 1000:.1f} ms",
            f"{result.cpu_median * 1000:.1f} ms",
            f"{result.paired_ratio(floor):.2f}x",
            f"{result.paired_ratio(floor, cpu=True):.2f}x",
        ]
        for name, result in cold.items()
    ]
    was, now = cold[before.name], cold[after.name]
    rows.append(
        [
            "after / before",
            f"{now.paired_ratio(was):.2f}x",
            f"{now.paired_ratio(was, cpu=True):.2f}x",
            "",
            "",
        ]
    )
    return table(["", "wall", "CPU", "wall / floor", "CPU / floor"], rows)


def row_label(route: str) -> str:
    if route in FLOORS:
        return f"{route} (the same code on both sides)"
    return ROW_LABELS.get(route, route)


def warm_table(before: Revision, after: Revision) -> str:
    rows = []
    for route in common_routes(before, after):
        rows.append(
            [
                row_label(route),
                f"{pooled_median(before.rounds, route) * 1e6:.0f} µs",
                f"{pooled_median(after.rounds, route) * 1e6:.0f} µs",
                f"{paired_ratio(before.rounds, after.rounds, route):.2f}x",
                middle_half(round_ratios(before.rounds, after.rounds, route)),
            ]
        )
    header = [
        "route",
        f"before ({before.commit})",
        f"after ({after.commit})",
        "after / before",
        "middle half of the rounds' ratios",
    ]
    return table(header, rows)


def run(args: argparse.Namespace) -> str:
    started_load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="compare-") as scratch:
        revisions = [
            export(args.before, "before", Path(scratch)),
            export(args.after, "after", Path(scratch)),
        ]
        for revision in revisions:
            log(f"packaging {revision.name}")
            package(revision)
        with embedded_database(DATABASE) as endpoint:
            env = configure_environment(endpoint, secrets.token_urlsafe(48))
            for revision in revisions:
                create_table(endpoint, revision.table)
                floor_key = {"pk": {"S": "FLOOR"}, "sk": {"S": FLOOR_ITEM}}
                local_client(endpoint).put_item(TableName=revision.table, Item=floor_key)
                revision.env = {**env, "TABLE_NAME": revision.table}
            for number, order in enumerate(alternate(args.rounds)):
                log(f"warm round {number + 1} of {args.rounds}")
                for index in order:
                    warm_round(revisions[index], args.cycles)
            log(f"cold start, {args.rounds} rounds")
            cold = measure_cold(*revisions, args.rounds)
    return report(*revisions, cold, (started_load, os.getloadavg()[0]))


def log(what: str) -> None:
    print(f"[{today()}] {what} (load {os.getloadavg()[0]:.2f})", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", help="a git revision, e.g. 2bd9cf4")
    parser.add_argument("after", help="a git revision, e.g. HEAD")
    parser.add_argument(
        "--rounds", type=int, default=12, help="rounds of warm processes, and of cold starts"
    )
    parser.add_argument("--cycles", type=int, default=8, help="warm cycles per process")
    parser.add_argument("--write", type=Path, metavar="FILE", help="also write the report here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    text = run(args)
    print(text)
    if args.write:
        args.write.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
