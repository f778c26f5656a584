"""What ember's engine costs per click, in process (no socket), as a ratio to a bare render.

The baseline is the least a server can do for the README counter: render the component
synchronously through ReactPy's own hook stack (ReactPy's ``LifeCycleHook``, no task, no
diff), call the button's handler, compare the one text that can change and write one
patch op as JSON. Against it, in the same run, ember's engine
(``ember.live.engine._engine.Engine``) handles:

* counter: the README counter (``bench/_apps/_views.py``): look up the handler by its
  target, call it as the channel does (``call_handler``), render, the patch as JSON;
* subscribed: what a PubSub delivery re-renders (``Subscribed`` of ``bench/_apps/
  ember_app.py``, with the hooks of ``use_subscription`` and a context provider standing
  in for the session): the message goes to the subscription's handler, which sets state;
  render, the patch as JSON;
* keyed list: 100 keyed rows, one of which the click changes.

Each scenario is also rendered bare, like the baseline (no diff; one op for the counter
and the delivery, none for the list), so "ember / bare" is what the engine adds to the
component's own ``html.*`` calls and hooks. Times are the process's CPU time
(``time.process_time``: time the machine gives to others is not counted). Repetitions are
interleaved; the figure is the median over repetitions, and each ratio is taken within one
repetition. The µs figures alone are only indicative on a shared machine
(``valgrind --tool=callgrind`` instruction counts are steadier, see bench/RESULTS.md).

    .venv/bin/python bench/engine.py [--clicks 4000] [--reps 5]
        [--append-results bench/RESULTS.md] [--stock-elements]

``--stock-elements`` builds ``reactpy.html`` elements with ReactPy's own ``Vdom.__call__``
(as before ember installed its constructor, ``ember.live.engine._elements``), for both the
engine and the bare renders: the figures before that change.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from reactpy import component, create_context, html, use_context, use_effect, use_ref, use_state
from reactpy.core._life_cycle_hook import HOOK_STACK, LifeCycleHook

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._apps._views import Counter
from bench._report import publish
from ember.live.engine._engine import Engine
from ember.live.engine._reactpy import STOCK_ELEMENT_CALL, call_handler

ROWS = 100
LONG = 20
"""The keyed list renders ROWS rows per click: it runs 1/LONG of the clicks."""

# -- the baseline: one hook object, rendered synchronously, no diff ----------------------------


class _Parked:
    """What a sync effect's ``stop.wait()`` returns here: the effect stays suspended."""

    def wait(self) -> _Parked:
        return self

    def __await__(self) -> Any:
        yield None


class BareRender:
    """One component rendered synchronously through ReactPy's hook stack, with ReactPy's own
    hook object (``LifeCycleHook``): no task, no diff, nothing written."""

    def __init__(self, root: Any, providers: tuple[Any, ...] = ()) -> None:
        self.wants_render: list[bool] = []
        self.hook = LifeCycleHook(lambda: self.wants_render.append(True))
        for provider in providers:
            self.hook.set_context_provider(provider)
        self.root = root
        self.vdom = self.render()
        self.effects = [effect(_Parked()) for effect in self.hook._effect_funcs]
        for effect in self.effects:  # a sync effect runs up to its stop.wait()
            effect.send(None)
        self.hook._effect_funcs.clear()

    def render(self) -> Any:
        token = HOOK_STACK.initialize()
        stack = HOOK_STACK.get()
        self.hook._scheduled_render = False
        stack.append(self.hook)
        try:
            return self.root.render()
        finally:
            stack.pop()
            HOOK_STACK.reset(token)
            self.hook._rendered_atleast_once = True
            self.hook._current_state_index = 0

    def click(self, button: int) -> None:
        """Call the onClick handler of the root's child number ``button``."""
        handler = self.vdom["children"][button]["eventHandlers"]["onClick"]
        outcome = handler.function([{}])
        try:  # noqa: SIM105 - a with block would cost the baseline a call or two
            # ReactPy wraps a plain function in a coroutine with no await inside
            outcome.send(None)
        except StopIteration:
            pass

    def rendered(self) -> Any:
        if not self.wants_render:
            raise RuntimeError("the event set no state")
        self.wants_render.clear()
        self.vdom = self.render()
        return self.vdom

    def close(self) -> None:
        for effect in self.effects:
            effect.close()


