"""ember: the four views mounted into a FastAPI app, the way the docs write them."""

from __future__ import annotations

import gc
import itertools
import os
import sys
import tempfile
import time
import tracemalloc
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import component, html, use_location, use_ref, use_state

import ember.live
from ember.data import Changeset
from ember.pubsub import message

from ._views import EMAIL, Counter, table_rows

TOPIC = "bench:ticks"
_ticks = itertools.count(1)


@message("bench.tick")
class Tick(BaseModel):
    n: int


@component
def Subscribed() -> Any:
    """A counter that every broadcast on ``TOPIC`` updates, in every session."""
    count, set_count = use_state(0)
    ember.live.use_subscription(TOPIC, lambda tick: set_count(tick.n), on=Tick)

    async def fire(event: Any) -> None:
        await ember.live.default_ember().pubsub.broadcast(TOPIC, Tick(n=next(_ticks)))

    return html.div(
        html.p({"id": "count"}, f"Count: {count}"),
        html.button({"id": "fire", "onClick": fire}, "broadcast"),
    )


class Signup(BaseModel):
    name: str = ""
    email: str = ""


def signup_changeset(params: dict[str, Any]) -> Changeset[Signup]:
    return (
        Changeset.cast(Signup(), params, ["name", "email"])
        .validate_required(["name", "email"])
        .validate_length("name", min=2)
        .validate_format("email", EMAIL.pattern, message="must have the @ sign")
    )


@component
def Form() -> Any:
    """One field validated through a changeset on every change (action ``validate``)."""
    changeset, set_changeset = use_state(lambda: signup_changeset({"name": "ada"}))

    def change(event: Any) -> None:
        params = {**changeset.params, "email": event["target"]["value"]}
        set_changeset(signup_changeset(params).put_action("validate"))

    return html.form(
        html.input({"id": "email", "name": "email", "onChange": change}),
        html.p({"id": "email-error"}, "; ".join(changeset.errors_on("email"))),
    )


@component
def Table() -> Any:
    """An N-row table (``?rows=N``) as ember's docs write long lists: a stream, whose rows
    are rendered and sent once; the button changes one cell in the middle."""
    query = parse_qs(use_location().query_string.lstrip("?"))
    count = int(query.get("rows", ["100"])[0])
    rows = ember.live.use_stream(lambda: table_rows(count), name="rows", key=lambda row: row[0])
    bumps = use_ref(0)  # the middle row's value (a database would hold it)

    def bump(event: Any) -> None:
        bumps.current += 1
        middle = count // 2
        rows.insert((middle, f"row {middle}", bumps.current))  # same key: updated in place

    def row(item: tuple[int, str, int]) -> Any:
        i, name, value = item
        return html.tr(html.td(str(i)), html.td(name), html.td(str(value)))

    return html.div(
        html.button({"id": "bump", "onClick": bump}, "bump"),
        html.table(rows.render(row, tag="tbody")),
    )


app = FastAPI(lifespan=ember.live.lifespan)
# One live_session: bench/browser.py times a live link between the table and the counter.
ember.live.mount(app, "/counter", Counter, live_session="bench")
ember.live.mount(app, "/subscribed", Subscribed, live_session="bench")
ember.live.mount(app, "/form", Form, live_session="bench")
ember.live.mount(app, "/table", Table, live_session="bench")

if os.environ.get("BENCH_TRACEMALLOC"):
    # Where a session's memory goes: GET /_bench/tracemalloc?baseline=1, open sessions,
    # then GET /_bench/tracemalloc for the growth by file since the baseline.
    tracemalloc.start(25)
    _baseline: list[tracemalloc.Snapshot] = []

    @app.get("/_bench/tracemalloc")
    def memory_growth(
        baseline: bool = False, by: str = "filename", top: int = 40, collect: bool = True
    ) -> list[dict[str, Any]]:
        if collect:  # without: what a full collection would free counts too (free lists)
            gc.collect()
        snapshot = tracemalloc.take_snapshot()
        if baseline or not _baseline:
            _baseline[:] = [snapshot]
            return []
        stats = snapshot.compare_to(_baseline[0], by)[:top]
        return [
            {
                "where": str(stat.traceback),
                "kib": stat.size_diff / 1024,
                "blocks": stat.count_diff,
                "frames": stat.traceback.format(limit=25, most_recent_first=True),
            }
            for stat in stats
        ]

    @app.get("/_bench/traced")
    def traced(reset: bool = False) -> dict[str, int]:
        """Python heap now and at its peak since the last ``reset`` (a burst's transient)."""
        current, peak = tracemalloc.get_traced_memory()
        if reset:
            tracemalloc.reset_peak()
        return {"current": current, "peak": peak}


