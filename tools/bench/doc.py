"""docs/PERFORMANCE.md from the benchmark's figures."""

import os
from collections import Counter
from typing import Any

from tools.bench import doc_text, tasks
from tools.bench.account_deletion import ONE_VCPU_MB
from tools.bench.cold import FLOOR, OURS, OURS_DEPLOYED
from tools.bench.hotspots import SERVICE_SIDE, by_package, shares, top_functions
from tools.bench.package_size import GOAL_BYTES, LAMBDA_ZIP_LIMIT
from tools.bench.scaling import SIZES, V1_LIST, V2_LIST
from tools.bench.warm import CACHE_HIT_ROUTE, CACHE_MISS_ROUTE, FLOOR_BARE, FLOOR_JWT, FLOORS
from tools.report import LOAD_BEGIN, LOAD_END, machine, median, ratio, table


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} µs"


def calls_text(calls: list[str]) -> str:
    return " + ".join(f"{n} {op}" for op, n in Counter(calls).items()) or "none"


def row(figure: str, ours: float, floor: float, show: Any = ms, floor_note: str = "") -> list:
    return [figure, show(ours), show(floor) + floor_note, ratio(ours, floor)]


def render(figures: dict[str, Any], load_text: str) -> str:
    settings = ", ".join(f"{k}={v}" for k, v in figures["settings"].items() if k != "no_write")
    sections = [
        doc_text.HEADER,
        "## Machine\n\n" + machine_section(figures["loads"]),
        "## Summary\n\n" + summary(figures),
        "## Cold start from deployment.zip\n\n" + cold_section(figures["cold"]),
        "## Warm request overhead\n\n" + warm_section(figures["warm"]),
        "## DynamoDB calls per route\n\n" + calls_section(figures),
        "## Login and sign-up\n\n" + login_section(figures["login"]),
        "## Refresh, and login during back-off\n\n" + sessions_section(figures["sessions"]),
        "## Deleting an account at the quota\n\n" + deletion_section(figures["deletion"]),
        "## Package size\n\n" + package_section(figures["package"]),
        "## Scaling: list cost as the list grows\n\n" + scaling_section(figures["scaling"]),
        "## The v1 list at the quota\n\n" + quota_list_section(figures["quota_list"]),
        "## v2 task routes against their floors\n\n" + tasks.section(figures["tasks"]),
        "## Where warm requests spend their time\n\n" + hotspot_section(figures["profile"]),
        doc_text.REVISIONS,
        doc_text.HOW_TO_READ,
        f"## Load test\n\n{doc_text.LOAD_BOUNDS}\n\n{LOAD_BEGIN}\n{load_text}\n{LOAD_END}",
        f"_This benchmark run took {figures['elapsed']:.0f} s, with {settings}._",
    ]
    return "\n\n".join(sections) + "\n"


def machine_section(loads: list[tuple[str, float]]) -> str:
    values = [load for _step, load in loads] or [os.getloadavg()[0]]
    cores = os.cpu_count() or 1
    low, high = min(values), max(values)
    rows = [[k, v] for k, v in machine().items()]
    rows.insert(-1, ["load average during the run", f"{low:.2f} to {high:.2f} (1 min)"])
    busy = high >= cores / 2
    verdict = (
        "other processes were competing for its cores, so absolute times are inflated "
        "and noisy; the ratios, taken side by side, are what to read."
        if busy
        else "the machine was mostly idle."
    )
    steps = ", ".join(f"{what} {load:.2f}" for what, load in loads)
    lead = (
        f"The 1-minute load average ran from {low:.2f} to {high:.2f} on {cores} logical "
        f"cores during this run: {verdict} At the start of each step: {steps}."
    )
    return lead + "\n\n" + table(["", ""], rows)