def bare_counter_clicks(clicks: int) -> float:
    """The baseline: µs per click of the least a server can do for the README counter."""
    bare = BareRender(Counter())
    shown = bare.vdom["children"][0]["children"][0]
    started = time.process_time()
    for _ in range(clicks):
        bare.click(1)
        text = bare.rendered()["children"][0]["children"][0]
        if text != shown:  # the one op a reconciler writes
            orjson.dumps({"type": "ember-patch", "ops": [["s", [0, 0, 0], text]]})
            shown = text
    elapsed = time.process_time() - started
    if shown != f"Count: {clicks}":
        raise RuntimeError(f"the baseline counted to {shown!r}, expected {clicks}")
    return elapsed / clicks * 1e6


def bare_deliveries(clicks: int) -> float:
    """µs per delivery of the bare render of ``Subscribed`` (one op, as for the counter)."""
    session = FakeSession()
    bare = BareRender(Subscribed(), (SessionContext(None, value=session),))
    deliver = session.deliver
    if deliver is None:
        raise RuntimeError("the subscription did not start")
    shown = None
    started = time.process_time()
    for n in range(1, clicks + 1):
        deliver(Tick(n))
        text = bare.rendered()["children"][0]["children"][0]
        if text != shown:
            orjson.dumps({"type": "ember-patch", "ops": [["s", [0, 0, 0, 0], text]]})
            shown = text
    elapsed = time.process_time() - started
    bare.close()
    return elapsed / clicks * 1e6


def bare_list_clicks(clicks: int) -> float:
    """µs per click of the bare render of ``KeyedList`` (no diff, nothing written)."""
    bare = BareRender(KeyedList())
    started = time.process_time()
    for _ in range(clicks):
        bare.click(0)
        bare.rendered()
    return (time.process_time() - started) / clicks * 1e6


# -- ember's engine -----------------------------------------------------------------------------


class FakeSession:
    """What ``use_subscription`` reads from the session, and where it subscribes."""

    connected = True

    def __init__(self) -> None:
        self.deliver: Callable[[Any], Any] | None = None


SessionContext = create_context(None)


class Tick:
    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n


def use_bench_subscription(handler: Callable[[Any], Any]) -> None:
    """``ember.live.use_subscription``'s hooks, subscribing to the fake session."""
    session = use_context(SessionContext)
    latest = use_ref(handler)
    latest.current = handler

    def start() -> Callable[[], None]:
        def deliver(message: Any) -> Any:
            if not isinstance(message, Tick):
                return None
            return latest.current(message)

        session.deliver = deliver

        def stop() -> None:
            session.deliver = None

        return stop

    use_effect(start, [session.connected, "bench:ticks"])


@component
def Subscribed() -> Any:
    count, set_count = use_state(0)
    use_bench_subscription(lambda tick: set_count(tick.n))

    async def fire(event: Any) -> None:
        raise NotImplementedError

    return html.div(
        html.p({"id": "count"}, f"Count: {count}"),
        html.button({"id": "fire", "onClick": fire}, "broadcast"),
    )


