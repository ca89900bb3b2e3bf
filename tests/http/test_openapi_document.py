"""The published OpenAPI document: served as kept, complete, and well formed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from jsonschema import Draft202012Validator

from app import app
from chalicelib.http.openapi import OPENAPI_PATH
from tests.http.openapi_contract import HTTP_METHODS
from tests.support.client import http_client

if TYPE_CHECKING:
    from tests.support.client import Send

pytestmark = pytest.mark.http

DOCUMENT = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
OPERATIONS = sorted(
    (path, method.upper())
    for path, item in DOCUMENT["paths"].items()
    for method in item
    if method in HTTP_METHODS
)
SAMPLE_PATH_VALUES = {"{todo_id}": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "{title}": "x", "{name}": "a.js"}


def test_the_served_document_is_the_repository_file_byte_for_byte(base_url: str) -> None:
    served = http_client(base_url, raw=True)("GET", "/v2/openapi.json")

    assert served.body.encode() == OPENAPI_PATH.read_bytes()
    assert served.headers["Content-Type"] == "application/json"


def test_the_document_lists_exactly_the_apps_routes_and_methods() -> None:
    routes = {(path, method) for path, entries in app.routes.items() for method in entries}

    assert set(OPERATIONS) == routes


def test_the_document_is_openapi_3_1_and_operation_ids_are_unique() -> None:
    ids = [DOCUMENT["paths"][path][method.lower()]["operationId"] for path, method in OPERATIONS]

    assert DOCUMENT["openapi"].startswith("3.1.")
    assert len(ids) == len(set(ids)) == len(OPERATIONS)


def objects(node: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON object in the document, with its JSON pointer."""
    if isinstance(node, dict):
        yield pointer, node
        children = node.items()
    elif isinstance(node, list):
        children = enumerate(node)
    else:
        return
    for key, child in children:
        yield from objects(child, f"{pointer}/{key}")


def resolves(ref: str) -> bool:
    target: Any = DOCUMENT
    for token in ref.removeprefix("#/").split("/"):
        key = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or key not in target:
            return False
        target = target[key]
    return ref.startswith("#/")


def test_every_ref_resolves_and_every_schema_is_valid_json_schema_2020_12() -> None:
    refs = [(at, node["$ref"]) for at, node in objects(DOCUMENT) if "$ref" in node]
    schemas = [node["schema"] for _, node in objects(DOCUMENT) if "schema" in node]
    schemas += DOCUMENT["components"]["schemas"].values()

    assert [(at, ref) for at, ref in refs if not resolves(ref)] == []
    for schema in schemas:
        Draft202012Validator.check_schema(schema)
    assert len(refs) > 100


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_every_operation_answers_a_non_json_content_type_with_its_documented_415(
    send: Send, path: str, method: str
) -> None:
    # The send fixture checks the reply against this operation's documented 415.
    for placeholder, value in SAMPLE_PATH_VALUES.items():
        path = path.replace(placeholder, value)

    reply = send(method, path, "x", {"Content-Type": "text/plain"})

    assert reply.status == 415
    assert reply.headers["Content-Type"] == "application/problem+json"
