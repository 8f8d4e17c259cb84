"""JSON log lines that carry the request id and never personal data.

Log calls pass only identifiers of objects (UUIDs, sequence numbers) and counts in ``extra``;
the formatter drops any ``extra`` key not on the allow-list, so a careless
``log.info(..., extra={"name": ...})`` cannot leak a name into the logs.
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime

from patroon.audit.context import current_request_id

ALLOWED_EXTRA = frozenset(
    {
        "event",
        "request_id",
        "status",
        "method",
        "path",
        "duration_ms",
        "count",
        "intact",
        "checked",
        "broken_seq",
        "reason",
        "signal_id",
        "organisation",
        "channel",
        "batch",
        "rows",
        "created",
        "existing",
        "rejected",
    }
)
_STANDARD = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in ALLOWED_EXTRA and key not in _STANDARD and value not in (None, ""):
                line[key] = value
        if record.exc_info and record.exc_info[0]:
            # The type and where it happened; never the message, which may quote data.
            line["exception"] = record.exc_info[0].__name__
            line["trace"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(record.exc_info[2])
            ]
        return json.dumps(line, default=str)
