"""Signing keys: tokens name their key, and rotation keeps the previous one for a while."""

import jwt
import pytest

from chalicelib.http.cursors import BadCursor, decode_cursor, encode_cursor
from chalicelib.platform.signing_keys import SigningKeys
from chalicelib.platform.tokens import TokenIssuer, TokenRejected, issue_token, verify_claims

ISSUER = "todo-service"
USER = "0123456789abcdef0123456789abcdef"
OLDEST, OLD, NEW = (f"signing-secret-{n}-".encode() * 3 for n in range(3))


def issued_with(secret: bytes) -> str:
    return TokenIssuer(SigningKeys.of(secret).current, ISSUER).issue(USER, ttl_minutes=5)


def test_a_token_names_its_key_by_an_id_that_does_not_reveal_it() -> None:
    token = issued_with(NEW)
    kid = jwt.get_unverified_header(token)["kid"]
    assert kid == SigningKeys.of(NEW).current.kid
    assert NEW.decode() not in kid
    assert len(kid) == 16


def test_after_a_rotation_tokens_of_the_previous_key_still_verify() -> None:
    rotated = SigningKeys.of(NEW, previous=OLD)
    for token in (issued_with(NEW), issued_with(OLD)):
        assert verify_claims(token, keys=rotated, issuer=ISSUER).subject == USER


def test_after_two_rotations_tokens_of_the_oldest_key_are_refused() -> None:
    rotated_twice = SigningKeys.of(NEW, previous=OLD)
    with pytest.raises(TokenRejected, match="invalid"):
        verify_claims(issued_with(OLDEST), keys=rotated_twice, issuer=ISSUER)


def test_a_token_naming_a_known_key_but_signed_with_another_is_refused() -> None:
    rotated = SigningKeys.of(NEW, previous=OLD)
    forged = jwt.encode(
        {"sub": USER, "iat": 1, "exp": 9_999_999_999, "iss": ISSUER},
        OLDEST,
        algorithm="HS256",
        headers={"kid": rotated.current.kid},
    )
    with pytest.raises(TokenRejected, match="invalid"):
        verify_claims(forged, keys=rotated, issuer=ISSUER)


def test_a_token_from_before_key_ids_verifies_with_the_current_key_only() -> None:
    no_kid = issue_token(USER, secret=NEW, issuer=ISSUER, ttl_minutes=5)
    assert "kid" not in jwt.get_unverified_header(no_kid)
    assert verify_claims(no_kid, keys=SigningKeys.of(NEW, OLD), issuer=ISSUER).subject == USER
    with pytest.raises(TokenRejected):
        verify_claims(no_kid, keys=SigningKeys.of(OLDEST, NEW), issuer=ISSUER)


def test_cursors_are_signed_with_derived_keys_and_survive_one_rotation() -> None:
    position = {"after": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}
    before = SigningKeys.of(OLD)
    signed = {"purpose": "todos", "user_id": USER}
    cursor = encode_cursor(position, **signed, secret=before.cursor_keys()[0])
    assert before.cursor_keys()[0] != OLD
    after = SigningKeys.of(NEW, previous=OLD)
    assert decode_cursor(cursor, **signed, secrets=after.cursor_keys()) == position
    signed_with_token_key = encode_cursor(position, **signed, secret=OLD)
    with pytest.raises(BadCursor):
        decode_cursor(signed_with_token_key, **signed, secrets=after.cursor_keys())
