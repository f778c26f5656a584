"""The dashboard's queue panel: jobs per queue and state, retry and cancel behind the guard."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException
from fastapi.requests import HTTPConnection

from ember.jobs import Backoff, JobContext, Jobs
from ember.jobs.testing import drain
from ember.live import Ember, LiveSettings
from ember.live.dashboard import install_dashboard
from ember.live.testing import LiveClient
from ember.pubsub import PubSub


def admins_only(connection: HTTPConnection) -> str:
    if connection.headers.get("x-role") != "admin":
        raise HTTPException(status_code=403, detail="admins only")
    return "admin"


async def test_queue_panel_shows_states_and_retries_and_cancels(jobs: Jobs, pubsub: PubSub):
    outcome = {"fail": True}

    @jobs.task(queue="reports", max_attempts=1, backoff=Backoff(base=0.01))
    async def report(job: JobContext) -> None:
        if outcome["fail"]:
            raise RuntimeError("disk full")

    failed = await report.enqueue()
    await drain(jobs)
    waiting = await report.enqueue(schedule_in=3600)
    assert failed is not None
    assert waiting is not None
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"), pubsub=pubsub)
    app = FastAPI()
    stats = install_dashboard(app, ember, guard=admins_only, interval=0.05, jobs=jobs)
    try:
        async with LiveClient(app) as visitor:
            assert (await visitor.get("/dashboard")).status_code == 403
        # The board refreshes every 0.05 s, a timer always due: a click that waited for the
        # session's timers (timers_within) would wait its whole 5 s for them. Each click's
        # effect is waited for below instead.
        async with LiveClient(app, headers={"x-role": "admin"}, timers_within=0) as client:
            board = await client.live("/dashboard")
            # queue, queued, retrying, running, failed, succeeded, cancelled, aborted
            cells = [cell.text() for cell in board.find_all("#queue-reports td")]
            assert cells == ["reports", "1", "0", "0", "1", "0", "0", "0"]
            assert board.has(f"#job-{failed} td", text="failed")
            assert board.has(f"#job-{waiting} td", text="queued")
            outcome["fail"] = False
            await board.click(f"#job-{failed} .retry")
            await board.wait_for(lambda p: p.has(f"#job-{failed} td", text="retrying"))
            await board.click(f"#job-{waiting} .cancel")
            await board.wait_for(lambda p: p.has(f"#job-{waiting} td", text="cancelled"))
            await drain(jobs)
            await board.wait_for(lambda p: p.has(f"#job-{failed} td", text="succeeded"))
    finally:
        stats.close()
