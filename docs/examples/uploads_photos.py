import shutil
from pathlib import Path

from reactpy import component, html, use_state

from ember.live import consume_uploaded_entries, live_file_input, use_upload

MEDIA = Path("media")


@component
def Photos():
    upload = use_upload("photos", accept=[".png", ".jpg", ".jpeg"], max_entries=3)
    saved, set_saved = use_state([])

    def keep(path, entry):
        MEDIA.mkdir(exist_ok=True)
        target = MEDIA / f"{entry.ref}-{entry.safe_name}"  # never the client's name as a path
        shutil.move(path, target)
        return target.name

    async def save(event):
        set_saved(saved + await consume_uploaded_entries(upload, keep))

    return html.form(
        {"id": "photos", "onSubmit": save},
        live_file_input(upload, {"id": "photo-input"}),
        html.ul(
            [
                html.li(
                    {"key": entry.ref},
                    entry.client_name,
                    html.progress({"value": entry.progress, "max": 100}),
                    [html.span({"className": "error"}, error) for error in entry.errors],
                    html.button(
                        {"type": "button", "onClick": lambda e, r=entry.ref: upload.cancel(r)},
                        "Cancel",
                    ),
                )
                for entry in upload.entries
            ]
        ),
        html.p(" ".join(upload.errors)),
        html.button({"type": "submit"}, "Save"),
        html.p({"id": "saved"}, ", ".join(saved)),
    )
