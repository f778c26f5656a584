"""``JobState``: what a view shows of one job, and the table that keeps job results.

procrastinate keeps a job's status but not what its task returned, so a finished job's
result is written to ``ember_job_results``: a view that opens after the job ended still
shows it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from enum import StrEnum

from pydantic import JsonValue
from sqlalchemy import BigInteger, Column, MetaData, Table, Text, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from ._messages import JobFinished, JobOutcome, JobProgress

__all__ = ["RESULTS", "JobState", "JobStatus", "read_result", "write_result"]

RESULTS = Table(
    "ember_job_results",
    MetaData(),
    Column("job_id", BigInteger, primary_key=True, autoincrement=False),
    Column("result", Text, nullable=False),
)


class JobStatus(StrEnum):
    """Where a job is, as a view shows it."""

    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


_FROM_DATABASE = {
    "todo": JobStatus.QUEUED,
    "doing": JobStatus.RUNNING,
    "succeeded": JobStatus.SUCCEEDED,
    "failed": JobStatus.FAILED,
    "cancelled": JobStatus.CANCELLED,
    "aborted": JobStatus.CANCELLED,
}

_FROM_OUTCOME = {
    JobOutcome.SUCCEEDED: JobStatus.SUCCEEDED,
    JobOutcome.FAILED: JobStatus.FAILED,
    JobOutcome.RETRYING: JobStatus.RETRYING,
    JobOutcome.CANCELLED: JobStatus.CANCELLED,
}


@dataclass(frozen=True)
class JobState:
    """One job as a view sees it: status, last progress, result or error."""

    job_id: int | None
    status: JobStatus = JobStatus.UNKNOWN
    progress: JobProgress | None = None
    result: JsonValue = None
    error: str = ""

    @property
    def done(self) -> bool:
        """The job has ended for good (succeeded, failed or cancelled)."""
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)

    @classmethod
    def from_database(cls, job_id: int, status: str, result: JsonValue) -> JobState:
        return cls(job_id, _FROM_DATABASE.get(status, JobStatus.UNKNOWN), result=result)

    def with_message(self, message: JobProgress | JobFinished) -> JobState:
        """This state after ``message`` (a finished job ignores late progress)."""
        if isinstance(message, JobProgress):
            if self.done:
                return self
            return dataclasses.replace(self, status=JobStatus.RUNNING, progress=message)
        return dataclasses.replace(
            self, status=_FROM_OUTCOME[message.outcome], result=message.result, error=message.error
        )


async def write_result(session: AsyncSession, job_id: int, result: JsonValue) -> None:
    """Keep what job ``job_id`` returned (a job that ran twice keeps the last result)."""
    await session.execute(delete(RESULTS).where(RESULTS.c.job_id == job_id))
    await session.execute(insert(RESULTS).values(job_id=job_id, result=json.dumps(result)))


async def read_result(session: AsyncSession, job_id: int) -> JsonValue:
    """What job ``job_id`` returned, or None."""
    found = (
        await session.execute(select(RESULTS.c.result).where(RESULTS.c.job_id == job_id))
    ).scalar()
    return None if found is None else json.loads(found)
