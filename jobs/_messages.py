"""The PubSub messages a job sends while it runs: progress, then how it ended.

Both travel on the topic :func:`job_topic` names, one per job, so a live view subscribes
to the jobs it shows and nothing else. They are registered ``ember.pubsub`` messages, so
they cross processes (a job in ``ember worker`` reaches views in the web process).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, JsonValue

from ember.pubsub import message

__all__ = ["JobFinished", "JobOutcome", "JobProgress", "job_topic"]


def job_topic(job_id: int) -> str:
    """The PubSub topic of one job's progress and outcome."""
    return f"ember:job:{job_id}"


class JobOutcome(StrEnum):
    """How one run of a job ended."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    """Failed for good: no attempt is left (or the error is not retried)."""
    RETRYING = "retrying"
    """Failed; another attempt is scheduled."""
    CANCELLED = "cancelled"


@message("ember.jobs.progress")
class JobProgress(BaseModel):
    """A running job's progress: ``done`` of ``total`` (total may be unknown)."""

    job_id: int
    done: float
    total: float | None = None
    note: str = ""

    @property
    def fraction(self) -> float | None:
        """``done / total`` between 0 and 1, or None when the total is unknown."""
        if not self.total:
            return None
        return max(0.0, min(1.0, self.done / self.total))


@message("ember.jobs.finished")
class JobFinished(BaseModel):
    """A run of a job ended: its result (JSON) when it succeeded, the error otherwise."""

    job_id: int
    outcome: JobOutcome
    result: JsonValue = None
    error: str = ""
    attempt: int = 1
