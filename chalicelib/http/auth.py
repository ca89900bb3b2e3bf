"""Who is calling: the token on a request, checked and turned into a user id."""

from chalice.app import Request

from chalicelib import dependencies
from chalicelib.domain.errors import Unauthenticated
from chalicelib.domain.users import Caller
from chalicelib.http.requests import bearer_token
from chalicelib.platform import logs
from chalicelib.platform.tokens import TokenRejected, UnknownKey, VerifiedToken

_DETAILS = {
    "missing": "A token is required: send it in the `token` header or as `Authorization: Bearer`.",
    "expired": "The token has expired; log in again.",
    "invalid": "The token is invalid.",
}


def authenticated_caller(request: Request) -> Caller:
    """The caller the request's token names; Unauthenticated unless it verifies."""
    try:
        verified = _verified(bearer_token(request))
    except TokenRejected as rejection:
        raise Unauthenticated(rejection.reason, _DETAILS[rejection.reason]) from None
    logs.user_id.set(verified.subject)
    return Caller(verified.subject, verified.issued_ms)


def _verified(token: str | None) -> VerifiedToken:
    try:
        return dependencies.token_verifier().verify(token)
    except UnknownKey:
        # Signed with a key newer than this container's: the secret may just have rotated.
        if not dependencies.reread_signing_keys():
            raise
        return dependencies.token_verifier().verify(token)
