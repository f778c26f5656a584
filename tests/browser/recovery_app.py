"""Forms for the form-recovery browser tests: one recovered, one that opts out."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from reactpy import component, html, use_state

from ember.live import form_data, mount

app = FastAPI()


@component
def Forms() -> Any:
    seen, set_seen = use_state("")
    note, set_note = use_state("")

    def changed(event: dict[str, Any]) -> None:
        set_seen(repr(sorted(form_data(event).items())))

    def noted(event: dict[str, Any]) -> None:
        set_note(str(event["target"]["value"]))

    return html.main(
        # A form-level onChange (React's bubbling change): recovery fires it once.
        html.form(
            {"id": "plain", "onChange": changed},
            html.input({"name": "title", "id": "title"}),
            html.input({"name": "agree", "id": "agree", "type": "checkbox"}),
            html.select(
                {"name": "size", "id": "size"},
                html.option({"value": "s"}, "small"),
                html.option({"value": "l"}, "large"),
            ),
            html.input({"name": "token", "type": "hidden", "value": "server"}),
        ),
        html.p({"id": "seen"}, seen),
        html.form(
            {"id": "ignored", "data-ember-auto-recover": "ignore"},
            html.input({"name": "note", "id": "note", "onChange": noted}),
        ),
        html.p({"id": "noted"}, note),
    )


@component
def Start() -> Any:
    """A page the forms are reached from by live navigation."""
    return html.main(html.a({"id": "to-forms", "href": "/"}, "forms"))


mount(app, "/", Forms, title="forms", live_session="recovery")
mount(app, "/start", Start, title="start", live_session="recovery")
