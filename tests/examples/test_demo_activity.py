"""The demo's activity pill: a sticky nested view in the top bar (examples/demo/activity.py)."""

from __future__ import annotations

from tests.examples.test_demo import running


async def test_demo_activity_counts_posts_and_stays_across_live_navigation(tmp_path):
    async with running(tmp_path) as client:
        watcher = await client.live("/")
        poster = await client.live("/")
        pill = watcher.child("activity")
        assert pill.find("#activity").text() == "0 new chirps"
        await poster.submit("form", {"author": "ada", "body": "hello pill"})
        await pill.wait_for(lambda p: p.find("#activity").text() == "1 new chirp · last by ada")
        # The top bar's Members link: a live navigation; the pill is not mounted again.
        await watcher.send_raw('{"type": "ember-live", "path": "/users", "qs": "", "flash": null}')
        await watcher.wait_for("#register-card")
        await watcher.render()
        assert pill.mounts == 1
        assert watcher.find("#activity").text() == "1 new chirp · last by ada"
        await pill.click("#activity")  # seen: cleared
        assert pill.find("#activity").text() == "0 new chirps"


async def test_demo_activity_count_comes_back_after_a_reconnect(tmp_path):
    """The pill counts since the tab opened: a reconnect (a blip, a server restart) resumes
    its count from the session's snapshot instead of starting again at 0."""
    async with running(tmp_path) as client:
        watcher = await client.live("/")
        poster = await client.live("/")
        await poster.submit("form", {"author": "ada", "body": "count me"})
        await watcher.child("activity").wait_for(
            lambda p: p.find("#activity").text() == "1 new chirp · last by ada"
        )
        await watcher.render()
        await watcher.reconnect()
        await watcher.wait_for(lambda p: p.has("#activity"))
        assert watcher.find("#activity").text() == "1 new chirp · last by ada"
        pill = watcher.child("activity")
        await pill.click("#activity")  # seen: cleared, and the snapshot with it
        await watcher.render()
        await watcher.reconnect()
        await watcher.wait_for(lambda p: p.has("#activity"))
        assert watcher.find("#activity").text() == "0 new chirps"
