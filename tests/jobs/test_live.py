"""A job's progress and result reach live views through the PubSub: the use_job hook and a
LiveView's on_info, through the real websocket endpoint (LiveClient)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import FastAPI
from reactpy import component, html, use_state

from ember.jobs import JobContext, JobFinished, JobProgress, Jobs, job_topic, use_job
from ember.live import Ember, LiveSettings, LiveView, on_event, on_info
from ember.live.testing import LiveClient
from ember.pubsub import PubSub

SECRET = "test-secret-key-0123456789"


def make_app(jobs: Jobs, pubsub: PubSub, gate: asyncio.Event) -> FastAPI:
    @jobs.task(name="tests.live.count_words")
    async def count_words(job: JobContext, text: str) -> dict[str, int]:
        words = text.split()
        counts: dict[str, int] = {}
        for index, word in enumerate(words, 1):
            counts[word] = counts.get(word, 0) + 1
            await job.progress(index, len(words), note=word)
            if index == 1:
                await gate.wait()  # the test looks at the first progress here
        return counts

    @component
    def Report() -> Any:
        job_id, set_job_id = use_state(None)
        state = use_job(jobs, job_id)

        async def start(_event: object) -> None:
            set_job_id(await count_words.enqueue(text="to be or not to be"))

        percent = state.progress.fraction if state.progress else None
        return html.main(
            html.button({"id": "start", "onClick": start}, "Count"),
            html.p({"id": "status"}, state.status.value),
            html.p({"id": "progress"}, "" if percent is None else f"{percent:.0%}"),
            html.p({"id": "result"}, str(state.result or "")),
        )

    class ReportLive(LiveView):
        async def mount(self, params, session, socket):
            socket.assign(job_id=None, note="", result=None)

        @on_event("start")
        async def start(self, params, socket):
            job_id = await count_words.enqueue(text="to be or not to be")
            await socket.subscribe(job_topic(job_id), types=[JobProgress, JobFinished])
            socket.assign(job_id=job_id)

        @on_info(JobProgress)
        async def progressed(self, progress, socket):
            socket.assign(note=f"{progress.done:g}/{progress.total:g} {progress.note}")

        @on_info(JobFinished)
        async def finished(self, finished, socket):
            socket.assign(result=finished.result)

        def render(self, assigns):
            return html.main(
                html.button({"id": "start", "onClick": self.on("start")}, "Count"),
                html.p({"id": "note"}, assigns["note"]),
                html.p({"id": "result"}, str(assigns["result"] or "")),
            )

    ember = Ember(LiveSettings(secret_key=SECRET), pubsub=pubsub)
    app = FastAPI()
    ember.mount(app, "/hook", Report)
    ember.mount(app, "/class", ReportLive)
    return app


EXPECTED = str({"to": 2, "be": 2, "or": 1, "not": 1})


async def test_use_job_shows_progress_then_the_result(jobs: Jobs, pubsub: PubSub):
    gate = asyncio.Event()
    app = make_app(jobs, pubsub, gate)
    async with LiveClient(app) as client, jobs.worker():
        page = await client.live("/hook")
        assert page.find("#status").text() == "unknown"
        await page.click("#start")
        await page.wait_for(lambda p: p.find("#progress").text() == "17%")
        assert page.find("#status").text() == "running"
        gate.set()
        await page.wait_for(lambda p: p.find("#result").text() == EXPECTED)
        assert page.find("#status").text() == "succeeded"
        assert page.find("#progress").text() == "100%"


async def test_use_job_in_a_view_opened_after_the_job_ended_shows_its_result(
    jobs: Jobs, pubsub: PubSub
):
    gate = asyncio.Event()
    gate.set()
    make_app(jobs, pubsub, gate)

    @component
    def Late() -> Any:
        state = use_job(jobs, job_id)
        return html.p({"id": "result"}, f"{state.status.value} {state.result}")

    count_words = jobs.tasks["tests.live.count_words"]
    job_id = await count_words.enqueue(text="be be")
    async with jobs.worker():
        for _ in range(200):
            if (await jobs.state(job_id)).done:
                break
            await asyncio.sleep(0.02)
    ember = Ember(LiveSettings(secret_key=SECRET), pubsub=pubsub)
    app = FastAPI()
    ember.mount(app, "/late", Late)
    async with LiveClient(app) as client:
        page = await client.live("/late")
        await page.wait_for(lambda p: p.find("#result").text() == "succeeded {'be': 2}")


async def test_live_view_on_info_receives_progress_and_result(jobs: Jobs, pubsub: PubSub):
    gate = asyncio.Event()
    app = make_app(jobs, pubsub, gate)
    async with LiveClient(app) as client, jobs.worker():
        page = await client.live("/class")
        await page.click("#start")
        await page.wait_for(lambda p: p.find("#note").text() == "1/6 to")
        gate.set()
        await page.wait_for(lambda p: p.find("#result").text() == EXPECTED)