def summary(figures: dict[str, Any]) -> str:
    cold = figures["cold"]
    warm = {w.route: w for w in figures["warm"]}
    bare, jwt_floor = warm[FLOOR_BARE].overhead, warm[FLOOR_JWT].overhead
    routes = {route: w for route, w in warm.items() if route not in FLOORS}
    worst = max(routes.values(), key=lambda w: w.overhead)
    login, package = figures["login"][0], figures["package"]
    scale = {(c.route, c.items): c for c in figures["scaling"]}
    big, small = SIZES[-1], SIZES[0]
    rows = [
        row(
            "Cold start from the zip (secret in the environment)",
            cold[OURS].median,
            cold[FLOOR].median,
        ),
        row(
            "Cold start from the zip (secret from Secrets Manager)",
            cold[OURS_DEPLOYED].median,
            cold[FLOOR].median,
        ),
        row(
            "Cold start from the zip (secret in the environment), CPU time",
            cold[OURS].cpu_median,
            cold[FLOOR].cpu_median,
        ),
        row(
            "Warm own time, median over routes",
            median([w.overhead for w in routes.values()]),
            bare,
            us,
            " (bare route)",
        ),
        row(
            "Warm own time, median over routes",
            median([w.overhead for w in routes.values()]),
            jwt_floor,
            us,
            " (route + 1 PyJWT decode)",
        ),
        row(
            f"Warm own time, slowest route: {worst.route}",
            worst.overhead,
            bare,
            us,
            " (bare route)",
        ),
        row(
            "Token-cache hit: GET /v2/todos/{id} own time",
            warm[CACHE_HIT_ROUTE].overhead,
            bare,
            us,
            " (bare route)",
        ),
        row(
            "Token-cache miss: GET /v2/todos/{id} own time",
            warm[CACHE_MISS_ROUTE].overhead,
            bare,
            us,
            " (bare route)",
        ),
        row(f"Login: {login.route}", login.seconds, login.floor_seconds, ms, f" ({login.floor})"),
        row(
            f"Login, CPU time less DynamoDB calls: {login.route}",
            login.cpu_overhead,
            login.floor_cpu_seconds,
            ms,
            f" ({login.floor})",
        ),
    ]
    rows += [
        row(f"{s.route}: own time", s.overhead, s.floor_overhead, us, " (its floor)")
        for s in figures["sessions"]
    ]
    deletion = figures["deletion"]
    timeout = min(deletion.timeouts.values())  # the strictest stage
    rows += [
        [
            f"DELETE /v2/users/me at the quota ({d.todos:,} todos), {d.database}",
            f"{d.seconds:.2f} s",
            f"{timeout} s (Lambda timeout)",
            ratio(d.seconds, timeout),
        ]
        for d in deletion.runs
    ]
    stage, memory = min(deletion.memory_mb.items(), key=lambda pair: pair[1])
    share = min(1.0, memory / ONE_VCPU_MB)
    rows += [
        [
            f"DELETE /v2/users/me at the quota, {d.database}: its CPU at {stage}'s {memory} MB",
            f"{d.cpu_seconds / share:.1f} s (estimate)",
            f"{timeout} s (Lambda timeout)",
            ratio(d.cpu_seconds / share, timeout),
        ]
        for d in deletion.runs
    ]
    rows.append(
        row("Package size (bytes)", package.total, package.floor, "{:,}".format, " (bare Chalice)")
    )
    rows.append(
        row("Package size (bytes)", package.total, GOAL_BYTES, "{:,}".format, " (goal: 300 KB)")
    )
    for route in (V1_LIST, V2_LIST):
        at_big, at_small = scale[route, big], scale[route, small]
        rows.append(
            row(f"{route}: own time, {big:,} vs {small} items", at_big.overhead, at_small.overhead)
        )
        rows.append(
            row(
                f"{route}: items read, {big:,} vs {small} items",
                at_big.items_read,
                at_small.items_read,
                "{:,}".format,
            )
        )
    return table(["figure", "ours", "floor", "ratio"], rows)


def cold_section(cold: dict[str, Any]) -> str:
    floor = cold[FLOOR]
    rows = [
        [
            name,
            ms(r.median),
            ratio(r.median, floor.median),
            f"{r.paired_ratio(floor):.2f}x",
            ms(r.cpu_median),
            ratio(r.cpu_median, floor.cpu_median),
            ms(median(r.import_seconds)),
            len(r.modules),
            ", ".join(f"{pkg} {sec:.0f} ms" for pkg, sec in r.heavy),
        ]
        for name, r in cold.items()
    ]
    header = "variant|wall time|ratio|ratio, round by round|CPU time|CPU ratio"
    header += "|of which importing the app|modules imported|heaviest packages (own import time)"
    header = header.split("|")
    ours, bare = (_packages(cold[name].modules) for name in (OURS, FLOOR))
    extra = ", ".join(f"`{name}`" for name in sorted(ours - bare, key=str.lower))
    return "\n\n".join(
        [
            doc_text.COLD_TEXT,
            table(header, rows),
            f"Top-level packages ours imports and the floor does not: {extra}.",
        ]
    )


