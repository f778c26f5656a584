"""``live_session``: mounts that share one identity check (page and socket alike), their
``on_mount`` hooks, and ``disconnect``, which sends a logged-out identity's open pages, on
every worker, back through the check to the login page (issue 15)."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import APIKeyCookie
from reactpy import component, html

from ember.live import Ember, LiveSettings, disconnect, live_session, use_session
from ember.live.testing import LiveClient, LiveTestError
from ember.pubsub import PubSub

SECRET = "test-secret-key-0123456789"
cookie = APIKeyCookie(name="session", auto_error=False)


@component
def Who() -> Any:
    session = use_session()
    return html.p({"id": "who"}, f"{session.identity} {session.dependencies.get('seen')}")


def build(ember: Ember, sessions: dict[str, str], mounted: list[bool]) -> FastAPI:
    """An app whose pages need a user from the ``session`` cookie (``sessions`` maps
    cookie values to users, as a sessions table would)."""

    def current_user(token: Annotated[str | None, Depends(cookie)]) -> str:
        user = sessions.get(token or "")
        if user is None:
            raise HTTPException(401, "Not authenticated")
        return user

    async def remember(session: Any) -> None:
        mounted.append(session.connected)
        session.dependencies["seen"] = "checked"

    app = FastAPI()
    users = live_session(
        dependencies={"identity": current_user},
        login_redirect="/login",
        on_mount=[remember],
        disconnect_topic=lambda user: f"users:{user}",
        ember=ember,
    )
    users.mount(app, "/private", Who)
    users.mount(app, "/other", Who, title="Other")
    return app


def log_in(client: LiveClient, token: str) -> None:
    client.http.cookies.set("session", token)


async def test_every_mount_of_the_group_refuses_anonymous_visitors(ember):
    app = build(ember, {"t1": "ada"}, [])
    async with LiveClient(app) as client:
        for path in ("/private", "/other"):
            response = await client.get(path)
            assert response.status_code == 303
            assert response.headers["location"] == "/login"
        log_in(client, "t1")
        page = await client.live("/other")
        assert page.find("#who").text() == "ada checked"


async def test_on_mount_runs_for_the_page_and_for_the_socket(ember):
    mounted: list[bool] = []
    app = build(ember, {"t1": "ada"}, mounted)
    async with LiveClient(app) as client:
        log_in(client, "t1")
        await client.live("/private")
    assert mounted == [False, True]


async def test_disconnect_sends_every_tab_of_that_identity_on_every_worker_to_login(two_workers):
    first_bus, second_bus = two_workers
    sessions = {"t1": "ada", "t2": "ada", "t3": "bob"}
    settings = LiveSettings(secret_key=SECRET)
    first = build(Ember(settings, pubsub=first_bus), sessions, [])
    second = build(Ember(settings, pubsub=second_bus), sessions, [])
    async with LiveClient(first) as one, LiveClient(second) as two, LiveClient(second) as bob:
        log_in(one, "t1")
        log_in(two, "t2")
        log_in(bob, "t3")
        tabs = [await one.live("/private"), await two.live("/private"), await two.live("/other")]
        bobs = await bob.live("/private")
        del sessions["t1"], sessions["t2"]  # ada logged out everywhere
        await disconnect("users:ada", pubsub=first_bus)
        for tab in tabs:
            await tab.wait_for(lambda p: bool(p.navigations))
            assert tab.navigations[-1]["kind"] == "redirect"
            with pytest.raises(LiveTestError, match="redirect to /login"):
                await tab.follow()
        assert bobs.navigations == []
        assert bobs.find("#who").text() == "bob checked"


async def test_disconnect_of_a_still_valid_identity_just_reloads_the_page(ember):
    bus = PubSub(f"memory://{id(ember)}")
    async with bus:
        app = build(Ember(LiveSettings(secret_key=SECRET), pubsub=bus), {"t1": "ada"}, [])
        async with LiveClient(app) as client:
            log_in(client, "t1")
            page = await client.live("/private?tab=2")
            await disconnect("users:ada", pubsub=bus)
            await page.wait_for(lambda p: bool(p.navigations))
            assert page.navigations[-1]["to"] == "/private?tab=2"
            again = await page.follow()
            assert again.find("#who").text() == "ada checked"


async def test_login_flash_reaches_the_login_page_after_a_refusal(ember):
    from ember.live import use_flash

    @component
    def Login() -> Any:
        return html.p({"id": "flash"}, use_flash().get("error", ""))

    def nobody() -> str:
        raise HTTPException(401, "Not authenticated")

    app = FastAPI()
    group = live_session(
        dependencies={"identity": nobody},
        login_redirect="/login",
        login_flash="You must log in to access this page.",
        ember=ember,
    )
    group.mount(app, "/private", Who)
    ember.mount(app, "/login", Login)
    async with LiveClient(app) as client:
        refused = await client.get("/private")
        assert refused.headers["location"] == "/login"
        login = await client.live("/login")
        assert login.find("#flash").text() == "You must log in to access this page."
