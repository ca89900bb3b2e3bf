"""The Chalice app class: the request kept per thread, and view errors sent to middleware.

Chalice stores the request being handled on the app object. On Lambda a
container handles one request at a time, so that is safe; but `chalice
local` serves each connection on its own thread, and two concurrent
requests could then read each other's body and token. Keeping both
attributes per thread makes the same code correct in both places.

Chalice also turns anything a view raises into its own 500 body before
middleware runs, unless the exception is a ChaliceUnhandledError. Every
route is therefore registered wrapped, so whatever it raises reaches the
middleware as a ViewRaised, with the route's CORS headers; the middleware
maps it (chalicelib.http.middleware). A route added without any decorator
gets the same treatment.
"""

import functools
import threading
from collections.abc import Callable
from typing import Any

from chalice import Chalice, CORSConfig
from chalice.app import ChaliceUnhandledError


class ViewRaised(ChaliceUnhandledError):
    """What a view raised, carried past Chalice to the middleware."""

    def __init__(self, error: Exception, cors_headers: dict[str, str]) -> None:
        super().__init__(type(error).__name__)
        self.error = error
        self.cors_headers = cors_headers


class _PerThread:
    """An app attribute whose value each thread sees and sets on its own."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, app: Any, owner: type | None = None) -> Any:
        return getattr(app._per_thread, self._name, None) if app is not None else self

    def __set__(self, app: Any, value: Any) -> None:
        setattr(app._per_thread, self._name, value)


class TodoApp(Chalice):
    current_request = _PerThread()
    lambda_context = _PerThread()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._per_thread = threading.local()
        super().__init__(*args, **kwargs)

    def _register_route(
        self, name: str, user_handler: Callable[..., Any], kwargs: Any, **unused: Any
    ) -> None:
        cors = kwargs["kwargs"].get("cors") or self.api.cors
        cors_config = CORSConfig() if cors is True else cors
        headers = cors_config.get_access_control_headers() if cors_config else {}
        view = _raising_to_middleware(user_handler, headers)
        super()._register_route(name, view, kwargs, **unused)


def _raising_to_middleware(
    view: Callable[..., Any], cors_headers: dict[str, str]
) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except Exception as error:
            raise ViewRaised(error, cors_headers) from error

    return wrapper
