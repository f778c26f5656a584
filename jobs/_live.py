"""``use_job``: a component's live view of one job (progress, then result or error).

For a ``LiveView`` class, subscribe in ``mount`` and take the same messages in ``on_info``::

    if socket.connected:
        await socket.subscribe(job_topic(job_id), types=[JobProgress, JobFinished])

    @on_info(JobProgress)
    async def progressed(self, progress, socket): ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reactpy import use_ref, use_state

from ember.live import AsyncResult, use_async, use_subscription

from ._messages import JobFinished, JobProgress, job_topic
from ._state import JobState

if TYPE_CHECKING:
    from ._jobs import Jobs

__all__ = ["use_job"]


def use_job(jobs: Jobs, job_id: int | None) -> JobState:
    """The state of job ``job_id``, re-rendering the component as it progresses and ends.

    The job's status (and result, if it already ended) is read once from the database;
    after that, ``JobProgress`` and ``JobFinished`` messages from the worker (in this
    process or another, through the app's PubSub) update it. ``None`` gives an empty state,
    so a component can call the hook before it has a job to watch.
    """
    state, set_state = use_state(JobState(job_id))
    heard = use_ref(False)

    def fresh(current: JobState) -> JobState:
        return current if current.job_id == job_id else JobState(job_id)

    def apply(message: object) -> None:
        if not isinstance(message, JobProgress | JobFinished) or message.job_id != job_id:
            return  # MessagesMayBeLost: the next message (or a remount) tells the rest
        heard.current = True
        set_state(lambda current: fresh(current).with_message(message))

    async def load() -> None:
        if job_id is None:
            return
        heard.current = False
        stored = await jobs.state(job_id)
        if not heard.current:  # a message already said more than the database did
            set_state(stored)

    loaded: AsyncResult[None] = use_async(load, [job_id])
    del loaded  # the state above says everything; the load's own result is not shown
    topic = job_topic(job_id) if job_id is not None else "ember:job:none"
    use_subscription(topic, apply, on=(JobProgress, JobFinished))
    return fresh(state)
