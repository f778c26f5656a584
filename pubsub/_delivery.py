"""The rule for "write committed, broadcast failed": the write's result stands.

A context function that has committed a write and then cannot broadcast it must not fail:
raising would end the caller's live session (its user sees the page remount, and a retry
writes twice), though the data is saved. So it calls :func:`broadcast_after_write`, which
sends the message, and on ``BroadcastError`` logs it once (local subscribers still got
it; other processes did not) and returns False. A view surfaces what was collected by
:func:`undelivered` around the call, e.g. as a flash::

    with undelivered() as missed:
        result = await chirps.post_chirp(params)
    if missed:
        socket.put_flash("info", "Saved. Other pages will show it after a reload.")
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ._errors import BroadcastError

if TYPE_CHECKING:
    from ._pubsub import PubSub

logger = logging.getLogger("ember.pubsub")

_collected: contextvars.ContextVar[list[BroadcastError] | None] = contextvars.ContextVar(
    "ember_pubsub_undelivered", default=None
)


async def broadcast_after_write(pubsub: PubSub, topic: str, message: BaseModel) -> bool:
    """Broadcast ``message`` after a committed write; never raise for the transport.

    Returns:
        True when the backend took it; False when it failed, after logging the failure
        once (and adding it to the innermost :func:`undelivered` block, if any).
    """
    try:
        await pubsub.broadcast(topic, message)
    except BroadcastError as error:
        logger.warning("%s The write it announces stands.", error)
        collected = _collected.get()
        if collected is not None:
            collected.append(error)
        return False
    return True


@contextlib.contextmanager
def undelivered() -> Iterator[list[BroadcastError]]:
    """Collect the broadcasts that :func:`broadcast_after_write` could not deliver within
    the block (in this task), so the caller can tell its user."""
    collected: list[BroadcastError] = []
    token = _collected.set(collected)
    try:
        yield collected
    finally:
        _collected.reset(token)
