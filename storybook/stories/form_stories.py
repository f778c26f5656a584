"""Stories for form, input (every type), inputs_for and submit_button."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable

import anyio
from pydantic import BaseModel, Field
from reactpy import component, html, use_state
from reactpy.types import Component, VdomDict

from ember.components import Child, Form, form, input, inputs_for, submit_button, to_form
from ember.data import Changeset

from . import Story


class Plan(enum.Enum):
    free = "free"
    team = "team"
    enterprise = "enterprise"


class Address(BaseModel):
    city: str = ""
    zip: str = ""


class Signup(BaseModel):
    name: str = ""
    email: str = ""
    password: str = ""
    age: int | None = Field(default=None, ge=13, le=130)
    birthday: datetime.date | None = None
    meeting: datetime.datetime | None = None
    bio: str = Field(default="", max_length=280)
    plan: Plan = Plan.free
    colours: list[str] = []
    size: str = "m"
    terms: bool = False
    referrer: str = "storybook"
    addresses: list[Address] = []


FIELDS = ["name", "email", "password", "age", "birthday", "meeting", "bio", "plan"]
FIELDS += ["colours", "size", "terms", "referrer"]


def signup_changeset(params: dict[str, object]) -> Changeset[Signup]:
    """The changeset behind the form stories."""
    return (
        Changeset.cast(Signup(), params, FIELDS)
        .validate_required(["name", "email", "password"])
        .validate_length("name", min=2, max=50)
        .validate_format("email", r"^[^@\s]+@[^@\s]+$", message="must have the @ sign")
        .validate_length("password", min=8)
        .validate_acceptance("terms")
        .cast_embed("addresses")
    )


@component
def signup_demo(
    show_errors: bool = False,
    debounce_ms: int = 300,
    addresses: int = 0,
    on_submit: Callable[[dict[str, object]], None] | None = None,
) -> VdomDict:
    """A signup form: validates while typing, submits; optionally shows every error.

    Args:
        on_submit: called with the submitted fields (the storybook logs each submit).
    """
    start: dict[str, object] = {}
    if addresses:
        start["addresses"] = [{"city": "", "zip": ""} for _ in range(addresses)]
    if show_errors:
        start.update({"name": "A", "email": "nope", "password": "short"})
    initial = signup_changeset(start)
    if show_errors:
        initial = initial.put_action("insert")
    current, set_current = use_state(lambda: to_form(initial, submitted=show_errors))
    done, set_done = use_state("")

    def change(params: dict[str, object]) -> None:
        set_current(to_form(signup_changeset(params).put_action("validate")))

    async def submit(params: dict[str, object]) -> None:
        if on_submit is not None:
            on_submit(params)
        result = signup_changeset(params).apply_action("insert")
        if result.ok:
            set_done(f"Welcome, {result.value.name}!")
        set_current(to_form(result.changeset))

    return html.div(
        form(
            current,
            *_inputs(current),
            submit_button("Sign up"),
            on_change=change,
            on_submit=submit,
            debounce_ms=debounce_ms,
            label="Sign up",
        ),
        html.p({"id": "signup-done"}, done),
    )


def _inputs(f: Form) -> list[Child]:
    return [
        input(f["name"], help="As you would like to be addressed.", autocomplete="name"),
        input(f["email"], type="email", placeholder="you@example.com"),
        input(f["password"], type="password", help="At least 8 characters."),
        input(f["age"]),
        input(f["birthday"], label="Birthday"),
        input(f["meeting"], label="First meeting"),
        input(f["bio"], type="textarea", rows=3),
        input(f["plan"], prompt="Choose a plan"),
        input(
            f["colours"],
            type="select",
            multiple=True,
            options=[("red", "Red"), ("green", "Green"), ("blue", "Blue")],
        ),
        input(f["size"], type="radio", options=[("s", "Small"), ("m", "Medium"), ("l", "Large")]),
        input(f["terms"], label="I accept the terms"),
        input(f["referrer"], type="hidden"),
        inputs_for(
            f["addresses"],
            lambda nested: html.div(
                {"className": "ember-address"}, input(nested["city"]), input(nested["zip"])
            ),
        ),
    ]


@component
def single_input_demo(
    type: str = "text", label: str = "Name", help: str = "", invalid: bool = False
) -> Component:
    """One input in a form, optionally showing an error."""
    params: dict[str, object] = {"name": "A"} if invalid else {}
    cs = signup_changeset(params).put_action("validate" if invalid else None)
    f = to_form(cs, id=f"single-{type}")
    return form(
        f,
        input(f["name"], type=type, label=label, help=help or None),  # type: ignore[arg-type]
    )


@component
def submit_demo(seconds: float = 0.0, label: str = "Send") -> Component:
    """A one-field form whose submit takes ``seconds``: the button shows it is busy."""
    current, set_current = use_state(lambda: to_form(signup_changeset({}), id="invite"))

    def change(params: dict[str, object]) -> None:
        set_current(to_form(signup_changeset(params).put_action("validate"), id="invite"))

    async def submit(params: dict[str, object]) -> None:
        await anyio.sleep(seconds)
        set_current(to_form(signup_changeset(params).put_action("insert"), id="invite"))

    return form(
        current,
        input(current["email"], type="email", label="Invite by email"),
        submit_button(label),
        on_change=change,
        on_submit=submit,
    )


@component
def addresses_demo(count: int = 2) -> Component:
    """Nested address inputs (``cast_embed``) through ``inputs_for``."""
    start: dict[str, object] = {"addresses": [{"city": "", "zip": ""} for _ in range(count)]}
    current, set_current = use_state(lambda: to_form(signup_changeset(start), id="addresses"))

    def change(params: dict[str, object]) -> None:
        cs = signup_changeset({**start, **params}).put_action("validate")
        set_current(to_form(cs, id="addresses"))

    return form(
        current,
        inputs_for(
            current["addresses"],
            lambda nested: html.div(
                {"className": "ember-address"}, input(nested["city"]), input(nested["zip"])
            ),
        ),
        on_change=change,
    )


def _submitted(params: dict[str, object]) -> None:
    """What the form story does on submit besides validating: nothing (it is logged)."""


stories = [
    Story(
        name="form",
        component=signup_demo,
        description="A form bound to a changeset, with every input type.",
        variations={
            "fresh": {"on_submit": _submitted},
            "submitted with errors": {"show_errors": True, "on_submit": _submitted},
            "with nested addresses": {"addresses": 2, "on_submit": _submitted},
        },
    ),
    Story(
        name="input",
        component=single_input_demo,
        variations={
            "text": {"type": "text"},
            "email with help": {"type": "email", "label": "Email", "help": "We never share it."},
            "password": {"type": "password", "label": "Password"},
            "textarea": {"type": "textarea", "label": "Bio"},
            "invalid": {"type": "text", "invalid": True},
        },
    ),
    Story(
        name="submit_button",
        component=submit_demo,
        description="The submit button disables while the submit runs.",
        variations={"in a form": {}, "slow submit": {"seconds": 0.5, "label": "Invite"}},
    ),
    Story(
        name="inputs_for",
        component=addresses_demo,
        variations={"two addresses": {"count": 2}, "one address": {"count": 1}},
    ),
]
