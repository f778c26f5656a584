"""The pytest plugin: every story variation is a test.

Installed with ember (entry point ``ember_storybook``). Name the story packages on the
command line (``pytest --storybook myapp.components``), in the pytest configuration
(``storybook_packages = ["myapp.components"]``) or on the test with
``@pytest.mark.storybook("myapp.components")``; then a test that takes ``story_case`` runs
once per variation, with the id ``<story>-<variation>``::

    from ember.storybook import StoryCase, check_story

    async def test_story(story_case: StoryCase) -> None:
        await check_story(story_case, html_checks=True)

``--storybook-html-checks`` (or ``storybook_html_checks = true``) turns the HTML checks on
for the ``story_html_checks`` fixture, which such a test can pass along.
"""

from __future__ import annotations

from typing import Any

import pytest

from ._checks import StoryCase, story_cases

__all__ = ["pytest_addoption", "pytest_configure", "pytest_generate_tests", "story_html_checks"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ember-storybook", "ember storybook")
    group.addoption(
        "--storybook",
        action="append",
        default=[],
        metavar="PACKAGE",
        help="a package whose *_stories modules the story_case tests render (repeatable)",
    )
    group.addoption(
        "--storybook-html-checks",
        action="store_true",
        default=False,
        help="check every story's HTML for escaping and basic accessibility",
    )
    parser.addini("storybook_packages", "packages with *_stories modules", type="linelist")
    parser.addini("storybook_html_checks", "check stories' HTML too", type="bool", default=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "storybook(*packages): the story packages a story_case test runs over",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "story_case" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("storybook")
    packages: list[str] = list(marker.args) if marker is not None else []
    packages = packages or _option(metafunc.config, "storybook", "storybook_packages") or []
    if not packages:
        msg = (
            f"{metafunc.definition.nodeid} takes story_case, but no story package is named: "
            "pass --storybook PACKAGE, set storybook_packages, or mark the test with "
            '@pytest.mark.storybook("PACKAGE").'
        )
        raise pytest.UsageError(msg)
    cases: list[StoryCase] = story_cases(packages)
    metafunc.parametrize("story_case", cases, ids=[case.id for case in cases])


@pytest.fixture
def story_html_checks(request: pytest.FixtureRequest) -> bool:
    """Whether HTML checks are on (``--storybook-html-checks`` or the ini option)."""
    return bool(_option(request.config, "storybook_html_checks", "storybook_html_checks"))


def _option(config: pytest.Config, option: str, ini: str) -> Any:
    # Without pytest_addoption (the hooks imported into a conftest) the options are unknown.
    try:
        return config.getoption(option) or config.getini(ini)
    except ValueError:
        return None
