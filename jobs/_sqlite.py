"""A procrastinate connector that keeps the queue in a SQLite file (the embedded default).

procrastinate stores its queue in PostgreSQL only (its queries call PL/pgSQL functions),
and its ``InMemoryConnector`` loses every job when the process ends. This connector
answers the same named queries as the PostgreSQL schema does, on four tables in the app's
own SQLite database, so the worker, retries, locks, periodic jobs, cancellation and the
heartbeats behave as procrastinate defines them and nothing is lost across a restart.

SQLite has no LISTEN/NOTIFY: a job enqueued in this process wakes this process's worker
once its transaction commits; a worker in another process finds it by polling.

SQLite takes one writer at a time, and a connection that finds the write lock taken sleeps
and tries again (the busy timeout, 5 s by default). That wait is not fair: a newcomer tries
again after 1 ms, a writer that has waited long only every 100 ms, so with a few writers
always wanting the lock (a worker's concurrent jobs finishing, its heartbeat, the sweep)
one of them can lose every try for seconds although each write is short, and fails with
"database is locked" (a worker stopping under load failed so in ``unregister_worker``).
So the queue's writes in one process take turns on an ``asyncio.Lock`` (first come, first
served) and only one of them at a time waits on SQLite's lock, against other processes
and the app's own writes.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import time
from collections.abc import Iterable
from typing import Any, Literal, cast

from procrastinate import connector, exceptions, manager, periodic, schema, sql
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ._errors import JobsError

__all__ = ["SCHEMA", "SQLiteConnector"]

SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS procrastinate_workers (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        last_heartbeat REAL NOT NULL
    )""",
    """
    CREATE TABLE IF NOT EXISTS procrastinate_jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        queue_name TEXT NOT NULL,
        task_name TEXT NOT NULL,
        priority INTEGER NOT NULL DEFAULT 0,
        lock TEXT,
        queueing_lock TEXT,
        args TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL DEFAULT 'todo',
        scheduled_at REAL,
        attempts INTEGER NOT NULL DEFAULT 0,
        abort_requested INTEGER NOT NULL DEFAULT 0,
        worker_id INTEGER REFERENCES procrastinate_workers (id) ON DELETE SET NULL
    )""",
    """
    CREATE UNIQUE INDEX IF NOT EXISTS procrastinate_jobs_queueing_lock_idx_v1
        ON procrastinate_jobs (queueing_lock) WHERE status = 'todo'""",
    """
    CREATE UNIQUE INDEX IF NOT EXISTS procrastinate_jobs_lock_idx_v1
        ON procrastinate_jobs (lock) WHERE status = 'doing'""",
    """
    CREATE INDEX IF NOT EXISTS procrastinate_jobs_fetch_idx
        ON procrastinate_jobs (status, queue_name, priority, id)""",
    """
    CREATE TABLE IF NOT EXISTS procrastinate_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id INTEGER NOT NULL,
        type TEXT NOT NULL,
        at REAL NOT NULL
    )""",
    """
    CREATE INDEX IF NOT EXISTS procrastinate_events_job_idx ON procrastinate_events (job_id)""",
    """
    CREATE TABLE IF NOT EXISTS procrastinate_periodic_defers (
        task_name TEXT NOT NULL,
        periodic_id TEXT NOT NULL DEFAULT '',
        defer_timestamp INTEGER NOT NULL,
        job_id INTEGER,
        PRIMARY KEY (task_name, periodic_id, defer_timestamp)
    )""",
)

PERIODIC_MEMORY_SECONDS = 2 * periodic.MAX_DELAY
"""How long a periodic job's deferred due times are remembered (so never deferred twice):
twice procrastinate's ``MAX_DELAY``, past which a starting worker defers no due time."""

_JOB_COLUMNS = (
    "id, queue_name, task_name, priority, lock, queueing_lock, args, status, scheduled_at, "
    "attempts, abort_requested, worker_id"
)

_INSERT_JOB = text(
    "INSERT INTO procrastinate_jobs (queue_name, task_name, priority, lock, queueing_lock, "
    "args, scheduled_at) VALUES (:queue_name, :task_name, :priority, :lock, :queueing_lock, "
    ":args, :scheduled_at) RETURNING id"
)


