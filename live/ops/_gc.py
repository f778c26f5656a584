"""Garbage-collector settings for a process that holds many sessions.

A worker with a thousand sessions holds a million container objects, and CPython's
default thresholds (a young collection every 700 surviving allocations) run collections
over them during broadcasts: with Python's settings the collector takes about 9% of the
instructions per delivery in bench/RESULTS.md's broadcast to 1,000 sessions. At startup
ember therefore (a) raises the young generation's threshold, so short-lived render
garbage is freed by reference counting before any collection sees it (with 3,000 the
collector is 2% of that broadcast), and (b) freezes what the app imported (modules,
classes, functions), which no collection needs to visit again.
"""

from __future__ import annotations

import gc
import logging

logger = logging.getLogger("ember.live")


def tune_gc(gen0_threshold: int, *, freeze: bool, gen1_threshold: int = 0) -> None:
    """Set the young generations' thresholds (0 keeps Python's) and, with ``freeze``,
    move every object alive now out of the collector's reach (``gc.freeze``)."""
    gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(gen0_threshold or gen0, gen1_threshold or gen1, gen2)
    if freeze:
        gc.collect()
        gc.freeze()
    logger.debug(
        "Garbage collector: thresholds %s, %d objects frozen",
        gc.get_threshold(),
        gc.get_freeze_count(),
    )
