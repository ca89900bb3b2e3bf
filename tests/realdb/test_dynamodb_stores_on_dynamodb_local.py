"""The DynamoDB stores keep the stores' contract, on DynamoDB Local's real semantics."""

from typing import Any

import pytest

from chalicelib.storage.dynamo import Table
from chalicelib.storage.todo_store import TodoStore
from chalicelib.storage.user_store import UserStore
from tests.support.store_contract import QUOTA, TodoStoreContract, UserStoreContract


class TestDynamoTodoStoreOnDynamoDBLocal(TodoStoreContract):
    @pytest.fixture
    def store(self, table_client: Any, real_table: str) -> TodoStore:
        return TodoStore(Table(table_client, real_table), QUOTA)


class TestDynamoUserStoreOnDynamoDBLocal(UserStoreContract):
    @pytest.fixture
    def store(self, table_client: Any, real_table: str) -> UserStore:
        return UserStore(Table(table_client, real_table))
