"""The demo's inline chirp editor (a LiveComponent) and the chirps context behind it."""

from __future__ import annotations

from ember.data import Result
from ember.demo import chirps
from ember.live.testing import LivePage

from .test_demo import running


async def post_as(page: LivePage, body: str, author: str = "ada") -> int:
    await page.submit("#compose-card form", {"author": author, "body": body})
    await page.wait_for(lambda p: p.has("#my-chirps .my-chirp-body", text=body))
    return max(c.id for c in await chirps.chirps_by(author))


def body_errors(result: Result[chirps.Chirp]) -> list[str]:
    return [e.interpolate() for e in result.changeset.errors if e.field == "body"]


async def test_edit_chirp_context_validates_checks_the_author_and_broadcasts(tmp_path):
    async with running(tmp_path):
        posted = (await chirps.post_chirp({"author": "ada", "body": "first words"})).value
        result = await chirps.edit_chirp(posted.id, "ada", {"body": ""})
        assert not result.ok
        assert body_errors(result) == ["can't be blank"]
        result = await chirps.edit_chirp(posted.id, "bob", {"body": "bob's words"})
        assert body_errors(result) == ["is not yours to edit"]
        result = await chirps.edit_chirp(posted.id, "ada", {"body": "better words"})
        assert result.ok
        assert [c.body for c in await chirps.chirps_by("ada")] == ["better words"]
        repost = await chirps.set_repost(posted.id, "bob", True)
        assert repost is not None
        mine = await chirps.chirps_by("bob")
        assert mine == []  # a repost is not bob's to edit


async def test_editor_saves_in_place_and_every_timeline_shows_the_new_text(tmp_path):
    async with running(tmp_path) as client:
        page = await client.live("/")
        other = await client.live("/")
        chirp_id = await post_as(page, "a typo hre")
        await other.wait_for(lambda p: "a typo hre" in p.html())
        await page.click(f"#edit-chirp-{chirp_id}")
        field = f"#edit-{chirp_id}_body"
        assert page.find(field).attr("value") == "a typo hre"
        await page.change(field, "a typo here")
        await page.submit(f"#my-chirp-{chirp_id} form", {"body": "a typo here"})
        assert page.has(f"#my-chirp-{chirp_id} .my-chirp-body", text="a typo here")
        assert page.has("#ember-flash", text="Chirp updated.")
        await other.wait_for(
            lambda p: p.has(f"[data-chirp='{chirp_id}'] .chirp-body", text="a typo here")
        )
        await page.wait_for(
            lambda p: p.has(f"[data-chirp='{chirp_id}'] .chirp-body", text="a typo here")
        )


async def test_editor_shows_the_changeset_error_and_escape_cancels(tmp_path):
    async with running(tmp_path) as client:
        page = await client.live("/")
        chirp_id = await post_as(page, "keep me")
        await page.click(f"#edit-chirp-{chirp_id}")
        field = f"#edit-{chirp_id}_body"
        await page.change(field, "")
        assert page.find(f"{field}-error").text() == "can't be blank"
        await page.submit(f"#my-chirp-{chirp_id} form", {"body": "x" * 281})
        assert "should be at most 280" in page.find(f"{field}-error").text()
        await page.keydown(f"#my-chirp-{chirp_id}", "a")  # another key: still editing
        assert page.has(field)
        await page.keydown(f"#my-chirp-{chirp_id}", "Escape")  # bubbled from the field
        assert not page.has(field)
        assert page.find(f"#my-chirp-{chirp_id} .my-chirp-body").text() == "keep me"
        assert [c.body for c in await chirps.chirps_by("ada")] == ["keep me"]


async def test_open_editor_and_its_draft_come_back_after_a_reconnect(tmp_path):
    async with running(tmp_path) as client:
        page = await client.live("/")
        guest = page.find("#who").text().removeprefix("You are ")  # the cookie's name
        chirp_id = await post_as(page, "draft me", author=guest)
        await page.click(f"#edit-chirp-{chirp_id}")
        field = f"#edit-{chirp_id}_body"
        await page.change(field, "")
        await page.render()
        await page.reconnect()
        # The editor reopens with the draft and the changeset's error on it.
        await page.wait_for(lambda p: p.has(field))
        assert page.find(field).attr("value") == ""
        assert page.find(f"{field}-error").text() == "can't be blank"
