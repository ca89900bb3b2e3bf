"""A plain `make` lists every target, one line each, and builds nothing."""

import re
import subprocess
from pathlib import Path

from tests.devstack.support import PROJECT_DIR, make_env


def declared_targets() -> list[str]:
    makefile = (PROJECT_DIR / "Makefile").read_text()
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.M)
    assert phony, "the Makefile declares its targets in .PHONY"
    return phony.group(1).split()


def test_plain_make_lists_every_target_with_a_line_of_its_own(tmp_path: Path) -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", f"VENV={tmp_path / 'venv'}"],
        cwd=PROJECT_DIR,
        env=make_env(),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for target in declared_targets():
        described = [line for line in lines if line.split()[:1] == [target]]
        assert len(described) == 1, f"{target}: {described}"
        assert len(described[0].split()) > 2, f"{target} has no description"
    assert not (tmp_path / "venv").exists()
