"""Deployment fixtures: the packaged stages, a stack deployed into moto, and a
recording of every AWS call the whole test suite makes.

The recording is moto's own request recorder. It sees calls made in process
under mock_aws and calls served by the embedded DynamoDB server, which is
where the HTTP-level suite's `chalice local` processes send theirs. moto
reads its settings when moto.moto_api is first imported, which happens on
the first request; this module is imported while tests are collected, before
any test runs.
"""

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib import dependencies
from infra.dev_stack import OFFLINE_AWS_ENV
from tests.deploy.sam_transform import sam_transform
from tests.deploy.support import STAGES, Deployment, Packaged, deploy_to_moto, make_package
from tests.support.client import Send, in_process

if "moto.moto_api" in sys.modules:
    raise RuntimeError("moto.moto_api was imported before the deploy tests could enable recording")
_handle, RECORDING = tempfile.mkstemp(prefix="moto-recording-", suffix=".jsonl")
os.close(_handle)
os.environ["MOTO_RECORDER_FILEPATH"] = RECORDING
os.environ["MOTO_ENABLE_RECORDING"] = "true"

SIMULATED_STAGE = "prod"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "after_all_others: runs last, to see what the suite did")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("after_all_others") is not None)


def pytest_sessionfinish() -> None:
    Path(RECORDING).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Packaged]:
    """`make package` for every deployable stage, once per session, into a temporary out/."""
    out_root = tmp_path_factory.mktemp("out")
    return {stage: make_package(stage, out_root) for stage in STAGES}


@pytest.fixture(scope="session")
def transformed(packages: dict[str, Packaged]) -> dict[str, dict[str, Any]]:
    """What CloudFormation's SAM transform makes of each stage's template."""
    return {stage: sam_transform(packaged.template) for stage, packaged in packages.items()}


@pytest.fixture(params=STAGES)
def packaged(request: pytest.FixtureRequest, packages: dict[str, Packaged]) -> Packaged:
    return packages[request.param]


@pytest.fixture
def deployment(
    packages: dict[str, Packaged], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Deployment]:
    """The prod template's table and secret created in moto, and the function's
    environment set exactly as the template sets it, references resolved."""
    for name, value in OFFLINE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    for name in ("JWT_SECRET", "JWT_SECRET_ARN", "TABLE_NAME", "DYNAMODB_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    dependencies.reset()
    with mock_aws():
        deployed = deploy_to_moto(packages[SIMULATED_STAGE])
        for name, value in deployed.environment.items():
            monkeypatch.setenv(name, value)
        yield deployed
    dependencies.reset()


@pytest.fixture
def deployed(deployment: Deployment) -> Iterator[Send]:
    """The app in process, in the simulated stage, on the deployment's resources."""
    from app import app

    with Client(app, stage_name=SIMULATED_STAGE) as client:
        yield in_process(client)
