"""Session tokens never reach a log ember controls.

The websocket URL carries the page's session token (``…/_ember/ws?token=…``), and servers
log URLs: uvicorn's access log writes every request's path and query, and its error
logger every websocket handshake. :class:`RedactTokens` replaces each token in a record
with ``[redacted]``. ember installs it on uvicorn's and its own loggers when an ``Ember``
is created (:func:`install_log_redaction`), and on the handlers of the logging config that
``ember server``, ``ember demo`` and ``ember storybook`` give uvicorn
(:func:`uvicorn_log_config`), so records that reach those handlers from other loggers are
redacted too.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

__all__ = ["RedactTokens", "install_log_redaction", "redact_tokens", "uvicorn_log_config"]

_TOKEN = re.compile(r"(token=)[^&\s\"'#]+", re.IGNORECASE)
REDACTED = "[redacted]"
# The loggers a token can reach: uvicorn's access and error (websocket handshakes) logs,
# and ember's own.
LOGGERS = ("uvicorn.access", "uvicorn.error", "uvicorn", "ember", "ember.live")


def redact_tokens(text: str) -> str:
    """``text`` with the value of every ``token=`` query parameter replaced."""
    if "token=" not in text.lower():
        return text
    return _TOKEN.sub(rf"\1{REDACTED}", text)


class RedactTokens(logging.Filter):
    """A logging filter that redacts session tokens in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        return True


def _redacted(value: object) -> object:
    if isinstance(value, str):
        return redact_tokens(value)
    if isinstance(value, bytes | bytearray):
        return redact_tokens(bytes(value).decode("utf-8", "replace"))
    return value


_installed = RedactTokens()


def install_log_redaction() -> None:
    """Add the redacting filter to uvicorn's and ember's loggers (once per process)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _installed not in logger.filters:
            logger.addFilter(_installed)


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's default logging config with the redacting filter on every handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["ember_redact_tokens"] = {
        "()": "ember.live.ops._logging.RedactTokens"
    }
    for handler in config.get("handlers", {}).values():
        handler.setdefault("filters", []).append("ember_redact_tokens")
    return config
