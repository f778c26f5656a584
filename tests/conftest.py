"""Fixtures shared by every test package.

Server-backed tests ask for ``postgres_url`` or ``redis_url``. When the server does not
answer they are skipped with the reason, except under ``CI=true``, where a missing server
is a failure: CI must run them.

``EMBER_TEST_GC_EACH=1`` collects garbage after each test's teardown, so a socket, loop,
connection or process a test leaked fails that test's teardown (an unclosed resource's
``ResourceWarning`` is an error) instead of whichever later test the collector happens to
run in. Add ``PYTHONTRACEMALLOC=20`` to see where the leaked object was made.
"""

from __future__ import annotations

import gc
import logging
import os
import socket
import sys
import traceback
import tracemalloc
import warnings
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


def _collect_garbage_of(item: pytest.Item) -> None:
    """Collect garbage now and fail ``item`` with what the freed objects' finalizers raised."""
    ignored: list[str] = []

    def record(unraisable: sys.UnraisableHookArgs) -> None:
        # Formatted here: the object is gone once the hook returns.
        where = tracemalloc.get_object_traceback(unraisable.object)
        made = "\n    ".join(where.format()) if where else "(PYTHONTRACEMALLOC=20 shows where)"
        error = "".join(traceback.format_exception_only(unraisable.exc_type, unraisable.exc_value))
        ignored.append(f"{unraisable.object!r}: {error.strip()}\n  made at: {made.strip()}")

    class Logged(logging.Handler):
        # asyncio logs what a freed task or loop left behind ("Task was destroyed but it
        # is pending!") instead of raising it.
        def emit(self, record: logging.LogRecord) -> None:
            ignored.append(f"asyncio logged: {record.getMessage()}")

    asyncio_log, logged = logging.getLogger("asyncio"), Logged(logging.ERROR)
    previous = sys.unraisablehook
    sys.unraisablehook = record
    asyncio_log.addHandler(logged)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            gc.collect()
    finally:
        sys.unraisablehook = previous
        asyncio_log.removeHandler(logged)
    if ignored:
        pytest.fail(
            f"{item.nodeid} left {len(ignored)} object(s) whose finalizer complained when "
            "the garbage collector freed them (close or wait for them in the test):\n"
            + "\n".join(ignored),
            pytrace=False,
        )


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    # trylast: after the fixtures' teardown (this test's, and the module's or the
    # session's when they end here).
    if os.environ.get("EMBER_TEST_GC_EACH") == "1":
        _collect_garbage_of(item)


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