def _packages(modules: list[str]) -> set[str]:
    return {module.split(".")[0] for module in modules}


def warm_section(warm: list[Any]) -> str:
    by_route = {w.route: w for w in warm}
    bare, jwt_floor = by_route[FLOOR_BARE].overhead, by_route[FLOOR_JWT].overhead
    bare_cpu = by_route[FLOOR_BARE].cpu_overhead
    rows = [
        [
            w.route,
            ms(w.seconds),
            ms(w.dynamodb_seconds),
            us(w.overhead),
            ratio(w.overhead, bare),
            ratio(w.overhead, jwt_floor),
            us(w.cpu_overhead),
            ratio(w.cpu_overhead, bare_cpu),
        ]
        for w in sorted(warm, key=lambda w: w.route not in FLOORS)
    ]
    header = "route|handler|in DynamoDB calls|own time|ratio to bare route"
    header += "|ratio to route + PyJWT decode|own CPU time|CPU ratio to bare route"
    header = header.split("|")
    hit, miss = by_route[CACHE_HIT_ROUTE], by_route[CACHE_MISS_ROUTE]
    cache_rows = [
        ["hit: a token verified before", us(hit.overhead), "1.00x"],
        [
            "miss: a token not yet verified here",
            us(miss.overhead),
            ratio(miss.overhead, hit.overhead),
        ],
        ["floor: route + 1 PyJWT decode, for scale", us(jwt_floor), ratio(jwt_floor, hit.overhead)],
    ]
    return "\n\n".join(
        [
            doc_text.WARM_TEXT,
            table(header, rows),
            doc_text.VERIFIED_CACHE_TEXT,
            table(["GET /v2/todos/{id}", "own time", "ratio to hit"], cache_rows),
        ]
    )


def calls_section(figures: dict[str, Any]) -> str:
    rows = [
        [w.route, calls_text(w.calls), w.items_read]
        for w in figures["warm"]
        if w.route not in FLOORS
    ]
    rows += [[p.route, calls_text(p.calls), "-"] for p in figures["login"]]
    rows += [[p.route, calls_text(p.calls), "-"] for p in figures["sessions"]]
    return doc_text.CALLS_TEXT + "\n\n" + table(["route", "DynamoDB calls", "items read"], rows)


def login_section(login: list[Any]) -> str:
    rows = [
        [
            p.route,
            ms(p.seconds),
            ms(p.dynamodb_seconds),
            p.floor,
            ms(p.floor_seconds),
            ratio(p.seconds, p.floor_seconds),
            ratio(p.cpu_overhead, p.floor_cpu_seconds),
        ]
        for p in login
    ]
    header = ["route", "handler", "in DynamoDB calls", "floor", "floor time", "ratio"]
    header.append("CPU-time ratio, DynamoDB calls taken out")
    return doc_text.LOGIN_TEXT + "\n\n" + table(header, rows)


def sessions_section(sessions: list[Any]) -> str:
    rows = [
        [
            f.route,
            calls_text(f.calls),
            ms(f.seconds),
            us(f.overhead),
            f.floor,
            ms(f.floor_seconds),
            us(f.floor_overhead),
            # Handler times compare only where the floor makes the same calls.
            ratio(f.seconds, f.floor_seconds) if f.calls == f.floor_calls else "-",
            ratio(f.overhead, f.floor_overhead),
            ratio(f.cpu_overhead, f.floor_cpu_overhead),
        ]
        for f in sessions
    ]
    header = "route|DynamoDB calls|handler|own time|floor|floor handler|floor own time"
    header += "|handler ratio|own-time ratio|CPU-time ratio, DynamoDB calls taken out"
    return doc_text.SESSIONS_TEXT + "\n\n" + table(header.split("|"), rows)


