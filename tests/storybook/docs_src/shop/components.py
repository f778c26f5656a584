"""A shop's own component, built from ember.components."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from reactpy import html
from reactpy.types import VdomDict

import ember.components as ui


def price_tag(
    name: str,
    amount: float,
    *,
    currency: Literal["EUR", "USD"] = "EUR",
    sale: bool = False,
    on_add: Callable[[dict[str, object]], object] | None = None,
) -> VdomDict:
    """A product's name and price, with an "Add to cart" button.

    Args:
        name: the product's name.
        amount: the price.
        currency: ``EUR`` or ``USD``.
        sale: shows a "Sale" badge.
        on_add: called with the click event of the button.
    """
    symbol = {"EUR": "€", "USD": "$"}[currency]
    return ui.card(
        html.p({"className": "price"}, f"{symbol}{amount:.2f}"),
        title=name,
        actions=ui.badge("Sale", tone="danger") if sale else None,
        footer=ui.button("Add to cart", icon_name="plus", on_click=on_add),
    )
