"""Every component in Chromium, light and dark: the page renders live, looks finished
(screenshots in test-output/components/), and the modal's client behaviour works."""

from __future__ import annotations

# bypass_csp: Playwright evaluates wait_for_function strings with eval, which the pages'
# Content-Security-Policy forbids; the policy itself is tested in
# tests/browser/test_headers_browser.py.
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._chromium import chromium
from tests._server import Server

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "components"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    running = Server(app="tests.components.gallery_app:app")
    running.start()
    try:
        yield running.url
    finally:
        running.stop()


browser = pytest.fixture(scope="module", name="browser")(chromium)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_gallery_renders_live_in_both_colour_schemes(browser, server: str, scheme: str) -> None:
    context = browser.new_context(
        color_scheme=scheme, viewport={"width": 1200, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server + "/")
    page.wait_for_selector("[data-ember-root].ember-connected [data-ember-live] .gallery")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(248, 250, 252)" if scheme == "light" else "rgb(11, 17, 32)")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"gallery-{scheme}.png"), full_page=True)
    assert errors == []
    context.close()


def test_modal_traps_focus_closes_on_escape_and_returns_focus(browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 900, "height": 600}, bypass_csp=True)
    page = context.new_page()
    page.goto(server + "/modal")
    page.wait_for_selector("[data-ember-root].ember-connected dialog[data-ember-modal]")
    page.wait_for_function("document.querySelector('dialog[data-ember-modal]').matches(':modal')")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "modal-light.png"))
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Close"
    # Tab cycles through the dialog (and the browser's own UI, where activeElement is the
    # body), never to the page behind it, which is inert.
    for _ in range(8):
        page.keyboard.press("Tab")
        where = page.evaluate(
            "document.activeElement === document.body ? 'body'"
            " : document.activeElement.closest('dialog') ? 'dialog' : 'page'"
        )
        assert where in {"dialog", "body"}
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog[data-ember-modal]", state="detached")
    page.focus("#open")
    page.click("#open")
    page.wait_for_function("document.querySelector('dialog[data-ember-modal]')?.matches(':modal')")
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog[data-ember-modal]", state="detached")
    assert page.evaluate("document.activeElement.id") == "open"
    context.close()


def _widgets(browser, server: str):
    context = browser.new_context(viewport={"width": 1000, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(server + "/widgets")
    page.wait_for_selector("[data-ember-root].ember-connected [data-ember-live] .gallery")
    return context, page


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.tagName")


def test_tabs_arrow_keys_move_focus_in_the_browser(browser, server: str) -> None:
    context, page = _widgets(browser, server)
    page.focus("#tabs_tab_profile")
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("#tabs_tab_security[aria-selected=true]")
    page.wait_for_function("document.activeElement.id === 'tabs_tab_security'")
    page.keyboard.press("End")
    page.wait_for_function("document.activeElement.id === 'tabs_tab_billing'")
    assert page.text_content("[role=tabpanel]") == "Plan and invoices."
    context.close()


def test_dropdown_keyboard_moves_focus_in_the_browser(browser, server: str) -> None:
    context, page = _widgets(browser, server)
    page.focus("#menu-button")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("document.activeElement.id === 'menu-list'")
    page.keyboard.press("ArrowDown")
    page.wait_for_selector("#menu-list[aria-activedescendant=menu-item-1]")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(OUTPUT / "dropdown-open.png"), clip={"x": 0, "y": 0, "width": 600, "height": 420}
    )
    page.keyboard.press("Escape")
    page.wait_for_selector("#menu-list", state="detached")
    page.wait_for_function("document.activeElement.id === 'menu-button'")
    assert page.get_attribute("#menu-button", "aria-expanded") == "false"
    context.close()


def test_dropdown_enter_and_space_open_the_menu_in_the_browser(browser, server: str) -> None:
    # The button's keydown opened the menu on Enter or Space, and the click those keys make
    # on a button toggled it shut again: only ArrowDown opened it.
    context, page = _widgets(browser, server)
    for key in ("Enter", "Space"):
        page.focus("#menu-button")
        page.keyboard.press(key)
        page.wait_for_function("document.activeElement.id === 'menu-list'")
        page.wait_for_timeout(300)  # no second answer closes it
        assert page.get_attribute("#menu-button", "aria-expanded") == "true"
        page.keyboard.press("Escape")
        page.wait_for_selector("#menu-list", state="detached")
    context.close()


def test_form_validates_while_typing_and_submits_in_the_browser(browser, server: str) -> None:
    context, page = _widgets(browser, server)
    sizes: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sizes.append(len(frame))))
    page.click("#signup_name")
    page.keyboard.press("Enter")  # submits the empty form: every error shows
    page.wait_for_selector("#signup_name-error")
    page.wait_for_selector("#signup_password-error")
    page.reload()
    page.wait_for_selector("[data-ember-root].ember-connected [data-ember-live] .gallery")
    page.click("#signup_email")
    page.keyboard.type("ada.example.com", delay=15)
    page.wait_for_selector("#signup_email-error")
    assert page.text_content("#signup_email-error") == "⚠ must have the @ sign".removeprefix("⚠ ")
    assert page.input_value("#signup_email") == "ada.example.com"  # typing was not clobbered
    assert page.get_attribute("#signup_email", "aria-invalid") == "true"
    assert not page.is_visible("#signup_name-error")  # untouched: quiet

    page.fill("#signup_email", "ada@example.com")
    page.wait_for_selector("#signup_email-error", state="detached")
    page.fill("#signup_name", "Ada")
    page.fill("#signup_password", "correct horse")
    page.select_option("#signup_colours", ["red", "blue"])
    page.check("#signup_terms")
    page.click("button[type=submit]")
    page.wait_for_function("document.querySelector('#signup-done').textContent === 'Welcome, Ada!'")
    assert page.query_selector_all(".ember-field-error") == []
    # Inputs are detached from the <form>, so an event carries one input (about 45 kB
    # from ReactPy's client; a select sends its options), not the whole form (1.4 MB here).
    assert max(sizes) < 256 * 1024, sizes
    context.close()


