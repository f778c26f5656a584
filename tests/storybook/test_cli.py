"""``storybook_command``: what ``ember storybook PACKAGE`` runs."""

from __future__ import annotations

from typing import Any

import pytest

from ember.live.testing import LiveClient
from ember.storybook import StorybookError
from ember.storybook._cli import storybook_app, storybook_command

from .conftest import canvas


async def test_storybook_app_serves_the_stories_at_the_root() -> None:
    async with LiveClient(storybook_app(["tests.storybook.sample_pkg"])) as client:
        page = await client.live("/?story=greeting&variation=big")
        assert page.find("#sb-iframe").attr("src").startswith("/iframe?story=greeting&")
        assert (await canvas(page)).find("#greeting-text").text() == "HELLO ALAN"


def test_storybook_command_runs_uvicorn(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **options: served.update(app=app, **options))
    storybook_command("tests.storybook.sample_pkg, ember.storybook.stories", "127.0.0.1", 8123)
    assert served["host"] == "127.0.0.1"
    assert served["port"] == 8123
    assert "open http://127.0.0.1:8123/" in capsys.readouterr().out


def test_storybook_command_bad_package_fails_before_serving(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("uvicorn.run", lambda app, **options: pytest.fail("served"))
    with pytest.raises(StorybookError, match="Could not import the story package 'nope_pkg'"):
        storybook_command("nope_pkg", "127.0.0.1", 8123)
