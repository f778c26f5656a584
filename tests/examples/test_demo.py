"""The demo app in-process, through ember.live.testing: timeline, members, presence, tasks."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ember.demo import accounts, chirps, db, layout, reports, timeline
from ember.demo import app as demo
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
        await second.wait_for(lambda page: page.find(f"#like-{posted.id}").text() == "Like1")
        await second.click(f"#repost-{posted.id}")
        await first.wait_for(lambda page: page.find(f"#repost-{posted.id}").text() == "Repost1")
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


async def test_demo_trending_runs_as_a_job_with_progress_and_a_cached_result(tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "STEP_DELAY", 0.05)
    async with running(tmp_path) as client:
        for n in range(12):
            await chirps.post_chirp({"author": "ada", "body": f"ember ember live {n}"})
        page = await client.live("/")
        await page.click("#trending-button")
        assert page.has("#trending-loading")
        await page.wait_for(lambda p: p.has("#trending-loading", text="%"))
        await page.wait_for("#trending")
        assert page.find("#trending").text().startswith("ember · 24")
        assert reports.jobs is not None
        for _ in range(100):  # the view heard the result; the worker then records it
            [finished] = await reports.jobs.recent(1)
            if finished["status"] == "succeeded":
                break
            await asyncio.sleep(0.05)
        assert finished["status"] == "succeeded"
        other = await client.live("/")  # another tab: the cached report, no new job
        await other.click("#trending-button")
        await other.wait_for("#trending")
        assert other.find("#trending").text().startswith("ember · 24")
        assert len(await reports.jobs.recent(10)) == 1


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
        # With another error the insert is never tried: the taken email still says so.
        await page.submit("form", {"name": "", "email": "ADA@example.com"})
        assert "can't be blank" in page.find("#register_name-error").text()
        assert "has already been taken" in page.find("#register_email-error").text()


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
        assert page.find("nav a[href='./storybook/']").text() == "Storybook"


@pytest.fixture(params=["sqlite", "postgres"])
async def database(request, tmp_path, monkeypatch) -> AsyncIterator[str]:
    """The demo's database URL: a SQLite file, or a fresh schema on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
        return
    import asyncpg

    url = request.getfixturevalue("postgres_url")
    schema = f"demo_{uuid.uuid4().hex[:10]}"
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    await connection.execute(f"CREATE SCHEMA {schema}")
    monkeypatch.setenv("EMBER_DATABASE_SEARCH_PATH", schema)
    try:
        yield url
    finally:
        await connection.execute(f"DROP SCHEMA {schema} CASCADE")
        await connection.close()


@contextlib.asynccontextmanager
async def running_on(url: str) -> AsyncIterator[LiveClient]:
    db.connect(url)
    async with demo.app.router.lifespan_context(demo.app), LiveClient(demo.app) as client:
        yield client


async def test_demo_like_is_a_toggle_a_double_click_likes_once(database):
    async with running_on(database) as client:
        posted = (await chirps.post_chirp({"author": "ada", "body": "like me once"})).value
        page = await client.live("/")
        like = f"#like-{posted.id}"
        assert page.find(like).attr("aria-pressed") == "false"
        # A double-click: both clicks carry the state the button showed (not liked).
        await asyncio.gather(page.click(like), page.click(like))
        await page.wait_for(lambda p: p.find(like).attr("aria-pressed") == "true")
        assert page.find(like).text() == "Like1"
        assert [c.likes for c in await chirps.list_chirps()] == [1]
        await page.click(like)  # pressed: a click takes the like back
        await page.wait_for(lambda p: p.find(like).attr("aria-pressed") == "false")
        assert [c.likes for c in await chirps.list_chirps()] == [0]


async def test_demo_member_reposts_a_chirp_at_most_once(database):
    async with running_on(database) as client:
        posted = (await chirps.post_chirp({"author": "ada", "body": "my own chirp"})).value
        for _ in range(3):  # the same member, again and again (also through a repost)
            await chirps.set_repost(posted.id, "ada", True)
        timeline = await chirps.list_chirps()
        assert [(c.author, c.reposted_from) for c in timeline] == [("ada", "ada"), ("ada", None)]
        await chirps.set_repost(timeline[0].id, "ada", True)  # reposting the repost
        assert len(await chirps.list_chirps()) == 2
        assert (await chirps.list_chirps())[-1].reposts == 1

        page = await client.live("/")
        repost = f"#repost-{posted.id}"
        await page.click(repost)  # this tab's guest reposts: two reposts now
        await page.wait_for(lambda p: p.find(repost).attr("aria-pressed") == "true")
        await page.wait_for(lambda p: p.find(repost).text() == "Repost2")
        await page.click(repost)  # and takes it back: its repost leaves every timeline
        await page.wait_for(lambda p: p.find(repost).text() == "Repost1")
        await page.wait_for(lambda p: len(p.find_all(".chirp")) == 2)


async def test_demo_email_is_unique_whatever_its_case(database):
    async with running_on(database) as client:
        page = await client.live("/users")
        await page.submit("form", {"name": "Bob", "email": "bob@example.com"})
        await page.wait_for(lambda p: p.has("#members", text="bob@example.com"))
        await page.submit("form", {"name": "Bob Again", "email": "BOB@Example.com "})
        assert "has already been taken" in page.html()
        await page.change("#register_email", "Bob@EXAMPLE.com")
        await page.wait_for(lambda p: "has already been taken" in p.html())
        assert await accounts.count_users() == 1


async def test_demo_members_count_is_the_true_count_beyond_the_list(tmp_path):
    async with running(tmp_path) as client:
        for n in range(52):
            result = await accounts.register_user({"name": f"member {n}", "email": f"m{n}@x.io"})
            assert result.ok
        page = await client.live("/users")
        await page.wait_for(lambda p: "Members · 52" in p.html())
        assert len(page.find_all("#members li")) == 50
        await page.submit("form", {"name": "Newcomer", "email": "new@x.io"})
        await page.wait_for(lambda p: "Members · 53" in p.html())


async def test_demo_timeline_shows_an_empty_state_until_the_first_chirp(tmp_path):
    async with running(tmp_path) as client:
        page = await client.live("/")
        assert page.has(".timeline-empty", text="No chirps yet")
        assert page.find_all(".chirp") == []


def test_demo_times_show_the_date_unless_today():
    now = datetime.datetime.now(datetime.UTC)
    today = timeline.posted_at(
        chirps.ChirpOut(id=1, author="a", body="b", likes=0, reposts=0, inserted_at=now)
    )
    assert today["children"] == [now.astimezone().strftime("%H:%M")]
    then = datetime.datetime(2025, 3, 4, 12, 30, tzinfo=datetime.UTC)
    older = timeline.posted_at(
        chirps.ChirpOut(id=1, author="a", body="b", likes=0, reposts=0, inserted_at=then)
    )
    local = then.astimezone()
    assert older["children"] == [f"4 Mar 2025, {local:%H:%M}"]
    assert older["attributes"]["dateTime"] == local.isoformat()


async def test_demo_handler_failure_closes_with_1011(tmp_path):
    # Regression: the timeline's teardown swallowed the failure and its pages closed with
    # 1000 ("normal"), so monitoring saw clean closes.
    async with running(tmp_path) as client:
        page = await client.live("/")
        await page.fire("#compose", "onSubmit", 5)  # not an event: the handler raises
        assert await page.wait_closed() == 1011
