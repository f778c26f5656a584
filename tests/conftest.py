"""Fixtures shared by every test package.

Server-backed tests ask for ``postgres_url`` or ``redis_url``. When the server does not
answer they are skipped with the reason, except under ``CI=true``, where a missing server
is a failure: CI must run them.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest

POSTGRES_URL = os.environ.get(
    "EMBER_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("EMBER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# An app's lifespan freezes the objects alive at startup (gc.freeze), which in a test
# process would keep earlier tests' cyclic garbage for good; tests/live/test_gc.py turns
# it on where it is tested.
os.environ.setdefault("EMBER_GC_FREEZE", "false")


def _answers(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 1
        ):
            return True
    except OSError:
        return False


def _require(name: str, url: str, default_port: int) -> str:
    if _answers(url, default_port):
        return url
    reason = f"{name} does not answer at {url}; start it or set EMBER_TEST_{name.upper()}_URL"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: server-backed tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The URL of a PostgreSQL server for tests (asyncpg driver)."""
    return _require("postgres", POSTGRES_URL, 5432)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The URL of a Redis server for tests."""
    return _require("redis", REDIS_URL, 6379)
