"""The in-memory stores keep the stores' contract, so use-case tests can trust them."""

import pytest

from tests.support.memory_store import MemoryDatabase, MemoryTodoStore, MemoryUserStore
from tests.support.store_contract import QUOTA, StoreContract


class TestMemoryStores(StoreContract):
    @pytest.fixture
    def stores(self) -> tuple[MemoryTodoStore, MemoryUserStore]:
        database = MemoryDatabase()
        return MemoryTodoStore(database, quota=QUOTA), MemoryUserStore(database)
