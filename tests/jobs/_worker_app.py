"""The app ``ember worker`` runs in the process tests: its database from the environment.

``EMBER_DATABASE_URL`` picks the database and ``TEST_JOBS_SCHEMA`` the PostgreSQL schema.
Its one task records each run in the ``runs`` table, so the test process sees what ran.
"""

from __future__ import annotations

import asyncio
import os

from sqlalchemy import text

from ember.data import Repo, make_engine
from ember.jobs import JobContext, Jobs
from tests.jobs.models import Base

schema = os.environ.get("TEST_JOBS_SCHEMA") or None
options: dict[str, object] = {}
if schema:
    options["connect_args"] = {"server_settings": {"search_path": schema}}
repo = Repo(make_engine(**options), Base.metadata)
jobs = Jobs(repo, search_path=schema, poll_interval=0.1, heartbeat=0.2, stalled_after=1.5)


@jobs.task(name="tests.process.nap", max_attempts=3)
async def nap(job: JobContext, seconds: float, label: str) -> str:
    async with repo.transaction() as session:
        await session.execute(
            text("INSERT INTO runs (label, attempt, pid, state) VALUES (:l, :a, :p, 'started')"),
            {"l": label, "a": job.attempt, "p": os.getpid()},
        )
    await asyncio.sleep(seconds)
    async with repo.transaction() as session:
        await session.execute(
            text("INSERT INTO runs (label, attempt, pid, state) VALUES (:l, :a, :p, 'finished')"),
            {"l": label, "a": job.attempt, "p": os.getpid()},
        )
    return label
