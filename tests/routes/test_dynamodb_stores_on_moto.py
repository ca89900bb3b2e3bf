"""The DynamoDB stores keep the stores' contract, on moto."""

import pytest

from chalicelib import dependencies
from chalicelib.storage.account_store import AccountStore
from chalicelib.storage.todo_store import TodoStore
from chalicelib.storage.user_store import UserStore
from tests.support.store_contract import QUOTA, StoreContract


class TestDynamoStores(StoreContract):
    @pytest.fixture
    def stores(self, aws: str) -> tuple[TodoStore, UserStore, AccountStore]:
        table = dependencies.table()
        return TodoStore(table, QUOTA), UserStore(table), AccountStore(table)
