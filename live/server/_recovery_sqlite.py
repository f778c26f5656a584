"""A recovery store in a SQLite file: snapshots that survive a restart of the process.

``sqlite:///path/to/recovery.db`` (``EMBER_RECOVERY_URL``) keeps each session's snapshot
in one table of that file, so a server killed and started again (``ember demo`` after a
crash, one worker restarted) resumes its tabs without Redis. Several processes on one
machine may share the file (SQLite's WAL mode lets them), but each keeps its own socket
claims (see ``_claims``): across workers, Redis is still the store to use.

The event loop never waits on the file: one thread of the store's own owns the connection
and runs every operation, each in one call (a save is one transaction). The limits are the
memory store's: entries expire after their TTL (wall-clock time, which a restart keeps),
and past ``max_entries`` the entries saved longest ago go first. Expired entries are
purged when the file is opened and at most every :data:`SWEEP_SECONDS` after that. A file
SQLite cannot read (not a database, damaged) is moved aside and a new one started, logged;
what comes out of the file is checked by ``Snapshot.decode`` and the views' models, as
what comes out of Redis is.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from .._errors import ConfigurationError

logger = logging.getLogger("ember.live")
T = TypeVar("T")

SWEEP_SECONDS = 60.0
"""How often saves also purge expired entries and recount the table."""
BUSY_TIMEOUT_MS = 5000
"""How long an operation waits while another process writes the file."""
_BROKEN = frozenset({"SQLITE_NOTADB", "SQLITE_CORRUPT"})
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS ember_recovery ("
    " session_id TEXT PRIMARY KEY, expires REAL NOT NULL, snapshot BLOB NOT NULL"
    ") WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS ember_recovery_expires ON ember_recovery (expires)",
)


def sqlite_path(url: str) -> Path:
    """The file a ``sqlite:///…`` URL names, as SQLAlchemy reads it: ``sqlite:///rel.db``
    is relative to the working folder, ``sqlite:////srv/app/recovery.db`` absolute.

    Raises:
        ConfigurationError: no file named, or a SQLite in-memory database.
    """
    path = url.removeprefix("sqlite:///")
    if not url.startswith("sqlite:///") or not path or path == ":memory:" or "?" in path:
        msg = (
            f"Expected EMBER_RECOVERY_URL=sqlite:///<file> to name a file, got {url!r}. "
            "Write sqlite:///recovery.db (relative) or sqlite:////srv/app/recovery.db "
            "(absolute); memory:// keeps snapshots in the process instead."
        )
        raise ConfigurationError(msg)
    return Path(path)


class SQLiteRecoveryStore:
    """Snapshots in a SQLite file, kept across restarts of the process.

    Args:
        path: the file (created with its folder, readable by its owner only).
        max_entries: past this many sessions, those saved longest ago are dropped.
    """

    def __init__(self, path: str | os.PathLike[str], *, max_entries: int = 100_000) -> None:
        self.path = Path(path)
        self._max_entries = max_entries
        self._file: _File | None = None

    async def load(self, session_id: str) -> bytes | None:
        return await self._open().run(_File.load, session_id)

    async def save(self, session_id: str, snapshot: bytes, ttl_seconds: int) -> None:
        await self._open().run(_File.save, session_id, snapshot, ttl_seconds)

    async def delete(self, session_id: str) -> None:
        await self._open().run(_File.delete, session_id)

    async def close(self) -> None:
        """Close the file; the next operation opens it again."""
        file, self._file = self._file, None
        if file is not None:
            await file.close()

    def _open(self) -> _File:
        if self._file is None:
            self._file = _File(self.path, self._max_entries)
        return self._file


class _File:
    """The open file and the one thread that uses it: every method but :meth:`run` and
    :meth:`close` runs in that thread."""

    def __init__(self, path: Path, max_entries: int) -> None:
        self.path = path
        self.max_entries = max_entries
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="ember-recovery")
        self.db: sqlite3.Connection | None = None
        self.count = 0  # rows in the table, recounted at each sweep
        self.swept = 0.0

    async def run(self, method: Callable[..., T], *args: object) -> T:
        call = functools.partial(self.guarded, method, *args)
        return await asyncio.get_running_loop().run_in_executor(self.thread, call)

    async def close(self) -> None:
        try:
            await asyncio.get_running_loop().run_in_executor(self.thread, self.disconnect)
        finally:
            self.thread.shutdown(wait=False)

    def guarded(self, method: Callable[..., T], *args: object) -> T:
        try:
            return method(self, self.connection(), *args)
        except sqlite3.DatabaseError as error:
            if error.sqlite_errorname in _BROKEN:
                self.set_aside(error)  # the next operation starts a new file
            raise

    def connection(self) -> sqlite3.Connection:
        if self.db is not None:
            return self.db
        try:
            self.db = self.connect()
        except sqlite3.DatabaseError as error:
            if error.sqlite_errorname not in _BROKEN:
                raise
            self.set_aside(error)
            self.db = self.connect()
        with _transaction(self.db):
            self.sweep(self.db, time.time())  # what expired while no process had it open
        return self.db

    def connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Snapshots are users' state: the file (and SQLite's -wal and -shm files, which
        # take its mode) is its owner's only, like a session store.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            # WAL with synchronous=NORMAL: a commit is in the file once the process has
            # written it, so it survives the process being killed; no fsync per event.
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            for statement in _SCHEMA:
                db.execute(statement)
        except BaseException:
            db.close()
            raise
        return db

    def disconnect(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def set_aside(self, error: sqlite3.DatabaseError) -> None:
        self.disconnect()
        aside = self.path.with_name(f"{self.path.name}.broken-{time.time_ns()}")
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
        logger.warning(
            "The recovery store %s is unreadable (%s): moved it to %s and started an empty "
            "one; the sessions it held mount fresh",
            self.path,
            error,
            aside,
        )

    def load(self, db: sqlite3.Connection, session_id: str) -> bytes | None:
        row = db.execute(
            "SELECT expires, snapshot FROM ember_recovery WHERE session_id = ?", (session_id,)
        ).fetchone()
        if row is None:
            return None
        expires, snapshot = row
        if expires < time.time():
            self.delete(db, session_id)
            return None
        return bytes(snapshot)

    def save(self, db: sqlite3.Connection, session_id: str, snapshot: bytes, ttl: int) -> None:
        now = time.time()
        with _transaction(db):
            if now - self.swept >= SWEEP_SECONDS:
                self.sweep(db, now)
            updated = db.execute(
                "UPDATE ember_recovery SET expires = ?, snapshot = ? WHERE session_id = ?",
                (now + ttl, snapshot, session_id),
            )
            if updated.rowcount:
                return
            if self.count >= self.max_entries:
                self.sweep(db, now, room=1)
            db.execute(
                "INSERT INTO ember_recovery (session_id, expires, snapshot) VALUES (?, ?, ?)",
                (session_id, now + ttl, snapshot),
            )
            self.count += 1

    def delete(self, db: sqlite3.Connection, session_id: str) -> None:
        deleted = db.execute("DELETE FROM ember_recovery WHERE session_id = ?", (session_id,))
        self.count = max(0, self.count - deleted.rowcount)

    def sweep(self, db: sqlite3.Connection, now: float, *, room: int = 0) -> None:
        """Purge expired entries, then the oldest until ``room`` more fit; recount."""
        db.execute("DELETE FROM ember_recovery WHERE expires < ?", (now,))
        (count,) = db.execute("SELECT count(*) FROM ember_recovery").fetchone()
        excess = count + room - self.max_entries
        if excess > 0:  # those that expire soonest: with one TTL, those saved longest ago
            db.execute(
                "DELETE FROM ember_recovery WHERE session_id IN "
                "(SELECT session_id FROM ember_recovery ORDER BY expires LIMIT ?)",
                (excess,),
            )
            count -= excess
        self.count, self.swept = count, now


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taken at once (no upgrade from a read lock, which SQLite
    refuses when another process wrote meanwhile)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.in_transaction:  # SQLite rolls some failures back itself
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
