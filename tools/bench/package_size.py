"""Package size: the Lambda zip that `make package STAGE=dev` builds, against a bare Chalice one.

The zip is rebuilt at the start of every run (build_package). The floor is
what Chalice packs for any app: its runtime module and an `app.py`, measured
from the same zip. Without `make package`,
the size on disk of the runtime requirements and their dependencies is
measured instead, against Chalice's runtime module on disk, and the figure
says so.
"""

import re
import subprocess
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from infra.dev_stack import PROJECT_DIR

ZIP = PROJECT_DIR / "out" / "dev" / "deployment.zip"
LAMBDA_ZIP_LIMIT = 50 * 1024 * 1024  # direct upload limit for a zipped package
GOAL_BYTES = 300_000  # the size goal set for the zip: 300 KB


@dataclass(frozen=True)
class PackageSize:
    what: str
    total: int
    floor: int
    parts: list[tuple[str, int]]  # component, compressed bytes


def build_package() -> bool:
    """Rebuild the dev zip, so that every figure is for the code as it is now."""
    if _has_package_target():
        subprocess.run(["make", "package", "STAGE=dev"], cwd=PROJECT_DIR, check=False)
    return ZIP.exists()


def measure_package() -> PackageSize:
    if ZIP.exists():
        return _zip_size(ZIP)
    return _installed_size()


def _has_package_target() -> bool:
    makefile = PROJECT_DIR / "Makefile"
    return makefile.exists() and re.search(r"^package:", makefile.read_text(), re.M) is not None


def _zip_size(path: Path) -> PackageSize:
    parts: dict[str, int] = defaultdict(int)
    with zipfile.ZipFile(path) as archive:
        for entry in archive.infolist():
            parts[_component(entry.filename)] += entry.compress_size
    floor = parts["chalice runtime"] + parts["app.py"]
    ordered = sorted(parts.items(), key=lambda pair: -pair[1])
    what = f"`{path.relative_to(PROJECT_DIR)}` (zip bytes)"
    return PackageSize(what, path.stat().st_size, floor, ordered)


def _component(name: str) -> str:
    top = name.split("/")[0]
    if top == "chalice":
        return "chalice runtime"
    if top in ("app.py", "app.pyc"):  # shipped as bytecode since the zip carries no sources
        return "app.py"
    if top == "chalicelib":
        return top
    if top.endswith(".dist-info"):
        return "dependency metadata (*.dist-info)"
    return re.sub(r"\.(cpython|abi3).*$", "", top) + " (dependency)"


def _installed_size() -> PackageSize:
    """Bytes on disk of the runtime requirements and everything they depend on."""
    names = [
        re.split(r"[=<>\[; ]", line.strip())[0]
        for line in (PROJECT_DIR / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    parts: dict[str, int] = {}
    while names:
        name = names.pop()
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        key = dist.metadata["Name"]
        if key in parts:
            continue
        parts[key] = sum(f.locate().stat().st_size for f in dist.files or [] if f.locate().exists())
        names += [
            re.split(r"[=<>\[; (]", req)[0] for req in dist.requires or [] if "extra ==" not in req
        ]
    chalice_dir = Path(distribution("chalice").locate_file("chalice"))
    floor = sum((chalice_dir / name).stat().st_size for name in ("__init__.py", "app.py"))
    ordered = sorted(parts.items(), key=lambda pair: -pair[1])
    return PackageSize(
        "runtime requirements installed (bytes on disk; no deployment.zip)",
        sum(parts.values()),
        floor,
        ordered,
    )
