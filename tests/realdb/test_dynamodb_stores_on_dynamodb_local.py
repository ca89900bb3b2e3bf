"""The DynamoDB stores keep the stores' contract, on DynamoDB Local's real semantics."""

from typing import Any

import pytest

from chalicelib.storage.account_store import AccountStore
from chalicelib.storage.dynamo import Table
from chalicelib.storage.todo_store import TodoStore
from chalicelib.storage.user_store import UserStore
from tests.support.store_contract import QUOTA, StoreContract


class TestDynamoStoresOnDynamoDBLocal(StoreContract):
    @pytest.fixture
    def stores(
        self, table_client: Any, real_table: str
    ) -> tuple[TodoStore, UserStore, AccountStore]:
        table = Table(table_client, real_table)
        return TodoStore(table, QUOTA), UserStore(table), AccountStore(table)
