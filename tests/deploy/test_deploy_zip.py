"""deployment.zip stands on its own, as Lambda runs it.

It is unpacked into an empty folder and its handler is loaded by a fresh
Python of the Lambda runtime's version with nothing installed but boto3 (which
the Lambda runtime provides), then fed API Gateway proxy events. The calls go
to the embedded moto server: DynamoDB through DYNAMODB_ENDPOINT_URL and
Secrets Manager through botocore's AWS_ENDPOINT_URL_SECRETS_MANAGER.
"""

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra.dev_stack import OFFLINE_AWS_ENV, create_table
from infra.local_stack import embedded_database
from infra.template import FUNCTION, SECRET, TABLE
from tests.deploy.support import PROJECT_DIR, Packaged, function_environment, resolve
from tests.support.api import credentials, v1_account, v2_account
from tests.support.values import PASSWORD

STAGE = "prod"
NEW_PASSWORD = "another long password"
BOTO3_CACHE = PROJECT_DIR / "out" / ".cache"
# Newest glibc of each runtime's Amazon Linux: 2.26 on AL2, 2.34 on AL2023.
MAX_GLIBC_MINOR = {"python3.11": 26, "python3.12": 34, "python3.13": 34}

DRIVER = """
import json, sys, types
task_root, handler_path, events = sys.argv[1], sys.argv[2], json.loads(sys.stdin.read())
sys.path.insert(0, task_root)
module_name, attribute = handler_path.rsplit(".", 1)
handler = getattr(__import__(module_name), attribute)
context = types.SimpleNamespace(aws_request_id="lambda-request", function_name="todo-api")
results, learned = [], {}
for event in events:
    text = json.dumps(event)
    for name, value in learned.items():
        text = text.replace("<" + name + ">", value)
    result = handler(json.loads(text), context)
    try:
        body = json.loads(result["body"])
    except ValueError:
        body = None
    if isinstance(body, dict):
        kept = ("token", "access_token", "refresh_token")
        learned.update({k: body[k] for k in kept if k in body})
        if "title" in body and "id" in body:
            learned["todo_id"] = body["id"]
    results.append(result)
names = ["argon2", "_argon2_cffi_bindings._ffi", "_cffi_backend", "jwt", "chalice", "botocore"]
origins = {name: sys.modules[name].__file__ for name in names if name in sys.modules}
modules = sorted(sys.modules)
print(json.dumps({"results": results, "origins": origins, "modules": modules, "path": sys.path}))
"""


