"""Python older than 3.11 stops `make` in one line; the venv follows the interpreter PYTHON names.

Before, Python 3.10 ran into 400 lines of pip output, left a 3.10 venv
behind that a retry with PYTHON=python3.12 kept, and PYTHON= on an existing
venv was ignored. These run `make` in a scratch copy of the Makefile and
infra/preflight.py with no requirements, so a venv takes seconds to build.
"""

import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.devstack.support import PROJECT_DIR, make_env

THIS_PYTHON = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
THIS_VERSION = ".".join(str(part) for part in sys.version_info[:3])
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")
FAKE_OLD_PYTHON = """#!/bin/sh
PYTHONPATH={site} exec {python} "$@"
"""


def real_old_python() -> str | None:
    """A Python 3.10 or older that runs here, if there is one."""
    candidates = [shutil.which(f"python3.{minor}") for minor in (10, 9, 8)]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[0]*/bin/python3.10")))
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "pass"], capture_output=True, check=False)
        if probe.returncode == 0:
            return candidate
    return None


def fake_old_python(folder: Path) -> str:
    """This Python, reporting itself as 3.10.13 (sys.version_info set by sitecustomize)."""
    site = folder / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import sys\nsys.version_info = (3, 10, 13, 'final', 0)\n"
    )
    script = folder / "python3.10"
    script.write_text(FAKE_OLD_PYTHON.format(site=site, python=THIS_PYTHON))
    script.chmod(0o755)
    return str(script)


@pytest.fixture(params=["reporting 3.10", "a real 3.10"])
def old_python(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "reporting 3.10":
        return fake_old_python(tmp_path)
    found = real_old_python()
    if found is None:
        pytest.skip("no Python 3.10 or older on this machine")
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The Makefile and preflight script, with empty requirements."""
    root = tmp_path / "project"
    (root / "infra").mkdir(parents=True)
    shutil.copy(PROJECT_DIR / "Makefile", root)
    shutil.copy(PROJECT_DIR / "infra" / "preflight.py", root / "infra")
    (root / "requirements.txt").write_text("")
    (root / "requirements-dev.txt").write_text("-r requirements.txt\n")
    return root


def make(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=project,
        env=make_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def venv_made_by(venv: Path) -> str:
    cfg = dict(
        line.split(" = ", 1)
        for line in (venv / "pyvenv.cfg").read_text().splitlines()
        if " = " in line
    )
    return cfg["version"]


def test_python_older_than_3_11_stops_make_run_with_one_line_saying_what_to_do(
    project: Path, old_python: str
) -> None:
    result = make(project, "run", f"PYTHON={old_python}", "PORT=1")

    assert result.returncode != 0
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    assert "Python 3.11 or newer is needed" in lines[0]
    assert "PYTHON=python3.12" in lines[0]  # how to choose another
    assert not (project / ".venv").exists()


def test_an_interpreter_that_cannot_run_stops_make_with_one_line(project: Path) -> None:
    result = make(project, "test", "PYTHON=no-such-python3")

    assert result.returncode != 0
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    assert "cannot run PYTHON=no-such-python3" in lines[0]


@pytest.mark.parametrize(
    ("version", "executable"),
    [("3.10.13", None), ("3.12.1", "/opt/python3.12/bin/python3.12")],
    ids=["left by Python 3.10", "made by another interpreter"],
)
def test_a_venv_made_by_another_python_is_rebuilt_with_the_one_python_names(
    project: Path, version: str, executable: str | None
) -> None:
    # GIVEN a venv that another Python made (3.10 is what the failed first try used to leave)
    venv = project / ".venv"
    subprocess.run([THIS_PYTHON, "-m", "venv", "--without-pip", venv], check=True)
    cfg = venv / "pyvenv.cfg"
    text = cfg.read_text().replace(f"version = {THIS_VERSION}", f"version = {version}")
    if executable:
        text = re.sub(r"(?m)^executable = .*$", f"executable = {executable}", text)
    cfg.write_text(text)
    assert venv_made_by(venv) == version

    # WHEN make runs with PYTHON naming this interpreter
    result = make(project, "venv", f"PYTHON={THIS_PYTHON}")

    # THEN the venv is made again by it, and the requirements are installed
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rebuilding .venv" in result.stdout
    assert venv_made_by(venv) == THIS_VERSION
    assert (venv / ".requirements-sha256").exists()
    assert subprocess.run([venv / "bin" / "python", "-m", "pip", "--version"]).returncode == 0


def test_without_python_given_a_usable_venv_is_kept_and_the_older_python_is_not_asked(
    project: Path, tmp_path: Path
) -> None:
    # GIVEN a usable venv, and a default interpreter that is too old
    venv = project / ".venv"
    subprocess.run([THIS_PYTHON, "-m", "venv", "--without-pip", venv], check=True)
    requirements = b"".join((project / name).read_bytes() for name in REQUIREMENTS)
    (venv / ".requirements-sha256").write_text(hashlib.sha256(requirements).hexdigest())
    made = (venv / "pyvenv.cfg").stat().st_mtime_ns

    # WHEN make runs with PYTHON left to its default (here, an old python3 first on PATH)
    old = Path(fake_old_python(tmp_path))
    old.rename(old.with_name("python3"))
    path = f"{old.parent}{os.pathsep}{os.environ['PATH']}"
    result = subprocess.run(
        ["make", "--no-print-directory", "venv"],
        cwd=project,
        env=make_env(PATH=path),
        capture_output=True,
        text=True,
        check=False,
    )

    # THEN the venv stays as it was
    assert result.returncode == 0, result.stdout + result.stderr
    assert (venv / "pyvenv.cfg").stat().st_mtime_ns == made
