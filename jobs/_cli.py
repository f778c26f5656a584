"""``ember worker APP:JOBS``: run an app's jobs in a process of their own."""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys

from ._errors import ConfigurationError
from ._jobs import Jobs

__all__ = ["load_jobs", "parse_queues", "worker_command"]


def load_jobs(target: str) -> Jobs:
    """The ``Jobs`` named by ``module:attribute``.

    Raises:
        ConfigurationError: the module does not import, or the attribute is no Jobs.
    """
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise ConfigurationError(
            f"Expected the jobs as module:attribute (e.g. myapp.jobs:jobs), but got {target!r}."
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ConfigurationError(f"Cannot import {module_name!r}: {error}.") from error
    jobs = getattr(module, attribute, None)
    if not isinstance(jobs, Jobs):
        raise ConfigurationError(
            f"Expected {target} to be an ember.jobs.Jobs, but got {type(jobs).__name__}. "
            f"Point at the Jobs(...) object your tasks are declared on."
        )
    return jobs


def parse_queues(specs: list[str]) -> dict[str, int]:
    """``["mail=2", "reports"]`` → ``{"mail": 2, "reports": 1}``.

    Raises:
        ConfigurationError: a concurrency is not a positive whole number.
    """
    queues: dict[str, int] = {}
    for spec in specs:
        name, _, number = spec.partition("=")
        try:
            concurrency = int(number) if number else 1
        except ValueError:
            concurrency = 0
        if not name or concurrency < 1:
            raise ConfigurationError(
                f"Expected a queue as NAME or NAME=CONCURRENCY (e.g. mail=4), but got {spec!r}."
            )
        queues[name] = concurrency
    return queues


def worker_command(target: str, queues: list[str], drain: float) -> None:
    """Run the workers until SIGTERM or SIGINT; running jobs get ``drain`` seconds."""
    jobs = load_jobs(target)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    worker = jobs.worker(parse_queues(queues), drain=drain)
    label = ", ".join(queues) or "every queue"
    print(f"ember worker: running {label} on {jobs.backend}", file=sys.stderr, flush=True)

    async def run() -> None:
        try:
            await worker.run()
        finally:
            await jobs.stop()
            await jobs.repo.dispose()

    asyncio.run(run())
