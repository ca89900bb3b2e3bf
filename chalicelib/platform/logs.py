"""Structured JSON log lines, one per event, carrying the request id.

Only fields passed explicitly are written, so tokens, passwords and hashes
cannot leak through a request dump.
"""

import json
import sys
import traceback
from contextvars import ContextVar
from typing import Any

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
user_id: ContextVar[str | None] = ContextVar("user_id", default=None)
# Made once: json.dumps builds an encoder for every call that passes options.
_encode = json.JSONEncoder(default=str).encode


def log_event(event: str, **fields: Any) -> None:
    record = {"event": event, "request_id": request_id.get(), **fields}
    out = sys.stdout
    out.write(_encode(record) + "\n")
    out.flush()


def log_exception(event: str, error: BaseException) -> None:
    log_event(event, level="error", traceback="".join(traceback.format_exception(error)))
