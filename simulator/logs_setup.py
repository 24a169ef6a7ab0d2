"""Logging for the process: one line per record, as text or as JSON (``--log-format``).

Records may carry structured fields in ``extra={"fields": {...}}`` (see :mod:`simulator.metrics`:
one record per request and per webhook attempt). The text format appends them as
``key=value``; the JSON format puts them next to ``time``, ``level``, ``logger`` and
``message``. A line per request sits on the send path, so records skip what nobody reads here
(process, thread and multiprocessing names) and timestamps are rendered once per second.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=4)
def _second(epoch_second: int) -> str:
    return datetime.fromtimestamp(epoch_second, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def timestamp(created: float) -> str:
    """``2026-11-23T13:04:07.123Z`` (UTC, milliseconds)."""
    second = int(created)
    return f"{_second(second)}.{int((created - second) * 1000):03d}Z"


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = getattr(record, "fields", {})
    return fields


class TextFormatter(logging.Formatter):
    """``<time> <LEVEL> <logger>: <message> key=value ...`` (fields that are None left out)."""

    def format(self, record: logging.LogRecord) -> str:
        pairs = "".join(f" {k}={v}" for k, v in fields_of(record).items() if v is not None)
        line = f"{timestamp(record.created)} {record.levelname} {record.name}: "
        line += record.getMessage() + pairs
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **fields_of(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str, log_format: str) -> None:
    """Log to stderr at ``level`` in ``log_format`` (``text`` or ``json``)."""
    logging.logProcesses = logging.logMultiprocessing = logging.logThreads = False
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
