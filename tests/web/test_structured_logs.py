"""Log lines are JSON with the request id, and extra fields outside the allow-list are dropped."""

import json
import logging

from patroon.audit.context import bind_request_id, reset_request_id
from patroon.web.logging import JsonFormatter, RequestIdFilter


def _format(record: logging.LogRecord) -> dict:
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_log_line_is_json_with_request_id_and_no_personal_extras():
    token = bind_request_id("req-0001-abcdef")
    try:
        record = logging.makeLogRecord(
            {
                "msg": "signal stored",
                "levelname": "INFO",
                "name": "patroon",
                "event": "signal.create",
                "count": 1,
                "surname": "Berg",
                "bsn": "111222333",
            }
        )
        line = _format(record)
    finally:
        reset_request_id(token)
    assert line["message"] == "signal stored"
    assert line["request_id"] == "req-0001-abcdef"
    assert line["event"] == "signal.create" and line["count"] == 1
    assert "surname" not in line and "bsn" not in line


def test_exceptions_are_logged_without_their_message():
    try:
        raise ValueError("BSN 111222333 is wrong")
    except ValueError:
        import sys

        record = logging.makeLogRecord({"msg": "failed", "exc_info": sys.exc_info()})
    line = _format(record)
    assert line["exception"] == "ValueError"
    assert "111222333" not in json.dumps(line)
