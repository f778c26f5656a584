"""A 6-field form whose input survives reconnects (served by uvicorn in restart tests)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from reactpy import component, html

from ember.live import Ember, use_recoverable_state

FIELDS = ["name", "email", "city", "street", "zip", "phone"]


@component
def SignupForm() -> Any:
    inputs = []
    for field in FIELDS:
        value, set_value = use_recoverable_state(field, "")
        inputs.append(
            html.input(
                {
                    "key": field,
                    "name": field,
                    "value": value,
                    "onChange": lambda event, set_value=set_value: set_value(
                        event["target"]["value"]
                    ),
                }
            )
        )
    return html.form({"id": "signup"}, inputs)


app = FastAPI()
Ember().mount(app, "/signup", SignupForm)  # settings from EMBER_* (secret, recovery store)
