"""The app of the upload browser tests (served by uvicorn; UPLOAD_OUT: where saves go)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from reactpy import component, html, use_state

from ember.components import bar_chart, file_input, head, mount_static
from ember.live import UploadEntry, consume_uploaded_entries, live_file_input, mount, use_upload

app = FastAPI()
OUT = Path(os.environ.get("UPLOAD_OUT", "/tmp/ember-upload-out"))  # noqa: S108 - tests set it


@component
def Uploads() -> Any:
    upload = use_upload(
        "docs", accept=[".png", ".txt", ".dat"], max_entries=3, max_file_size=300_000_000
    )
    saved, set_saved = use_state(list[str]())

    def save(path: str, entry: UploadEntry) -> str:
        OUT.mkdir(parents=True, exist_ok=True)
        shutil.move(path, OUT / entry.safe_name)
        return f"{entry.safe_name}:{entry.client_size}"

    async def submit(event: Mapping[str, Any]) -> None:
        set_saved(await consume_uploaded_entries(upload, save))

    rows = [
        html.li(
            {"key": entry.ref, "className": "entry", "data-name": entry.safe_name},
            html.span({"className": "name"}, entry.client_name),
            html.progress({"value": entry.progress, "max": 100}),
            html.span({"className": "percent"}, f"{entry.progress}%"),
            *[html.span({"className": "error"}, error) for error in entry.errors],
            html.button(
                {
                    "type": "button",
                    "className": "cancel",
                    "onClick": lambda e, r=entry.ref: upload.cancel(r),
                },
                "Cancel",
            ),
        )
        for entry in upload.entries
    ]
    return html.main(
        html.form(
            {"id": "form", "onSubmit": submit},
            live_file_input(upload, {"id": "files"}),
            html.button({"id": "save", "type": "submit"}, "Save"),
        ),
        html.ul({"id": "entries"}, *rows),
        html.p({"id": "errors"}, " ".join(upload.errors)),
        html.p({"id": "saved"}, ", ".join(saved)),
    )


@component
def Kit() -> Any:
    upload = use_upload("pictures", accept=[".png", ".txt"], max_entries=2, max_file_size=2_000_000)
    picked, set_picked = use_state(-1)
    return html.main(
        file_input(upload, id="pictures"),
        bar_chart([3, 1, 4], label="Three bars", on_select=set_picked, id="kit-chart"),
        html.p({"id": "picked"}, str(picked)),
    )


MOTO_URL = os.environ.get("MOTO_URL", "")
BUCKET = "ember-uploads"


def s3() -> Any:
    import boto3  # a test dependency: only the /s3 page needs it

    return boto3.client(
        "s3",
        endpoint_url=MOTO_URL,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def presign(entry: UploadEntry) -> dict[str, Any]:
    key = f"avatars/{entry.ref}-{entry.safe_name}"
    post = s3().generate_presigned_post(
        BUCKET,
        key,
        Conditions=[["content-length-range", 0, 5_000_000]],
        ExpiresIn=300,
    )
    return {"url": post["url"], "fields": post["fields"]}


@component
def External() -> Any:
    upload = use_upload("s3", accept=[".png", ".txt"], max_entries=2, external=presign)
    stored, set_stored = use_state(list[str]())

    def key_of(path: str, entry: UploadEntry) -> str:
        assert entry.external is not None
        return f"{entry.external['fields']['key']}:{path!r}"

    async def submit(event: Mapping[str, Any]) -> None:
        set_stored(await consume_uploaded_entries(upload, key_of))

    return html.main(
        html.form(
            {"id": "form", "onSubmit": submit},
            live_file_input(upload, {"id": "files"}),
            html.button({"id": "save", "type": "submit"}, "Save"),
        ),
        html.ul(
            {"id": "entries"},
            *[
                html.li({"key": e.ref, "className": "entry"}, f"{e.client_name} {e.progress}%")
                for e in upload.entries
            ],
        ),
        html.p({"id": "stored"}, " ".join(stored)),
    )


mount(app, "/", Uploads)
if MOTO_URL:
    mount(app, "/s3", External)
mount_static(app)
mount(app, "/kit", Kit, head=head())
