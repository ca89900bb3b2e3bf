"""The service's deployment.zip and the floor's, unpacked as Lambda unpacks them into /var/task.

The service's zip is `make package STAGE=dev`'s. The floor's is built the
same way from the same pieces: the Chalice runtime modules as that zip ships
them (already bytecode), and tools/bench/floor.py as its `app.py`, compiled
by infra/package.py's compile_tree, as the service's modules are. Both are
unpacked into folders made read-only, as /var/task is.

Beside them goes what the Lambda runtime provides and the zip leaves out:
boto3 and the packages it needs, linked from this virtualenv, so both sides
load the same botocore. Nothing else of the virtualenv is visible to them.
"""

import json
import re
import shutil
import stat
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from infra.dev_stack import PROJECT_DIR
from infra.package import compile_tree

ZIP = PROJECT_DIR / "out" / "dev" / "deployment.zip"
FLOOR_SOURCE = Path(__file__).with_name("floor.py")
RUNTIME_PROVIDES = "boto3"  # and, through its requirements, botocore and the rest


@dataclass(frozen=True)
class TaskRoots:
    ours: Path
    floor: Path
    runtime_libraries: Path
    handler: str  # module.attribute, as the function's Handler names it
    python: str  # an interpreter of the function's Runtime version


@contextmanager
def unpacked(zip_path: Path = ZIP) -> Iterator[TaskRoots]:
    with tempfile.TemporaryDirectory(prefix="bench-lambda-") as scratch:
        base = Path(scratch)
        ours = unpack(zip_path, base / "ours")
        floor = _floor_root(zip_path, base / "floor")
        runtime = link_runtime_libraries(base / "runtime")
        with read_only(ours, floor):
            yield TaskRoots(ours, floor, runtime, *function_of(zip_path))


@contextmanager
def read_only(*roots: Path) -> Iterator[None]:
    """The folders made read-only, as /var/task is, and writable again afterwards."""
    for root in roots:
        _set_writable(root, False)
    try:
        yield
    finally:
        for root in roots:
            _set_writable(root, True)  # so that the scratch folder can go


def function_of(zip_path: Path) -> tuple[str, str]:
    """The handler of the function that ships `zip_path` (the sam.json beside it names it),
    and an interpreter of its runtime's Python version."""
    template = zip_path.with_name("sam.json")
    if not template.exists():
        return "app.app", sys._base_executable
    resources = json.loads(template.read_text())["Resources"]
    functions = [r for r in resources.values() if r["Type"] == "AWS::Serverless::Function"]
    properties = functions[0]["Properties"]
    version = properties["Runtime"].removeprefix("python")
    # The interpreter itself, not the virtualenv's: with -I -S it has no site-packages.
    same = version == f"{sys.version_info.major}.{sys.version_info.minor}"
    python = sys._base_executable if same else shutil.which(f"python{version}")
    if python is None:
        raise RuntimeError(f"cold start from the zip needs python{version}, its runtime")
    return properties["Handler"], python


def unpack(zip_path: Path, root: Path) -> Path:
    root.mkdir()
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root)
    return root


def _floor_root(zip_path: Path, root: Path) -> Path:
    root.mkdir()
    with zipfile.ZipFile(zip_path) as archive:
        runtime = [name for name in archive.namelist() if name.startswith("chalice/")]
        archive.extractall(root, members=runtime)
    shutil.copyfile(FLOOR_SOURCE, root / "app.py")
    compile_tree(root)
    return root


def _set_writable(root: Path, writable: bool) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~0o222)


def link_runtime_libraries(target: Path) -> Path:
    """A folder of links to boto3 and everything it requires, from this virtualenv."""
    target.mkdir()
    for name in _requirement_closure(RUNTIME_PROVIDES):
        dist = distribution(name)
        for top in _top_level_names(dist):
            located = Path(dist.locate_file(top))
            for candidate in (located, located.with_name(top + ".py")):
                if candidate.exists() and not (target / candidate.name).exists():
                    (target / candidate.name).symlink_to(candidate)
    return target


def _requirement_closure(root: str) -> list[str]:
    seen: list[str] = []
    pending = [root]
    while pending:
        name = pending.pop()
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        if dist.metadata["Name"].lower() in (s.lower() for s in seen):
            continue
        seen.append(dist.metadata["Name"])
        pending += [
            re.split(r"[=<>!~\[; (]", req)[0]
            for req in dist.requires or []
            if "extra ==" not in req
        ]
    return seen


def _top_level_names(dist) -> set[str]:
    listed = dist.read_text("top_level.txt")
    if listed:
        return {line.strip() for line in listed.splitlines() if line.strip()}
    names = set()
    for file in dist.files or []:
        top = file.parts[0]
        if top.endswith((".dist-info", ".data")) or top in ("..", "__pycache__", "bin"):
            continue
        names.add(top.removesuffix(".py"))
    return names