def _epoch(value: datetime.datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def _datetime(value: float | None) -> datetime.datetime | None:
    if value is None:
        return None
    return datetime.datetime.fromtimestamp(value, datetime.UTC)


def _row(mapping: Any) -> dict[str, Any]:
    row = dict(mapping)
    row["args"] = json.loads(row["args"])
    row["scheduled_at"] = _datetime(row["scheduled_at"])
    row["abort_requested"] = bool(row["abort_requested"])
    return row


def _is_unique_violation(error: Exception) -> bool:
    return "UNIQUE constraint failed" in str(error)


async def insert_jobs(conn: AsyncConnection, jobs: Iterable[Any]) -> list[int]:
    """Insert procrastinate ``JobToDefer`` tuples on ``conn`` (inside its transaction).

    Raises:
        procrastinate.exceptions.UniqueViolation: a queueing lock is already queued.
    """
    ids: list[int] = []
    now = time.time()
    for job in jobs:
        values = {
            "queue_name": job.queue_name,
            "task_name": job.task_name,
            "priority": job.priority,
            "lock": job.lock,
            "queueing_lock": job.queueing_lock,
            "args": json.dumps(job.args),
            "scheduled_at": _epoch(job.scheduled_at),
        }
        try:
            job_id = int((await conn.execute(_INSERT_JOB, values)).scalar_one())
        except Exception as error:
            if _is_unique_violation(error):
                raise exceptions.UniqueViolation(
                    constraint_name=manager.QUEUEING_LOCK_CONSTRAINT,
                    queueing_lock=job.queueing_lock,
                ) from error
            raise
        events = [{"job_id": job_id, "type": "deferred", "at": now}]
        if job.scheduled_at is not None:
            events.append({"job_id": job_id, "type": "scheduled", "at": _epoch(job.scheduled_at)})
        await conn.execute(
            text(
                "INSERT INTO procrastinate_events (job_id, type, at) VALUES (:job_id, :type, :at)"
            ),
            events,
        )
        ids.append(job_id)
    return ids


class SQLiteConnector(connector.BaseAsyncConnector):
    """procrastinate's named queries on a SQLite database reached through ``engine``.

    Args:
        engine: an aiosqlite engine made by ``ember.data.make_engine`` (it takes SQLite's
            write lock at BEGIN for the writes here, so concurrent workers wait instead
            of failing).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._names = {value: key for key, value in sql.queries.items()}
        self._names[schema.SchemaManager.get_schema()] = "apply_schema"
        self._on_notification: connector.Notify | None = None
        self._channels: set[str] = set()
        self._wakeups: set[asyncio.Future[None]] = set()
        self._turns: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    def write_turn(self) -> asyncio.Lock:
        """The lock the queue's writes in this process take in turn (one per event loop):
        hold it around a write transaction that the queue makes, and around nothing that
        already holds SQLite's write lock."""
        loop = asyncio.get_running_loop()
        if self._turns is None or self._turns[0] is not loop:
            self._turns = (loop, asyncio.Lock())
        return self._turns[1]

    # -- the connector interface ------------------------------------------------------

    def get_sync_connector(self) -> connector.BaseConnector:
        return self

    async def open_async(self, pool: object = None) -> None:
        await self.create_tables()

    async def close_async(self) -> None:
        self._on_notification = None

    async def listen_notify(
        self, on_notification: connector.Notify, channels: Iterable[str]
    ) -> None:
        self._on_notification = on_notification
        self._channels = set(channels)

    async def execute_query_async(self, query: str, **arguments: Any) -> None:
        await self._dispatch(query, "run", arguments)

    async def execute_query_one_async(self, query: str, **arguments: Any) -> dict[str, Any]:
        return cast(dict[str, Any], await self._dispatch(query, "one", arguments))

    async def execute_query_all_async(self, query: str, **arguments: Any) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], await self._dispatch(query, "all", arguments))

    async def execute_query_one_async_with_connection(
        self, connection: Any, query: str, **arguments: Any
    ) -> dict[str, Any]:
        return await self.execute_query_one_async(query, **arguments)

    async def execute_query_all_async_with_connection(
        self, connection: Any, query: str, **arguments: Any
    ) -> list[dict[str, Any]]:
        return await self.execute_query_all_async(query, **arguments)

    async def _dispatch(
        self, query: str, suffix: Literal["run", "one", "all"], arguments: dict[str, Any]
    ) -> object:
        name = self._names.get(query)
        method = getattr(self, f"_{name}_{suffix}", None) if name else None
        if method is None:
            raise JobsError(
                f"Expected a query the SQLite job store answers, but got {name or query!r} "
                f"({suffix}). Use PostgreSQL (EMBER_DATABASE_URL=postgresql+asyncpg://…) "
                f"for procrastinate's admin commands."
            )
        return await method(**arguments)

    async def create_tables(self) -> None:
        """Create the queue's tables if they are missing (idempotent), with the file in WAL
        mode: a write's COMMIT then never waits for readers (in the default rollback
        journal it waits for every reader's lock, a connection cancelled at shutdown
        included). A file's journal mode persists; an in-memory database keeps its own."""
        async with self.engine.connect() as conn:
            await conn.run_sync(_journal_wal)
        async with self._writing() as conn:  # BEGIN IMMEDIATE: processes wait their turn
            for statement in SCHEMA:
                await conn.execute(text(statement))

    def notify_inserted(self, queue_name: str) -> None:
        """Wake this process's worker: a job was committed on ``queue_name``."""
        if self._on_notification is None:
            return
        payload = json.dumps({"type": "job_inserted"})
        for channel in ("procrastinate_any_queue_v1", f"procrastinate_queue_v1#{queue_name}"):
            if channel in self._channels:
                task = asyncio.ensure_future(
                    self._on_notification(channel=channel, payload=payload)
                )
                self._wakeups.add(task)
                task.add_done_callback(self._wakeups.discard)

    # -- the queries ------------------------------------------------------------------

    async def _defer_jobs_all(self, jobs: list[Any]) -> list[dict[str, Any]]:
        async with self._writing() as conn:
            ids = await insert_jobs(conn, jobs)
        for job in jobs:
            self.notify_inserted(job.queue_name)
        return [{"id": job_id} for job_id in ids]

    async def _defer_periodic_job_one(
        self,
        queue: str,
        task_name: str,
        priority: int,
        args: dict[str, Any],
        defer_timestamp: int,
        lock: str | None,
        queueing_lock: str | None,
        periodic_id: str,
    ) -> dict[str, Any]:
        from procrastinate import types

        job = types.JobToDefer(queue, task_name, priority, lock, queueing_lock, args, None)
        key = {"t": task_name, "p": periodic_id}
        async with self._writing() as conn:
            newest = (
                await conn.execute(
                    text(
                        "SELECT MAX(defer_timestamp) FROM procrastinate_periodic_defers "
                        "WHERE task_name = :t AND periodic_id = :p"
                    ),
                    key,
                )
            ).scalar()
            if newest is not None and defer_timestamp < newest - PERIODIC_MEMORY_SECONDS:
                return {"id": None}  # older than what is remembered: treated as done
            claimed = await conn.execute(
                text(
                    "INSERT OR IGNORE INTO procrastinate_periodic_defers "
                    "(task_name, periodic_id, defer_timestamp) VALUES (:t, :p, :d)"
                ),
                {**key, "d": defer_timestamp},
            )
            if claimed.rowcount == 0:
                return {"id": None}
            try:
                [job_id] = await insert_jobs(conn, [job])
            except exceptions.UniqueViolation:
                return {"id": None}
            # Forget due times only once they are older than any a worker still defers: a
            # worker that woke late defers the due times it missed oldest first, after
            # another worker may have deferred newer ones (deleting every older row, as
            # procrastinate's own PostgreSQL function does, let it defer them again).
            horizon = max(defer_timestamp, newest or defer_timestamp) - PERIODIC_MEMORY_SECONDS
            await conn.execute(
                text(
                    "DELETE FROM procrastinate_periodic_defers WHERE task_name = :t AND "
                    "periodic_id = :p AND defer_timestamp < :d"
                ),
                {**key, "d": horizon},
            )
        self.notify_inserted(queue)
        return {"id": job_id}

    def _writing(self) -> _Writing:
        return _Writing(self.engine, self.write_turn())

    async def _fetch_job_one(self, queues: Iterable[str] | None, worker_id: int) -> dict[str, Any]:
        wanted = list(queues) if queues is not None else None
        filters = ""
        params: dict[str, Any] = {"now": time.time(), "worker_id": worker_id}
        if wanted is not None:
            names = ", ".join(f":q{index}" for index in range(len(wanted)))
            filters = f"AND queue_name IN ({names})"
            params.update({f"q{index}": name for index, name in enumerate(wanted)})
        async with self._writing() as conn:
            found = (
                (
                    await conn.execute(
                        text(
                            f"SELECT {_JOB_COLUMNS} FROM procrastinate_jobs AS job "  # noqa: S608
                            f"WHERE status = 'todo' {filters} "
                            "AND (scheduled_at IS NULL OR scheduled_at <= :now) "
                            "AND (lock IS NULL OR NOT EXISTS (SELECT 1 FROM procrastinate_jobs "
                            "  AS other WHERE other.lock = job.lock AND other.status = 'doing')) "
                            "AND (lock IS NULL OR NOT EXISTS (SELECT 1 FROM procrastinate_jobs "
                            "  AS earlier WHERE earlier.lock = job.lock AND "
                            "  earlier.status = 'todo' AND earlier.id < job.id AND "
                            "  earlier.priority >= job.priority)) "
                            "ORDER BY priority DESC, id ASC LIMIT 1"
                        ),
                        params,
                    )
                )
                .mappings()
                .first()
            )
            if found is None:
                return {"id": None}
            await conn.execute(
                text(
                    "UPDATE procrastinate_jobs SET status = 'doing', worker_id = :worker_id "
                    "WHERE id = :id"
                ),
                {"worker_id": worker_id, "id": found["id"]},
            )
            await self._event(conn, found["id"], "started")
        row = _row(found)
        row["status"] = "doing"
        row["worker_id"] = worker_id
        return row

    async def _event(
        self, conn: AsyncConnection, job_id: int, kind: str, at: float | None = None
    ) -> None:
        await conn.execute(
            text("INSERT INTO procrastinate_events (job_id, type, at) VALUES (:j, :t, :a)"),
            {"j": job_id, "t": kind, "a": time.time() if at is None else at},
        )

    async def _finish_job_run(self, job_id: int, status: str, delete_job: bool) -> None:
        async with self._writing() as conn:
            if delete_job:
                done = await conn.execute(
                    text(
                        "DELETE FROM procrastinate_jobs WHERE id = :id AND status IN "
                        "('todo', 'doing')"
                    ),
                    {"id": job_id},
                )
            else:
                done = await conn.execute(
                    text(
                        "UPDATE procrastinate_jobs SET status = :status, abort_requested = 0, "
                        "attempts = CASE status WHEN 'doing' THEN attempts + 1 ELSE attempts "
                        "END WHERE id = :id AND status IN ('todo', 'doing')"
                    ),
                    {"id": job_id, "status": status},
                )
                await self._event(conn, job_id, status)
            if done.rowcount == 0:
                raise JobsError(f"Job {job_id} was not found or not in 'doing' or 'todo' status.")

    async def _cancel_job_one(self, job_id: int, abort: bool, delete_job: bool) -> dict[str, Any]:
        async with self._writing() as conn:
            if delete_job:
                deleted = await conn.execute(
                    text("DELETE FROM procrastinate_jobs WHERE id = :id AND status = 'todo'"),
                    {"id": job_id},
                )
                if deleted.rowcount:
                    return {"id": job_id}
            if abort:
                changed = await conn.execute(
                    text(
                        "UPDATE procrastinate_jobs SET abort_requested = 1, status = CASE "
                        "status WHEN 'todo' THEN 'cancelled' ELSE status END "
                        "WHERE id = :id AND status IN ('todo', 'doing')"
                    ),
                    {"id": job_id},
                )
            else:
                changed = await conn.execute(
                    text(
                        "UPDATE procrastinate_jobs SET status = 'cancelled' "
                        "WHERE id = :id AND status = 'todo'"
                    ),
                    {"id": job_id},
                )
            if changed.rowcount == 0:
                return {"id": None}
            await self._event(conn, job_id, "cancelled")
        return {"id": job_id}

    async def _get_job_status_one(self, job_id: int) -> dict[str, Any]:
        async with self.engine.connect() as conn:
            status = (
                await conn.execute(
                    text("SELECT status FROM procrastinate_jobs WHERE id = :id"), {"id": job_id}
                )
            ).scalar_one()
        return {"status": status}

    async def _retry_job_run(
        self,
        job_id: int,
        retry_at: datetime.datetime,
        new_priority: int | None = None,
        new_queue_name: str | None = None,
        new_lock: str | None = None,
    ) -> None:
        async with self._writing() as conn:
            found = (
                await conn.execute(
                    text(
                        "SELECT status, abort_requested FROM procrastinate_jobs WHERE id = :id "
                        "AND status IN ('doing', 'failed')"
                    ),
                    {"id": job_id},
                )
            ).first()
            if found is None:
                raise JobsError(f"Job {job_id} was not found or has a status that cannot retry.")
            if found.status == "doing" and found.abort_requested:
                await conn.execute(
                    text("UPDATE procrastinate_jobs SET status = 'failed' WHERE id = :id"),
                    {"id": job_id},
                )
                return
            await conn.execute(
                text(
                    "UPDATE procrastinate_jobs SET status = 'todo', attempts = attempts + 1, "
                    "scheduled_at = :at, priority = COALESCE(:p, priority), "
                    "queue_name = COALESCE(:q, queue_name), lock = COALESCE(:l, lock), "
                    "worker_id = NULL WHERE id = :id"
                ),
                {
                    "id": job_id,
                    "at": _epoch(retry_at),
                    "p": new_priority,
                    "q": new_queue_name,
                    "l": new_lock,
                },
            )
            await self._event(conn, job_id, "deferred_for_retry")

    async def _select_stalled_jobs_by_heartbeat_all(
        self, queue: str | None, task_name: str | None, seconds_since_heartbeat: float
    ) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        f"SELECT {_JOB_COLUMNS} FROM procrastinate_jobs AS job "  # noqa: S608
                        "WHERE status = 'doing' "
                        "AND (:queue IS NULL OR queue_name = :queue) "
                        "AND (:task IS NULL OR task_name = :task) "
                        "AND (worker_id IS NULL OR worker_id IN (SELECT id FROM "
                        "  procrastinate_workers WHERE last_heartbeat < :limit))"
                    ),
                    {
                        "queue": queue,
                        "task": task_name,
                        "limit": time.time() - seconds_since_heartbeat,
                    },
                )
            ).mappings()
            return [_row(row) for row in rows]

    async def _list_jobs_all(self, **filters: Any) -> list[dict[str, Any]]:
        clauses = [f"{key} = :{key}" for key, value in filters.items() if value is not None]
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        params = {key: value for key, value in filters.items() if value is not None}
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(f"SELECT {_JOB_COLUMNS} FROM procrastinate_jobs {where} ORDER BY id"),  # noqa: S608
                    params,
                )
            ).mappings()
            return [_row(row) for row in rows]

    async def _list_jobs_to_abort_all(self, queue_name: str | None) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT id FROM procrastinate_jobs WHERE status = 'doing' AND "
                    "abort_requested = 1 AND (:q IS NULL OR queue_name = :q)"
                ),
                {"q": queue_name},
            )
            return [{"id": row.id} for row in rows]

    async def _check_connection_one(self) -> dict[str, Any]:
        async with self.engine.connect() as conn:
            found = (
                await conn.execute(
                    text(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                        "name = 'procrastinate_jobs'"
                    )
                )
            ).first()
        return {"check": None if found is None else "procrastinate_jobs"}

    async def _register_worker_one(self) -> dict[str, Any]:
        async with self._writing() as conn:
            worker_id = (
                await conn.execute(
                    text(
                        "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (:now) "
                        "RETURNING id"
                    ),
                    {"now": time.time()},
                )
            ).scalar_one()
        return {"worker_id": worker_id}

    async def _unregister_worker_run(self, worker_id: int) -> None:
        async with self._writing() as conn:
            await self._drop_workers(conn, [worker_id])

    async def _drop_workers(self, conn: AsyncConnection, worker_ids: list[int]) -> None:
        for worker_id in worker_ids:
            await conn.execute(
                text("UPDATE procrastinate_jobs SET worker_id = NULL WHERE worker_id = :w"),
                {"w": worker_id},
            )
            await conn.execute(
                text("DELETE FROM procrastinate_workers WHERE id = :w"), {"w": worker_id}
            )

    async def _update_heartbeat_run(self, worker_id: int) -> None:
        async with self._writing() as conn:
            await conn.execute(
                text("UPDATE procrastinate_workers SET last_heartbeat = :now WHERE id = :w"),
                {"now": time.time(), "w": worker_id},
            )

    async def _prune_stalled_workers_all(
        self, seconds_since_heartbeat: float
    ) -> list[dict[str, Any]]:
        async with self._writing() as conn:
            stalled = [
                row.id
                for row in await conn.execute(
                    text("SELECT id FROM procrastinate_workers WHERE last_heartbeat < :limit"),
                    {"limit": time.time() - seconds_since_heartbeat},
                )
            ]
            await self._drop_workers(conn, stalled)
        return [{"worker_id": worker_id} for worker_id in stalled]

    async def _delete_old_jobs_run(
        self, nb_hours: float, queue: str | None, statuses: Iterable[str]
    ) -> None:
        wanted = list(statuses)
        names = ", ".join(f":s{index}" for index in range(len(wanted)))
        params: dict[str, Any] = {f"s{index}": value for index, value in enumerate(wanted)}
        params.update({"queue": queue, "limit": time.time() - nb_hours * 3600})
        async with self._writing() as conn:
            await conn.execute(
                text(
                    f"DELETE FROM procrastinate_jobs WHERE status IN ({names}) "  # noqa: S608
                    "AND (:queue IS NULL OR queue_name = :queue) AND (SELECT MAX(at) FROM "
                    "procrastinate_events WHERE job_id = procrastinate_jobs.id) < :limit"
                ),
                params,
            )

    async def _apply_schema_run(self) -> None:
        await self.create_tables()


