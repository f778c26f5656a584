"""Sign up, log in, and the top bar's account links.

Sign up is a live form validated while typing (a changeset); once the member exists, the
page sends the browser to ``/signed-up`` with a one-use token, whose response sets the
session cookie (a websocket cannot set one). Log in and log out are plain HTML forms posted
to the routes in ``auth.py``, with their CSRF token.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from reactpy import component, html, use_state

import ember.components as ui
from ember.live import use_session

from . import logins
from .accounts import User
from .layout import csrf_input, shell
from .logins import Member


def _logged_in_already(me: Member) -> Any:
    return ui.card(
        html.p({"id": "signed-in"}, f"You are logged in as {me.name}."),
        ui.link("Back to the timeline", href="/"),
        title="Logged in",
    )


def _more() -> Any:
    return html.p(
        {"className": "demo-more"},
        "A small cut of ember's accounts: ",
        html.code("ember gen auth"),
        " writes the full set into your project (confirmation mails, password resets, "
        "settings, sessions); see ",
        html.code("docs/auth.md"),
        ".",
    )


@component
def SignUp() -> Any:
    session = use_session()
    form, set_form = use_state(lambda: ui.to_form(logins.change_signup(), id="signup"))

    async def validate(params: dict[str, object]) -> None:
        set_form(ui.to_form(await logins.validate_signup(params), id="signup"))

    async def sign_up(params: dict[str, object]) -> None:
        created = await logins.sign_up(params)
        if not isinstance(created, User):
            set_form(ui.to_form(created, id="signup"))
            return
        csrf = str(session.dependencies.get("csrf", ""))
        token = await logins.create_handoff(created.id, csrf)
        session.redirect(f"/signed-up?token={quote(token)}")

    me = session.identity
    body = (
        _logged_in_already(me)
        if isinstance(me, Member)
        else ui.card(
            ui.form(
                form,
                ui.input(
                    form["name"], label="Name", autocomplete="nickname", help="You post under it."
                ),
                ui.input(form["email"], type="email", label="Email", autocomplete="username"),
                ui.input(
                    form["password"],
                    type="password",
                    label="Password",
                    autocomplete="new-password",
                    help=f"{logins.PASSWORD_MIN} to {logins.PASSWORD_MAX} characters.",
                ),
                ui.submit_button("Sign up", busy_label="Signing up…"),
                on_change=validate,
                on_submit=sign_up,
                label="Sign up",
            ),
            html.p("Already a member? ", ui.link("Log in", href="/log-in", id="to-log-in")),
            id="signup-card",
        )
    )
    return shell(
        "/sign-up",
        ui.header("Sign up", subtitle="Post under your own name, from any tab or device."),
        html.div({"className": "demo-narrow"}, body, _more()),
    )


def _field(name: str, label: str, kind: str, autocomplete: str, value: str = "") -> Any:
    return html.div(
        {"className": "ember-field"},
        html.label({"htmlFor": f"login-{name}", "className": "ember-label"}, label),
        html.input(
            {
                "id": f"login-{name}",
                "name": name,
                "type": kind,
                "required": True,
                "autoComplete": autocomplete,
                "className": "ember-control",
                "maxLength": 200 if kind == "email" else 1024,
                "defaultValue": value,
            }
        ),
    )


@component
def LogIn() -> Any:
    session = use_session()
    me = session.identity
    typed = str(session.dependencies.get("login_email", ""))  # after a refused log in
    body = (
        _logged_in_already(me)
        if isinstance(me, Member)
        else ui.card(
            html.form(
                {
                    "method": "post",
                    "action": "/log-in",
                    "id": "login-form",
                    "className": "ember-form",
                },
                csrf_input(session.dependencies.get("csrf")),
                _field("email", "Email", "email", "username", typed),
                _field("password", "Password", "password", "current-password"),
                html.button(
                    {
                        "type": "submit",
                        "id": "log-in",
                        "className": "ember-button ember-button-primary",
                    },
                    "Log in",
                ),
            ),
            html.p("New here? ", ui.link("Sign up", href="/sign-up", id="to-sign-up")),
            id="login-card",
        )
    )
    return shell(
        "/log-in",
        ui.header("Log in", subtitle="Members post under their own name."),
        html.div({"className": "demo-narrow"}, body, _more()),
    )
