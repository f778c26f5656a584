"""The storybook app driven through ember.live.testing: select, edit, click, read the log."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from ember.live.testing import LivePage
from ember.storybook import check_html

from .conftest import OpenStorybook, canvas, events_logged
from .sample_pkg import greeting_stories

SAMPLES = ("tests.storybook.sample_pkg",)


def last_query(page: LivePage) -> dict[str, str]:
    to = page.navigations[-1]["to"]
    assert urlsplit(to).path == "/storybook/"
    return {k: v[-1] for k, v in parse_qs(urlsplit(to).query).items()}


async def test_storybook_opens_on_the_first_story(open_storybook: OpenStorybook) -> None:
    async with open_storybook() as page:
        story = await canvas(page)
        assert "Save changes" in story.static_html  # the canvas's first paint has the story
        assert not page.has("#sb-story")  # the story is in the frame, not here
        assert page.find("#sb-iframe").attr("title") == "Story button: primary"
        assert page.find(".sb-title h1").text() == "button"
        assert story.find("#sb-story button").text() == "Save changes"
        assert page.find('.sb-item[aria-current="page"]').text() == "primary"


async def test_storybook_select_story_in_sidebar_shows_it(open_storybook: OpenStorybook) -> None:
    async with open_storybook() as page:
        await page.click('.sb-item-story[data-story="badge"]')
        assert last_query(page) == {"story": "badge", "variation": "neutral"}
        assert page.find(".sb-title h1").text() == "badge"
        assert (await canvas(page)).find("#sb-story .ember-badge").text() == "Neutral"
        await page.click('.sb-item[data-story="badge"][data-variation="success"]')
        assert (await canvas(page)).find("#sb-story .ember-badge-success").text() == "Success"
        assert page.find(".sb-crumbs").text() == "Layout / badge / success"


async def test_storybook_change_control_rerenders_canvas(open_storybook: OpenStorybook) -> None:
    async with open_storybook("?story=button&variation=secondary") as page:
        assert "ember-button-md" in (
            (await canvas(page)).find("#sb-story button").attr("class") or ""
        )
        await page.change("#control-size", "lg")
        assert "ember-button-lg" in (
            (await canvas(page)).find("#sb-story button").attr("class") or ""
        )
        assert json.loads(last_query(page)["args"]) == {"size": "lg"}
        await page.change("#control-children", "Send it")
        assert (await canvas(page)).find("#sb-story button").text() == "Send it"
        await page.change("#control-disabled", True)
        assert "disabled" in (await canvas(page)).find("#sb-story button").attributes
        assert json.loads(last_query(page)["args"]) == {
            "size": "lg",
            "children": "Send it",
            "disabled": True,
        }
        assert page.find('[data-control="size"] .sb-changed')


async def test_storybook_reset_control_goes_back_to_the_variation(
    open_storybook: OpenStorybook,
) -> None:
    async with open_storybook('?story=button&variation=ghost&args={"size":"sm"}') as page:
        assert "ember-button-sm" in (
            (await canvas(page)).find("#sb-story button").attr("class") or ""
        )
        await page.click("#reset-size")
        assert "ember-button-md" in (
            (await canvas(page)).find("#sb-story button").attr("class") or ""
        )
        assert "args" not in last_query(page)


async def test_storybook_url_reopens_story_args_and_view(open_storybook: OpenStorybook) -> None:
    args = json.dumps({"name": "Lin", "times": 2, "mood": "grumpy", "shout": True})
    query = f"?story=greeting&variation=big&args={args}&theme=dark&bg=checks&width=375"
    async with open_storybook(query, packages=SAMPLES) as page:
        story = await canvas(page)
        assert story.find("#greeting-text").text() == "HELLO LINHELLO LIN"
        assert "mood-grumpy" in (story.find("#sb-story .greeting").attr("class") or "")
        assert page.find(".sb").attr("data-theme") == "dark"
        assert story.find("#sb-canvas-page").attr("data-theme") == "dark"
        assert "sb-bg-checks" in (story.find("#sb-canvas-page").attr("class") or "")
        assert page.find("#sb-frame").attr("data-width") == "375"
        assert "width=" not in (page.find("#sb-iframe").attr("src") or "")  # the frame's own
        assert page.find("#control-times").attr("value") == "2"
        assert page.find("#sb-theme").attr("value") == "dark"


async def test_storybook_bad_url_args_are_reported_not_fatal(
    open_storybook: OpenStorybook,
) -> None:
    args = json.dumps({"mood": "sad", "colour": "red"})
    async with open_storybook(f"?story=greeting&args={args}", packages=SAMPLES) as page:
        warnings = [e.text() for e in page.find_all(".sb-warning")]
        assert warnings == [
            "The URL's value for 'mood' was ignored: 'sad' is not one of happy, grumpy.",
            "The URL sets 'colour', which greeting does not take.",
        ]
        assert (await canvas(page)).find("#greeting-text").text() == "Hello Ada"


async def test_storybook_click_in_canvas_logs_the_event(open_storybook: OpenStorybook) -> None:
    greeting_stories.waves.clear()
    async with open_storybook("?story=greeting&variation=waving", packages=SAMPLES) as page:
        await (await canvas(page)).click("#wave")
        assert len(greeting_stories.waves) == 1  # the story's own handler still runs
        await events_logged(page, 1)  # sent from the canvas's session through the PubSub
        await page.click("#sb-panel_tab_events")
        entry = page.find("#sb-events li")
        assert entry.attr("data-handler") == "on_wave"
        assert '"type": "click"' in page.find("#sb-events li code").text()
        assert '"tagName": "BUTTON"' in page.find("#sb-events li code").text()
        await page.click("#sb-clear-events")
        assert page.has("#sb-panel .ember-empty", text="No events yet")


async def test_storybook_event_control_attaches_a_logger(open_storybook: OpenStorybook) -> None:
    async with open_storybook("?story=greeting&variation=plain", packages=SAMPLES) as page:
        assert (await canvas(page)).has("#no-wave")
        await page.change("#control-on_wave", True)
        await (await canvas(page)).click("#wave")
        await events_logged(page, 1)
        await page.click("#sb-panel_tab_events")
        assert page.find("#sb-events li").attr("data-handler") == "on_wave"
        await page.click("#sb-panel_tab_controls")
        await page.change("#control-on_wave", False)
        assert (await canvas(page)).has("#no-wave")


async def test_storybook_ember_button_click_is_logged(open_storybook: OpenStorybook) -> None:
    async with open_storybook("?story=button&variation=primary") as page:
        await (await canvas(page)).click("#sb-story button")
        await events_logged(page, 1)
        await page.click("#sb-panel_tab_events")
        assert page.find("#sb-events li").attr("data-handler") == "on_click"
        await page.click("#sb-panel_tab_source")  # the story's own handler, not the logger
        call = page.find("#sb-source-call").text()
        assert call == "button('Save changes', variant='primary', on_click=_clicked)"


async def test_storybook_invalid_control_input_shows_the_error(
    open_storybook: OpenStorybook,
) -> None:
    async with open_storybook("?story=greeting", packages=SAMPLES) as page:
        await page.change("#control-tags", "[1,")
        assert page.find('[data-control="tags"] .sb-error').text() == (
            "Expected JSON: Expecting value at character 3."
        )
        assert page.find("#control-tags").text() == "[1,"  # the draft is kept
        await page.change("#control-tags", '["vip"]')
        assert not page.has(".sb-error")
        assert (await canvas(page)).find("#greeting-text").text() == "Hello Ada #vip"


async def test_storybook_select_controls_use_the_options(open_storybook: OpenStorybook) -> None:
    async with open_storybook("?story=greeting", packages=SAMPLES) as page:
        options = [o.text() for o in page.find_all("#control-mood option")]
        assert options == ["happy", "grumpy"]
        await page.change("#control-mood", "grumpy")
        assert "mood-grumpy" in (
            (await canvas(page)).find("#sb-story .greeting").attr("class") or ""
        )


async def test_storybook_failing_story_shows_its_error(open_storybook: OpenStorybook) -> None:
    async with open_storybook("?story=broken", packages=SAMPLES) as page:
        assert (await canvas(page)).find("#sb-story-error").text().count("RuntimeError: boom") == 1
        await page.change("#control-message", "kaput")
        assert "RuntimeError: kaput" in (await canvas(page)).find("#sb-story-error").text()
        await page.click('.sb-item-story[data-story="greeting"]')  # the rest stays live
        assert (await canvas(page)).find("#greeting-text").text() == "Hello Ada"


async def test_storybook_search_filters_the_sidebar(open_storybook: OpenStorybook) -> None:
    async with open_storybook() as page:
        await page.change("#sb-search", "pagi")
        assert [e.text() for e in page.find_all(".sb-item-story")] == ["pagination"]
        await page.change("#sb-search", "loading")  # a variation name
        stories = {e.attr("data-story") for e in page.find_all(".sb-item[data-variation]")}
        assert stories == {"button", "async-result"}
        await page.change("#sb-search", "zzz")
        assert page.find(".sb-none").text() == "No story matches “zzz”."


async def test_storybook_theme_background_and_width_switch(open_storybook: OpenStorybook) -> None:
    async with open_storybook() as page:
        await page.change("#sb-theme", "dark")
        assert page.find(".sb").attr("data-theme") == "dark"
        await page.change("#sb-background", "dark")
        assert "sb-bg-dark" in ((await canvas(page)).find("#sb-canvas-page").attr("class") or "")
        await page.change("#sb-width", "768")
        assert page.find("#sb-frame").attr("style") is not None
        assert last_query(page) == {
            "story": "button",
            "variation": "primary",
            "theme": "dark",
            "bg": "dark",
            "width": "768",
        }


async def test_storybook_docs_and_source_panels(open_storybook: OpenStorybook) -> None:
    async with open_storybook("?story=greeting&variation=big", packages=SAMPLES) as page:
        await page.click("#sb-panel_tab_docs")
        docs = page.find("#sb-docs").text()
        assert "Shows a line of text and a wave button." in docs
        assert "Args:" not in docs
        assert "They wave back." in docs  # the story's notes
        assert "size: Literal['sm', 'lg'] = 'sm'" in docs
        await page.click("#sb-panel_tab_source")
        source = page.find("#sb-source").text()
        assert "greeting(name='Alan', size='lg', shout=True)" in source
        assert 'name="greeting"' in source  # the story's declaration


async def test_storybook_variation_groups_in_the_sidebar(open_storybook: OpenStorybook) -> None:
    async with open_storybook("?story=greeting", packages=SAMPLES) as page:
        assert [e.text() for e in page.find_all(".sb-vgroup")] == ["Basics", "Other"]


async def test_storybook_back_button_restores_the_previous_story(
    open_storybook: OpenStorybook,
) -> None:
    async with open_storybook() as page:
        await page.click('.sb-item-story[data-story="toast"]')
        assert page.find(".sb-title h1").text() == "toast"
        # What the browser sends on back/forward (popstate): the location it moved to.
        back = {"type": "ember-location", "path": "/storybook/", "qs": "?story=badge"}
        await page.send_raw(json.dumps(back))
        await page.wait_for(lambda p: p.find(".sb-title h1").text() == "badge")
        assert (await canvas(page)).find("#sb-story .ember-badge").text() == "Neutral"


async def test_storybook_own_page_passes_the_html_checks(open_storybook: OpenStorybook) -> None:
    async with open_storybook("?story=greeting&variation=waving", packages=SAMPLES) as page:
        assert check_html(page.html()) == []
        assert check_html((await canvas(page)).html()) == []
        for tab in ("events", "docs", "source"):
            await page.click(f"#sb-panel_tab_{tab}")
            assert check_html(page.html()) == []


async def test_storybook_colour_control_sets_the_colour(open_storybook: OpenStorybook) -> None:
    async with open_storybook("?story=greeting", packages=SAMPLES) as page:
        assert page.find("#control-accent_colour-picker").attr("type") == "color"
        await page.change("#control-accent_colour", "#112233")
        assert (await canvas(page)).find("#sb-story .greeting").attr("style") == "color:#112233"
        await page.change("#control-accent_colour", "teal")
        assert page.find('[data-control="accent_colour"] .sb-error').text() == (
            "Expected a colour like #ea580c, got 'teal'."
        )


async def test_storybook_json_control_edits_table_rows(open_storybook: OpenStorybook) -> None:
    async with open_storybook("?story=table&variation=empty") as page:
        assert page.find("#control-rows").text() == "[]"
        rows = [{"id": 9, "name": "Zed", "email": "zed@example.com", "role": "Admin", "logins": 1}]
        await page.change("#control-rows", json.dumps(rows))
        assert (await canvas(page)).find_all("#sb-story tbody td")[0].text() == "Zed"
        assert json.loads(last_query(page)["args"]) == {"rows": rows}


async def test_storybook_unknown_story_says_so_instead_of_showing_another(
    open_storybook: OpenStorybook,
) -> None:
    # Regression: ?story=nope silently showed the first story.
    async with open_storybook("?story=nope") as page:
        assert page.has("#sb-not-found", text="No story named 'nope'")
        assert not page.has("#sb-iframe")
        assert not page.has('.sb-item[aria-current="page"]')
        await page.click('.sb-item-story[data-story="badge"]')
        assert page.find(".sb-title h1").text() == "badge"


async def test_storybook_callable_argument_is_not_a_json_box(
    open_storybook: OpenStorybook,
) -> None:
    # Regression: row_key (a Callable, not an on_* handler) got a JSON text box.
    async with open_storybook("?story=greeting", packages=SAMPLES) as page:
        cell = page.find('[data-control="row_key"] .sb-fixed')
        assert cell.text() == "given in code only"
        assert not page.has('[data-control="row_key"] textarea')


async def test_storybook_reset_keeps_the_controls_column_steady(
    open_storybook: OpenStorybook,
) -> None:
    async with open_storybook("?story=button&variation=secondary") as page:
        assert page.find('[data-control="size"] .sb-reset-slot').text() == ""
        await page.change("#control-size", "lg")
        assert page.find('[data-control="size"] .sb-reset-slot').text() == "Reset"


async def test_storybook_form_story_logs_its_submit(open_storybook: OpenStorybook) -> None:
    async with open_storybook("?story=form") as page:
        story = await canvas(page)
        await story.submit("#sb-story form", {"name": "Ada", "email": "ada@example.com"})
        await events_logged(page, 1)
        await page.click("#sb-panel_tab_events")
        assert "on_submit" in page.find(".sb-log").text()


async def test_storybook_source_is_highlighted_with_a_copy_button(
    open_storybook: OpenStorybook,
) -> None:
    async with open_storybook("?story=greeting&variation=big", packages=SAMPLES) as page:
        await page.click("#sb-panel_tab_source")
        assert page.find("#sb-source-call").text() == "greeting(name='Alan', size='lg', shout=True)"
        strings = [s.text() for s in page.find_all("#sb-source-call .sb-t-s")]
        assert strings == ["'Alan'", "'lg'"]
        assert page.find("#sb-source-story .sb-t-k")  # keywords of the declaration
        assert page.find('button[data-ember-copy="sb-source-call"]').text() == "Copy"


async def test_storybook_all_variations_page_shows_every_variation(
    open_storybook: OpenStorybook,
) -> None:
    async with open_storybook("?story=badge") as page:
        await page.click("#sb-all")
        assert last_query(page) == {"story": "badge", "variation": "neutral", "all": "1"}
        every = await canvas(page)  # every variation in the one frame
        names = [f.attr("data-variation") for f in every.find_all("#sb-every figure")]
        pills = [p.text() for p in page.find_all(".sb-pills .sb-pill:not(.sb-pill-all)")]
        assert names == pills
        assert every.find('#sb-every figure[data-variation="success"] .ember-badge-success')
        assert not page.has("#sb-panel")  # controls belong to one variation
        await page.click('.sb-pill[data-variation="success"]')
        story = await canvas(page)
        assert not story.has("#sb-every")
        assert story.find("#sb-story .ember-badge-success").text() == "Success"