def proxy_event(
    method: str,
    resource: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    path: str | None = None,
) -> dict:
    """An API Gateway REST proxy event, as the gateway sends it to the function.

    `<token>`, `<access_token>` and `<todo_id>` in it are filled in by the
    driver from earlier answers.
    """
    path = path or resource
    headers = {
        **({"Content-Type": "application/json"} if body is not None else {}),
        **(headers or {}),
    }
    names = re.findall(r"{(\w+)}", resource)
    values = re.fullmatch(re.sub(r"{\w+}", "([^/]+)", resource), path)
    assert values, (resource, path)
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": dict(zip(names, values.groups(), strict=True)) or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/api{path}",
            "stage": "api",
            "requestId": f"gateway-{method}-{path}",
            "identity": {"sourceIp": "203.0.113.7"},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def every_route() -> list[tuple[dict, int]]:
    """One request to each route the app has, in an order that works, with its status."""
    v1_user, v1_login, v2_user = v1_account("maxwell"), credentials("maxwell"), v2_account("ada")
    token = {"token": "<token>"}
    bearer = {"Authorization": "Bearer <access_token>"}
    todo, todo_path = "/v2/todos/{todo_id}", "/v2/todos/<todo_id>"
    washing = {"title": "washing", "status": "PENDING"}
    refresh = {"grant_type": "refresh_token", "refresh_token": "<refresh_token>"}
    password_change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    return [
        (proxy_event("POST", "/v1/user/create", v1_user), 201),  # hashes the password
        (proxy_event("POST", "/v1/auth/login", v1_login), 200),  # verifies it
        (proxy_event("GET", "/v1/auth/login", v1_login), 200),
        (proxy_event("GET", "/v1/auth/ping"), 200),
        (proxy_event("GET", "/v1/auth/logout"), 200),
        (
            proxy_event("POST", "/v1/item/create/{title}", None, token, "/v1/item/create/washing"),
            200,
        ),
        (proxy_event("GET", "/v1/item/get", None, token), 200),  # reads DynamoDB
        (proxy_event("POST", "/v1/item/edit", washing, token), 200),
        (proxy_event("POST", "/v1/item/delete", washing, token), 200),
        (proxy_event("POST", "/v2/users", v2_user), 201),
        (proxy_event("POST", "/v2/auth/token", credentials("ada")), 200),
        (proxy_event("POST", "/v2/todos", {"title": "washing"}, bearer), 201),
        (proxy_event("GET", "/v2/todos", None, bearer), 200),
        (proxy_event("GET", todo, None, bearer, todo_path), 200),
        (proxy_event("PATCH", todo, {"status": "DONE"}, bearer, todo_path), 200),
        (proxy_event("DELETE", todo, None, bearer, todo_path), 204),
        (proxy_event("POST", "/v2/auth/token", refresh), 200),
        (proxy_event("GET", "/v2/users/me", None, bearer), 200),
        (proxy_event("PUT", "/v2/users/me/password", password_change, bearer), 204),
        (proxy_event("POST", "/v2/auth/revoke", {"token": "<refresh_token>"}), 200),
        (proxy_event("POST", "/v2/auth/token", credentials("ada", NEW_PASSWORD)), 200),
        (proxy_event("DELETE", "/v2/users/me/sessions", None, bearer), 204),
        (proxy_event("POST", "/v2/auth/token", credentials("ada", NEW_PASSWORD)), 200),
        (proxy_event("DELETE", "/v2/users/me", {"password": NEW_PASSWORD}, bearer), 204),
        (proxy_event("GET", "/v2/openapi.json"), 200),
        (proxy_event("GET", "/"), 200),
        (proxy_event("GET", "/static/{name}", None, None, "/static/app.js"), 200),
    ]


