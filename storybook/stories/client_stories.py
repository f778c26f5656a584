"""Stories for the kit's components with a browser side: bar_chart (a client hook drawing
on a canvas) and file_input (an upload with drag and drop, progress and previews)."""

from __future__ import annotations

from reactpy import component, html, use_state
from reactpy.types import VdomDict

from ember.components import bar_chart, file_input
from ember.live import use_upload

from . import Story


@component
def chart_demo(values: str = "3,1,4,1,5,9,2,6", label: str = "Sales per week") -> VdomDict:
    """A bar chart drawn by a client hook; a click on a bar reaches the server."""
    numbers = [float(v) for v in values.split(",") if v.strip().replace(".", "", 1).isdigit()]
    picked, set_picked = use_state(-1)
    return html.div(
        bar_chart(numbers, label=label, on_select=set_picked, id="story-chart"),
        html.p(
            {"id": "story-chart-picked"},
            f"Bar {picked + 1}: {numbers[picked]:g}"
            if 0 <= picked < len(numbers)
            else "Click a bar.",
        ),
    )


@component
def upload_demo(max_entries: int = 3, max_file_size: int = 5_000_000) -> VdomDict:
    """Images and text files, sent as soon as they are picked or dropped."""
    upload = use_upload(
        "story-files",
        accept=[".png", ".jpg", ".jpeg", ".gif", ".txt"],
        max_entries=max_entries,
        max_file_size=max_file_size,
    )
    return html.div(file_input(upload, id="story-files"))


stories = [
    Story(
        name="Client hook: canvas chart",
        component=chart_demo,
        description="A client hook (data-ember-hook) draws the bars; clicks push an event.",
        variations={"weekly": {}, "flat": {"values": "2,2,2,2", "label": "Flat"}},
    ),
    Story(
        name="file_input",
        component=upload_demo,
        description="Drag and drop, progress per file, errors per file, image previews.",
        variations={"three files": {}, "one small file": {"max_entries": 1, "max_file_size": 1000}},
    ),
]
