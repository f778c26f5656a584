"""ember.jobs' public names are pinned: a change here is a change of the public API."""

from __future__ import annotations

import ember.jobs


def test_jobs_exports_are_pinned_and_sorted():
    assert ember.jobs.__all__ == [
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
    assert sorted(ember.jobs.__all__) == ember.jobs.__all__
