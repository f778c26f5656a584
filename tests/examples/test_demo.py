"""The demo app in-process, through ember.live.testing: timeline, members, presence, tasks."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ember.demo import app as demo
from ember.demo import chirps, db, layout
from ember.live.testing import LiveClient


@contextlib.asynccontextmanager
async def running(folder: Path) -> AsyncIterator[LiveClient]:
    """The demo on its own SQLite file, with its lifespan (tables, PubSub, Presence)."""
    db.connect(f"sqlite+aiosqlite:///{folder / 'demo.db'}")
    async with demo.app.router.lifespan_context(demo.app), LiveClient(demo.app) as client:
        yield client


async def test_demo_timeline_first_paint_is_server_rendered(tmp_path):
    async with running(tmp_path) as client:
        await chirps.post_chirp({"author": "ada", "body": "hello from the server"})
        response = await client.get("/")
        assert response.status_code == 200
        assert "hello from the server" in response.text
        assert "ember-components.css" in response.text


async def test_demo_post_appears_in_another_tab(tmp_path):
    async with running(tmp_path) as client:
        first = await client.live("/")
        second = await client.live("/")
        await first.submit("form", {"author": "ada", "body": "chirp chirp"})
        await second.wait_for(lambda page: "chirp chirp" in page.html())
        assert first.has("#ember-flash", text="Chirp posted.")


async def test_demo_like_and_repost_counts_update_everywhere(tmp_path):
    async with running(tmp_path) as client:
        posted = (await chirps.post_chirp({"author": "ada", "body": "count me"})).value
        first = await client.live("/")
        second = await client.live("/")
        await first.click(f"#like-{posted.id}")
        await second.wait_for(lambda page: page.find(f"#like-{posted.id}").text() == "♥ 1")
        await second.click(f"#repost-{posted.id}")
        await first.wait_for(lambda page: page.find(f"#repost-{posted.id}").text() == "↻ 1")
        await first.wait_for(lambda page: "reposted from ada" in page.html())


async def test_demo_invalid_chirp_shows_errors_and_posts_nothing(tmp_path):
    async with running(tmp_path) as client:
        page = await client.live("/")
        await page.submit("form", {"author": "ada", "body": ""})
        assert "can't be blank" in page.html()
        assert await chirps.list_chirps() == []


async def test_demo_presence_lists_every_open_timeline(tmp_path):
    async with running(tmp_path) as client:
        first = await client.live("/")
        await first.wait_for(lambda page: "Online now · 1" in page.html())
        second = await client.live("/")
        await first.wait_for(lambda page: "Online now · 2" in page.html())
        await second.close()
        await first.wait_for(lambda page: "Online now · 1" in page.html())


async def test_demo_trending_runs_as_a_task_with_a_loading_state(tmp_path, monkeypatch):
    async with running(tmp_path) as client:
        await chirps.post_chirp({"author": "ada", "body": "ember ember live"})
        real = chirps.trending_words
        monkeypatch.setattr(chirps, "trending_words", lambda: real(delay=0.3))
        page = await client.live("/")
        await page.click("#trending-button")
        assert page.has("#trending-loading")
        await page.wait_for("#trending")
        assert page.find("#trending").text().startswith("ember · 2")


async def test_demo_registration_validates_then_rejects_a_taken_email(tmp_path):
    async with running(tmp_path) as client:
        page = await client.live("/users")
        await page.change("#register_email", "not-an-email")
        await page.wait_for("#register_email-error")
        assert "must look like a@b.c" in page.find("#register_email-error").text()
        await page.submit("form", {"name": "Ada", "email": "ada@example.com"})
        await page.wait_for(lambda p: p.has("#members", text="ada@example.com"))
        assert "Welcome aboard, Ada!" in page.html()
        await page.submit("form", {"name": "Ada 2", "email": "ada@example.com"})
        assert "has already been taken" in page.html()


async def test_demo_new_member_appears_on_other_members_pages(tmp_path):
    async with running(tmp_path) as client:
        watcher = await client.live("/users")
        page = await client.live("/users")
        await page.submit("form", {"name": "Grace", "email": "grace@example.com"})
        await watcher.wait_for(lambda p: "grace@example.com" in p.html())


async def test_demo_health_route_answers_json(tmp_path):
    async with running(tmp_path) as client:
        assert (await client.get("/api/health")).json() == {"status": "ok"}


async def test_demo_mounts_the_storybook_when_ember_has_one(tmp_path):
    if not layout.storybook_mounted:
        pytest.skip("ember.storybook exposes no Storybook app in this checkout yet")
    async with running(tmp_path) as client:
        response = await client.get("/storybook/")
        assert response.status_code == 200
        page = await client.live("/")
        assert page.find("nav a[href='/storybook/']").text() == "Storybook"


async def test_demo_handler_failure_closes_with_1011(tmp_path):
    # Regression: the timeline's teardown swallowed the failure and its pages closed with
    # 1000 ("normal"), so monitoring saw clean closes.
    async with running(tmp_path) as client:
        page = await client.live("/")
        await page.fire("#compose", "onSubmit", 5)  # not an event: the handler raises
        assert await page.wait_closed() == 1011
