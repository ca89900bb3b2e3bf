"""The DynamoDB stores keep the stores' contract, on moto."""

import pytest

from chalicelib import dependencies
from chalicelib.storage.todo_store import TodoStore
from chalicelib.storage.user_store import UserStore
from tests.support.store_contract import QUOTA, TodoStoreContract, UserStoreContract


class TestDynamoTodoStore(TodoStoreContract):
    @pytest.fixture
    def store(self, aws: str) -> TodoStore:
        return TodoStore(dependencies.table(), QUOTA)


class TestDynamoUserStore(UserStoreContract):
    @pytest.fixture
    def store(self, aws: str) -> UserStore:
        return UserStore(dependencies.table())
