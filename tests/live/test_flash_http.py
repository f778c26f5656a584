"""``Ember.put_flash(response, …)``: a plain HTTP route (a form POST) redirects with a
flash, and the next live page shows it once, as after a view's redirect."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse, Response
from reactpy import component, html

from ember.live import Ember, use_flash
from ember.live.testing import LiveClient


@component
def Home() -> Any:
    return html.p({"id": "flash"}, use_flash().get("info", ""))


def build(ember: Ember) -> FastAPI:
    app = FastAPI()

    @app.post("/log-in")
    def log_in() -> Response:
        return ember.put_flash(RedirectResponse("/", status_code=303), "info", "Welcome back!")

    ember.mount(app, "/", Home)
    return app


async def test_put_flash_on_an_http_redirect_shows_on_the_next_page_once(ember):
    app = build(ember)
    async with app.router.lifespan_context(app), LiveClient(app) as client:
        response = await client.http.post("/log-in")
        assert response.status_code == 303
        assert "ember_flash=" in response.headers["set-cookie"]
        page = await client.live("/")
        assert page.find("#flash").text() == "Welcome back!"
        again = await client.live("/")
        assert again.find("#flash").text() == ""


async def test_a_forged_flash_cookie_shows_nothing(ember):
    app = build(ember)
    async with app.router.lifespan_context(app), LiveClient(app) as client:
        client.http.cookies.set("ember_flash", "eyJpbmZvIjoiSGFja2VkIn0.forged.sig")
        page = await client.live("/")
        assert page.find("#flash").text() == ""


async def test_following_a_navigation_with_a_flash_keeps_the_login_cookie(ember):
    """Regression (issue 15): ``LivePage.follow()`` after a flash sent only the flash
    cookie, so a page that needs the login cookie answered with the login redirect."""
    from fastapi import Depends, HTTPException
    from fastapi.security import APIKeyCookie

    from ember.live import LiveView

    cookie = APIKeyCookie(name="session", auto_error=False)

    def user(token: str | None = Depends(cookie)) -> str:
        if token != "ada-session":
            raise HTTPException(401, "Not authenticated")
        return "ada"

    class Saver(LiveView):
        async def mount(self, params, session, socket):
            if socket.connected:
                socket.put_flash("info", "Saved.")
                await socket.push_navigate("/")

        def render(self, assigns):
            return html.p("saving")

    app = FastAPI()
    ember.mount(app, "/", Home, dependencies={"identity": user}, login_redirect="/login")
    ember.mount(app, "/save", Saver, dependencies={"identity": user}, login_redirect="/login")
    async with app.router.lifespan_context(app), LiveClient(app) as client:
        client.http.cookies.set("session", "ada-session")
        saver = await client.live("/save")
        await saver.wait_for(lambda p: bool(p.navigations))
        home = await saver.follow()
        assert home.find("#flash").text() == "Saved."
