"""Entity tags for todos: a strong ETag per stored version."""

import re

_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*(?:,|$)')
# Our versions are small ASCII integers. Anything else, including Unicode
# digits int() refuses and numbers too long for DynamoDB, matches nothing.
_VERSION = re.compile(r"[0-9]{1,18}")


def etag_for(version: int) -> str:
    return f'"{version}"'


def parse_tag_list(header: str) -> tuple[bool, list[tuple[bool, str]]]:
    """Split an If-Match / If-None-Match value into (is_star, [(weak, opaque)])."""
    if header.strip() == "*":
        return True, []
    return False, [(bool(m.group(1)), m.group(2)) for m in _TAG.finditer(header)]


def if_match_versions(header: str | None) -> list[int] | None:
    """Versions an If-Match header accepts; None means no precondition.

    If-Match uses strong comparison, so weak tags never match. Tags that are
    not ours match nothing, which the store reports as 412 (or 404).
    """
    if header is None:
        return None
    star, tags = parse_tag_list(header)
    if star:
        return None
    versions = [int(tag) for weak, tag in tags if not weak and _VERSION.fullmatch(tag)]
    return versions or [-1]


def if_none_match_hits(header: str | None, current: str) -> bool:
    """Whether If-None-Match names the current entity tag (given with its quotes).

    It uses weak comparison: W/"3" and "3" both match "3".
    """
    if header is None:
        return False
    star, tags = parse_tag_list(header)
    return star or any(f'"{opaque}"' == current for _weak, opaque in tags)