@pytest.fixture(scope="module")
def task_root(packages: dict[str, Packaged], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip unpacked as Lambda unpacks it into /var/task: read-only."""
    root = tmp_path_factory.mktemp("var-task")
    assert not any(root.iterdir())
    with zipfile.ZipFile(packages[STAGE].zip_path) as archive:
        archive.extractall(root)
    for path in [*root.rglob("*"), root]:
        path.chmod(path.stat().st_mode & ~0o222)
    return root


@pytest.fixture(scope="module")
def lambda_python(packages: dict[str, Packaged], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv of the runtime's Python version, with only boto3 on its path."""
    runtime_name = packages[STAGE].properties(FUNCTION)["Runtime"]
    version = runtime_name.removeprefix("python")
    base = (
        sys._base_executable if f"{sys.version_info[0]}.{sys.version_info[1]}" == version else None
    )
    interpreter = base or shutil.which(f"python{version}")
    assert interpreter, f"the tests need a {runtime_name} interpreter, as Lambda runs"
    venv = tmp_path_factory.mktemp("lambda-venv")
    subprocess.run([interpreter, "-m", "venv", "--without-pip", str(venv)], check=True)
    (site_packages,) = venv.glob("lib/python*/site-packages")
    (site_packages / "lambda-runtime-boto3.pth").write_text(f"{boto3_for(version)}\n")
    return venv / "bin" / "python"


def boto3_for(version: str) -> Path:
    """boto3 and its dependencies installed into their own folder, cached in out/.cache."""
    pinned = re.search(r"^boto3==(\S+)$", (PROJECT_DIR / "requirements-dev.txt").read_text(), re.M)
    assert pinned, "requirements-dev.txt pins boto3"
    target = BOTO3_CACHE / f"boto3-{pinned.group(1)}-py{version}"
    if not target.exists():
        partial = BOTO3_CACHE / f"{target.name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        command += ["--only-binary=:all:", "--python-version", version, "--target", str(partial)]
        subprocess.run([*command, f"boto3=={pinned.group(1)}"], check=True)
        partial.rename(target)
    return target


@pytest.fixture(scope="module")
def aws_endpoint() -> Iterator[str]:
    """The embedded database, with this process's AWS clients given its dummy credentials."""
    with embedded_database() as endpoint, pytest.MonkeyPatch.context() as patch:
        for name, value in OFFLINE_AWS_ENV.items():
            patch.setenv(name, value)
        yield endpoint


def run_handler(
    python: Path, task_root: Path, packaged: Packaged, environment: dict[str, str], events: list
) -> dict[str, Any]:
    handler = packaged.properties(FUNCTION)["Handler"]
    result = subprocess.run(
        [str(python), "-I", "-c", DRIVER, str(task_root), handler],
        input=json.dumps(events),
        capture_output=True,
        text=True,
        cwd=task_root,
        env=environment,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def lambda_environment(packaged: Packaged, endpoint: str, task_root: Path) -> dict[str, str]:
    """The function's environment from the template, resolved against the embedded server."""
    name = f"zip-test-{packaged.stage}-{uuid.uuid4().hex[:8]}"
    create_table(endpoint, name)
    secrets = boto3.client("secretsmanager", endpoint_url=endpoint, region_name="us-east-1")
    generated = secrets.get_random_password(**packaged.properties(SECRET)["GenerateSecretString"])
    arn = secrets.create_secret(Name=name, SecretString=generated["RandomPassword"])["ARN"]
    variables = function_environment(packaged)
    resolved = {key: resolve(value, {TABLE: name, SECRET: arn}) for key, value in variables.items()}
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LAMBDA_TASK_ROOT": str(task_root),
        "AWS_REGION": "us-east-1",
        **OFFLINE_AWS_ENV,
        **resolved,
        "DYNAMODB_ENDPOINT_URL": endpoint,
        "AWS_ENDPOINT_URL_SECRETS_MANAGER": endpoint,
    }


@pytest.mark.parametrize("dont_write_bytecode", [True, False])
def test_the_unpacked_zip_serves_every_route_with_only_boto3_beside_it(
    packages: dict[str, Packaged],
    task_root: Path,
    lambda_python: Path,
    aws_endpoint: str,
    dont_write_bytecode: bool,
) -> None:
    # GIVEN the zip unpacked alone, read-only, and a Python with nothing but boto3
    packaged = packages[STAGE]
    environment = lambda_environment(packaged, aws_endpoint, task_root)
    if dont_write_bytecode:
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
    requests = every_route()
    from app import app

    app_routes = {(method, path) for path, methods in app.routes.items() for method in methods}
    assert {(event["httpMethod"], event["resource"]) for event, _ in requests} == app_routes
    # WHEN the handler serves the gateway's events, one for each route
    output = run_handler(lambda_python, task_root, packaged, environment, [e for e, _ in requests])
    # THEN each answers as the service should
    results = output["results"]
    routes = [f"{event['httpMethod']} {event['resource']}" for event, _ in requests]
    answered = [
        (route, result["statusCode"]) for route, result in zip(routes, results, strict=True)
    ]
    expected = [(route, status) for route, (_, status) in zip(routes, requests, strict=True)]
    assert answered == expected, [result["body"][:200] for result in results]
    assert json.loads(results[0]["body"]) == {"username": "maxwell", "email": "maxwell@example.com"}
    created = json.loads(results[11]["body"])
    assert results[11]["headers"]["Location"] == f"/api/v2/todos/{created['id']}"
    # AND the native code came from the zip, botocore from the runtime's copy, nothing from here
    origins = output["origins"]
    for name in ("argon2", "_argon2_cffi_bindings._ffi", "_cffi_backend", "jwt", "chalice"):
        assert origins[name].startswith(str(task_root)), (name, origins[name])
    assert origins["botocore"].startswith(str(BOTO3_CACHE))
    assert not any(
        str(PROJECT_DIR) in entry for entry in output["path"] if "out/.cache" not in entry
    )
    # AND argon2 hashed and verified with only cffi's compiled backend, which is all the zip has
    assert not (task_root / "cffi").exists()
    assert not (task_root / "pycparser").exists()
    assert not {m for m in output["modules"] if m.split(".")[0] in {"cffi", "pycparser"}}


def test_every_wheel_in_the_zip_is_built_for_lambdas_platform(packaged: Packaged) -> None:
    runtime_name = packaged.properties(FUNCTION)["Runtime"]
    max_glibc = MAX_GLIBC_MINOR[runtime_name]
    python_tag = "cp" + runtime_name.removeprefix("python").replace(".", "")
    with zipfile.ZipFile(packaged.zip_path) as archive:
        wheels = [n for n in archive.namelist() if n.endswith(".dist-info/WHEEL")]
        tags = {n: re.findall(r"^Tag: (\S+)$", archive.read(n).decode(), re.M) for n in wheels}
        shared_objects = [n for n in archive.namelist() if n.endswith(".so")]
        machines = {n: archive.read(n)[:20] for n in shared_objects}
    assert wheels
    for wheel, wheel_tags in tags.items():
        assert any(_fits_lambda(t, python_tag, max_glibc) for t in wheel_tags), (wheel, wheel_tags)
    assert shared_objects
    for name, header in machines.items():
        # An ELF file for x86-64: the magic number, then e_machine 0x3E at offset 18.
        assert header[:4] == b"\x7fELF", name
        assert header[18:20] == b"\x3e\x00", name


def _fits_lambda(tag: str, python_tag: str, max_glibc_minor: int) -> bool:
    interpreter, abi, platform = tag.split("-")
    if platform == "any":
        return abi == "none"
    python_ok = interpreter == python_tag or (abi == "abi3" and interpreter <= python_tag)
    legacy = {"manylinux1_x86_64": 5, "manylinux2010_x86_64": 12, "manylinux2014_x86_64": 17}
    match = re.fullmatch(r"manylinux_2_(\d+)_x86_64", platform)
    glibc_minor = int(match.group(1)) if match else legacy.get(platform)
    return python_ok and glibc_minor is not None and glibc_minor <= max_glibc_minor


def test_every_module_ships_as_bytecode_of_the_runtimes_python_and_no_source(
    packaged: Packaged,
) -> None:
    """Lambda's code directory is read-only: a source there is compiled on every cold start."""
    runtime = packaged.properties(FUNCTION)["Runtime"].removeprefix("python")
    assert runtime == f"{sys.version_info.major}.{sys.version_info.minor}"
    with zipfile.ZipFile(packaged.zip_path) as archive:
        names = archive.namelist()
        headers = {n: archive.read(n)[:8] for n in names if n.endswith(".pyc")}
    assert [n for n in names if n.endswith(".py")] == []
    assert {"app.pyc", "chalicelib/http/v2.pyc", "jwt/api_jwt.pyc", "chalice/app.pyc"} <= set(
        headers
    )
    for name, header in headers.items():
        # The runtime's magic number, then flags 0b01: hash-based and never checked
        # against a source, so the files' times in the zip never matter.
        assert header[:4] == importlib.util.MAGIC_NUMBER, name
        assert int.from_bytes(header[4:8], "little") == 0b01, name


def test_the_zip_leaves_out_what_the_runtime_never_imports(packaged: Packaged) -> None:
    with zipfile.ZipFile(packaged.zip_path) as archive:
        names = archive.namelist()
    never_imported = ("cffi/", "pycparser/", "jwt/jwks_client", "jwt/help", "argon2/__main__")
    assert [n for n in names if n.startswith(never_imported)] == []
    metadata = [n for n in names if ".dist-info/" in n]
    assert {n.rsplit("/", 1)[-1] for n in metadata} == {"WHEEL", "LICENSE"}


# The zip's size, held so that growth is always a decision. 300 KB when modules
# first shipped as bytecode (296,619 bytes); accounts and sessions added 23 KB.
ZIP_BUDGET_BYTES = 330_000


def test_the_zip_stays_within_its_budget(packaged: Packaged) -> None:
    assert packaged.zip_path.stat().st_size <= ZIP_BUDGET_BYTES
