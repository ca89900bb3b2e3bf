"""The per-container cache of verified tokens: what it lets through, and what it never does."""

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.platform import tokens
from chalicelib.platform.tokens import TokenRejected, TokenVerifier, issue_token

SECRET = b"token-cache-tests-secret-" * 3
ISSUER = "todo-service"
USER = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every token PyJWT is asked to verify, in order."""
    seen: list[str] = []
    real_decode = tokens.jwt.decode

    def counting_decode(token: str, *args: object, **kwargs: object) -> dict:
        seen.append(token)
        return real_decode(token, *args, **kwargs)

    monkeypatch.setattr(tokens.jwt, "decode", counting_decode)
    return seen


def token_for(user: str = USER, minutes: int = 5) -> str:
    return issue_token(user, secret=SECRET, issuer=ISSUER, ttl_minutes=minutes)


def test_a_verified_token_is_not_verified_again(decodes: list[str]) -> None:
    verifier = TokenVerifier(SECRET, ISSUER)
    token = token_for()
    first, second = verifier.verify(token), verifier.verify(token)
    assert first == second
    assert first.subject == USER
    assert decodes == [token]


@pytest.mark.parametrize("position", [0, 40, -1])
def test_a_token_one_character_away_from_a_cached_one_is_verified_and_refused(
    decodes: list[str], position: int
) -> None:
    verifier = TokenVerifier(SECRET, ISSUER)
    token = token_for()
    verifier.verify(token)
    changed = "A" if token[position] != "A" else "B"
    forged = token[:position] + changed + (token[position + 1 :] if position != -1 else "")
    with pytest.raises(TokenRejected):
        verifier.verify(forged)
    assert decodes == [token, forged]


def test_a_cached_token_still_expires_when_its_time_comes(decodes: list[str]) -> None:
    now = [datetime.now(UTC).timestamp()]
    verifier = TokenVerifier(SECRET, ISSUER, clock=lambda: now[0])
    token = token_for(minutes=1)
    verifier.verify(token)
    now[0] += timedelta(minutes=1).total_seconds()
    with pytest.raises(TokenRejected) as rejected:
        verifier.verify(token)
    assert rejected.value.reason == "expired"
    assert decodes == [token]


def test_the_cache_keeps_the_most_recently_used_tokens_up_to_its_size(
    decodes: list[str],
) -> None:
    verifier = TokenVerifier(SECRET, ISSUER, max_entries=2)
    first, second, third = (token_for(user=f"{n:032x}") for n in range(3))
    for token in (first, second, first, third):  # second is now the least recently used
        verifier.verify(token)
    verifier.verify(first)
    verifier.verify(second)
    assert decodes == [first, second, third, second]


def test_tokens_longer_than_any_we_issue_are_verified_every_time(decodes: list[str]) -> None:
    verifier = TokenVerifier(SECRET, ISSUER, max_token_chars=20)
    token = token_for()
    verifier.verify(token)
    verifier.verify(token)
    assert decodes == [token, token]


def test_a_verifier_for_another_secret_knows_nothing_of_the_first(decodes: list[str]) -> None:
    token = token_for()
    TokenVerifier(SECRET, ISSUER).verify(token)
    with pytest.raises(TokenRejected):
        TokenVerifier(b"another-secret-for-rotation-" * 2, ISSUER).verify(token)
