"""A click's cost in a served process: the README's counter (or the echo) under uvicorn with
the options the bench serves it with, clicked by a client in another process.

Made for instruction counts: run ``serve`` under callgrind (the client stays outside it),
click ``N`` times, stop the server with SIGINT, and read the server's instructions; two
runs (say 100 and 600 clicks) give a click's instructions as their difference over 500,
uvicorn's websocket protocol included (``bench/click_path.py`` leaves it out). What runs
by the clock is off (the loop watchdog's ticker, uvicorn's ten ticks a second and its
keepalive pings), so a run that the machine's load slows counts the same instructions.

    EMBER_LOOP_LAG_THRESHOLD_MS=1000000 PYTHONHASHSEED=0 valgrind --tool=callgrind \\
        --callgrind-out-file=/tmp/s_600.out python bench/served_click.py serve --port 8123 &
    python bench/served_click.py click --port 8123 --clicks 600; kill -INT %1; wait

``--target echo`` serves and clicks the bench's echo with uvicorn's own protocol instead.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# As bench/_server.py sets for the served targets: the flood guard is lifted.
os.environ.setdefault("EMBER_SECRET_KEY", "bench-secret-key-0123456789abcdef")
os.environ.setdefault("EMBER_EVENTS_PER_SECOND", "1000000")
os.environ.setdefault("EMBER_EVENTS_PER_SECOND_PER_IP", "1000000")

APPS = {"ember": "bench._apps.ember_app:app", "echo": "bench._apps.echo:app"}
CONNECT_TRIES = 3600  # twice a second: a server under valgrind starts in minutes


def serve(target: str, port: int) -> None:
    import uvicorn

    from ember.live.ops._watchdog import LoopWatchdog

    class QuietServer(uvicorn.Server):
        """uvicorn's server without its ten ticks a second (the Date header, the request
        limits): work that grows with the run's wall-clock time, not with its clicks."""

        stopping: asyncio.Event | None = None
        loop: asyncio.AbstractEventLoop | None = None

        async def main_loop(self) -> None:
            self.stopping, self.loop = asyncio.Event(), asyncio.get_running_loop()
            if not self.should_exit:
                await self.stopping.wait()

        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            super().handle_exit(sig, frame)
            if self.stopping is not None and self.loop is not None:
                self.loop.call_soon_threadsafe(self.stopping.set)  # from a signal handler

    LoopWatchdog.__init__.__kwdefaults__["interval_ms"] = 1e9  # type: ignore[index]
    options = {"ws": "ember.live.serving:WebSocketProtocol"} if target == "ember" else {}
    config = uvicorn.Config(
        APPS[target],
        host="127.0.0.1",
        port=port,
        ws_max_size=1048576,
        ws_ping_interval=None,  # no keepalive pings: they come by the clock too
        log_level="warning",
        http="httptools",
        loop="asyncio",
        **options,  # type: ignore[arg-type]
    )
    QuietServer(config).run()


async def click(target: str, port: int, clicks: int) -> None:
    from bench._clients import EchoDriver, EmberDriver, Session

    driver = (EmberDriver if target == "ember" else EchoDriver)(port, False)
    session: Session | None = None
    for _ in range(CONNECT_TRIES):
        try:
            session = await driver.open("counter")
            break
        except OSError:
            await asyncio.sleep(0.5)
    if session is None:
        msg = f"Expected a server on port {port}, but none answered."
        raise RuntimeError(msg)
    for _ in range(clicks):
        await session.send("inc")
        await session.update()
    await session.close()
    await driver.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("role", choices=["serve", "click"])
    parser.add_argument("--target", choices=sorted(APPS), default="ember")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clicks", type=int, default=600)
    args = parser.parse_args()
    if args.role == "serve":
        serve(args.target, args.port)
    else:
        asyncio.run(click(args.target, args.port, args.clicks))


if __name__ == "__main__":
    main()
