"""form, input, submit_button and inputs_for through ember.live.testing: values, labels,
HTML constraints, errors shown at the right time, debounce, submit."""

from __future__ import annotations

import datetime
import enum

import anyio
import pytest
from pydantic import BaseModel, Field
from reactpy import component, html, use_state

from ember.components import (
    ComponentError,
    decode_params,
    form,
    input,
    inputs_for,
    submit_button,
    to_form,
)
from ember.components._to_form import encode_params
from ember.data import Changeset
from ember.live import LiveView, on_event

from .conftest import OpenView


class Colour(enum.Enum):
    red = "red"
    green = "green"


class Pet(BaseModel):
    name: str = ""


class Account(BaseModel):
    name: str = ""
    email: str = ""
    age: int | None = Field(default=None, ge=18, le=99)
    born: datetime.date | None = None
    meets: datetime.datetime | None = None
    bio: str = ""
    colour: Colour | None = None
    tags: list[str] = []
    size: str = ""
    agree: bool = False
    ref: str = "home"
    pets: list[Pet] = []


FIELDS = ["name", "email", "age", "born", "meets", "bio", "colour", "tags", "size", "agree", "ref"]


def pet_changeset(pet: Pet, params: object) -> Changeset[Pet]:
    assert isinstance(params, dict)
    return Changeset.cast(pet, params, ["name"]).validate_required("name")


def account_changeset(params: dict[str, object]) -> Changeset[Account]:
    return (
        Changeset.cast(Account(), params, FIELDS)
        .validate_required(["name", "email"])
        .validate_length("name", min=2, max=40)
        .validate_format("email", r"^[^@\s]+@[^@\s]+$", message="must have the @ sign")
        .cast_embed("pets", using=pet_changeset)
    )


def account_view(
    *,
    debounce_ms: int = 0,
    submitted: list[dict[str, object]] | None = None,
    changed: list[dict[str, object]] | None = None,
    gate: anyio.Event | None = None,
    pets: int = 0,
):
    start: dict[str, object] = {"pets": [{"name": ""} for _ in range(pets)]} if pets else {}

    @component
    def View():
        current, set_current = use_state(lambda: to_form(account_changeset(start)))

        def change(params: dict[str, object]) -> None:
            if changed is not None:
                changed.append(params)
            set_current(to_form(account_changeset(params).put_action("validate")))

        async def submit(params: dict[str, object]) -> None:
            if gate is not None:
                await gate.wait()
            if submitted is not None:
                submitted.append(params)
            set_current(to_form(account_changeset(params).put_action("insert")))

        f = current
        return form(
            f,
            input(f["name"], help="Your full name."),
            input(f["email"], type="email"),
            input(f["age"]),
            input(f["born"]),
            input(f["meets"]),
            input(f["bio"], type="textarea"),
            input(f["colour"], prompt="Pick one"),
            input(f["tags"], type="select", multiple=True, options=["a", "b", "c"]),
            input(f["size"], type="radio", options=[("s", "Small"), ("l", "Large")]),
            input(f["agree"], label="I agree"),
            input(f["ref"], type="hidden"),
            inputs_for(f["pets"], lambda pet: input(pet["name"], label="Pet name")),
            submit_button("Create"),
            on_change=change,
            on_submit=submit,
            debounce_ms=debounce_ms,
        )

    return View


async def test_fresh_form_labels_inputs_and_shows_no_errors(open_view: OpenView) -> None:
    async with open_view(account_view()) as page:
        for selector in ("#account_name", "#account_email", "#account_age", "#account_bio"):
            element = page.find(selector)
            assert page.find(f"label[for='{element.attr('id')}']")
            assert element.attr("aria-invalid") is None
        assert page.find_all(".ember-field-error") == []
        assert "ember-field-error" not in page.static_html


async def test_inputs_carry_html_constraints_from_the_changeset_and_model(
    open_view: OpenView,
) -> None:
    async with open_view(account_view()) as page:
        name = page.find("#account_name")
        assert "required" in name.attributes
        assert (name.attr("minlength"), name.attr("maxlength")) == ("2", "40")
        assert page.find("#account_email").attr("pattern") == r"[^@\s]+@[^@\s]+"
        age = page.find("#account_age")
        assert (age.attr("type"), age.attr("min"), age.attr("max")) == ("number", "18", "99")
        assert page.find("#account_born").attr("type") == "date"
        assert page.find("#account_meets").attr("type") == "datetime-local"
        assert page.find("#account_bio").tag == "textarea"
        assert page.find("#account_ref").attr("type") == "hidden"
        assert page.find("#account_ref").attr("value") == "home"


