"""ember.components: the component kit — forms bound to changesets, inputs, buttons, tables,
tabs, modal, dropdown, flash and toasts, feedback — with its own theme CSS and icon set.

Serve the theme with ``mount_static(app)`` and pass ``head()`` to ``ember.live.mount``;
see docs/components.md.
"""

from __future__ import annotations

from ._base import Child as Child
from ._base import ComponentError as ComponentError
from ._base import Handler as Handler
from ._base import safe_url as safe_url
from ._basic import avatar as avatar
from ._basic import badge as badge
from ._basic import button as button
from ._basic import card as card
from ._basic import description_list as description_list
from ._basic import empty_state as empty_state
from ._basic import header as header
from ._basic import link as link
from ._basic import progress as progress
from ._basic import spinner as spinner
from ._client import bar_chart as bar_chart
from ._client import file_input as file_input
from ._dropdown import MenuItem as MenuItem
from ._dropdown import dropdown as dropdown
from ._feedback import async_result as async_result
from ._feedback import flash_group as flash_group
from ._feedback import toast as toast
from ._form import form as form
from ._form import inputs_for as inputs_for
from ._form import submit_button as submit_button
from ._icons import ICONS as ICONS
from ._icons import icon as icon
from ._inputs import input as input
from ._modal import hide_modal as hide_modal
from ._modal import modal as modal
from ._modal import show_modal as show_modal
from ._table import Column as Column
from ._table import pagination as pagination
from ._table import table as table
from ._tabs import Tab as Tab
from ._tabs import tabs as tabs
from ._theme import DEFAULT_STATIC_PATH as DEFAULT_STATIC_PATH
from ._theme import head as head
from ._theme import mount_static as mount_static
from ._theme import static_files as static_files
from ._theme import stylesheet as stylesheet
from ._to_form import Form as Form
from ._to_form import FormField as FormField
from ._to_form import decode_params as decode_params
from ._to_form import to_form as to_form

__all__ = [
    "DEFAULT_STATIC_PATH",
    "ICONS",
    "Child",
    "Column",
    "ComponentError",
    "Form",
    "FormField",
    "Handler",
    "MenuItem",
    "Tab",
    "async_result",
    "avatar",
    "badge",
    "bar_chart",
    "button",
    "card",
    "decode_params",
    "description_list",
    "dropdown",
    "empty_state",
    "file_input",
    "flash_group",
    "form",
    "head",
    "header",
    "hide_modal",
    "icon",
    "input",
    "inputs_for",
    "link",
    "modal",
    "mount_static",
    "pagination",
    "progress",
    "safe_url",
    "show_modal",
    "spinner",
    "static_files",
    "stylesheet",
    "submit_button",
    "table",
    "tabs",
    "to_form",
    "toast",
]
