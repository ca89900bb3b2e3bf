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


def log_event(event: str, **fields: Any) -> None:
    record = {"event": event, "request_id": request_id.get(), **fields}
    sys.stdout.write(json.dumps(record, default=str) + "\n")
    sys.stdout.flush()


def log_exception(event: str, error: BaseException) -> None:
    log_event(event, level="error", traceback="".join(traceback.format_exception(error)))