def _journal_wal(connection: Connection) -> None:
    """``PRAGMA journal_mode = WAL`` on the driver connection, outside any transaction."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.fetchall()
    finally:
        cursor.close()


class _Writing:
    """``async with``: a connection in a write transaction, once it is this write's turn
    among the queue's writes in this process (SQLite's lock is taken at BEGIN)."""

    def __init__(self, engine: AsyncEngine, turn: asyncio.Lock) -> None:
        self._engine = engine
        self._turn = turn
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> AsyncConnection:
        await self._turn.acquire()
        try:
            conn = await self._engine.connect()
            try:
                self._conn = await conn.execution_options(ember_write=True)
                await self._conn.begin()
            except BaseException:
                await conn.close()
                raise
        except BaseException:
            self._turn.release()
            raise
        return self._conn

    async def __aexit__(self, kind: object, error: object, traceback: object) -> None:
        if self._conn is None:
            return
        try:
            if error is None:
                await self._conn.commit()
            else:
                await self._conn.rollback()
        except BaseException:
            # The transaction's end is unknown: the next write's turn comes once this
            # connection is closed (which ends it).
            try:
                await self._conn.close()
            finally:
                self._turn.release()
            raise
        # SQLite's lock is free: the next write's turn, while this connection goes back.
        self._turn.release()
        await self._conn.close()
