"""A Chalice app that keeps the request in hand per thread.

Chalice stores the request being handled on the app object. On Lambda a
container handles one request at a time, so that is safe; but `chalice
local` serves each connection on its own thread, and two concurrent
requests could then read each other's body and token. Keeping both
attributes per thread makes the same code correct in both places.
"""

import threading
from typing import Any

from chalice import Chalice


class ThreadSafeChalice(Chalice):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._per_thread = threading.local()
        super().__init__(*args, **kwargs)

    @property
    def current_request(self) -> Any:
        return getattr(self._per_thread, "current_request", None)

    @current_request.setter
    def current_request(self, request: Any) -> None:
        self._per_thread.current_request = request

    @property
    def lambda_context(self) -> Any:
        return getattr(self._per_thread, "lambda_context", None)

    @lambda_context.setter
    def lambda_context(self, context: Any) -> None:
        self._per_thread.lambda_context = context
