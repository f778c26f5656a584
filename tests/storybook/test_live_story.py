"""A story whose component is a LiveComponent class: controls from its variations' assigns,
rendered in the first paint and live, its events handled by the component."""

from __future__ import annotations

from fastapi import FastAPI
from reactpy import component, html

from ember.components import head, mount_static
from ember.live import Ember, LiveSettings
from ember.live.testing import LiveClient
from ember.storybook import controls_for
from ember.storybook.stories import all_stories, render
from ember.storybook.stories.live_stories import InlineEdit

STORY = next(s for s in all_stories() if s.live_class is InlineEdit)


def test_live_component_story_reads_its_controls_from_the_variations() -> None:
    kinds = {control.name: control.kind.value for control in controls_for(STORY)}
    assert kinds == {"text": "text", "label": "text", "max_length": "number", "on_save": "event"}
    assert STORY.component.__name__ == "InlineEdit"
    assert STORY.id == "live-component-inline-edit"


async def test_live_component_story_renders_and_handles_its_events() -> None:
    saved: list[str] = []

    @component
    def Root():
        return html.div({"id": "story"}, render(STORY, "short note", {"on_save": saved.append}))

    app = FastAPI()
    mount_static(app)
    Ember(LiveSettings(secret_key="storybook-test-secret-0123456789")).mount(
        app, "/story", Root, head=head()
    )
    async with LiveClient(app) as client:
        page = await client.live("/story")
        assert "Buy milk" in page.static_html
        await page.click("#edit")
        await page.change("#note_text", "")
        assert page.find("#note_text-error").text() == "can't be blank"
        await page.submit("#inline-edit form", {"text": "Buy oat milk"})
        assert page.find("#inline-edit-text").text() == "Buy oat milk"
        assert saved == ["Buy oat milk"]