if os.environ.get("BENCH_MALLOC_TRIM"):
    # What glibc's malloc_trim gives back after sessions close (bench experiments only).
    import ctypes

    _libc = ctypes.CDLL("libc.so.6")

    @app.get("/_bench/trim")
    def malloc_trim() -> dict[str, Any]:
        """Trim glibc's heap; how long the call took (the pause a live server sees)."""
        started = time.perf_counter()
        released = int(_libc.malloc_trim(0))
        return {"released": released, "ms": (time.perf_counter() - started) * 1000}

    _MALLINFO2 = (
        "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()  # noqa: SIM905
    )

    class _MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in _MALLINFO2]

    @app.get("/_bench/heap")
    def heap(raw: bool = False) -> dict[str, Any]:
        """glibc's heap (``mallinfo2``) and pymalloc's arenas (``sys._debugmallocstats``;
        with ``raw``, its whole text too: the size classes and CPython's free lists)."""
        _libc.mallinfo2.restype = _MallInfo2
        info = _libc.mallinfo2()
        glibc = {name: int(getattr(info, name)) for name in _MALLINFO2}
        saved = os.dup(2)
        with tempfile.TemporaryFile() as out:
            os.dup2(out.fileno(), 2)
            try:
                sys._debugmallocstats()
            finally:
                os.dup2(saved, 2)
                os.close(saved)
            out.seek(0)
            text = out.read().decode()
        pymalloc: dict[str, int] = {}
        for line in text.splitlines():
            if line.startswith("#") and "=" in line:
                key, _, value = line[1:].partition("=")
                pymalloc[key.strip()] = int(value.strip().replace(",", ""))
            elif "unused pools" in line:
                pymalloc["bytes in unused pools"] = int(line.split("=")[1].replace(",", ""))
        if raw:
            return {"glibc": glibc, "pymalloc": pymalloc, "text": text}
        return {"glibc": glibc, "pymalloc": pymalloc}

    def _tracked() -> dict[str, int]:
        counts: dict[str, int] = {}
        for obj in gc.get_objects():
            name = type(obj).__qualname__
            counts[name] = counts.get(name, 0) + 1
        return counts

    @app.get("/_bench/collect")
    def collect(types: bool = False, freed: bool = False) -> dict[str, Any]:
        """Collect; with ``types``, name what the collection found (the cycles that
        outlive closed sessions until the collector runs); with ``freed``, count the
        tracked objects by type before and after (what the collection freed, which
        ``types`` missed: it saw none of the websockets connections a full collection
        freed)."""
        if freed:
            before = _tracked()
            found = gc.collect()
            after = _tracked()
            gone = {name: n - after.get(name, 0) for name, n in before.items()}
            top = dict(sorted(gone.items(), key=lambda kv: -kv[1])[:40])
            return {"unreachable": found, "freed": {k: v for k, v in top.items() if v > 0}}
        if not types:
            return {"unreachable": gc.collect(), "count": list(gc.get_count())}
        gc.set_debug(gc.DEBUG_SAVEALL)
        found = gc.collect()
        gc.set_debug(0)
        counts: dict[str, int] = {}
        for obj in gc.garbage:
            name = type(obj).__qualname__
            counts[name] = counts.get(name, 0) + 1
        gc.garbage.clear()
        top = dict(sorted(counts.items(), key=lambda kv: -kv[1])[:40])
        return {"unreachable": found, "types": top}
