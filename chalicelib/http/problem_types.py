"""Every kind of problem the service, or the gateway in front of it, answers with.

One table of slug, status and title. chalicelib.http.problems maps the
service's errors onto it, and infra/template.py builds the deployed
gateway's own answers from it, so the two cannot describe one problem in
two ways. A problem's `type` is `/problems/<slug>`.
"""

from typing import NamedTuple


class ProblemType(NamedTuple):
    status: int
    title: str


PROBLEM_TYPES: dict[str, ProblemType] = {
    "malformed-request": ProblemType(400, "Malformed request"),
    "unauthenticated": ProblemType(401, "Authentication required"),
    "not-found": ProblemType(404, "Not found"),
    "conflict": ProblemType(409, "Conflict"),
    "quota-exceeded": ProblemType(409, "Quota exceeded"),
    "gone": ProblemType(410, "Gone"),
    "precondition-failed": ProblemType(412, "Precondition failed"),
    "payload-too-large": ProblemType(413, "Payload too large"),
    "validation-error": ProblemType(422, "Invalid input"),
    "too-many-requests": ProblemType(429, "Too many requests"),
    "internal-error": ProblemType(500, "Internal server error"),
    "service-unavailable": ProblemType(503, "Service unavailable"),
    "gateway-timeout": ProblemType(504, "Gateway timeout"),
    # The gateway's other 5xx answers keep their own status; 502 is the usual one.
    "gateway-error": ProblemType(502, "Gateway error"),
    # Answers Chalice makes itself, before any view runs (wrong method, media type).
    "http-400": ProblemType(400, "Bad request"),
    "http-403": ProblemType(403, "Forbidden"),
    "http-404": ProblemType(404, "Not found"),
    "http-405": ProblemType(405, "Method not allowed"),
    "http-415": ProblemType(415, "Unsupported media type"),
    "http-500": ProblemType(500, "Internal server error"),
}
