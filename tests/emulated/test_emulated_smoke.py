"""`make smoke` against the emulated stage's URL, as `make emulate` tells a user to run it."""

import subprocess

from infra.emulator.control import PROJECT_DIR
from tests.devstack.support import make_env
from tests.emulated.conftest import EmulatedStack


def test_make_smoke_passes_against_the_emulated_url(emulated: EmulatedStack) -> None:
    command = ["make", "--no-print-directory", "smoke"]
    command += [f"URL={emulated.base_url}", f"RESOLVE={emulated.resolve}"]
    result = subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env=make_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"make smoke against {emulated.base_url}" in result.stdout
    assert result.stdout.rstrip().endswith("0 failed, 0 skipped"), result.stdout
