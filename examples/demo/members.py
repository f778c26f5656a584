"""The members page: a component (hook style) with a registration form and a live list.

The form validates while typing (a changeset, plus an early query for a taken email)
and on submit the Repo turns a duplicate email into a field error. A new member appears
at once on every open members page.
"""

from __future__ import annotations

from typing import Any

from reactpy import component, html, use_state

import ember.components as ui
from ember.live import AsyncResult, use_async, use_session, use_subscription

from . import accounts, avatars, db
from .layout import shell


@component
def Members() -> Any:
    session = use_session()
    form, set_form = use_state(lambda: ui.to_form(accounts.change_user(), id="register"))
    joined, set_joined = use_state(lambda: tuple[accounts.UserOut, ...]())
    me, set_me = use_state(cast_user(None))  # who registered in this tab: may add an avatar
    _, set_pictures = use_state(0)
    loaded: AsyncResult[tuple[int, list[accounts.UserOut]]] = use_async(everyone)

    def arrived(msg: accounts.UserRegistered) -> None:
        set_joined(lambda users: (msg.user, *users))

    use_subscription(accounts.TOPIC, arrived, on=accounts.UserRegistered)
    use_subscription(
        avatars.TOPIC, lambda msg: set_pictures(lambda n: n + 1), on=avatars.AvatarChanged
    )

    async def validate(params: dict[str, object]) -> None:
        set_form(ui.to_form(await accounts.validate_user(params), id="register"))

    async def register(params: dict[str, object]) -> None:
        result = await accounts.register_user(params)
        if result.ok:
            session.put_flash("success", f"Welcome aboard, {result.value.name}!")
            set_me(accounts.UserOut.model_validate(result.value))
            set_form(ui.to_form(accounts.change_user(), id="register"))
        else:  # refused before the insert (a blank name): the taken email says so too
            refused = await db.repo.unsafe_validate_unique(result.changeset, "email")
            set_form(ui.to_form(refused, id="register"))

    total, earlier = (loaded.result or (0, [])) if loaded.ok else (0, [])
    seen = {user.id for user in joined}
    members = [*joined, *(user for user in earlier if user.id not in seen)]
    # The count is the database's, plus those who joined since it was taken (the list
    # shows only the newest); a member already counted is not counted twice.
    newest = max((user.id for user in earlier), default=0)
    count = total + sum(1 for user in joined if user.id > newest)
    return shell(
        "/users",
        ui.header("Members", subtitle="Register, and watch every open tab welcome you."),
        html.div(
            {"className": "demo-grid"},
            ui.card(
                ui.form(
                    form,
                    ui.input(form["name"], label="Name", autocomplete="name"),
                    ui.input(
                        form["email"],
                        type="email",
                        label="Email",
                        help="Unique: we check while you type.",
                        autocomplete="email",
                    ),
                    ui.submit_button("Register", busy_label="Registering…"),
                    on_change=validate,
                    on_submit=register,
                    label="Register",
                ),
                html.p(
                    {"className": "demo-more"},
                    "To log in and post under your name, ",
                    ui.link("sign up with a password", href="/sign-up", id="members-sign-up"),
                    ".",
                ),
                title="Join ember chirp",
                id="register-card",
            ),
            ui.card(
                avatars.AvatarForm(me.id, me.name),
                title="Your avatar",
                id="avatar-card",
            )
            if me is not None
            else "",
            ui.card(
                member_list(members) if loaded.ok or members else ui.spinner(label="Loading"),
                title=f"Members · {count}" if loaded.ok else "Members",
                id="members-card",
            ),
        ),
    )


def cast_user(user: accounts.UserOut | None) -> accounts.UserOut | None:
    return user


async def everyone() -> tuple[int, list[accounts.UserOut]]:
    return await accounts.count_users(), await accounts.list_users()


def member_list(members: list[accounts.UserOut]) -> Any:
    if not members:
        return ui.empty_state("No members yet", description="Be the first to register.")
    return html.ul(
        {"className": "members", "id": "members"},
        *[
            html.li(
                {"key": str(user.id)},
                ui.avatar(user.name, src=avatars.avatar_url(user.id), size="sm"),
                html.div(html.strong(user.name), html.small(user.email)),
            )
            for user in members
        ],
    )
