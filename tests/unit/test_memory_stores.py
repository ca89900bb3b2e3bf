"""The in-memory stores keep the stores' contract, so use-case tests can trust them."""

import pytest

from tests.support.memory_store import (
    MemoryAccountStore,
    MemoryDatabase,
    MemoryTodoStore,
    MemoryUserStore,
)
from tests.support.store_contract import QUOTA, StoreContract


class TestMemoryStores(StoreContract):
    @pytest.fixture
    def stores(self) -> tuple[MemoryTodoStore, MemoryUserStore, MemoryAccountStore]:
        database = MemoryDatabase()
        todos = MemoryTodoStore(database, quota=QUOTA)
        return todos, MemoryUserStore(database), MemoryAccountStore(database)
