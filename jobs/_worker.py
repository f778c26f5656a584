"""``Worker``: procrastinate workers for some queues, plus the sweep that revives the jobs
of dead workers.

Each queue gets its own procrastinate worker with its own concurrency. procrastinate
records a heartbeat per worker but leaves the jobs of a worker that vanished (SIGKILL,
OOM, a lost machine) in ``doing``; the sweep here puts those jobs back in the queue once
their worker has been silent for ``stalled_after`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._jobs import Jobs

__all__ = ["Worker"]

logger = logging.getLogger("ember.jobs")


class Worker:
    """Runs jobs from some queues until stopped (see :meth:`Jobs.worker`)."""

    def __init__(self, jobs: Jobs, queues: Mapping[str, int], *, drain: float | None) -> None:
        self.jobs = jobs
        self.queues = dict(queues)
        self.drain = drain
        self._tasks: list[asyncio.Task[Any]] = []

    async def start(self) -> None:
        """Start the workers and the sweep as tasks of the running loop."""
        await self.jobs.start()
        groups: list[tuple[list[str] | None, int]] = (
            [([name], concurrency) for name, concurrency in self.queues.items()]
            if self.queues
            else [(None, 4)]
        )
        for queues, concurrency in groups:
            label = ",".join(queues) if queues else "all"
            self._tasks.append(
                asyncio.create_task(
                    self.jobs.app.run_worker_async(
                        queues=queues,  # type: ignore[arg-type]  # None: every queue
                        concurrency=concurrency,
                        name=f"ember-{label}",
                        install_signal_handlers=False,
                        fetch_job_polling_interval=self.jobs.poll_interval,
                        abort_job_polling_interval=min(1.0, self.jobs.poll_interval),
                        update_heartbeat_interval=self.jobs.heartbeat,
                        stalled_worker_timeout=self.jobs.stalled_after,
                        shutdown_graceful_timeout=self.drain,  # type: ignore[arg-type]
                    ),
                    name=f"ember.jobs worker {label}",
                )
            )
        self._tasks.append(asyncio.create_task(self._sweep(), name="ember.jobs sweep"))
        self.jobs.telemetry("worker_started", queues=label)

    async def stop(self) -> None:
        """Stop taking jobs and let running ones finish (up to ``drain`` seconds)."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.jobs.telemetry("worker_stopped")

    async def __aenter__(self) -> Worker:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def run(self) -> None:
        """Run until SIGTERM or SIGINT, then drain (the ``ember worker`` command)."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        async with self:
            await stop.wait()
            logger.info("ember worker: stop requested, draining running jobs")

    async def _sweep(self) -> None:
        """Put back the running jobs of workers whose heartbeat stopped."""
        manager = self.jobs.app.job_manager
        interval = max(0.05, self.jobs.stalled_after / 2)
        while True:
            await asyncio.sleep(interval)
            try:
                await manager.prune_stalled_workers(self.jobs.stalled_after)
                stalled = await manager.get_stalled_jobs(
                    seconds_since_heartbeat=self.jobs.stalled_after
                )
                for job in stalled:
                    with contextlib.suppress(Exception):  # another worker's sweep won
                        await manager.retry_job(job)
                        self.jobs.telemetry("revived", job_id=job.id, task=job.task_name)
                        logger.warning(
                            "job %s (%s) was running on a worker that stopped answering; "
                            "queued again",
                            job.id,
                            job.task_name,
                        )
                        if self.jobs._sqlite is not None:
                            self.jobs._sqlite.notify_inserted(job.queue)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("ember.jobs: the stalled-job sweep failed; trying again")
