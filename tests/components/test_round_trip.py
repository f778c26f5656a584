"""A form round trip against a real database, on SQLite and PostgreSQL: type invalid data
(errors appear), fix it (errors go), submit (a row is inserted through a changeset), and a
duplicate email comes back as "has already been taken" on the field."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from reactpy import component, html, use_state
from sqlalchemy import ForeignKey, MetaData, String, func, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ember.components import form, input, inputs_for, submit_button, to_form
from ember.data import NAMING_CONVENTION, Changeset, Repo, make_engine

from .conftest import OpenView


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    age: Mapped[int | None] = mapped_column(default=None)


def member_changeset(member: Member, params: dict[str, object]) -> Changeset[Member]:
    return (
        Changeset.cast(member, params, ["name", "email", "age"])
        .validate_required(["name", "email"])
        .validate_length("name", min=2)
        .validate_format("email", r"^[^@\s]+@[^@\s]+$", message="must have the @ sign")
        .validate_number("age", ge=0)
        .unique_constraint("email")
    )


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
async def repo(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Repo]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'members.db'}")
        repo = Repo(engine, Base.metadata)
        await repo.create_all()
        try:
            yield repo
        finally:
            await repo.dispose()
        return
    url: str = request.getfixturevalue("postgres_url")
    schema = f"c_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"server_settings": {"search_path": schema}})
    repo = Repo(engine, Base.metadata)
    try:
        await repo.create_all()
        yield repo
    finally:
        await repo.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


def signup_view(repo: Repo):
    @component
    def Signup():
        current, set_current = use_state(lambda: to_form(member_changeset(Member(), {})))
        saved, set_saved = use_state("")

        def validate(params: dict[str, object]) -> None:
            set_current(to_form(member_changeset(Member(), params).put_action("validate")))

        async def save(params: dict[str, object]) -> None:
            result = await repo.insert(member_changeset(Member(), params))
            if result.ok:
                set_saved(f"Saved {result.value.email}")
                set_current(to_form(member_changeset(Member(), {})))
            else:
                set_current(to_form(result.changeset))

        return html.div(
            form(
                current,
                input(current["name"]),
                input(current["email"], type="email"),
                input(current["age"]),
                submit_button("Join"),
                on_change=validate,
                on_submit=save,
                debounce_ms=0,
            ),
            html.p({"id": "saved"}, saved),
        )

    return Signup


async def _count(repo: Repo) -> int:
    async with repo.session() as session:
        return int((await session.execute(select(func.count()).select_from(Member))).scalar_one())


async def test_form_round_trip_inserts_through_a_changeset(open_view: OpenView, repo: Repo) -> None:
    async with open_view(signup_view(repo)) as page:
        # the column's String(60) reaches the input as maxlength
        assert page.find("#member_name").attr("maxlength") == "60"

        await page.change("#member_email", "not-an-email")
        assert page.find("#member_email-error").text() == "must have the @ sign"
        await page.change("#member_name", "A")
        assert "at least 2" in page.find("#member_name-error").text()
        await page.change("#member_age", "-3")
        assert page.find("#member_age").attr("aria-invalid") == "true"

        await page.change("#member_email", "ada@example.com")
        await page.change("#member_name", "Ada")
        await page.change("#member_age", "36")
        assert page.find_all(".ember-field-error") == []

        await page.submit("form")
        assert page.find("#saved").text() == "Saved ada@example.com"
        assert await _count(repo) == 1
        # after saving, the form is fresh again
        assert page.find("#member_name").attr("value") == ""

        await page.submit("form", {"name": "Other Ada", "email": "ada@example.com", "age": ""})
        email = page.find("#member_email")
        assert email.attr("aria-invalid") == "true"
        assert page.find("#member_email-error").text() == "has already been taken"
        assert page.find("#member_name").attr("aria-invalid") is None
        assert await _count(repo) == 1


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    books: Mapped[list[Book]] = relationship(back_populates="author", order_by="Book.id")


class Book(Base):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    title: Mapped[str] = mapped_column(String(100))
    author: Mapped[Author] = relationship(back_populates="books")


def book_changeset(book: object, params: object) -> Changeset[object]:
    assert isinstance(params, dict)
    return Changeset.cast(book, params, ["title"]).validate_required("title")


def author_changeset(author: Author, params: dict[str, object]) -> Changeset[Author]:
    return (
        Changeset.cast(author, params, ["name"])
        .validate_required("name")
        .cast_assoc("books", using=book_changeset)
    )


async def test_inputs_for_updates_loaded_children_through_cast_assoc(
    open_view: OpenView, repo: Repo
) -> None:
    created = await repo.insert(
        author_changeset(
            Author(), {"name": "Ada", "books": [{"title": "Notes"}, {"title": "Sketches"}]}
        )
    )
    author = await repo.get_or_raise(Author, created.value.id, preload=["books"])

    @component
    def Edit():
        current, set_current = use_state(lambda: to_form(author_changeset(author, {})))

        async def save(params: dict[str, object]) -> None:
            result = await repo.update(author_changeset(author, params))
            set_current(
                to_form(result.changeset if not result.ok else author_changeset(result.value, {}))
            )

        return form(
            current,
            input(current["name"]),
            inputs_for(current["books"], lambda book: input(book["title"])),
            submit_button(),
            on_submit=save,
        )

    async with open_view(Edit) as page:
        ids = [e.attr("value") for e in page.find_all("input[type=hidden][name$='[id]']")]
        assert ids == [str(b.id) for b in author.books]
        assert page.find("#author_books_1_title").attr("value") == "Sketches"
        await page.submit("form", {"books[1][title]": ""})
        assert page.find("#author_books_1_title-error").text() == "can't be blank"
        await page.submit("form", {"books[1][title]": "More sketches"})
        assert page.find_all(".ember-field-error") == []
    reloaded = await repo.get_or_raise(Author, author.id, preload=["books"])
    assert [b.title for b in reloaded.books] == ["Notes", "More sketches"]
    assert [b.id for b in reloaded.books] == [
        b.id for b in author.books
    ]  # updated, not re-inserted