async def test_help_text_is_tied_to_its_input(open_view: OpenView) -> None:
    async with open_view(account_view()) as page:
        assert page.find("#account_name").attr("aria-describedby") == "account_name-help"
        assert page.find("#account_name-help").text() == "Your full name."


async def test_errors_appear_on_change_only_for_the_used_input_and_go_when_fixed(
    open_view: OpenView,
) -> None:
    async with open_view(account_view()) as page:
        await page.change("#account_email", "nope")
        email = page.find("#account_email")
        assert email.attr("aria-invalid") == "true"
        assert email.attr("aria-describedby") == "account_email-error"
        assert page.find("#account_email-error").text() == "must have the @ sign"
        # name is required but untouched: it stays quiet
        assert page.find("#account_name").attr("aria-invalid") is None
        assert len(page.find_all(".ember-field-error")) == 1

        await page.change("#account_email", "a@b.c")
        assert page.find("#account_email").attr("aria-invalid") is None
        assert not page.has("#account_email-error")
        assert page.find("#account_email").attr("value") == "a@b.c"


async def test_described_by_lists_help_and_errors(open_view: OpenView) -> None:
    async with open_view(account_view()) as page:
        await page.change("#account_name", "A")
        assert page.find("#account_name").attr("aria-describedby") == (
            "account_name-help account_name-error"
        )
        assert "at least 2" in page.find("#account_name-error").text()


async def test_values_typed_in_several_inputs_accumulate(open_view: OpenView) -> None:
    changed: list[dict[str, object]] = []
    async with open_view(account_view(changed=changed)) as page:
        await page.change("#account_name", "Ada")
        await page.change("#account_email", "ada@example.com")
        assert changed[-1] == {"name": "Ada", "email": "ada@example.com"}


async def test_submit_shows_every_error(open_view: OpenView) -> None:
    submitted: list[dict[str, object]] = []
    async with open_view(account_view(submitted=submitted)) as page:
        await page.submit("form", {})
        assert page.find("#account_name").attr("aria-invalid") == "true"
        assert page.find("#account_email").attr("aria-invalid") == "true"
        assert page.find("#account_name-error").text() == "can't be blank"
        assert submitted[0]["agree"] == "false"  # unchecked checkboxes are sent as false


async def test_submit_sends_typed_values_of_every_input_type(open_view: OpenView) -> None:
    submitted: list[dict[str, object]] = []
    async with open_view(account_view(submitted=submitted)) as page:
        await page.change("#account_agree", True)
        await page.submit(
            "form",
            {
                "name": "Ada",
                "email": "ada@example.com",
                "age": "36",
                "born": "1815-12-10",
                "meets": "1833-06-05T10:30",
                "bio": "Analyst",
                "colour": "green",
                "tags": ["a", "c"],
                "size": "l",
                "agree": True,
            },
        )
        params = submitted[-1]
        assert params["tags"] == ["a", "c"]
        assert params["size"] == "l"
        assert params["agree"] == "true"
        assert params["ref"] == "home"
        assert page.find_all(".ember-field-error") == []
        assert page.find("#account_age").attr("value") == "36"
        assert page.find("#account_born").attr("value") == "1815-12-10"
        assert page.find("#account_meets").attr("value") == "1833-06-05T10:30"
        assert page.find("#account_bio").text() == "Analyst"
        assert "selected" in page.find("#account_colour option[value=green]").attributes
        assert "checked" in page.find("#account_size_1").attributes
        assert "checked" in page.find("#account_agree").attributes
        selected = [o.attr("value") for o in page.find_all("#account_tags option[selected]")]
        assert selected == ["a", "c"]


async def test_select_radio_and_checkbox_validate_at_once(open_view: OpenView) -> None:
    changed: list[dict[str, object]] = []
    async with open_view(account_view(debounce_ms=10_000, changed=changed)) as page:
        await page.change("#account_colour", "red")
        await page.change("#account_size_0", "s")
        await page.change("#account_agree", True)
        await page.fire(
            "#account_tags",
            "onChange",
            {"target": {"value": "b", "selectedOptions": [{"value": "b"}, {"value": "c"}]}},
        )
        assert changed[-1] == {"colour": "red", "size": "s", "agree": "true", "tags": ["b", "c"]}
        assert "selected" in page.find("#account_colour option[value=red]").attributes
        assert "checked" in page.find("#account_size_0").attributes


