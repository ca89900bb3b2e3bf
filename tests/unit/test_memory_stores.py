"""The in-memory stores keep the stores' contract, so use-case tests can trust them."""

import pytest

from tests.support.memory_store import MemoryTodoStore, MemoryUserStore
from tests.support.store_contract import QUOTA, TodoStoreContract, UserStoreContract


class TestMemoryTodoStore(TodoStoreContract):
    @pytest.fixture
    def store(self) -> MemoryTodoStore:
        return MemoryTodoStore(quota=QUOTA)


class TestMemoryUserStore(UserStoreContract):
    @pytest.fixture
    def store(self) -> MemoryUserStore:
        return MemoryUserStore()
