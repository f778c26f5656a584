"""ember.components' public names (STYLE 2: a test pins each package's __all__)."""

from __future__ import annotations

import ember.components

EXPECTED = [
    "DEFAULT_STATIC_PATH", "ICONS", "Child", "Column", "ComponentError", "Form", "FormField",
    "Handler", "MenuItem", "Tab", "async_result", "avatar", "badge", "bar_chart", "button", "card",
    "decode_params", "description_list", "dropdown", "empty_state", "file_input", "flash_group", "form",
    "head", "header", "hide_modal", "icon", "input", "inputs_for", "link", "modal", "mount_static",
    "pagination", "progress", "safe_url", "show_modal", "spinner", "static_files", "stylesheet",
    "submit_button", "table", "tabs", "to_form", "toast",
]  # fmt: skip


def test_all_is_pinned_and_sorted() -> None:
    assert ember.components.__all__ == EXPECTED


def test_every_exported_name_exists() -> None:
    for name in ember.components.__all__:
        assert hasattr(ember.components, name), name


def test_component_error_is_an_ember_error() -> None:
    from ember.live import EmberError

    assert issubclass(ember.components.ComponentError, EmberError)
