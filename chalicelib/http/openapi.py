"""The OpenAPI document, kept in the repo as chalicelib/openapi.json and served as is."""

from functools import cache
from pathlib import Path

OPENAPI_PATH = Path(__file__).with_name("openapi.json")


@cache
def openapi_document() -> str:
    return OPENAPI_PATH.read_text(encoding="utf-8")
