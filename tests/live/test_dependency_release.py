"""A ``yield`` dependency resolved for a live session gives back what it acquired once the
view has mounted, not when the tab closes (issue 25: each open tab held a pooled database
connection, and at tab 16 the app's own API hung on an exhausted pool)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import anyio
import pytest
from fastapi import Depends, FastAPI, Header, HTTPException
from reactpy import component, html
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool
from starlette.requests import HTTPConnection

from ember.live import Ember, LiveSettings, LiveView, use_session
from ember.live.testing import LiveClient

POOL_SIZE = 2
SESSIONS = 3 * POOL_SIZE  # more open tabs than the pool has connections


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
    else:
        url = str(request.getfixturevalue("postgres_url"))
    engine = create_async_engine(
        url,
        poolclass=AsyncAdaptedQueuePool,
        pool_size=POOL_SIZE,
        max_overflow=0,
        pool_timeout=2,  # on the old behaviour the third tab waits this long, then fails
    )
    try:
        yield engine
    finally:
        await engine.dispose()


async def get_db(connection: HTTPConnection) -> AsyncIterator[AsyncSession]:
    """The app's database session, as full-stack-fastapi-template's ``get_db``."""
    events: list[str] = connection.app.state.events
    async with AsyncSession(connection.app.state.engine) as session:
        events.append("db opened")
        yield session
    events.append("db closed")


async def current_user(
    db: Annotated[AsyncSession, Depends(get_db)],
    authorization: Annotated[str, Header()] = "",
) -> str:
    if authorization != "Bearer ada-token":
        raise HTTPException(401, "Not authenticated")
    return str((await db.execute(text("SELECT 'ada'"))).scalar_one())


class ItemsLive(LiveView):
    async def mount(
        self,
        params: dict[str, str],
        session: Any,
        socket: Any,
        db: Annotated[AsyncSession, Depends(get_db)],
    ) -> None:
        # The dependency's session is still open while the view mounts.
        count = (await db.execute(text("SELECT 2"))).scalar_one()
        socket.session.scope["app"].state.events.append(f"mounted connected={socket.connected}")
        socket.assign(count=count)

    def render(self, assigns: dict[str, Any]) -> Any:
        return html.p({"id": "count"}, str(assigns["count"]))


@component
def Whoami() -> Any:
    return html.p({"id": "who"}, str(use_session().identity))


def build_app(engine: AsyncEngine, events: list[str]) -> tuple[FastAPI, Ember]:
    """A bearer-token app: ``get_db`` yields a session, ``current_user`` depends on it."""
    app = FastAPI()
    app.state.engine = engine
    app.state.events = events

    @app.get("/api/items")
    async def items(db: Annotated[AsyncSession, Depends(get_db)]) -> list[int]:
        return [int((await db.execute(text("SELECT 1"))).scalar_one())]

    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"))
    ember.mount(app, "/items", ItemsLive)
    ember.mount(app, "/whoami", Whoami, dependencies={"identity": current_user})
    return app, ember


async def test_open_sessions_hold_no_pooled_connection_and_the_api_keeps_answering(
    engine: AsyncEngine,
):
    events: list[str] = []
    app, ember = build_app(engine, events)
    headers = {"authorization": "Bearer ada-token"}
    async with LiveClient(app, headers=headers) as client:
        pages = [await client.live("/whoami") for _ in range(SESSIONS)]
        pages += [await client.live("/items") for _ in range(SESSIONS)]
        assert len(ember.sessions) == 2 * SESSIONS
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        with anyio.fail_after(1):
            assert (await client.get("/api/items")).json() == [1]
        assert {page.find("#who").text() for page in pages[:SESSIONS]} == {"ada"}
        assert {page.find("#count").text() for page in pages[SESSIONS:]} == {"2"}
    # The view mounted with the session open; it closed right after, tab still open.
    live_mount = events.index("mounted connected=True")
    assert events[live_mount - 1] == "db opened"
    assert events[live_mount + 1] == "db closed"


class Broken(LiveView):
    async def mount(
        self, params: Any, session: Any, socket: Any, db: Annotated[AsyncSession, Depends(get_db)]
    ) -> None:
        await db.execute(text("SELECT 1"))  # checks a connection out
        if socket.connected:
            raise RuntimeError("mount failed")

    def render(self, assigns: Any) -> Any:
        return html.p("never live")


async def test_a_view_that_fails_to_mount_still_releases_its_dependencies(
    engine: AsyncEngine,
):
    app = FastAPI()
    app.state.engine = engine
    app.state.events = events = []
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"))
    ember.mount(app, "/broken", Broken)
    async with LiveClient(app) as client:
        for _ in range(SESSIONS):
            with pytest.raises(AssertionError, match="closed the websocket with 1011"):
                await client.live("/broken")
    # Each page and each socket opened one database session and closed it again.
    assert events.count("db opened") == events.count("db closed") == 2 * SESSIONS
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
