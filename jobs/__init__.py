"""ember.jobs: durable background jobs in the app's database, run by procrastinate.

::

    jobs = Jobs(repo, pubsub=pubsub)

    @jobs.task(queue="mail", max_attempts=5, timeout=30)
    async def send_welcome(job: JobContext, user_id: int) -> None: ...

    async with repo.transaction():
        user = (await repo.insert(changeset)).value
        await send_welcome.enqueue(user_id=user.id)     # commits or rolls back with the user

See docs/jobs.md for workers, retries, unique and periodic jobs, and live progress.
"""

from __future__ import annotations

from ._errors import ConfigurationError as ConfigurationError
from ._errors import JobsError as JobsError
from ._errors import NotStartedError as NotStartedError
from ._errors import TaskError as TaskError
from ._jobs import Jobs as Jobs
from ._live import use_job as use_job
from ._messages import JobFinished as JobFinished
from ._messages import JobOutcome as JobOutcome
from ._messages import JobProgress as JobProgress
from ._messages import job_topic as job_topic
from ._state import JobState as JobState
from ._state import JobStatus as JobStatus
from ._task import Backoff as Backoff
from ._task import JobContext as JobContext
from ._task import Task as Task
from ._worker import Worker as Worker

__all__ = [
    "Backoff",
    "ConfigurationError",
    "JobContext",
    "JobFinished",
    "JobOutcome",
    "JobProgress",
    "JobState",
    "JobStatus",
    "Jobs",
    "JobsError",
    "NotStartedError",
    "Task",
    "TaskError",
    "Worker",
    "job_topic",
    "use_job",
]
