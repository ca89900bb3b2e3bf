"""Titles unique in each list, kept with claim items.

A claim (``TITLE#[<list id>#]<digest>``) names the todo holding the title.
It is only live while that todo still exists in that list with that title:
deletes, renames and moves to another list leave the old claim in place,
and the next writer to want the title takes it over in the same
transaction that checks it is stale. So deletes and status changes never
touch claims, and two writers can never both end up with one title.

The items below go into the writer's transaction under the names "claim"
and "holder"; TodoStore reads the outcome by those names.
"""

from typing import Any

from chalicelib.domain.lists import DEFAULT_LIST_ID
from chalicelib.storage.dynamo import Item, s
from chalicelib.storage.todo_keys import claim_key, todo_key

TITLE_TAKEN = "You already have a todo with this title in this list."


def claim_items(
    table: str, user_id: str, list_id: str, title: str, todo_id: str, holder: str | None
) -> dict[str, dict[str, Any]]:
    """The transaction items that give `title` in list `list_id` to `todo_id`.

    `holder` is who held the claim when we last looked: None for nobody,
    which is the first guess. Taking a claim from another todo is
    conditional on that todo no longer having the title in that list.
    """
    key = claim_key(user_id, list_id, title)
    if holder is None:
        return {"claim": _put_claim(table, key, todo_id, "attribute_not_exists(pk)", {})}
    if holder == todo_id:
        return {"claim": _put_claim(table, key, todo_id, "todo_id = :me", {":me": s(todo_id)})}
    holder_lost_title = {
        "ConditionCheck": {
            "TableName": table,
            "Key": todo_key(user_id, holder),
            "ConditionExpression": (
                f"attribute_not_exists(pk) OR title <> :title OR {_in_another_list(list_id)}"
            ),
            "ExpressionAttributeValues": {":title": s(title), ":list": s(list_id)},
        }
    }
    take_over = _put_claim(table, key, todo_id, "todo_id = :holder", {":holder": s(holder)})
    return {"holder": holder_lost_title, "claim": take_over}


def _in_another_list(list_id: str) -> str:
    # A todo stored before lists has no list_id: it is in the default list.
    if list_id == DEFAULT_LIST_ID:
        return "(attribute_exists(list_id) AND list_id <> :list)"
    return "(attribute_not_exists(list_id) OR list_id <> :list)"


def claim_holder(claim: Item | None) -> str | None:
    """The todo id a claim item names; None when there is no claim."""
    return (claim or {}).get("todo_id", {}).get("S")


def _put_claim(
    table: str, key: Item, todo_id: str, condition: str, values: dict[str, Any]
) -> dict[str, Any]:
    put: dict[str, Any] = {
        "TableName": table,
        "Item": {**key, "todo_id": s(todo_id)},
        "ConditionExpression": condition,
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    if values:
        put["ExpressionAttributeValues"] = values
    return {"Put": put}
