"""How a list is stored: ``LIST#<list id>`` in the user's partition.

Its attributes are the TodoList fields, and ``deleting`` while a deletion
is under way. The default list has an item only once it has been renamed.
"""

from chalicelib.domain.lists import TodoList
from chalicelib.storage.dynamo import Item, n, s
from chalicelib.storage.user_keys import partition

LIST_PREFIX = "LIST#"


def list_key(user_id: str, list_id: str) -> Item:
    return {"pk": s(partition(user_id)), "sk": s(LIST_PREFIX + list_id)}


def list_item(user_id: str, todo_list: TodoList) -> Item:
    return {
        **list_key(user_id, todo_list.id),
        "title": s(todo_list.title),
        "created_at": s(todo_list.created_at),
        "updated_at": s(todo_list.updated_at),
        "version": n(todo_list.version),
    }


def list_from_item(item: Item) -> TodoList:
    return TodoList(
        item["sk"]["S"][len(LIST_PREFIX) :],
        item["title"]["S"],
        item["created_at"]["S"],
        item["updated_at"]["S"],
        int(item["version"]["N"]),
    )
