"""Members' avatars: uploaded from the members page, resized with Pillow in a worker thread
(never on the event loop), kept as 128 px PNGs in the demo's data folder and served by a
plain route. Every open members page shows a new avatar at once (a PubSub message)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse
from PIL import Image, ImageOps, UnidentifiedImageError
from pydantic import BaseModel
from reactpy import component, html, use_state

import ember.components as ui
from ember.live import (
    UploadEntry,
    consume_uploaded_entries,
    default_ember,
    run_in_thread,
    use_upload,
)
from ember.pubsub import message

from . import db

TOPIC = "avatars"
SIZE = 128
Image.MAX_IMAGE_PIXELS = 40_000_000  # a decompression bomb fails instead of eating memory


@message("demo.avatar_changed")
class AvatarChanged(BaseModel):
    user_id: int
    version: str


def folder() -> Path:
    return db.data_folder() / "avatars"


def avatar_path(user_id: int) -> Path:
    return folder() / f"{user_id}.png"


def avatar_url(user_id: int) -> str | None:
    """The member's avatar URL (its version in the query, so a new one is fetched)."""
    try:
        version = avatar_path(user_id).stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return f"./avatars/{user_id}.png?v={version}"  # relative: kept under a path prefix


def resize(source: str, user_id: int) -> str:
    """Crop to a square, scale to 128 px and save as PNG; returns the new version.

    Raises:
        ValueError: the file is not an image Pillow can read.
    """
    try:
        with Image.open(source) as image:
            image.load()
            square = ImageOps.fit(image.convert("RGB"), (SIZE, SIZE))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValueError(f"Expected an image, got a file Pillow cannot read ({error}).") from None
    folder().mkdir(parents=True, exist_ok=True)
    target = avatar_path(user_id)
    square.save(target, "PNG")
    return str(target.stat().st_mtime_ns)


def serve(app: FastAPI) -> None:
    @app.get("/avatars/{user_id}.png", include_in_schema=False)
    def avatar(user_id: int) -> FileResponse:
        path = avatar_path(user_id)
        if not path.is_file():
            raise HTTPException(404, "This member has no avatar.")
        return FileResponse(path, media_type="image/png", headers={"Cache-Control": "max-age=3600"})


@component
def AvatarForm(user_id: int, name: str) -> Any:
    """The avatar upload of the member who just registered in this tab."""
    upload = use_upload(
        "avatar", accept=[".png", ".jpg", ".jpeg", ".gif", ".webp"], max_file_size=5_000_000
    )
    problem, set_problem = use_state("")

    async def save(event: object) -> None:  # the button: consume what has arrived
        async def store(path: str, entry: UploadEntry) -> str:
            return await run_in_thread(resize, path, user_id)  # Pillow off the event loop

        try:
            versions = await consume_uploaded_entries(upload, store)
        except ValueError as error:
            set_problem(str(error))
            return
        set_problem("")
        for version in versions:
            await default_ember().pubsub.broadcast(
                TOPIC, AvatarChanged(user_id=user_id, version=version)
            )

    # Not a <form>: the registration form stays the page's one form; files go up as
    # soon as they are picked (auto upload), the button only consumes them.
    return html.div(
        {"id": "avatar-form", "role": "group", "aria-label": "Your avatar"},
        html.p(f"Welcome, {name}! Add a picture (PNG, JPEG, GIF or WebP, up to 5 MB)."),
        ui.file_input(upload, label="Choose a picture or drop it here", id="avatar-input"),
        html.p({"className": "ember-upload-error", "role": "alert"}, problem) if problem else "",
        ui.button("Save avatar", on_click=save, id="avatar-save", disabled=not upload.done),
    )
