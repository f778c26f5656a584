"""Run a coroutine on the caller's stack until it first suspends, and only then in a task.

Python 3.12's eager tasks do this; ember runs on 3.11 too. A PubSub delivery to an idle
session renders and sends on the broadcaster's stack: a send that the socket takes at once
(nearly all of them) costs no task, no future and no trip through the event loop, and one
that must wait goes on in a task of the session's own.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Coroutine, Generator
from typing import Any

Starter = Callable[[Coroutine[Any, Any, None], str], None]


def run_eagerly(work: Coroutine[Any, Any, None], start: Starter, name: str) -> None:
    """Step ``work`` here; if it suspends, ``start`` a task (named ``name``) that goes on
    with it from where it stopped. An error raised before it suspends is raised here."""
    try:
        waiting_for = work.send(None)
    except StopIteration:
        return
    start(_go_on(work, waiting_for), name)


async def _go_on(work: Coroutine[Any, Any, None], waiting_for: Any) -> None:
    await _delegate(work, waiting_for)


@types.coroutine
def _delegate(work: Coroutine[Any, Any, None], waiting_for: Any) -> Generator[Any, Any, None]:
    # What ``yield from`` does for a generator already started: hand the task what ``work``
    # waits for (a future), and hand ``work`` what the task sends or throws back.
    try:
        while True:
            try:
                sent = yield waiting_for
            except GeneratorExit:
                raise
            except BaseException as error:  # a cancellation, or the future's exception
                waiting_for = work.throw(error)
            else:
                waiting_for = work.send(sent)
    except StopIteration:
        return
    finally:
        work.close()  # a no-op once it has finished; runs its cleanup if the task is dropped
