"""Tools the deploy tests install from the package index on first use.

Each goes into its own folder under out/.cache, apart from the venv, whose
pins it would otherwise disturb, and is reused by later runs.
"""

import subprocess
import sys
from pathlib import Path

from tests.deploy.support import PROJECT_DIR

CACHE = PROJECT_DIR / "out" / ".cache"


def installed(requirement: str) -> Path:
    """The folder holding `requirement` (name==version) and its dependencies."""
    target = CACHE / requirement.replace("==", "-")
    if not target.exists():
        partial = target.with_name(f"{target.name}.partial")
        subprocess.run(["rm", "-rf", str(partial)], check=True)
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        command += ["--only-binary=:all:", "--target", str(partial), requirement]
        subprocess.run(command, check=True)
        partial.rename(target)
    return target
