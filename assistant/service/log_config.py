"""Logging of the running service: what may never reach a log line, and uvicorn's configuration.

Request lines carry query strings, and WebSocket clients that cannot set headers may put their key
in ``?token=``: every record passes ``RedactSecrets`` on its way to a handler, which masks the
values of secret-bearing query parameters wherever they appear (message, arguments, exception
text), so a key never lands in an access log.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from assistant.service.redact import RedactPersonalData

SECRET_PARAMS = ("token", "api_key", "apikey", "key", "access_token")
_SECRET_QUERY = re.compile(r"(?i)([?&](?:" + "|".join(SECRET_PARAMS) + r")=)[^&\s\"']*")
MASK = "***"


def redact_secrets(text: str) -> str:
    """``text`` with the values of secret query parameters replaced by ``***``."""
    return _SECRET_QUERY.sub(lambda m: m.group(1) + MASK, text)


class RedactSecrets(logging.Filter):
    """Masks secret query parameters in a record before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_secrets(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_secrets(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact_secrets(v) if isinstance(v, str) else v for k, v in record.args.items()}
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = redact_secrets(logging.Formatter().formatException(record.exc_info))
        return True


def log_filters() -> list[logging.Filter]:
    """The filters every handler of the service carries."""
    return [RedactSecrets(), RedactPersonalData()]  # keys; phones and contacts of viewers


def install_on_root() -> None:
    """Put the filters on the root logger's handlers (the entry point's ``basicConfig``)."""
    for handler in logging.getLogger().handlers:
        for log_filter in log_filters():
            handler.addFilter(log_filter)


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration with the service's filters on each of its handlers."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["service"] = {"()": "assistant.service.log_config.ServiceFilters"}
    for handler in config["handlers"].values():
        handler["filters"] = [*handler.get("filters", []), "service"]
    return config


class ServiceFilters(logging.Filter):
    """All of ``log_filters()`` as one filter (logging's dict configuration names one class)."""

    def __init__(self) -> None:
        super().__init__()
        self._filters = log_filters()

    def filter(self, record: logging.LogRecord) -> bool:
        return all(f.filter(record) for f in self._filters)
