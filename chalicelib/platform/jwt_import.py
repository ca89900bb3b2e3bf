"""PyJWT, imported without loading its JWKS client until something asks for it.

PyJWT's package imports its JWKS client on import, and with it urllib,
http.client, ssl and the email parser: about 15 ms of every cold start
for a service that verifies HS256 tokens with its own key and never
fetches a key set. Before PyJWT is first imported, `jwt.jwks_client` is
given a stand-in whose PyJWKClient loads the real module on first use. The
deployment zip leaves the client out altogether (infra/package.py), so
there building one fails, naming the missing module. tests/unit/
test_jwt_import.py checks that the stand-in is still needed and still works.
"""

import importlib
import sys
import types
from typing import Any

_MODULE = "jwt.jwks_client"


class _PyJWKClientOnDemand:
    """Stands for jwt.PyJWKClient; building one loads and returns the real thing."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return _real_module().PyJWKClient(*args, **kwargs)


def _real_module() -> types.ModuleType:
    if isinstance(sys.modules.get(_MODULE), _StandIn):
        del sys.modules[_MODULE]
    return importlib.import_module(_MODULE)


class _StandIn(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__ and the like
            raise AttributeError(name)
        return getattr(_real_module(), name)


def import_jwt() -> types.ModuleType:
    if "jwt" not in sys.modules:
        stand_in = _StandIn(_MODULE)
        stand_in.PyJWKClient = _PyJWKClientOnDemand
        sys.modules[_MODULE] = stand_in
    return importlib.import_module("jwt")
