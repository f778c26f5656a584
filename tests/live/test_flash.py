"""A flash put before push_navigate or redirect is shown by the next page, once."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from reactpy import component, html

from ember.live import Ember, LiveSettings, LiveView, on_event, use_flash, use_session
from ember.live.testing import LiveClient

SECRET = "test-secret-key-0123456789"


@component
def Editor() -> Any:
    session = use_session()

    async def save(event: Any) -> None:
        session.put_flash("info", "Post saved.")
        await session.push_navigate("/posts")

    async def leave(event: Any) -> None:
        await session.redirect("/posts")  # no flash: nothing to carry

    return html.main(
        html.button({"id": "save", "onClick": save}, "save"),
        html.button({"id": "leave", "onClick": leave}, "leave"),
    )


@component
def Posts() -> Any:
    flash = use_flash()
    return html.main(html.p({"id": "flash"}, flash.get("info", "")))


class OldPosts(LiveView):
    """Moved: sends everyone to /posts with a word on why, before the first paint."""

    async def mount(self, params, session, socket):
        socket.put_flash("info", "Posts moved here.")
        await socket.redirect("/posts")

    def render(self, assigns):
        return html.p("moved")


class Publisher(LiveView):
    @on_event("publish")
    async def publish(self, params, socket):
        socket.put_flash("info", "Published.")
        await socket.push_navigate("/posts")

    def render(self, assigns):
        return html.button({"id": "publish", "onClick": self.on("publish")}, "publish")


def cleared(response: httpx.Response) -> bool:
    """Whether ``response`` tells the browser to drop its ember_flash cookie."""
    cookie = response.headers.get("set-cookie", "")
    return cookie.startswith("ember_flash=") and "Max-Age=0" in cookie


def make_app() -> tuple[FastAPI, Ember]:
    ember = Ember(LiveSettings(secret_key=SECRET))
    app = FastAPI()
    ember.mount(app, "/edit", Editor)
    ember.mount(app, "/posts", Posts)
    ember.mount(app, "/old-posts", OldPosts)
    ember.mount(app, "/publish", Publisher)
    return app, ember


async def test_a_flash_put_before_push_navigate_is_shown_by_the_next_page_once():
    app, ember = make_app()
    async with LiveClient(app) as client:
        editor = await client.live("/edit")
        await editor.click("#save")
        await editor.wait_for(lambda p: p.navigations)
        posts = await editor.follow()
        assert 'id="flash">Post saved.<' in posts.static_html  # the first paint
        assert posts.find("#flash").text() == "Post saved."  # and the live render
        assert posts.flash(ember) == {"info": "Post saved."}
        assert cleared(posts.response)  # used up
        again = await client.live("/posts")
        assert again.find("#flash").text() == ""


async def test_a_class_view_carries_its_flash_too():
    app, _ = make_app()
    async with LiveClient(app) as client:
        page = await client.live("/publish")
        await page.click("#publish")
        await page.wait_for(lambda p: p.navigations)
        posts = await page.follow()
        assert posts.find("#flash").text() == "Published."


async def test_a_redirect_during_the_first_paint_carries_the_flash():
    app, _ = make_app()
    async with LiveClient(app) as client:
        moved = await client.get("/old-posts")
        assert moved.status_code == 303
        assert moved.headers["location"] == "/posts"
        posts = await client.live("/posts")
        assert posts.find("#flash").text() == "Posts moved here."


async def test_no_flash_means_no_cookie_and_a_forged_one_is_ignored():
    app, _ = make_app()
    async with LiveClient(app) as client:
        editor = await client.live("/edit")
        await editor.click("#leave")
        await editor.wait_for(lambda p: p.navigations)
        assert "flash" not in str(editor.navigations)
        posts = await editor.follow()
        assert "set-cookie" not in posts.response.headers
        forged = await client.http.get(
            "/posts", headers={"cookie": "ember_flash=eyJpbmZvIjoiaGkifQ.forged.signature"}
        )
        assert 'id="flash"><' in forged.text
        assert cleared(forged)  # cleared all the same