def test_compact_density_makes_controls_smaller(browser, server: str) -> None:
    context, page = _widgets(browser, server)
    comfortable = page.evaluate("document.querySelector('#signup_name').offsetHeight")
    page.evaluate("document.documentElement.dataset.density = 'compact'")
    compact = page.evaluate("document.querySelector('#signup_name').offsetHeight")
    assert compact < comfortable
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "widgets-compact.png"))
    context.close()


def test_table_row_space_runs_the_action_without_scrolling_the_page(browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 900, "height": 600}, bypass_csp=True)
    page = context.new_page()
    page.goto(server + "/rows")
    page.wait_for_selector("[data-ember-root].ember-connected [data-ember-live] .gallery")
    page.focus("tr[data-row=grace]")
    page.keyboard.press("Space")
    page.wait_for_function("document.getElementById('picked').textContent === 'Grace'")
    page.focus("tr[data-row=ada]")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('picked').textContent === 'Ada'")
    assert page.evaluate("window.scrollY") == 0
    page.keyboard.press("Tab")  # other keys keep their default: the focus leaves the row
    assert page.evaluate("document.activeElement.getAttribute('data-row')") == "grace"
    context.close()


RINGED = (
    ".ember-button, .ember-link, .ember-control, .ember-tab, .ember-page, .ember-sort,"
    " .ember-tr-clickable, .ember-menu, .ember-toast-close"
)


def test_every_control_of_the_kit_shows_the_focus_ring_under_the_keyboard(
    browser, server: str
) -> None:
    # The focus rule is a :where() (no specificity), so a component's own box-shadow beat
    # it: a secondary button (the demo's Count) showed no sign of the focus at all.
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(server + "/")
    page.wait_for_selector("[data-ember-root].ember-connected [data-ember-live] .gallery")
    page.add_style_tag(content="* { transition: none !important; }")  # read the end state
    checked: dict[str, str] = {}
    for _ in range(120):
        page.keyboard.press("Tab")
        found = page.evaluate(
            """(ringed) => { const e = document.activeElement;
                if (!e.matches(ringed)) return null;
                return [e.className, getComputedStyle(e).boxShadow]; }""",
            RINGED,
        )
        if found is not None:
            checked[found[0]] = found[1]
    assert any("ember-button-secondary" in name for name in checked), checked
    unringed = {name: shadow for name, shadow in checked.items() if "0px 0px 0px 3px" not in shadow}
    assert unringed == {}, list(unringed)
    context.close()


def test_tabs_on_a_narrow_screen_scroll_instead_of_squeezing_their_labels(browser, server):
    # Regression: in a narrow column the tabs shrank and their labels wrapped and were cut
    # ("Dang / zon" for "Danger zone" in the storybook's canvas at 390 px).
    context = browser.new_context(viewport={"width": 390, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(server + "/widgets")
    page.wait_for_selector("[data-ember-root].ember-connected [data-ember-live] .gallery")
    # A column as narrow as the storybook's canvas on a phone.
    page.eval_on_selector("#tabs_tab_profile", "t => { t.parentElement.style.width = '316px'; }")
    lines = page.eval_on_selector_all(
        "#tabs_tab_profile ~ .ember-tab, #tabs_tab_profile",
        """tabs => tabs.map(t => { const range = document.createRange();
            range.selectNodeContents(t);
            const tops = new Set(Array.from(range.getClientRects(), r => Math.round(r.top)));
            return [t.textContent, tops.size]; })""",
    )
    assert len(lines) == 4, lines
    assert all(count == 1 for _, count in lines), f"a label wraps: {lines}"
    list_sizes = page.eval_on_selector(
        "#tabs_tab_profile", "t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]"
    )
    assert list_sizes[0] > list_sizes[1]  # the list scrolls sideways instead
    context.close()
