"""A mount whose ``head`` links files the app does not serve fails loudly on the first page,
saying what to call (issue 25: ``ui.head()`` without ``mount_static`` loaded every page
unstyled, with two 404s and nothing said)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

import ember.components as ui
from ember.live import ConfigurationError, Ember
from ember.live.testing import LiveClient

from .conftest import Counter


async def test_components_head_without_mount_static_says_to_call_it(ember: Ember):
    app = FastAPI()
    ember.mount(app, "/counter", Counter, head=ui.head())
    async with LiveClient(app) as client:
        with pytest.raises(ConfigurationError) as refused:
            await client.get("/counter")
    message = str(refused.value)
    assert "links '/_ember/components/ember-components.css'" in message
    assert "call ember.components.mount_static(app)" in message


async def test_components_head_works_with_mount_static_or_inline(ember: Ember):
    app = FastAPI()
    ember.mount(app, "/linked", Counter, head=ui.head())
    ui.mount_static(app)  # after the mount is fine: the first page checks
    ember.mount(app, "/inline", Counter, head=ui.head(inline=True))
    async with LiveClient(app) as client:
        for path in ("/linked", "/inline"):
            page = await client.live(path)
            assert page.find("#count").text() == "Count: 0"


async def test_an_unserved_link_of_the_apps_own_is_named(ember: Ember, tmp_path):
    app = FastAPI()
    head = '<link rel="stylesheet" href="/static/app.css"><link rel="icon" href="https://x.test/i.png">'
    ember.mount(app, "/counter", Counter, head=head)
    async with LiveClient(app) as client:
        with pytest.raises(ConfigurationError, match=r"links '/static/app\.css'"):
            await client.get("/counter")
        app.mount("/static", StaticFiles(directory=tmp_path), name="static")
        assert (await client.get("/counter")).status_code == 200


async def test_under_a_path_prefix_the_heads_root_relative_urls_carry_it(ember: Ember, tmp_path):
    (tmp_path / "app.css").write_text("body { color: red }")
    sub = FastAPI()
    sub.mount("/static", StaticFiles(directory=tmp_path), name="static")
    head = (
        '<link rel="stylesheet" href="/static/app.css">'
        '<script src="//cdn.test/x.js"></script><link rel="icon" href="https://x.test/i.png">'
    )
    ember.mount(sub, "/counter", Counter, head=head)
    app = FastAPI()
    app.mount("/app", sub)
    async with LiveClient(app) as client:
        page = (await client.get("/app/counter")).text
        assert 'href="/app/static/app.css"' in page
        assert 'src="//cdn.test/x.js"' in page  # another host, and absolute URLs: as written
        assert 'href="https://x.test/i.png"' in page
        assert (await client.get("/app/static/app.css")).status_code == 200