async def test_typing_is_validated_once_the_user_pauses(open_view: OpenView) -> None:
    changed: list[dict[str, object]] = []
    async with open_view(account_view(debounce_ms=80, changed=changed)) as page:
        await page.change("#account_email", "n", pause=False)
        await page.change("#account_email", "no", pause=False)
        await page.change("#account_email", "nope", pause=False)
        assert changed == []
        assert not page.has("#account_email-error")
        await page.wait_for("#account_email-error")
        assert changed == [{"email": "nope"}]


async def test_change_returns_after_the_debounced_validation_rendered(
    open_view: OpenView,
) -> None:
    # The kit's default pause (300 ms): page.change waits for it, as a user who stops
    # typing would (issue 25: it returned before the validation render).
    changed: list[dict[str, object]] = []
    async with open_view(account_view(debounce_ms=300, changed=changed)) as page:
        await page.change("#account_email", "nope")
        assert changed == [{"email": "nope"}]
        assert page.has("#account_email-error")


async def test_leaving_an_input_validates_it_at_once(open_view: OpenView) -> None:
    changed: list[dict[str, object]] = []
    async with open_view(account_view(debounce_ms=10_000, changed=changed)) as page:
        await page.change("#account_email", "nope")
        assert changed == []
        await page.fire("#account_email", "onBlur", {"type": "blur"})
        assert changed == [{"email": "nope"}]
        assert page.has("#account_email-error")


async def test_submit_button_is_disabled_while_the_submit_runs(open_view: OpenView) -> None:
    gate = anyio.Event()
    submitted: list[dict[str, object]] = []
    async with open_view(account_view(gate=gate, submitted=submitted)) as page:
        assert "disabled" not in page.find("button[type=submit]").attributes
        async with anyio.create_task_group() as group:
            group.start_soon(page.submit, "form", {"name": "Ada"})
            await page.wait_for("button[type=submit][disabled]")
            button = page.find("button[type=submit]")
            assert button.attr("aria-busy") == "true"
            assert page.find("form").attr("aria-busy") == "true"
            gate.set()
        assert "disabled" not in page.find("button[type=submit]").attributes
        assert len(submitted) == 1


async def test_sync_submit_runs_and_re_enables_the_button(open_view: OpenView) -> None:
    seen: list[dict[str, object]] = []

    @component
    def View():
        f = to_form(account_changeset({}))
        return form(f, input(f["name"]), submit_button(), on_submit=seen.append)

    async with open_view(View) as page:
        await page.submit("form", {"name": "Ada"})
        assert seen == [{"name": "Ada"}]
        assert "disabled" not in page.find("button[type=submit]").attributes


async def test_inputs_for_names_nested_inputs_and_shows_their_errors(open_view: OpenView) -> None:
    submitted: list[dict[str, object]] = []
    async with open_view(account_view(pets=2, submitted=submitted)) as page:
        names = [e.attr("name") for e in page.find_all(".ember-inputs-for input")]
        assert names == ["pets[0][name]", "pets[1][name]"]
        await page.submit("form", {"pets[0][name]": "Rex", "pets[1][name]": ""})
        assert submitted[-1]["pets"] == {"0": {"name": "Rex"}, "1": {"name": ""}}
        second = page.find("#account_pets_1_name")
        assert second.attr("aria-invalid") == "true"
        assert page.find("#account_pets_1_name-error").text() == "can't be blank"
        assert page.find("#account_pets_0_name").attr("aria-invalid") is None


def test_params_decode_and_encode_round_trip() -> None:
    flat = {"name": "A", "pets[0][name]": "Rex", "pets[1][name]": "Tom", "tags": ["a"]}
    nested = decode_params(flat)
    assert nested == {
        "name": "A",
        "pets": {"0": {"name": "Rex"}, "1": {"name": "Tom"}},
        "tags": ["a"],
    }
    assert encode_params(nested) == flat
    assert encode_params({"pets": [{"name": "Rex"}]}) == {"pets[0][name]": "Rex"}


