"""Property-based: schemathesis generates requests from the published document.

Every operation's parameters and bodies, valid and invalid, go to a live
`chalice local` (the session's stack) with a real bearer token. The run fails
on any 5xx and on any reply whose status, content type, headers or body the
document does not allow. Seeded and derandomized, so every run sends the same
cases; bounded at MAX_EXAMPLES per operation for fuzzing, plus the coverage
phase's boundary and wrong-method cases: about 770 requests, half a minute.

The document is loaded from chalicelib/http/openapi.json at import time, because
schemathesis's fixture-based loader (`schemathesis.pytest.from_fixture`)
reads `Node._nodeid`, which pytest 9.2 no longer has. The module first checks
that the live server serves exactly that file, so this is the served spec.

`positive_data_acceptance` is off: some server rules (no whitespace, control
or format characters, by Unicode category) are stricter than JSON Schema can
state without \\p{...} classes, so a schema-valid username may rightly get the
documented 422. The stateful phase (following links) is off to keep the run
short; the hand-written v2 tests cover those sequences.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from chalicelib.http.openapi import OPENAPI_PATH
from tests.support.client import http_client

if TYPE_CHECKING:
    from schemathesis import Case

    from tests.support.api import V2

pytestmark = pytest.mark.http

SEED = 20261125
MAX_EXAMPLES = 20
# `chalice local` serves only these methods. Its stdlib HTTP server answers any
# other (TRACE, QUERY) with its own HTML 501 before app code runs, and API
# Gateway REST APIs have no such methods to route, so those cases are not sent.
SERVED_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "phases": {"stateful": {"enabled": False}},
        "checks": {"positive_data_acceptance": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_path(OPENAPI_PATH, config=CONFIG)


class CaseCount:
    value = 0


@pytest.fixture(scope="module")
def fuzz_headers(base_url: str, v2: V2) -> dict[str, str]:
    served = http_client(base_url, raw=True)("GET", "/v2/openapi.json")
    assert served.body.encode() == OPENAPI_PATH.read_bytes()
    return {"Authorization": f"Bearer {v2.new_user()}"}


@pytest.fixture(scope="module")
def case_count(request: pytest.FixtureRequest) -> Iterator[CaseCount]:
    count = CaseCount()
    yield count
    assert count.value > 0, "schemathesis generated no cases"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nschemathesis: {count.value} cases sent")


@schema.parametrize()
def test_no_generated_request_gets_a_5xx_or_a_reply_the_document_forbids(
    case: Case, base_url: str, fuzz_headers: dict[str, str], case_count: CaseCount
) -> None:
    if case.method.upper() not in SERVED_METHODS:
        return
    case_count.value += 1
    case.call_and_validate(base_url=base_url, headers=fuzz_headers)
