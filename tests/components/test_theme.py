"""The theme: served by the app, or inlined; tokens, dark mode and densities in the CSS."""

from __future__ import annotations

import re

from fastapi import FastAPI
from reactpy import component, html

from ember.components import DEFAULT_STATIC_PATH, head, mount_static, stylesheet
from ember.live import Ember
from ember.live.testing import LiveClient


def test_head_links_the_stylesheet_and_the_script() -> None:
    assert head() == (
        '<link rel="stylesheet" href="/_ember/components/ember-components.css" data-ember-components>'
        '<script type="module" src="/_ember/components/ember-components.js"></script>'
    )
    assert 'href="/static/ember-components.css"' in stylesheet(path="/static/")


def test_inline_theme_needs_nothing_served() -> None:
    inline = head(inline=True)
    assert inline.startswith("<style data-ember-components>/* ember.components theme.")
    assert '</style><script type="module">' in inline
    assert inline.count("</script>") == 1


def test_css_has_tokens_dark_mode_and_densities() -> None:
    css = stylesheet(inline=True)
    assert "--ember-primary:" in css
    assert "@media (prefers-color-scheme: dark)" in css
    assert ':root[data-theme="dark"]' in css
    assert '[data-density="compact"]' in css
    # every class the components use is styled
    for name in ("ember-button", "ember-modal", "ember-toast", "ember-tab", "ember-field-error"):
        assert re.search(rf"\.{name}\b", css), name


async def test_mount_serves_the_theme_next_to_a_view(ember: Ember) -> None:
    @component
    def View():
        return html.p("hi")

    app = FastAPI()
    mount_static(app)
    ember.mount(app, "/page", View, head=head())
    async with LiveClient(app) as client:
        page = await client.live("/page")
        # The head's script carries the page's CSP nonce; everything else is as written.
        assert re.sub(r' nonce="[^"]*"', "", page.static_html).count(head()) == 1
        css = await client.get(f"{DEFAULT_STATIC_PATH}/ember-components.css")
        assert css.status_code == 200
        assert css.headers["content-type"].startswith("text/css")
        js = await client.get(f"{DEFAULT_STATIC_PATH}/ember-components.js")
        assert js.status_code == 200
        assert "showModal" in js.text
