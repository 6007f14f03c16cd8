"""
JSON-lines log records: one object per line, easy to ship to any log store and to grep.

A record carries the request's method, path and response status when Django attached them
(django.request and django.security do), and the traceback of an exception, but never the
request's cookies, headers, query string or body: those can hold session keys, passwords and
readers' personal data.
"""

import json
import logging
from datetime import UTC, datetime


class JSONLineFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        # django.request passes the request object; some callers pass other things.
        if hasattr(request, "path") and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = request.path
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
