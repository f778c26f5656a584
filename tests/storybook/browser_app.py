"""A host app for the storybook's browser test: its own route, the storybook mounted."""

from __future__ import annotations

from fastapi import FastAPI

from ember.storybook import Storybook

app = FastAPI()


@app.get("/")
def home() -> dict[str, str]:
    return {"storybook": "/storybook/"}


app.mount("/storybook", Storybook(["ember.storybook.stories", "tests.storybook.sample_pkg"]))