def deletion_section(result: Any) -> str:
    timeouts = ", ".join(f"{stage} {seconds} s" for stage, seconds in result.timeouts.items())
    timeout = min(result.timeouts.values())  # the strictest stage
    stage, memory = min(result.memory_mb.items(), key=lambda pair: pair[1])
    share = min(1.0, memory / ONE_VCPU_MB)  # of one vCPU, at the smallest stage's memory
    rows = [
        [
            d.database,
            f"{d.todos:,}",
            f"{d.items_before:,}",
            calls_text(d.calls),
            f"{d.seconds:.2f} s",
            f"{timeout} s",
            ratio(d.seconds, timeout),
            f"{d.cpu_seconds:.2f} s",
            f"{d.cpu_seconds / share:.1f} s",
            ratio(d.cpu_seconds / share, timeout),
            d.items_left,
        ]
        for d in result.runs
    ]
    header = "database|todos|items of the user|DynamoDB calls|handler|Lambda timeout|ratio"
    header += f"|service CPU time|that CPU at {stage}'s {memory} MB (estimate)|ratio|items left"
    lines = [
        doc_text.DELETION_TEXT,
        f"Lambda timeout in `.chalice/config.json`: {timeouts}.",
        table(header.split("|"), rows),
    ]
    if result.skipped:
        lines.append(f"Not measured on DynamoDB Local: {result.skipped}.")
    return "\n\n".join(lines)


def package_section(package: Any) -> str:
    rows = [[part, f"{size:,}", f"{size / package.total:.0%}"] for part, size in package.parts]
    lead = (
        f"Measured: {package.what}. Total **{package.total:,} bytes**, "
        f"{ratio(package.total, package.floor)} the floor of {package.floor:,} bytes "
        "(what Chalice packs for any app: its runtime module and `app.py`), and "
        f"{package.total / LAMBDA_ZIP_LIMIT:.1%} of Lambda's 50 MB limit for a zip upload. "
        f"Against the goal of {GOAL_BYTES:,} bytes (300 KB) it is "
        f"{ratio(package.total, GOAL_BYTES)}: "
        f"{'within it' if package.total <= GOAL_BYTES else 'over it'}. "
        "Components are compressed bytes inside the zip."
    )
    return lead + "\n\n" + table(["component", "bytes", "share"], rows)


def scaling_section(costs: list[Any]) -> str:
    base = {c.route: c for c in costs if c.items == SIZES[0]}
    rows = [
        [
            c.route,
            f"{c.items:,}",
            ms(c.seconds),
            ratio(c.seconds, base[c.route].seconds),
            ms(c.overhead),
            ratio(c.overhead, base[c.route].overhead),
            c.calls,
            c.items_read,
            ratio(c.items_read, base[c.route].items_read),
        ]
        for c in sorted(costs, key=lambda c: (c.route, c.items))
    ]
    header = "route|items stored|handler|ratio|own time|ratio|DynamoDB calls|items read|ratio"
    return doc_text.SCALING_TEXT + "\n\n" + table(header.split("|"), rows)


def quota_list_section(result: Any) -> str:
    small, full = result.small, result.full
    rows = [
        [
            f"{cost.items:,}",
            ms(cost.seconds),
            ratio(cost.seconds, small.seconds),
            ms(cost.overhead),
            ratio(cost.overhead, small.overhead),
            f"{cost.body_bytes:,}",
            ratio(cost.body_bytes, small.body_bytes),
            cost.calls,
            f"{cost.items_read:,}",
        ]
        for cost in (small, full)
    ]
    header = ["items", "handler", "ratio", "own time", "ratio", "body bytes", "ratio"]
    bound = (
        f"Bounded by the quota: v1 read {full.items_read:,} items with the quota at "
        f"{result.quota:,}, and a create past it got {result.create_past_quota}. "
        "`make bench` exits non-zero if either stops holding."
    )
    return "\n\n".join(
        [doc_text.QUOTA_LIST_TEXT, table([*header, "DynamoDB calls", "items read"], rows), bound]
    )


def hotspot_section(stats: Any) -> str:
    sides = [[side, f"{share:.1%}"] for side, share in shares(stats).items()]
    packages = [[pkg, ms(sec), f"{share:.1%}"] for pkg, sec, share in by_package(stats)[:12]]
    top = top_functions(stats, SERVICE_SIDE, 12)
    functions = [[name, calls, ms(sec)] for name, calls, sec in top]
    return "\n\n".join(
        [
            doc_text.HOTSPOT_TEXT,
            table(["side", "share of CPU time"], sides),
            table(["package", "own CPU time", "share"], packages),
            "The functions of the service, Chalice and PyJWT with the most own CPU time:",
            table(["function", "calls", "own CPU time"], functions),
        ]
    )
