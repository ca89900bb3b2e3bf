"""A change to moto's DynamoDB, made only inside the private database process.

moto's TransactWriteItems deep-copies every table it names before it starts
and, when the transaction is cancelled (as every create of an existing
title is), puts those copies back. The embedded server answers one request
at a time (infra/dev_stack.py), so that is correct, but every transaction
costs time in proportion to the whole table, which the load test grows by
four items a session: by the end of a default run, copying took most of the
database's time. `snapshot_touched_items` makes the copy cover only the
items the transaction writes, which, with requests serialised, is exact:
nothing else can change the table in between.

DynamoDB, and DynamoDB Local in tests/realdb, need neither. Run as
`python -m tools.moto_tweaks`, this is the tools' embedded database: the
child process of infra/local_stack.py with the change made.
"""

import copy
from typing import Any

DATABASE = "tools.moto_tweaks"  # the module infra/local_stack.py runs as the database


def snapshot_touched_items() -> None:
    """Only valid because the embedded server serialises requests."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    deep_copy = copy.deepcopy
    transact = DynamoDBBackend.transact_write_items

    def tables_by_reference(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else deep_copy(value, memo)

    def touched(backend: Any, transact_items: list[dict]) -> list[tuple]:
        saved = []
        for entry in transact_items:
            operation = next(iter(entry.values()))
            table = backend.get_table(operation["TableName"])
            attributes = operation.get("Item") or operation["Key"]
            hash_key = DynamoType(attributes[table.hash_key_attr])
            range_key = None
            if table.range_key_attr:
                range_key = DynamoType(attributes[table.range_key_attr])
            saved.append(
                (table, hash_key, range_key, deep_copy(table.get_item(hash_key, range_key)))
            )
        return saved

    def transact_write_items(self: Any, transact_items: list[dict]) -> Any:
        try:
            saved = touched(self, transact_items)
        except Exception:  # malformed: let moto answer it the way it always does
            return transact(self, transact_items)
        copy.deepcopy = tables_by_reference
        try:
            return transact(self, transact_items)
        except Exception:
            for snapshot in reversed(saved):
                _restore(*snapshot)
            raise
        finally:
            copy.deepcopy = deep_copy

    DynamoDBBackend.transact_write_items = transact_write_items


def _restore(table: Any, hash_key: Any, range_key: Any, item: Any) -> None:
    if item is None:
        if table.get_item(hash_key, range_key) is not None:
            table.delete_item(hash_key, range_key)
    elif range_key is None:
        table.items[hash_key] = item
    else:
        table.items[hash_key][range_key] = item


if __name__ == "__main__":
    from infra.local_stack import serve_database

    snapshot_touched_items()
    serve_database()