def test_to_form_refuses_what_is_not_a_changeset() -> None:
    with pytest.raises(ComponentError, match=r"Expected an ember\.data Changeset"):
        to_form({"name": "x"})  # type: ignore[arg-type]


def test_input_refuses_an_unknown_type() -> None:
    f = to_form(account_changeset({}))
    with pytest.raises(ComponentError, match=r"Expected an input type, one of: .* Got 'colour'"):
        input(f["name"], type="colour").render()  # type: ignore[arg-type]


def test_errors_show_only_after_an_action() -> None:
    cs = account_changeset({"name": "A"})
    assert to_form(cs)["name"].errors == ()
    assert to_form(cs.put_action("validate"))["name"].errors == (
        "should be at least 2 character(s)",
    )
    # submitted: every error shows, used or not
    assert to_form(cs.put_action("insert"), submitted=True)["email"].errors == ("can't be blank",)


async def test_password_values_are_never_sent_back(open_view: OpenView) -> None:
    @component
    def View():
        current, set_current = use_state(lambda: to_form(account_changeset({})))

        def change(params: dict[str, object]) -> None:
            set_current(to_form(account_changeset(params).put_action("validate")))

        return form(
            current, input(current["name"], type="password"), on_change=change, debounce_ms=0
        )

    async with open_view(View) as page:
        await page.change("#account_name", "s3cret")
        secret = page.find("#account_name")
        assert secret.attr("type") == "password"
        assert secret.attr("value") is None
        assert "s3cret" not in page.html()


def test_change_values_from_the_shapes_browsers_send() -> None:
    from ember.components._inputs import changed_value

    options = [{"value": "a", "selected": False}, {"value": "b", "selected": True}]
    assert changed_value({"target": options}, "select", False) == "b"
    assert changed_value({"target": options}, "select", True) == ["b"]
    assert changed_value({"target": []}, "select", False) == ""
    assert changed_value({"target": {"checked": True}}, "checkbox", False) == "true"
    assert changed_value({"target": {"value": 3}}, "number", False) == "3"
    assert changed_value({"target": None}, "text", False) == ""
    assert changed_value({}, "select", True) == []


class SignupLive(LiveView):
    """The class style: the form's callbacks are the view's events."""

    async def mount(self, params, session, socket) -> None:
        socket.assign(form=to_form(account_changeset({})), saved="")

    @on_event("validate")
    async def validate(self, params, socket) -> None:
        socket.assign(form=to_form(account_changeset(params).put_action("validate")))

    @on_event("save")
    async def save(self, params, socket) -> None:
        result = account_changeset(params).apply_action("insert")
        socket.assign(form=to_form(result.changeset), saved="yes" if result.ok else "no")

    def render(self, assigns):
        f = assigns["form"]
        return html.div(
            form(
                f,
                input(f["name"]),
                input(f["email"], type="email"),
                submit_button(),
                on_change=self.on("validate"),
                on_submit=self.on("save"),
                debounce_ms=0,
            ),
            html.p({"id": "saved"}, assigns["saved"]),
        )


async def test_form_drives_a_live_view_through_its_events(open_view: OpenView) -> None:
    async with open_view(SignupLive) as page:
        await page.change("#account_email", "nope")
        assert page.find("#account_email-error").text() == "must have the @ sign"
        assert page.find("#account_name").attr("aria-invalid") is None
        await page.submit("form", {"name": "Ada", "email": "ada@example.com"})
        assert page.find("#saved").text() == "yes"
        await page.submit("form", {"name": "", "email": "ada@example.com"})
        assert page.find("#saved").text() == "no"
        assert page.find("#account_name-error").text() == "can't be blank"


def test_required_comes_from_the_model_too() -> None:
    from .test_round_trip import Member

    plain = to_form(Changeset.cast(Member(), {}, ["name", "email", "age"]))
    assert plain["name"].constraints.get("required") is True  # NOT NULL, no default
    assert "required" not in plain["age"].constraints  # nullable
    assert "required" not in plain["id"].constraints  # the primary key

    class Note(BaseModel):
        title: str
        body: str = ""

    note = to_form(Changeset.cast(Note.model_construct(title="", body=""), {}, ["title", "body"]))
    assert note["title"].constraints.get("required") is True
    assert "required" not in note["body"].constraints
