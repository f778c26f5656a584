"""The scenarios: what one target is made to do, and the figures read from it.

Each scenario takes a running :class:`~bench._server.Server` and a driver for it, and
returns flat figures (``"p50_ms": 1.2``). Every loop is bounded in count and in time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from ._clients import DRIVERS, Driver, Session
from ._server import Server

Figures = dict[str, float | str]
VALID, INVALID = "ada@example.com", "ada-example.com"
MIN_WINDOWS = 2  # click CPU windows run even past cfg.click_seconds


@dataclass(frozen=True)
class Config:
    """How much each scenario does; ``QUICK`` is the smoke run."""

    repeat: int = 3
    repeat_second_mode: int = 2  # per-message deflate: 2 repetitions, to stay in 15 minutes
    clicks: int = 100  # per CPU window
    click_windows: int = 15
    click_seconds: float = 4.0  # no window starts after this (at least MIN_WINDOWS run)
    paired_echo: bool = True  # the click's CPU also against an echo beside it, window by window
    warmup: int = 30
    throughput_sessions: int = 50
    throughput_seconds: float = 1.5
    sessions: int = 1000
    cycles: int = 3
    open_sleep: float = 1.0
    open_concurrency: int = 50
    broadcasts: int = 10
    table_rows: tuple[int, ...] = (100, 1000, 10000)
    table_changes: int = 10
    form_changes: int = 200
    capacity_step: int = 500
    capacity_max: int = 6000
    capacity_rate: float = 1.0
    capacity_probe: int = 100
    capacity_p99_ms: float = 50.0
    capacity_rss_bytes: int = 1 << 30
    capacity_seconds: float = 40.0
    scenario_timeout: float = 120.0
    sessions_timeout: float = 300.0  # NiceGUI opens 1,000 sessions at 40-100 a second
    settle: dict[str, float] = field(
        # NiceGUI keeps a client for reconnect_timeout (3 s) after its socket closes
        default_factory=lambda: {"echo": 1.0, "ember": 1.0, "reactpy": 1.0, "nicegui": 3.5}
    )

    def later(self) -> Config:
        """The configuration of the second and later repetitions: what is measured once
        per target and mode (the open/close cycles, the largest table) is left out."""
        rows = self.table_rows[:-1] if len(self.table_rows) > 2 else self.table_rows
        return dataclasses.replace(self, cycles=1, table_rows=rows)


QUICK = Config(
    repeat=1,
    clicks=10,
    click_windows=3,
    warmup=5,
    throughput_sessions=10,
    throughput_seconds=0.5,
    sessions=40,
    cycles=2,
    open_sleep=0.5,
    broadcasts=3,
    table_rows=(100, 1000),
    table_changes=3,
    form_changes=20,
    capacity_step=20,
    capacity_max=40,
    capacity_probe=20,
    capacity_seconds=10.0,
    scenario_timeout=30.0,
    sessions_timeout=60.0,
)

SMOKE = dataclasses.replace(
    QUICK,
    clicks=5,
    click_windows=2,
    warmup=2,
    throughput_sessions=4,
    throughput_seconds=0.3,
    sessions=10,
    broadcasts=2,
    table_rows=(10, 1000),
    table_changes=2,
    form_changes=6,
    capacity_step=5,
    capacity_max=10,
    capacity_probe=10,
)
"""For CI: every scenario once, seconds per target, figures only checked for sanity."""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def round_trip(session: Session, action: str, value: str | None = None) -> float:
    """Send one action and wait for its update; seconds."""
    start = time.perf_counter()
    await session.send(action, value)
    _, arrived = await session.update()
    return arrived - start


async def open_many(driver: Driver, view: str, count: int, concurrency: int) -> list[Session]:
    sessions: list[Session] = []
    while len(sessions) < count:
        batch = min(concurrency, count - len(sessions))
        sessions += await asyncio.gather(*(driver.open(view) for _ in range(batch)))
    return sessions


async def close_all(sessions: list[Session]) -> None:
    await asyncio.gather(*(session.close() for session in sessions), return_exceptions=True)


# -- one session at a time --------------------------------------------------------------------


async def click(server: Server, driver: Driver, cfg: Config) -> Figures:
    """Click round trip on the counter, server CPU per click, bytes per counter update.

    The clicks run in windows of ``cfg.clicks``, the server's CPU read around each; the
    CPU figure is the median window's, so a collection or a timer that lands in one window
    does not move it (``cpu_us_per_event_mean`` is the mean over all windows, everything
    included). Round trips are over all the clicks of all windows.

    With ``cfg.paired_echo``, a target other than the echo runs beside an echo server of
    its own, on the same core, and each of its windows is followed by one of the echo's:
    ``cpu_ratio_to_paired_echo`` is the median of the windows' ratios, each taken within a
    fraction of a second, so a change in the machine's load between one target and the
    next (seconds apart) does not move it."""
    if not cfg.paired_echo or server.target == "echo":
        return await _click(server, driver, None, cfg)
    with Server("echo") as paired:
        return await _click(server, driver, paired, cfg)


async def _click(server: Server, driver: Driver, paired: Server | None, cfg: Config) -> Figures:
    echo_driver = None if paired is None else DRIVERS["echo"](paired.port, driver.deflate)
    session = await driver.open("counter")
    echo = None if echo_driver is None else await echo_driver.open("counter")
    try:
        for _ in range(cfg.warmup):
            await round_trip(session, "inc")
            if echo is not None:
                await round_trip(echo, "inc")
        rtts: list[float] = []
        windows: list[float] = []
        echo_windows: list[float] = []
        rx, bound = session.rx_bytes, time.perf_counter() + cfg.click_seconds
        while len(windows) < cfg.click_windows and (
            len(windows) < MIN_WINDOWS or time.perf_counter() < bound
        ):
            cpu = server.cpu()
            rtts += [await round_trip(session, "inc") for _ in range(cfg.clicks)]
            windows.append((server.cpu() - cpu) / cfg.clicks)
            if echo is not None and paired is not None:
                cpu = paired.cpu()
                for _ in range(cfg.clicks):
                    await round_trip(echo, "inc")
                echo_windows.append((paired.cpu() - cpu) / cfg.clicks)
        rx = session.rx_bytes - rx
    finally:
        await session.close()
        if echo is not None:
            await echo.close()
        if echo_driver is not None:
            await echo_driver.aclose()
    figures: Figures = {
        "p50_ms": statistics.median(rtts) * 1e3,
        "p99_ms": percentile(rtts, 0.99) * 1e3,
        "cpu_us_per_event": statistics.median(windows) * 1e6,
        "cpu_us_per_event_mean": statistics.fmean(windows) * 1e6,
        "update_bytes": rx / len(rtts),
    }
    if echo_windows:
        pairs = [own / base for own, base in zip(windows, echo_windows, strict=True) if base > 0]
        figures["paired_echo_cpu_us_per_event"] = statistics.median(echo_windows) * 1e6
        figures["cpu_ratio_to_paired_echo"] = statistics.median(pairs)
    return figures


async def form(server: Server, driver: Driver, cfg: Config) -> Figures:
    """A field changed and validated on every change (valid and invalid in turn)."""
    session = await driver.open("form")
    try:
        values = itertools.cycle([INVALID, VALID])  # every change changes the errors
        for _ in range(cfg.warmup):
            await round_trip(session, "email", next(values))
        cpu = server.cpu()
        rtts = [await round_trip(session, "email", next(values)) for _ in range(cfg.form_changes)]
        cpu = server.cpu() - cpu
    finally:
        await session.close()
    return {
        "p50_ms": statistics.median(rtts) * 1e3,
        "p99_ms": percentile(rtts, 0.99) * 1e3,
        "cpu_us_per_event": cpu / cfg.form_changes * 1e6,
    }


async def table(server: Server, driver: Driver, cfg: Config) -> Figures:
    """One cell changed in tables of several sizes: bytes and server CPU per change."""
    figures: Figures = {}
    for rows in cfg.table_rows:
        # fewer changes on the big tables, where a full re-render takes a second
        changes = max(3, min(cfg.table_changes, cfg.table_changes * 1000 // rows))
        session = await driver.open("table", f"rows={rows}")
        try:
            await round_trip(session, "bump")
            cpu, rx = server.cpu(), session.rx_bytes
            rtts = [await round_trip(session, "bump") for _ in range(changes)]
            cpu, rx = server.cpu() - cpu, session.rx_bytes - rx
        finally:
            await session.close()
        figures[f"{rows}_bytes"] = rx / changes
        figures[f"{rows}_server_ms"] = cpu / changes * 1e3
        figures[f"{rows}_p50_ms"] = statistics.median(rtts) * 1e3
    return figures


# -- many sessions ---------------------------------------------------------------------------


async def throughput(server: Server, driver: Driver, cfg: Config) -> Figures:
    """Clicks per second with N sessions, each clicking as fast as its updates come back."""
    sessions = await open_many(driver, "counter", cfg.throughput_sessions, cfg.open_concurrency)
    try:
        await asyncio.gather(*(round_trip(s, "inc") for s in sessions))
        deadline = time.perf_counter() + cfg.throughput_seconds
        counts = [0] * len(sessions)

        async def loop(index: int, session: Session) -> None:
            while time.perf_counter() < deadline:
                await round_trip(session, "inc")
                counts[index] += 1

        start, cpu = time.perf_counter(), server.cpu()
        await asyncio.gather(*(loop(i, s) for i, s in enumerate(sessions)))
        elapsed, cpu = time.perf_counter() - start, server.cpu() - cpu
    finally:
        await close_all(sessions)
    return {
        "events_per_s": sum(counts) / elapsed,
        "server_cpu_share": cpu / elapsed,
    }


async def sessions(server: Server, driver: Driver, cfg: Config) -> Figures:
    """Memory per connected session, sessions opened per second, broadcast to all of them,
    and what is left after open/close cycles. Needs a fresh server."""
    n, settle = cfg.sessions, cfg.settle.get(driver.name, 1.0)
    await close_all(await open_many(driver, "subscribed", 5, 5))
    await asyncio.sleep(settle)
    before = server.rss()
    figures: Figures = {}
    after_first = 0
    for cycle in range(cfg.cycles):
        cpu, client, start = server.cpu(), time.process_time(), time.perf_counter()
        live = await open_many(driver, "subscribed", n, cfg.open_concurrency)
        opened, cpu = time.perf_counter() - start, server.cpu() - cpu
        client = time.process_time() - client
        try:
            if cycle == 0:
                figures["sessions_per_s"] = n / opened
                # The server's CPU per session opened: what a loaded machine moves least.
                figures["open_cpu_us_per_session"] = cpu / n * 1e6
                # The bench client's own CPU per session opened (one process, one core):
                # when it nears 1e6 / sessions_per_s, the client bounds the rate.
                figures["open_client_cpu_us_per_session"] = client / n * 1e6
                await asyncio.sleep(cfg.open_sleep)
                figures["kib_per_session"] = (server.rss() - before) / n / 1024
                figures.update(await _broadcasts(server, live, cfg))
        finally:
            await close_all(live)
        await asyncio.sleep(settle)
        if cycle == 0:
            after_first = server.rss()
    if cfg.cycles > 1:
        figures["kib_left_per_session"] = max(0, server.rss() - after_first) / n / 1024
    return figures


async def _broadcasts(server: Server, live: list[Session], cfg: Config) -> Figures:
    publisher = live[0]
    lasts: list[float] = []
    cpus: list[float] = []
    for _ in range(cfg.broadcasts + 1):  # the first one warms up
        await asyncio.sleep(0.05)
        for session in live:
            session.drain()
        cpu, start = server.cpu(), time.perf_counter()
        await publisher.send("fire")
        arrivals = await asyncio.gather(*(session.update() for session in live))
        lasts.append(max(arrived for _, arrived in arrivals) - start)
        cpus.append(server.cpu() - cpu)
    return {
        "broadcast_last_ms": statistics.median(lasts[1:]) * 1e3,
        "broadcast_cpu_us_per_delivery": statistics.median(cpus[1:]) / len(live) * 1e6,
    }


async def capacity(server: Server, driver: Driver, cfg: Config) -> Figures:
    """Ramp sessions that click at ``capacity_rate`` per second each until a probe
    session's p99 passes ``capacity_p99_ms`` or the server's RSS passes the limit."""
    probe = await driver.open("counter")
    crowd: list[Session] = []
    stop = asyncio.Event()
    clickers: list[asyncio.Task[None]] = []
    deadline = time.perf_counter() + cfg.capacity_seconds
    held, p99_ms, reason = 0, 0.0, "session cap"

    async def clicker(session: Session) -> None:
        rng = random.Random(id(session))
        while not stop.is_set():
            await asyncio.sleep(rng.expovariate(cfg.capacity_rate))
            await round_trip(session, "inc")

    try:
        while len(crowd) < cfg.capacity_max:
            if time.perf_counter() > deadline:
                reason = "time bound"
                break
            added = await open_many(driver, "counter", cfg.capacity_step, cfg.open_concurrency)
            crowd += added
            clickers += [asyncio.create_task(clicker(s)) for s in added]
            rtts = []
            for _ in range(cfg.capacity_probe):
                rtts.append(await round_trip(probe, "inc"))
                await asyncio.sleep(0.01)
            p99_ms = percentile(rtts, 0.99) * 1e3
            if p99_ms > cfg.capacity_p99_ms:
                reason = f"probe p99 {p99_ms:.0f} ms"
                break
            if server.rss() > cfg.capacity_rss_bytes:
                reason = "RSS over 1 GiB"
                break
            held = len(crowd)
    finally:
        stop.set()
        for task in clickers:
            task.cancel()
        await asyncio.gather(*clickers, return_exceptions=True)
        await close_all([probe, *crowd])
    return {"sessions": held, "last_probe_p99_ms": p99_ms, "stopped_by": reason}


Scenario = Callable[[Server, Driver, Config], Awaitable[Figures]]
# Scenarios that share one server per target and repetition, in this order; "sessions" and
# "capacity" each get a fresh server (memory must be read on a fresh process).
SHARED: dict[str, Scenario] = {
    "click": click,
    "form": form,
    "table": table,
    "throughput": throughput,
}
FRESH: dict[str, Scenario] = {"sessions": sessions, "capacity": capacity}
SCENARIOS: dict[str, Scenario] = {**SHARED, **FRESH}
