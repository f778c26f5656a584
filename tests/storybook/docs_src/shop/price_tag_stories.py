"""Stories for price_tag: discovered because the module name ends in _stories."""

from __future__ import annotations

from reactpy import html

from ember.storybook import Story

from .components import price_tag


def narrow(element: object) -> object:
    """A template: every variation is shown in a 20rem column, as on the product page."""
    return html.div({"style": {"maxWidth": "20rem"}}, element)


def add_to_cart(event: object) -> None:
    """The story's own handler; the storybook logs each call in its events panel."""


stories = [
    Story(
        name="price_tag",
        component=price_tag,
        group="Catalogue",
        description="A product's price with an add-to-cart button.",
        notes="Prices are rounded to cents.\n\nIn the storybook, clicks show in the events panel.",
        template=narrow,
        variations={
            "euro": {"name": "Teapot", "amount": 24.5, "on_add": add_to_cart},
            "dollar": {"name": "Teapot", "amount": 27, "currency": "USD"},
            "on sale": {"name": "Kettle", "amount": 19.99, "sale": True},
        },
        variation_groups={"Currencies": ["euro", "dollar"], "Promotions": ["on sale"]},
    ),
]
