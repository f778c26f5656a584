"""The recovery stores' contract, the same on every store (memory, a SQLite file, Redis),
and what the SQLite store adds: snapshots that outlive the process that wrote them."""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
import time
import uuid
from pathlib import Path

import anyio
import pytest

from ember.live import (
    ConfigurationError,
    MemoryRecoveryStore,
    RedisRecoveryStore,
    SQLiteRecoveryStore,
)
from ember.live.server._recovery import create_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["memory", "sqlite", pytest.param("redis", marks=pytest.mark.redis)])
async def store(request, tmp_path):
    if request.param == "memory":
        made = MemoryRecoveryStore()
    elif request.param == "sqlite":
        made = SQLiteRecoveryStore(tmp_path / "recovery.db")
    else:  # a prefix of its own: other tests' sessions share the Redis database
        prefix = f"ember:recovery:test-{uuid.uuid4().hex}:"
        made = RedisRecoveryStore(request.getfixturevalue("redis_url"), prefix=prefix)
    yield made
    await made.close()


async def test_store_saves_loads_overwrites_and_deletes(store):
    assert await store.load("s1") is None
    await store.save("s1", b'{"a": 1}', 60)
    await store.save("s2", b'{"b": 2}', 60)
    assert await store.load("s1") == b'{"a": 1}'
    await store.save("s1", b'{"a": 3}', 60)
    assert await store.load("s1") == b'{"a": 3}'
    await store.delete("s1")
    await store.delete("never-saved")
    assert await store.load("s1") is None
    assert await store.load("s2") == b'{"b": 2}'


async def test_store_entry_is_gone_after_its_ttl(store):
    await store.save("short", b"{}", 1)
    await store.save("long", b"{}", 60)
    assert await store.load("short") == b"{}"
    await anyio.sleep(1.1)
    assert await store.load("short") is None
    assert await store.load("long") == b"{}"


async def test_store_keeps_a_snapshot_byte_for_byte(store):
    snapshot = bytes(range(256)) * 40  # 10 KiB, every byte value
    await store.save("bytes", snapshot, 60)
    assert await store.load("bytes") == snapshot


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_store_past_its_bound_drops_the_oldest_sessions(kind, tmp_path):
    if kind == "memory":
        store = MemoryRecoveryStore(max_entries=3)
    else:
        store = SQLiteRecoveryStore(tmp_path / "recovery.db", max_entries=3)
    try:
        for name in ("a", "b", "c"):
            await store.save(name, name.encode(), 60)
        await store.save("b", b"b2", 60)  # an update takes no room
        await store.save("d", b"d", 60)
        assert [await store.load(name) for name in "abcd"] == [None, b"b2", b"c", b"d"]
    finally:
        await store.close()


# -- the SQLite file ------------------------------------------------------------------------


def count_rows(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM ember_recovery").fetchone()[0])


WRITER = """
import asyncio, sys
from ember.live import SQLiteRecoveryStore

async def main():
    store = SQLiteRecoveryStore(sys.argv[1])
    await store.save("from-another-process", b'{"draft": "kept"}', 60)
    await store.save("short-lived", b"{}", 1)
    # no close(): the process ends as a killed one would, with the file as it is

asyncio.run(main())
"""


async def test_sqlite_snapshot_written_by_another_process_is_read_by_a_fresh_store(tmp_path):
    path = tmp_path / "data" / "recovery.db"
    with anyio.fail_after(60):
        await anyio.run_process([sys.executable, "-c", WRITER, str(path)], cwd=ROOT)
    fresh = SQLiteRecoveryStore(path)
    try:
        assert await fresh.load("from-another-process") == b'{"draft": "kept"}'
        assert await fresh.load("never-saved") is None
    finally:
        await fresh.close()
    assert path.stat().st_mode & 0o777 == 0o600


async def test_sqlite_expired_entries_are_purged_when_a_store_opens_the_file(tmp_path):
    path = tmp_path / "recovery.db"
    first = SQLiteRecoveryStore(path)
    for number in range(5):
        await first.save(f"expiring-{number}", b"{}", 1)
    await first.save("current", b"{}", 60)
    await first.close()
    assert count_rows(path) == 6
    await anyio.sleep(1.1)
    second = SQLiteRecoveryStore(path)
    try:
        assert await second.load("current") == b"{}"
        assert count_rows(path) == 1  # purged on open, not only when each is asked for
    finally:
        await second.close()


async def test_sqlite_store_reopens_after_close(tmp_path):
    store = SQLiteRecoveryStore(tmp_path / "recovery.db")
    await store.save("s", b"1", 60)
    await store.close()
    await store.close()
    assert await store.load("s") == b"1"
    await store.close()


async def test_sqlite_store_waits_for_a_writer_without_blocking_the_loop(tmp_path):
    """Another process holds the write lock for 0.5 s: the save waits for it in the store's
    thread while the event loop keeps running."""
    path = tmp_path / "recovery.db"
    store = SQLiteRecoveryStore(path)
    await store.save("s", b"before", 60)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    release.start()
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await anyio.sleep(0.01)
            ticks += 1

    try:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(tick)
            started = time.monotonic()
            await store.save("s", b"after", 60)
            waited = time.monotonic() - started
            tasks.cancel_scope.cancel()
        assert waited >= 0.4
        assert ticks >= 10  # the loop ran while the save waited
        assert await store.load("s") == b"after"
    finally:
        release.join()
        other.close()
        await store.close()


async def test_sqlite_file_that_is_not_a_database_is_set_aside_and_logged(tmp_path, caplog):
    path = tmp_path / "recovery.db"
    path.write_bytes(b"this is not a SQLite database, it is some other file" * 100)
    store = SQLiteRecoveryStore(path)
    try:
        with caplog.at_level(logging.WARNING, logger="ember.live"):
            assert await store.load("s") is None
        assert "is unreadable" in caplog.text
        aside = [p for p in tmp_path.iterdir() if p.name.startswith("recovery.db.broken-")]
        assert len(aside) == 1
        assert aside[0].read_bytes().startswith(b"this is not a SQLite database")
        await store.save("s", b"new", 60)
        assert await store.load("s") == b"new"
    finally:
        await store.close()


def test_create_store_reads_sqlite_urls_as_sqlalchemy_does(tmp_path):
    absolute = create_store(f"sqlite:///{tmp_path / 'recovery.db'}")  # sqlite:////tmp/…
    assert isinstance(absolute, SQLiteRecoveryStore)
    assert absolute.path == tmp_path / "recovery.db"
    relative = create_store("sqlite:///data/recovery.db")
    assert isinstance(relative, SQLiteRecoveryStore)
    assert relative.path == Path("data/recovery.db")


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///", "sqlite:///:memory:", "sqlite://host/x.db", "file:///x"]
)
def test_create_store_refuses_a_url_that_names_no_file(url):
    with pytest.raises(ConfigurationError, match=r"EMBER_RECOVERY_URL"):
        create_store(url)