def bumped(rows: list[tuple[int, str, int]]) -> list[tuple[int, str, int]]:
    changed = list(rows)
    index, name, value = changed[len(changed) // 2]
    changed[index] = (index, name, value + 1)
    return changed


@component
def KeyedList() -> Any:
    rows, set_rows = use_state(lambda: [(i, f"row {i}", 0) for i in range(ROWS)])
    return html.div(
        html.button({"id": "bump", "onClick": lambda event: set_rows(bumped(rows))}, "bump"),
        html.ul(
            [
                html.li({"key": str(i), "className": "row"}, html.span(name), html.b(str(v)))
                for i, name, v in rows
            ]
        ),
    )


def _button_target(model: dict[str, Any]) -> str:
    pending = [model]
    while pending:
        node = pending.pop()
        if node.get("tagName") == "button":
            return str(node["eventHandlers"]["onClick"]["target"])
        pending.extend(c for c in node.get("children", ()) if isinstance(c, dict))
    raise RuntimeError("no button in the model")


async def engine_clicks(root: Any, clicks: int) -> float:
    """µs per click: handler by target, the call as the channel makes it, render, JSON."""
    engine = Engine(root)
    target = _button_target(engine.mount())
    data = [{}]
    started = time.process_time()
    for _ in range(clicks):
        handler = engine.handler_for(target)
        if handler is None:
            raise RuntimeError(f"no handler under {target!r}")
        await call_handler(handler, data)
        ops = engine.render()
        if not ops:
            raise RuntimeError("a click changed nothing")
        orjson.dumps({"type": "ember-patch", "ops": ops})
    elapsed = time.process_time() - started
    await engine.close()
    return elapsed / clicks * 1e6


async def engine_deliveries(clicks: int) -> float:
    """µs per delivery: the subscription's handler sets state, render, JSON."""
    session = FakeSession()
    engine = Engine(SessionContext(Subscribed(), value=session))
    engine.mount()
    deliver = session.deliver
    if deliver is None:
        raise RuntimeError("the subscription did not start")
    started = time.process_time()
    for n in range(1, clicks + 1):
        deliver(Tick(n))
        ops = engine.render()
        if not ops:
            raise RuntimeError("a delivery changed nothing")
        orjson.dumps({"type": "ember-patch", "ops": ops})
    elapsed = time.process_time() - started
    await engine.close()
    return elapsed / clicks * 1e6


SCENARIOS: dict[str, tuple[Callable[[int], Any], Callable[[int], float]]] = {
    "counter (README)": (lambda clicks: engine_clicks(Counter(), clicks), bare_counter_clicks),
    "subscribed (a delivery)": (engine_deliveries, bare_deliveries),
    f"keyed list, {ROWS} rows, one changed": (
        lambda clicks: engine_clicks(KeyedList(), clicks),
        bare_list_clicks,
    ),
}
"""Per scenario: ember's engine, and the same component rendered bare (no diff)."""


Figures = dict[str, dict[str, list[float]]]


async def measure(clicks: int, reps: int) -> tuple[list[float], Figures]:
    """µs per click of the baseline, and of each scenario on ember's engine and bare, per
    repetition (interleaved)."""
    warm = max(50, clicks // 10)
    bare_counter_clicks(warm)
    for engine_run, bare_run in SCENARIOS.values():
        await engine_run(warm)
        bare_run(warm)
    baseline: list[float] = []
    figures: Figures = {name: {"ember": [], "bare": []} for name in SCENARIOS}
    for _ in range(reps):
        gc.collect()
        baseline.append(bare_counter_clicks(clicks))
        for name, (engine_run, bare_run) in SCENARIOS.items():
            count = max(20, clicks // LONG) if name.startswith("keyed list") else clicks
            gc.collect()
            figures[name]["ember"].append(await engine_run(count))
            gc.collect()
            figures[name]["bare"].append(bare_run(count))
    return baseline, figures


def _ratio(mine: list[float], base: list[float]) -> str:
    ratios = [a / b for a, b in zip(mine, base, strict=True)]
    return f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"


def table(baseline: list[float], figures: Figures) -> list[str]:
    lines = [
        "| ember's engine, per click | µs | ratio to the baseline | the component rendered "
        "bare, µs | ember / bare |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, found in figures.items():
        lines.append(
            f"| {name} | {statistics.median(found['ember']):.1f} | "
            f"{_ratio(found['ember'], baseline)} | {statistics.median(found['bare']):.1f} | "
            f"{_ratio(found['ember'], found['bare'])} |"
        )
    lines += [
        "",
        f"Baseline (the counter rendered bare, one op): {statistics.median(baseline):.1f} µs "
        "per click.",
    ]
    return lines


def use_stock_elements() -> None:
    """``reactpy.html`` as ReactPy ships it: its own element constructor and tag lookup."""
    from reactpy._html import HtmlConstructor, SvgConstructor
    from reactpy.core.vdom import Vdom

    Vdom.__call__ = STOCK_ELEMENT_CALL  # type: ignore[method-assign]
    for constructor in (HtmlConstructor, SvgConstructor):
        found = constructor.__getattr__
        constructor.__getattr__ = getattr(found, "__wrapped__", found)  # type: ignore[method-assign]
    for name in [name for name in vars(html) if not name.startswith("_")]:
        delattr(html, name)  # tags remembered by ember's lookup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clicks", type=int, default=4000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--append-results", type=Path)
    parser.add_argument("--stock-elements", action="store_true")
    args = parser.parse_args()
    if args.stock_elements:
        use_stock_elements()
    baseline, figures = asyncio.run(measure(args.clicks, args.reps))
    now = datetime.datetime.now(datetime.UTC)
    lines = [
        f"## engine: ember's render per click against a bare render ({now:%Y-%m-%d %H:%M} UTC)",
        "",
        f"`.venv/bin/python bench/engine.py --clicks {args.clicks} --reps {args.reps} "
        f"--append-results bench/RESULTS.md{' --stock-elements' if args.stock_elements else ''}`",
        "",
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores "
        f"(shared); in process, no socket; {args.clicks} clicks per repetition "
        f"({max(20, args.clicks // LONG)} for the list), median of "
        f"{args.reps} interleaved repetitions; ratios within a repetition (range in brackets). "
        "CPU time of the process (time given to other processes is not counted); the µs "
        "are indicative on a shared machine, the ratios are the figure.",
        "",
        *table(baseline, figures),
        "",
    ]
    publish("\n".join(lines), args.append_results)


if __name__ == "__main__":
    main()
