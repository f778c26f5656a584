"""The dashboard's queue panel: jobs per queue and state, and the latest jobs with retry
and cancel buttons (the dashboard's guard protects them like the rest of the page).

The panel reads any object with the :class:`JobQueues` methods (``ember.jobs.Jobs`` has
them), so ``ember.live`` does not import ``ember.jobs``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from reactpy import html

__all__ = ["QUEUE_STATES", "JobQueues", "queue_panel", "read_queues", "run_queue_action"]

QUEUE_STATES = ("todo", "retrying", "doing", "failed", "succeeded", "cancelled", "aborted")
_LABELS = {"todo": "queued", "doing": "running"}


class JobQueues(Protocol):
    """What the queue panel needs of a job queue."""

    async def counts(self) -> dict[str, dict[str, int]]: ...

    async def recent(self, limit: int = 20) -> list[dict[str, Any]]: ...

    async def retry(self, job_id: int) -> None: ...

    async def cancel(self, job_id: int) -> bool: ...


async def read_queues(queues: JobQueues) -> dict[str, Any]:
    """The figures the panel shows, read once per dashboard refresh."""
    return {"counts": await queues.counts(), "recent": await queues.recent(15)}


async def run_queue_action(queues: JobQueues, event: str) -> bool:
    """Run a ``jobs:retry:ID`` or ``jobs:cancel:ID`` event; False for any other event."""
    parts = event.split(":")
    if len(parts) != 3 or parts[0] != "jobs" or not parts[2].isdigit():
        return False
    action, job_id = parts[1], int(parts[2])
    if action == "retry":
        await queues.retry(job_id)
    elif action == "cancel":
        await queues.cancel(job_id)
    else:
        return False
    return True


def queue_panel(figures: Mapping[str, Any], on: Any) -> Any:
    """The panel's markup; ``on(event)`` makes a click handler for an event name."""
    counts: Mapping[str, Mapping[str, int]] = figures.get("counts", {})
    recent: Sequence[Mapping[str, Any]] = figures.get("recent", [])
    header = ("queue", *(_LABELS.get(state, state) for state in QUEUE_STATES))
    rows = [
        html.tr(
            {"key": queue, "id": f"queue-{queue}"},
            html.td({"key": "queue"}, queue),
            [html.td({"key": state}, str(by_state.get(state, 0))) for state in QUEUE_STATES],
        )
        for queue, by_state in sorted(counts.items())
    ]
    jobs = [
        html.tr(
            {"key": str(job["id"]), "id": f"job-{job['id']}"},
            html.td({"key": "id"}, str(job["id"])),
            html.td({"key": "task"}, job["task"]),
            html.td({"key": "queue"}, job["queue"]),
            html.td({"key": "state"}, _LABELS.get(job["status"], job["status"])),
            html.td({"key": "attempts"}, str(job["attempts"])),
            html.td({"key": "actions"}, _actions(job, on)),
        )
        for job in recent
    ]
    return html.section(
        {"id": "queues", "className": "ember-dashboard-panel"},
        html.h2("Job queues"),
        html.table(
            html.thead(html.tr([html.th({"key": h}, h) for h in header])),
            html.tbody(
                rows or [html.tr({"key": "none"}, html.td({"colSpan": len(header)}, "no jobs"))]
            ),
        ),
        html.h3("Latest jobs"),
        html.table(
            html.thead(
                html.tr(
                    [
                        html.th({"key": h}, h)
                        for h in ("id", "task", "queue", "state", "attempts", "")
                    ]
                )
            ),
            html.tbody(jobs or [html.tr({"key": "none"}, html.td({"colSpan": 6}, "no jobs"))]),
        ),
    )


def _actions(job: Mapping[str, Any], on: Any) -> Any:
    buttons = []
    if job["status"] == "failed":
        buttons.append(
            html.button(
                {"key": "retry", "className": "retry", "onClick": on(f"jobs:retry:{job['id']}")},
                "Retry",
            )
        )
    if job["status"] in ("todo", "retrying", "doing"):
        buttons.append(
            html.button(
                {
                    "key": "cancel",
                    "className": "cancel",
                    "onClick": on(f"jobs:cancel:{job['id']}"),
                },
                "Cancel",
            )
        )
    return buttons
