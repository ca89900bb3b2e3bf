"""Entity tags and the If-Match / If-None-Match preconditions of RFC 9110.

A header is parsed as a whole: `*`, or a comma-separated list of entity
tags, each `"opaque"` or `W/"opaque"`. Anything else is a malformed request
(400) rather than something to search for a tag-like substring. The list is
capped, because each tag becomes an operand of a DynamoDB condition and
DynamoDB refuses an IN with more than 100 of them.
"""

import re
from typing import NamedTuple

from chalicelib.domain.errors import MalformedRequest

MAX_TAGS = 16
# One list element and the comma (or end) after it. Empty elements are
# tolerated, as RFC 9110 section 5.6.1.2 asks of recipients. `weak` is
# case-sensitive and takes no space before the quote. Any character past
# ASCII counts as obs-text, so a header reads the same whether it arrived
# as latin-1 bytes over the wire or as text in-process. The tag's characters
# (%x21, %x23-7E and everything past ASCII) are written as their complement:
# the same set, and a tenth of the compile time at a cold start.
_ELEMENT = re.compile(r'[ \t]*(?:(W/)?"([^\x00-\x20"\x7f]*)")?[ \t]*(,|\Z)')
# Our versions, written the one way etag_for writes them: no sign, no
# leading zero, and short enough for DynamoDB's numbers.
_VERSION = re.compile(r"[1-9][0-9]{0,17}")


class EntityTag(NamedTuple):
    opaque: str
    weak: bool


class Precondition(NamedTuple):
    """A parsed If-Match or If-None-Match: any current entity (`*`), or these tags."""

    any_entity: bool
    tags: tuple[EntityTag, ...]


def etag_for(version: int) -> str:
    return f'"{version}"'


def parse_precondition(header: str, name: str) -> Precondition:
    if header.strip(" \t") == "*":
        return Precondition(True, ())
    tags = _tag_list(header, name)
    if not tags:
        raise MalformedRequest(f"{name} must be * or a list of entity tags.")
    if len(tags) > MAX_TAGS:
        raise MalformedRequest(f"{name} may list at most {MAX_TAGS} entity tags.")
    return Precondition(False, tuple(tags))


def if_match_versions(header: str | None) -> tuple[int, ...] | None:
    """The versions an If-Match header accepts; None when it sets no condition.

    Strong comparison: a weak tag never matches, and neither does any
    opaque text other than a version as etag_for writes it ("01" is not
    "1"). A list that can match nothing gives an empty tuple, which the
    store turns into 412 (or 404 when there is no such todo).
    """
    if header is None:
        return None
    precondition = parse_precondition(header, "If-Match")
    if precondition.any_entity:
        return None
    return tuple(
        int(tag.opaque)
        for tag in precondition.tags
        if not tag.weak and _VERSION.fullmatch(tag.opaque)
    )


def if_none_match_hits(header: str | None, current: str) -> bool:
    """Whether If-None-Match names `current` (an entity tag with its quotes).

    Weak comparison: W/"3" and "3" both match "3"; the opaque text must be equal.
    """
    if header is None:
        return False
    precondition = parse_precondition(header, "If-None-Match")
    current_opaque = current.removeprefix("W/").strip('"')
    return precondition.any_entity or any(t.opaque == current_opaque for t in precondition.tags)


def _tag_list(header: str, name: str) -> list[EntityTag]:
    tags: list[EntityTag] = []
    position = 0
    while True:
        element = _ELEMENT.match(header, position)
        if element is None:
            raise MalformedRequest(f"{name} must be * or a list of entity tags.")
        weak, opaque, separator = element.groups()
        if opaque is not None:
            tags.append(EntityTag(opaque, weak is not None))
        if not separator:
            return tags
        position = element.end()
