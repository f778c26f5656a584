"""ui.form's auto_recover: the mark ember's client reads to leave a form alone after a
reconnect (tests/browser/test_form_recovery_browser.py drives the recovery itself)."""

from __future__ import annotations

from reactpy import component

from ember.components import form, input, to_form

from .conftest import OpenView
from .test_forms import account_changeset


def view(*, auto_recover: bool):
    @component
    def View():
        f = to_form(account_changeset({}))
        return form(f, input(f["name"]), on_change=lambda params: None, auto_recover=auto_recover)

    return View


async def test_form_is_recovered_by_default_and_marked_ignore_when_told(
    open_view: OpenView,
) -> None:
    async with open_view(view(auto_recover=True)) as page:
        assert page.find("form").attr("data-ember-auto-recover") is None
    async with open_view(view(auto_recover=False)) as page:
        assert page.find("form").attr("data-ember-auto-recover") == "ignore"
