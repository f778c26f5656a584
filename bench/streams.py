"""A one-row change in a 1,000- and a 10,000-row list: ember against plain ReactPy.

For each list size the same run measures, per update, the server time (from the change
until the messages for the browser are serialised) and the bytes on the wire (the JSON
text of every message), for:

* reactpy: stock ``reactpy.core.layout.Layout`` with a component that keeps the rows in
  ``use_state`` and renders them all (what ReactPy sends: the component's whole subtree);
* ember diff: the same component in ember's engine (``ember.live.engine._engine``), whose
  reconciler writes ops for what changed: fewer bytes, but every row is rendered again;
* ember stream: the rows in a ``use_stream`` stream (``ember.live.api._stream``).

Two changes: insert one row at the top, and update one row in the middle. Figures are
medians (and maxima) over the repetitions; ratios are reactpy / ember, per medians.
Usage::

    .venv/bin/python bench/streams.py [--sizes 1000 10000] [--reps 15]
        [--append-results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from reactpy import component, html, use_state
from reactpy.core.layout import Layout

from ember.live import Stream, use_stream
from ember.live.engine._engine import Engine


def make_row(number: int, version: int = 0) -> dict[str, Any]:
    return {"id": number, "name": f"user {number}", "email": f"u{number}@example.com", "v": version}


def render_row(row: dict[str, Any]) -> Any:
    return html.tr(
        {"key": str(row["id"]), "class": f"v{row['v']}"},
        html.td(str(row["id"])),
        html.td(row["name"]),
        html.td(row["email"]),
        html.td(html.button({"onClick": lambda _: None}, "delete")),
    )


@dataclass
class Target:
    """One way of rendering the list: a root component and the two changes."""

    root: Any
    insert: Callable[[int], None]
    update: Callable[[int, int], None]


def plain_target(size: int) -> Target:
    setter: list[Callable[[Any], None]] = []

    @component
    def Table() -> Any:
        rows, set_rows = use_state(lambda: [make_row(i) for i in range(size)])
        setter[:] = [set_rows]
        return html.table(html.tbody([render_row(r) for r in rows]))

    def insert(number: int) -> None:
        setter[0](lambda rows: [make_row(number), *rows])

    def update(index: int, version: int) -> None:
        def change(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            changed = list(rows)
            changed[index] = {**rows[index], "v": version}
            return changed

        setter[0](change)

    return Target(Table(), insert, update)


def stream_target(size: int) -> Target:
    holder: list[Stream[dict[str, Any]]] = []

    @component
    def Table() -> Any:
        rows = use_stream(lambda: [make_row(i) for i in range(size)], name="users")
        holder[:] = [rows]
        return html.table(rows.render(render_row, tag="tbody"))

    def insert(number: int) -> None:
        holder[0].insert(make_row(number), at=0)

    def update(index: int, version: int) -> None:
        holder[0].insert(make_row(index, version))

    return Target(Table(), insert, update)


@dataclass
class Sample:
    ms: list[float]
    bytes: list[int]


async def measure(target: Target, reps: int) -> dict[str, Sample]:
    """Stock ReactPy: each render's ``layout-update`` message, whole."""
    samples = {"insert": Sample([], []), "update": Sample([], [])}
    async with Layout(target.root) as layout:
        orjson.dumps(await layout.render())
        gc.collect()
        gc.freeze()  # the page's long-lived structures stay out of the young generations
        for rep in range(reps):
            for kind in ("insert", "update"):
                # As a session's writer does: it waits for the next render between changes.
                waiting = asyncio.ensure_future(layout.render())
                await asyncio.sleep(0)
                started = time.perf_counter()
                if kind == "insert":
                    target.insert(1_000_000 + rep)
                else:
                    target.update(rep * 7 % 100 + 1, rep + 1)
                size = len(orjson.dumps(await waiting))
                elapsed = (time.perf_counter() - started) * 1000
                samples[kind].ms.append(elapsed)
                samples[kind].bytes.append(size)
        gc.unfreeze()
    return samples


async def measure_engine(target: Target, reps: int) -> dict[str, Sample]:
    """ember's engine: each pass's ``ember-patch`` message."""
    samples = {"insert": Sample([], []), "update": Sample([], [])}
    engine = Engine(target.root)
    orjson.dumps({"type": "layout-update", "path": "", "model": engine.mount()})
    gc.collect()
    gc.freeze()
    try:
        for rep in range(reps):
            for kind in ("insert", "update"):
                started = time.perf_counter()
                if kind == "insert":
                    target.insert(1_000_000 + rep)
                else:
                    target.update(rep * 7 % 100 + 1, rep + 1)
                size = len(orjson.dumps({"type": "ember-patch", "ops": engine.render()}))
                elapsed = (time.perf_counter() - started) * 1000
                samples[kind].ms.append(elapsed)
                samples[kind].bytes.append(size)
    finally:
        gc.unfreeze()
        await engine.close()
    return samples


def median(values: list[float] | list[int]) -> float:
    return float(statistics.median(values))


async def run(sizes: list[int], reps: int) -> list[str]:
    lines = [
        "| rows | change | target | server ms, median (max) | bytes, median | "
        "ms ratio reactpy/target | bytes ratio reactpy/target |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for size in sizes:
        base = await measure(plain_target(size), reps)
        diff = await measure_engine(plain_target(size), reps)
        stream = await measure_engine(stream_target(size), reps)
        for kind in ("insert", "update"):
            reference = base[kind]
            for name, sample in (
                ("reactpy", reference),
                ("ember diff", diff[kind]),
                ("ember stream", stream[kind]),
            ):
                ms, nbytes = median(sample.ms), median(sample.bytes)
                lines.append(
                    f"| {size} | {kind} 1 row | {name} | {ms:.2f} ({max(sample.ms):.2f}) | "
                    f"{nbytes:.0f} | {median(reference.ms) / ms:.1f} | "
                    f"{median(reference.bytes) / nbytes:.1f} |"
                )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--append-results", type=Path, default=None)
    args = parser.parse_args()
    lines = asyncio.run(run(args.sizes, args.reps))
    print("\n".join(lines))
    if args.append_results is not None:
        command = " ".join(["python", "bench/streams.py", *sys.argv[1:]])
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        section = [
            "",
            f"## streams: one-row change in a long list ({stamp})",
            "",
            f"`{command}`",
            "",
            f"Python {platform.python_version()}, {platform.machine()}; in process, "
            f"{args.reps} updates of each kind per target; server time = from the change until "
            "every message is serialised; bytes = JSON text of those messages.",
            "",
            *lines,
        ]
        with args.append_results.open("a") as results:
            results.write("\n".join(section) + "\n")


if __name__ == "__main__":
    main()
