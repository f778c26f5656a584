"""Fuzzing the websocket: hostile frames close or are ignored; healthy sessions carry on."""

from __future__ import annotations

import contextlib
import json
import logging
import random
import statistics
import time

import anyio
import anyio.lowlevel
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ember.live import Ember, LiveSettings
from ember.live.testing import LiveClient, LiveTestError

from .conftest import Counter

HEALTHY = 20
FRAMES = 10_000
SECRET = "test-secret-key-0123456789"


def make_app() -> tuple[FastAPI, Ember]:
    # Limits high enough that the fuzzer is never throttled: this test is about parsing.
    ember = Ember(LiveSettings(secret_key=SECRET, events_per_second=1e6, event_burst=1_000_000))
    app = FastAPI()
    ember.mount(app, "/counter", Counter)
    return app, ember


def random_frame(rng: random.Random, targets: list[str]) -> str | bytes:
    """One hostile frame; about a third of them are bad enough to close the socket."""
    kind = rng.random()
    if kind < 0.05:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 64)))
    if kind < 0.12:
        return "".join(chr(rng.randint(1, 0x2FF)) for _ in range(rng.randint(0, 80)))
    if kind < 0.17:
        depth = rng.randint(100, 5000)
        return "[" * depth + "]" * depth
    if kind < 0.20:
        return json.dumps(rng.choice([1, "x", None, [1, 2], True, 1.5e300]))
    if kind < 0.25:
        return json.dumps({"type": rng.choice(["?", "layout-update", "", 5, None]), "target": "x"})
    if kind < 0.30:
        event = {"type": "layout-event", "target": rng.choice([5, None, [], "", "x" * 600])}
        return json.dumps(event | {"data": rng.choice([[], {}, "x", 1])})
    if kind < 0.32:
        return json.dumps({"type": "layout-event", "target": "t", "data": ["a" * (1 << 21)]})
    if kind < 0.60:  # unknown targets: ignored
        target = "".join(rng.choice("/:0123456789abcdefonClick") for _ in range(rng.randint(1, 40)))
        return json.dumps({"type": "layout-event", "target": target, "data": [{}]})
    if kind < 0.90:  # targets replayed from the healthy sessions, with random data
        data = rng.choice([[{}], [], [1, 2, 3], [{"target": {"value": "x" * rng.randint(0, 500)}}]])
        seq = rng.choice([None, 0, 7, -1, True, 2**70])
        frame = {"type": "layout-event", "target": rng.choice(targets), "data": data}
        return json.dumps(frame | ({"seq": seq} if seq is not None else {}))
    return json.dumps(
        rng.choice(
            [
                {"type": "ember-ping", "id": rng.choice([1, "x", None, True])},
                {"type": "ember-location", "path": rng.choice(["/counter", "x", 5]), "qs": ""},
            ]
        )
    )


async def median_click(pages, clicks: dict[int, int]) -> float:
    samples = []
    for index, page in enumerate(pages):
        started = time.perf_counter()
        await page.click("#inc")
        samples.append(time.perf_counter() - started)
        clicks[index] += 1
    return statistics.median(samples)


async def test_10000_fuzzed_frames_leave_20_healthy_sessions_untouched(caplog):
    caplog.set_level(logging.WARNING)
    app, ember = make_app()
    rng = random.Random(20261126)
    async with LiveClient(app) as client:
        healthy = [await client.live("/counter") for _ in range(HEALTHY)]
        healthy_ids = set(ember.sessions)
        clicks = dict.fromkeys(range(HEALTHY), 0)
        baseline = await median_click(healthy, clicks)
        targets = [page.find("#inc").handlers["onClick"] for page in healthy[:1]]
        fuzzer = await client.live("/counter")
        reopened, during = 0, []
        for sent in range(FRAMES):
            try:
                await fuzzer.send_raw(random_frame(rng, targets))
            except LiveTestError:  # the server closed it after an earlier frame
                await fuzzer.wait_closed()
                await fuzzer.reconnect()
                reopened += 1
            if sent % 50 == 0:
                await anyio.lowlevel.checkpoint()
            if sent % 1000 == 999:
                during.append(await median_click(healthy, clicks))
    for index, page in enumerate(healthy):
        assert page.find("#count").text() == f"Count: {clicks[index]}"
        assert page.close_code in (None, 1000)
    assert reopened > 100  # the fuzzer really was closed, again and again
    assert statistics.median(during) < baseline * 4 + 0.02, (baseline, during)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [r for r in errors if any(sid in r.getMessage() for sid in healthy_ids)]
    assert not [r for r in errors if "ASGI" in r.getMessage()]


frames = st.one_of(
    st.binary(max_size=64),
    st.text(max_size=64),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=20,
    ).map(json.dumps),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["layout-event", "ember-ping", "ember-location", "x"]),
            "target": st.text(max_size=30) | st.integers(),
            "data": st.lists(st.dictionaries(st.text(max_size=5), st.text(max_size=5)), max_size=3),
            "id": st.integers() | st.text(max_size=3),
            "path": st.text(max_size=10),
        }
    ).map(json.dumps),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(frames, min_size=1, max_size=30))
def test_any_frame_sequence_closes_or_is_ignored(sequence):
    async def run() -> None:
        app, _ = make_app()
        async with LiveClient(app) as client:
            healthy = await client.live("/counter")
            fuzzer = await client.live("/counter")
            for frame in sequence:
                if fuzzer.close_code is not None:
                    break
                try:
                    await fuzzer.send_raw(frame)
                except LiveTestError:
                    break
            if fuzzer.close_code is None:
                with contextlib.suppress(LiveTestError):  # closing after the last frame
                    await fuzzer.render()  # or still answering: everything was ignored
            await healthy.click("#inc")
            assert healthy.find("#count").text() == "Count: 1"

    anyio.run(run)
