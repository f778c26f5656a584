"""A host app for the storybook's browser test: its own route, the storybook mounted."""

from __future__ import annotations

from fastapi import FastAPI

from ember.storybook import Storybook

app = FastAPI()


@app.get("/")
def home() -> dict[str, str]:
    return {"storybook": "/storybook/"}


# The stories' own stylesheet (the canvas page's head): it reaches for the storybook's
# chrome too (its sidebar, its pills) and must stay in the story's frame.
STORY_CSS = (
    "<style>#leaky-button { background: rgb(255, 0, 0) !important; } "
    ".sb-side { display: none !important; } .sb-pill { border-radius: 0 !important; }</style>"
)
app.mount(
    "/storybook",
    Storybook(
        ["ember.storybook.stories", "tests.storybook.sample_pkg", "tests.storybook.isolation_pkg"],
        head=STORY_CSS,
    ),
)
