"""The demo's guests keep their name across reloads, tabs and reconnects (a signed cookie),
and a forged cookie names nobody (issue 15)."""

from __future__ import annotations

from ember.demo import guests
from ember.live.testing import LiveClient

from .test_demo import running


async def test_a_guest_keeps_one_name_across_reloads_tabs_and_reconnects(tmp_path):
    async with running(tmp_path) as client:
        first = await client.live("/")
        name = first.find("#who").text().removeprefix("You are ")
        assert name.startswith("guest-")
        assert guests.COOKIE in client.http.cookies
        reloaded = await client.live("/")
        assert reloaded.find("#who").text() == f"You are {name}"
        await reloaded.reconnect()
        assert reloaded.find("#who").text() == f"You are {name}"
        members = await client.live("/users")
        assert members.session().identity == name


async def test_another_browser_is_another_guest(tmp_path):
    async with running(tmp_path) as client:
        await client.live("/")
        async with LiveClient(client.app) as other:
            await other.live("/")
            assert other.http.cookies[guests.COOKIE] != client.http.cookies[guests.COOKIE]


async def test_a_forged_guest_cookie_is_replaced(tmp_path):
    async with running(tmp_path) as client:
        client.http.cookies.set(guests.COOKIE, '"guest-0001".forged-signature')
        page = await client.live("/")
        assert page.find("#who").text() != "You are guest-0001"
        assert page.find("#who").text().startswith("You are guest-")
