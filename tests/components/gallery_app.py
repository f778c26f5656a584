"""An app showing every story variation on one page (the browser test screenshots it)."""

from __future__ import annotations

from fastapi import FastAPI
from reactpy import component, html, use_state

from ember.components import Column, card, head, header, mount_static, table
from ember.live import Ember, LiveSettings
from ember.storybook.stories import all_stories, render

# The open modal makes the rest of the page inert; it has a screenshot of its own.
SKIPPED = {("modal", "open")}


@component
def Gallery():
    sections = []
    for story in all_stories():
        shown = [v for v in story.variations if (story.name, v) not in SKIPPED]
        sections.append(
            card(
                html.div(
                    {"className": "gallery-variations"},
                    *[
                        html.div(
                            {"className": "gallery-variation", "key": name},
                            html.p({"className": "gallery-name"}, name),
                            render(story, name),
                        )
                        for name in shown
                    ],
                ),
                title=story.name,
                id=f"story-{story.name}",
            )
        )
    return html.main(
        {"className": "gallery"},
        header("ember.components", subtitle="Every story, every variation."),
        *sections,
    )


@component
def ModalPage():
    story = next(s for s in all_stories() if s.name == "modal")
    return html.main({"className": "gallery"}, render(story, "open"))


@component
def Widgets():
    """One of each interactive component, for the keyboard and form tests in Chromium."""
    stories = {s.name: s for s in all_stories()}
    return html.main(
        {"className": "gallery"},
        render(stories["tabs"], "first selected"),
        render(stories["dropdown"], "actions"),
        render(stories["form"], "fresh"),
    )


@component
def RowsPage():
    """A clickable table row on a page taller than the window (Space must not scroll it)."""
    picked, set_picked = use_state("none")
    rows = [{"id": "ada", "name": "Ada"}, {"id": "grace", "name": "Grace"}]
    return html.main(
        {"className": "gallery"},
        html.p({"id": "picked"}, picked),
        table(rows, [Column("name", "Name")], on_row_click=lambda row: set_picked(row["name"])),
        html.div({"style": {"height": "3000px"}}),
    )


GALLERY_CSS = """<style>
.gallery { max-width: 1100px; margin: 0 auto; padding: 2rem; display: grid; gap: 1.5rem; }
.gallery-variations { display: flex; flex-wrap: wrap; gap: 1.25rem; align-items: flex-start; }
.gallery-variation { display: grid; gap: .35rem; min-width: 0; }
.gallery-name { margin: 0; font-size: .75rem; color: var(--ember-text-muted); }
#story-form .gallery-variation, #story-table .gallery-variation,
#story-inputs_for .gallery-variation, #story-submit_button .gallery-variation { flex: 1 1 100%; }
</style>"""

app = FastAPI()
mount_static(app)
_ember = Ember(LiveSettings(secret_key="components-gallery-secret-0123456789"))
_ember.mount(app, "/", Gallery, title="ember.components", head=head() + GALLERY_CSS)
_ember.mount(app, "/modal", ModalPage, title="modal", head=head() + GALLERY_CSS)
_ember.mount(app, "/widgets", Widgets, title="widgets", head=head() + GALLERY_CSS)
_ember.mount(app, "/rows", RowsPage, title="rows", head=head() + GALLERY_CSS)
