"""Kit components with a browser side: ``bar_chart`` (a client hook drawing on a canvas)
and ``file_input`` (an upload's drop zone, entries with progress, errors, cancel and
image previews). Their JavaScript is in ``static/ember-components.js``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from reactpy import html
from reactpy.types import VdomDict

from ember.live import Upload, live_file_input

from ._base import classes, dom_id, kids, typed_component

__all__ = ["bar_chart", "file_input"]


@typed_component
def bar_chart(
    values: Sequence[float],
    *,
    label: str,
    on_select: Callable[[int], object] | None = None,
    id: str = "chart",
    width: int = 320,
    height: int = 120,
) -> VdomDict:
    """A bar chart drawn in the browser on a ``<canvas>`` (the ``EmberBarChart`` hook).

    Args:
        values: the bars' heights (non-negative).
        label: the chart's accessible name; the values are listed for screen readers.
        on_select: called with a bar's index when it is clicked.
        id: the element id.
        width: the canvas width in CSS pixels.
        height: the canvas height in CSS pixels.
    """

    def select(event: Mapping[str, Any]) -> object:
        value = event.get("value")
        index = value.get("index") if isinstance(value, Mapping) else None
        if on_select is not None and isinstance(index, int) and 0 <= index < len(values):
            return on_select(index)
        return None

    attributes: dict[str, Any] = {
        "id": id,
        "className": "ember-chart",
        "width": width,
        "height": height,
        "role": "img",
        "aria-label": label,
        "data-ember-hook": "EmberBarChart",
        "data-values": ",".join(f"{max(0.0, float(v)):g}" for v in values),
    }
    if on_select is not None:
        attributes["onHookEvent"] = select
    return html.canvas(attributes, ", ".join(f"{v:g}" for v in values))


@typed_component
def file_input(
    upload: Upload,
    *,
    label: str = "Choose files or drop them here",
    id: str = "files",
) -> VdomDict:
    """The file input of an upload (``ember.live.use_upload``): a drop zone, then one row
    per file with a preview (images), a progress bar, its errors and a cancel button.

    Args:
        upload: what ``use_upload`` returned.
        label: the drop zone's text.
        id: the input's id (rows derive theirs from it).
    """
    rows = []
    for entry in upload.entries:
        picture = entry.client_type.startswith("image/") and entry.valid
        rows.append(
            html.li(
                {
                    "key": entry.ref,
                    "className": classes(
                        "ember-upload-entry", not entry.valid and "ember-upload-failed"
                    ),
                    "id": dom_id(id, "entry", entry.ref),
                },
                *kids(
                    html.img(
                        {
                            "className": "ember-upload-preview",
                            "alt": "",
                            "data-ember-preview": entry.ref,
                        }
                    )
                    if picture
                    else None,
                    html.span({"className": "ember-upload-name"}, entry.client_name),
                    html.progress(
                        {
                            "className": "ember-progress-bar",
                            "max": 100,
                            "value": entry.progress,
                            "aria-label": f"Upload of {entry.client_name}",
                        }
                    )
                    if entry.valid
                    else None,
                    *[
                        html.span({"className": "ember-upload-error", "role": "alert"}, e)
                        for e in entry.errors
                    ],
                    html.button(
                        {
                            "type": "button",
                            "className": "ember-button ember-button-ghost ember-button-sm",
                            "aria-label": f"Cancel {entry.client_name}",
                            "onClick": lambda event, ref=entry.ref: upload.cancel(ref),
                        },
                        "Cancel",
                    ),
                ),
            )
        )
    return html.div(
        {"className": "ember-upload"},
        html.label(
            {"className": "ember-upload-zone", "data-ember-dropzone": True, "htmlFor": id},
            html.span(label),
            live_file_input(upload, {"id": id, "className": "ember-upload-input"}),
        ),
        *kids(
            html.p({"className": "ember-upload-error", "role": "alert"}, " ".join(upload.errors))
            if upload.errors
            else None,
            html.ul({"className": "ember-upload-entries"}, *rows) if rows else None,
        ),
    )
