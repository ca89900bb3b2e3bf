"""Every reply the HTTP-level suite receives is checked against chalicelib/http/openapi.json.

For the documented operation and status, the check covers: that the status is
listed, the Content-Type, the body against its schema, and each documented
header (present when required, and matching its schema when sent). Schemas
are JSON Schema 2020-12, as OpenAPI 3.1 says, validated with `jsonschema`
against the whole document so `$ref`s resolve as they do for any client.

Two kinds of reply are not the app's, so the document cannot list them, and
each is checked for what it is instead:

* an unlisted method on a documented path: the app's own 405 problem, whose
  Allow header must name exactly the documented methods (CORS preflights,
  OPTIONS, are answered by API Gateway / `chalice local` and pass unchecked);
* an undocumented path: the gateway's 404 problem (infra/template.py's answer
  for API Gateway's "missing authentication token", which the local server
  gives too), which never reaches the app.
"""

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from chalicelib.http.openapi import OPENAPI_PATH
from infra.local_server import no_route_reply

SPEC_URI = "urn:todo-service:openapi.json"
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


class ContractViolation(AssertionError):
    """A reply that the published OpenAPI document does not allow."""


class Contract:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource = DRAFT202012.create_resource(document)
        self._registry = Registry().with_resource(SPEC_URI, resource)
        self._validators: dict[str, Draft202012Validator] = {}
        # Templates with fewer parameters first, so a literal path beats a template.
        self._templates = sorted(document["paths"], key=lambda template: template.count("{"))

    @classmethod
    def load(cls, path: Path) -> "Contract":
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def check(
        self, method: str, target: str, status: int, headers: Mapping[str, str], text: str
    ) -> None:
        """Raise ContractViolation unless the reply to `method target` is documented."""
        headers = {name.lower(): value for name, value in headers.items()}
        template = self.template_for(urlsplit(target).path)
        label = f"{method} {target[:120]} -> {status}"
        if template is None:
            _check_gateway_miss(label, status, headers, text)
            return
        path_item = self.document["paths"][template]
        operation = method.lower()
        if operation not in path_item:
            self._check_unlisted_method(label, path_item, operation, status, headers, text)
            return
        responses_pointer = f"/paths/{_escape(template)}/{operation}/responses"
        if str(status) not in path_item[operation]["responses"]:
            raise ContractViolation(f"{label}: status {status} is not documented: {text[:300]}")
        response, pointer = self._resolve(f"{responses_pointer}/{status}")
        self._check_headers(label, response, pointer, headers)
        self._check_body(label, response, pointer, headers, text)

    def template_for(self, path: str) -> str | None:
        segments = path.split("/")
        for template in self._templates:
            parts = template.split("/")
            if len(parts) == len(segments) and all(
                part == segment or (part.startswith("{") and segment)
                for part, segment in zip(parts, segments, strict=True)
            ):
                return template
        return None

    def _check_unlisted_method(
        self,
        label: str,
        path_item: dict[str, Any],
        operation: str,
        status: int,
        headers: Mapping[str, str],
        text: str,
    ) -> None:
        if operation == "options":
            return  # CORS preflight: answered before the app, never by it
        documented = {name.upper() for name in path_item if name in HTTP_METHODS}
        allowed = {name.strip() for name in headers.get("allow", "").split(",")}
        if status != 405 or allowed != documented:
            raise ContractViolation(f"{label}: expected 405 with Allow {sorted(documented)}")
        self._validate(label, _json(label, text), "/components/schemas/Problem")

    def _check_headers(
        self, label: str, response: dict[str, Any], pointer: str, headers: Mapping[str, str]
    ) -> None:
        for name in response.get("headers", {}):
            header, header_pointer = self._resolve(f"{pointer}/headers/{_escape(name)}")
            value = headers.get(name.lower())
            if value is None:
                if header.get("required"):
                    raise ContractViolation(f"{label}: required header {name} is missing")
                continue
            self._validate(f"{label}: header {name}", value, f"{header_pointer}/schema")

    def _check_body(
        self,
        label: str,
        response: dict[str, Any],
        pointer: str,
        headers: Mapping[str, str],
        text: str,
    ) -> None:
        content = response.get("content")
        if not content:
            if text:
                raise ContractViolation(f"{label}: documented without a body, but has one")
            return
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type not in content:
            raise ContractViolation(f"{label}: Content-Type {media_type!r} not in {list(content)}")
        is_json = media_type == "application/json" or media_type.endswith("+json")
        instance = _json(label, text) if is_json else text
        schema_pointer = f"{pointer}/content/{_escape(media_type)}/schema"
        self._validate(f"{label}: body", instance, schema_pointer)

    def _resolve(self, pointer: str) -> tuple[dict[str, Any], str]:
        """The object at `pointer`, following local $refs, and where it really lives."""
        node = _at(self.document, pointer)
        while "$ref" in node:
            pointer = node["$ref"].removeprefix("#")
            node = _at(self.document, pointer)
        return node, pointer

    def _validate(self, label: str, instance: Any, pointer: str) -> None:
        validator = self._validators.get(pointer)
        if validator is None:
            schema = {"$ref": f"{SPEC_URI}#{pointer}"}
            validator = Draft202012Validator(schema, registry=self._registry)
            self._validators[pointer] = validator
        error = best_match(validator.iter_errors(instance))
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path) or "(root)"
            raise ContractViolation(f"{label} breaks {pointer} at {where}: {error.message}")


@cache
def published_contract() -> Contract:
    return Contract.load(OPENAPI_PATH)


def check_reply(method: str, target: str, reply: Any, text: str) -> None:
    """tests/support/client.py's Check: the reply to `method target`, against the document."""
    published_contract().check(method, target, reply.status, reply.headers, text)


def _check_gateway_miss(label: str, status: int, headers: Mapping[str, str], text: str) -> None:
    expected_status, expected_headers, expected_body = no_route_reply("")
    body = _json(label, text)
    if isinstance(body, dict):
        body = {**body, "request_id": ""}  # the one part that varies
    if status != expected_status or body != json.loads(expected_body):
        raise ContractViolation(f"{label}: undocumented path, and not the gateway's 404 problem")
    if headers.get("content-type") != expected_headers["Content-Type"]:
        raise ContractViolation(f"{label}: undocumented path, but Content-Type is not problem+json")


def _json(label: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise ContractViolation(f"{label}: body is not JSON: {text[:200]!r}") from None


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _at(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for token in pointer.lstrip("/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node
