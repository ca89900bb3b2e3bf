"""The glue of infra/emulator/ still fits the LocalStack the lock installs.

executor.py and cloudformation_fixes.py use LocalStack internals that no
release promises to keep; if an upgrade of the lock moves one, this names it,
rather than the first deploy failing somewhere inside the emulator.
"""

import json
import os
import subprocess

import pytest

from infra.emulator.control import CACHE_DIR, PROJECT_DIR, ensure_venv

pytestmark = pytest.mark.usefixtures("emulator_available")


def in_emulator_venv(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ensure_venv()), "-c", code],
        cwd=PROJECT_DIR,
        env={**os.environ, "XDG_CACHE_HOME": str(CACHE_DIR)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_localstack_internal_the_executor_uses_is_there() -> None:
    result = in_emulator_venv(
        "import json; from infra.emulator.executor import check_internals; "
        "print(json.dumps(check_internals()))"
    )

    assert result.returncode == 0, f"infra.emulator.executor cannot load: {result.stderr}"
    missing = json.loads(result.stdout)
    assert missing == [], f"LocalStack internals that infra/emulator/executor.py uses: {missing}"


def test_every_localstack_internal_the_cloudformation_hook_uses_is_there() -> None:
    result = in_emulator_venv(
        "import importlib, json\n"
        "from infra.emulator.cloudformation_fixes import INTERNALS\n"
        "print(json.dumps([f'{m}.{n}' for m, names in INTERNALS for n in names\n"
        "    if not hasattr(importlib.import_module(m), n)]))"
    )

    assert result.returncode == 0, (
        f"infra.emulator.cloudformation_fixes cannot load: {result.stderr}"
    )
    missing = json.loads(result.stdout)
    assert missing == [], f"LocalStack internals that cloudformation_fixes.py uses: {missing}"


def test_localstack_finds_the_cloudformation_hook_and_it_takes_effect() -> None:
    result = in_emulator_venv(
        "from plux import PluginManager\n"
        "from infra.emulator.cloudformation_fixes import match_aws_cloudformation\n"
        "from localstack.services.cloudformation.engine import resource_ordering\n"
        "from localstack.services.cloudformation.resource_provider import (\n"
        "    ResourceProviderExecutor as executor)\n"
        "print('match_aws_cloudformation' in\n"
        "    PluginManager('localstack.hooks.on_infra_start').list_names())\n"
        "match_aws_cloudformation()\n"
        "deps = resource_ordering.get_deps_for_resource(\n"
        "    {'Properties': {}, 'UpdatePolicy': {'X': {'Ref': 'DeploymentGroup'}}}, {})\n"
        "print(sorted(deps))\n"
        "removal = {'action': 'Remove'}\n"
        "kept = executor.deploy_loop(None, None, {'DeletionPolicy': 'Retain'}, removal)\n"
        "print(kept.status.name)"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "['DeploymentGroup']", "SUCCESS"]
