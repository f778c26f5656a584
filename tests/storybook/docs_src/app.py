"""A shop's app with its storybook mounted at /storybook."""

from fastapi import FastAPI

from ember.storybook import Storybook

app = FastAPI()


@app.get("/api/health")
def health() -> dict[str, bool]:
    return {"ok": True}


app.mount("/storybook", Storybook(packages=["shop"]))
