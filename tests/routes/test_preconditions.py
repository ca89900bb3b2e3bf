"""If-Match and If-None-Match as RFC 9110 defines them, through the v2 routes."""

import pytest
from chalice.test import Client

from chalicelib.domain.errors import MalformedRequest
from chalicelib.http.etags import MAX_TAGS, EntityTag, parse_precondition
from tests.routes.conftest import send_json
from tests.support.api import bearer


def new_todo(client: Client, token: str) -> dict:
    return send_json(client, "POST", "/v2/todos", {"title": "washing"}, bearer(token)).json_body


def patch(client: Client, token: str, todo_id: str, if_match: str) -> int:
    headers = bearer(token) | {"If-Match": if_match}
    return send_json(
        client, "PATCH", f"/v2/todos/{todo_id}", {"status": "DONE"}, headers
    ).status_code


def get(client: Client, token: str, todo_id: str, if_none_match: str):
    headers = bearer(token) | {"If-None-Match": if_none_match}
    return client.http.get(f"/v2/todos/{todo_id}", headers=headers)


@pytest.mark.parametrize(
    ("if_match", "status"),
    [('W/"1"', 412), ('"01"', 412), ('"+1"', 412), ('w/"1"', 400), ('W/ "1"', 400)],
)
def test_if_match_compares_strongly_so_weak_or_padded_tags_never_match(
    client: Client, token: str, if_match: str, status: int
) -> None:
    # GIVEN a todo at version 1, whose ETag is "1"
    todo = new_todo(client, token)
    path = f"/v2/todos/{todo['id']}"
    # WHEN a write names it with a tag that is not strongly "1"
    patched = patch(client, token, todo["id"], if_match)
    deleted = client.http.delete(path, headers=bearer(token) | {"If-Match": if_match})
    # THEN neither write happens
    assert (patched, deleted.status_code) == (status, status)
    assert client.http.get(path, headers=bearer(token)).json_body == todo


@pytest.mark.parametrize("if_match", ['"1"', ' "7" , "1" ', '"7",,"1"', '"a,b", "1"'])
def test_if_match_finds_the_current_tag_anywhere_in_a_well_formed_list(
    client: Client, token: str, if_match: str
) -> None:
    todo = new_todo(client, token)
    assert patch(client, token, todo["id"], if_match) == 200


@pytest.mark.parametrize(
    "header", ["1", '"1', '"1" "2"', '"1";', '*, "1"', "", "W/1", 'x"1"', '"1"x']
)
def test_a_header_that_is_not_star_or_a_tag_list_is_400_and_never_searched(
    client: Client, token: str, header: str
) -> None:
    todo = new_todo(client, token)
    assert patch(client, token, todo["id"], header) == 400
    reply = get(client, token, todo["id"], header)
    assert reply.status_code == 400
    assert reply.json_body["type"] == "/problems/malformed-request"


@pytest.mark.parametrize("if_none_match", ['"1"', 'W/"1"', '"9", W/"1"', "*"])
def test_if_none_match_compares_weakly(client: Client, token: str, if_none_match: str) -> None:
    todo = new_todo(client, token)
    assert get(client, token, todo["id"], if_none_match).status_code == 304


@pytest.mark.parametrize("if_none_match", ['"01"', 'W/"2"', '"1x"'])
def test_if_none_match_needs_the_same_opaque_text(
    client: Client, token: str, if_none_match: str
) -> None:
    todo = new_todo(client, token)
    assert get(client, token, todo["id"], if_none_match).status_code == 200


def test_more_tags_than_the_cap_is_400_naming_the_cap(client: Client, token: str) -> None:
    todo = new_todo(client, token)
    within = ", ".join(f'"{n}"' for n in range(MAX_TAGS, 0, -1))
    beyond = ", ".join(f'"{n}"' for n in range(MAX_TAGS + 1, 0, -1))
    headers = bearer(token) | {"If-Match": beyond}
    reply = send_json(client, "PATCH", f"/v2/todos/{todo['id']}", {"status": "DONE"}, headers)
    assert reply.status_code == 400
    assert str(MAX_TAGS) in reply.json_body["detail"]
    assert patch(client, token, todo["id"], within) == 200


def test_an_opaque_tag_may_hold_commas_so_the_list_is_not_split_on_them() -> None:
    parsed = parse_precondition('"a,b" , W/"c"', "If-Match")
    assert parsed.tags == (EntityTag("a,b", weak=False), EntityTag("c", weak=True))


@pytest.mark.parametrize("header", ['"a"b"', '"a b"'])
def test_quotes_and_spaces_inside_an_opaque_tag_are_malformed(header: str) -> None:
    with pytest.raises(MalformedRequest):
        parse_precondition(header, "If-Match")
