"""A signup page built from ember.components: a form bound to a changeset, validated
while typing, saved through a Repo; flash toasts; the theme served by the app."""

from __future__ import annotations

from fastapi import FastAPI
from reactpy import component, html, use_state
from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

import ember.components as ui
import ember.live
from ember.data import NAMING_CONVENTION, Changeset, Repo


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), unique=True)


repo = Repo.from_settings(Base.metadata)


def user_changeset(user: User, params: dict[str, object]) -> Changeset[User]:
    return (
        Changeset.cast(user, params, ["name", "email"])
        .validate_required(["name", "email"])
        .validate_length("name", min=2)
        .validate_format("email", r"^[^@\s]+@[^@\s]+$", message="must have the @ sign")
        .unique_constraint("email")
    )


@component
def Signup():
    session = ember.live.use_session()
    form, set_form = use_state(lambda: ui.to_form(user_changeset(User(), {})))

    def validate(params: dict[str, object]) -> None:
        set_form(ui.to_form(user_changeset(User(), params).put_action("validate")))

    async def save(params: dict[str, object]) -> None:
        result = await repo.insert(user_changeset(User(), params))
        if result.ok:
            session.put_flash("success", f"Welcome, {result.value.name}!")
            set_form(ui.to_form(user_changeset(User(), {})))
        else:
            set_form(ui.to_form(result.changeset))  # "has already been taken" on email

    return html.main(
        ui.header("Sign up", subtitle="It takes ten seconds."),
        ui.card(
            ui.form(
                form,
                ui.input(form["name"], help="As you would like to be addressed."),
                ui.input(form["email"], type="email"),
                ui.submit_button("Create account"),
                on_change=validate,
                on_submit=save,
            ),
        ),
        ui.flash_group(),
    )


app = FastAPI()
ui.mount_static(app)  # serves the theme at /_ember/components/
ember.live.mount(app, "/signup", Signup, head=ui.head())
