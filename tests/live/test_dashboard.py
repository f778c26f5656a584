from __future__ import annotations

from fastapi import FastAPI, HTTPException
from fastapi.requests import HTTPConnection

from ember.live.dashboard import install_dashboard
from ember.live.testing import LiveClient

from .conftest import Counter


def admins_only(connection: HTTPConnection) -> str:
    if connection.headers.get("x-role") != "admin":
        raise HTTPException(status_code=403, detail="admins only")
    return "admin"


async def test_dashboard_is_guarded_and_shows_live_numbers(ember):
    app = FastAPI()
    ember.mount(app, "/counter", Counter)
    stats = install_dashboard(app, ember, guard=admins_only, interval=0.05)
    try:
        async with LiveClient(app) as visitor:
            assert (await visitor.get("/dashboard")).status_code == 403
        async with LiveClient(app, headers={"x-role": "admin"}) as client:
            board = await client.live("/dashboard")
            counters = [await client.live("/counter") for _ in range(3)]
            for page in counters:
                await page.click("#inc")
            await board.wait_for(
                lambda p: p.find("#total-sessions").text() == "4 sessions connected"
            )
            await board.wait_for(lambda p: p.has("#sessions td", text="/counter"))
            await board.wait_for(lambda p: p.has("#rates td", text="/counter"))
            await board.wait_for(lambda p: p.has("#slowest td", text=":onClick"))
            await counters[0].close()
            await board.wait_for(
                lambda p: p.find("#total-sessions").text() == "3 sessions connected"
            )
    finally:
        stats.close()
