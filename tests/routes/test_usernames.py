"""Usernames and emails cannot hide invisible characters, and their uniqueness key is stable."""

import unicodedata

import pytest
from chalice.test import Client
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.users import INVISIBLE, email_key, username_key, validate_sign_up
from tests.routes.conftest import post_json, send_json
from tests.support.values import PASSWORD, unique

# Each pair made two accounts that look the same.
LOOKALIKE_PAIRS = [
    ("bob", "bob\u034f"),  # COMBINING GRAPHEME JOINER
    ("eve", "eve\ufe0f"),  # VARIATION SELECTOR-16
    ("zed", "zed\u3164"),  # HANGUL FILLER
    ("yan", "yan\u2800"),  # BRAILLE PATTERN BLANK
]
INVISIBLES = [
    "\u034f",
    "\ufe00",
    "\ufe0f",
    "\U000e0100",
    "\U000e01ef",
    "\u180b",
    "\u115f",
    "\u1160",
    "\u3164",
    "\uffa0",
    "\u17b4",
    "\u2800",
    "\U0001d159",
]


def v1_sign_up(client: Client, name: str, email: str | None = None):
    email = email or f"{unique()}@example.com"
    body = {"name": name, "email": email, "password": PASSWORD}
    return post_json(client, "/v1/user/create", body)


@pytest.mark.parametrize(("plain", "hidden"), LOOKALIKE_PAIRS)
def test_a_name_with_an_invisible_character_is_422_not_a_second_account(
    client: Client, plain: str, hidden: str
) -> None:
    # GIVEN the plain name taken
    name = f"{plain}-{unique()}"
    assert v1_sign_up(client, name).status_code == 201
    # WHEN the look-alike signs up, the invisible character at the end or in the middle
    for lookalike in (name + hidden[-1], hidden + name[len(plain) :]):
        response = v1_sign_up(client, lookalike)
        # THEN it is refused as invalid, naming the field
        assert response.status_code == 422, lookalike
        assert response.json_body["errors"][0]["field"] == "name"
        assert "invisible" in response.json_body["errors"][0]["message"]


@pytest.mark.parametrize("char", INVISIBLES, ids=lambda c: f"U+{ord(c):04X}")
def test_v2_sign_up_refuses_each_invisible_character_in_the_username_and_the_email(
    client: Client, char: str
) -> None:
    name = unique()
    body = {"username": name + char, "email": f"{name}{char}@example.com", "password": PASSWORD}
    response = send_json(client, "POST", "/v2/users", body)
    assert response.status_code == 422
    assert {e["field"] for e in response.json_body["errors"]} == {"username", "email"}


def test_names_that_fold_alike_only_after_a_second_pass_are_one_account(client: Client) -> None:
    suffix = unique()
    assert v1_sign_up(client, f"ZZS\u015a{suffix}").status_code == 201
    response = v1_sign_up(client, f"zz\u00df\u0301{suffix}")  # ß then a combining acute
    assert response.status_code == 409
    assert response.json_body["field"] == "name"


def test_the_second_spelling_logs_in_to_the_first_account(client: Client) -> None:
    suffix = unique()
    v1_sign_up(client, f"ZZS\u015a{suffix}")
    body = {"username": f"zz\u00df\u0301{suffix}", "password": PASSWORD}
    assert post_json(client, "/v1/auth/login", body).status_code == 200


def test_emails_that_fold_alike_only_after_a_second_pass_are_one_account(client: Client) -> None:
    local = unique()
    assert v1_sign_up(client, unique(), f"{local}ZZS\u015a@example.com").status_code == 201
    response = v1_sign_up(client, unique(), f"{local}zz\u00df\u0301@example.com")
    assert response.status_code == 409
    assert response.json_body["field"] == "email"


# --- the key, property by property ----------------------------------------------------

# Letters whose case folding or compatibility form changes them, and combining marks:
# the places where one pass of NFKC and case folding is not yet a fixed point.
TRICKY = st.sampled_from(
    # sharp s (both cases), dotted and dotless i, long s, ligatures, j caron, Greek with
    # dialytika and ypogegrammeni, sigmas, the ohm, kelvin and angstrom signs, digraphs, micro
    "\u00df\u1e9e\u0130\u0131\u017f\ufb00\ufb01\ufb05\u01f0\u0390\u03b0\u1fb3\u1ff3\u1fbc"
    "\u03a3\u03c2\u03c3\u2126\u212a\u212b\u01c5\u01c8\u01cb\u01f2\u00b5"
    # ypogegrammeni, then combining acute, circumflex, dot above, caron, dot below,
    # comma below, cedilla, perispomeni, diaeresis, psili, dasia, grave, tilde
    "\u0345\u0301\u0302\u0307\u030c\u0323\u0326\u0327\u0342\u0308\u0313\u0314\u0300\u0303"
    "sSiIjJ"
)
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
TEXT = st.one_of(ANY_TEXT, st.text(TRICKY, max_size=8), st.lists(ANY_TEXT | TRICKY).map("".join))


@settings(max_examples=1500, deadline=None)
@given(TEXT)
@example("zz\u00df\u0301")
@example("\u00df\u0301\u0301")
def test_the_key_is_a_fixed_point(text: str) -> None:
    assert username_key(username_key(text)) == username_key(text)
    assert email_key(email_key(text)) == email_key(text)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_where_one_pass_was_already_stable_the_key_is_that_pass(text: str) -> None:
    # Keys stored before the key became a fixed point stay valid for these names.
    one_pass = unicodedata.normalize("NFKC", text).casefold()
    if unicodedata.normalize("NFKC", one_pass).casefold() == one_pass:
        assert username_key(text) == one_pass


@settings(max_examples=300, deadline=None)
@given(
    st.text(st.characters(categories=["L", "M", "N", "P", "S"]), min_size=1, max_size=20),
    st.sampled_from(INVISIBLES),
    st.integers(min_value=0, max_value=20),
)
def test_no_accepted_name_stays_accepted_with_an_invisible_character_added(
    name: str, char: str, position: int
) -> None:
    assume(_refusals(name) == [])
    hidden = name[:position] + char + name[position:]
    assert _refusals(hidden) == [("username", INVISIBLE)]


def _refusals(name: str) -> list[tuple[str, str]]:
    try:
        validate_sign_up(name, "a@example.com", PASSWORD, "username")
    except InvalidInput as invalid:
        return [(error.field, error.message) for error in invalid.errors]
    return []
