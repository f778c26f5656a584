"""The pytest plugin: one test per story variation, in a project of its own.

(The marker route runs in this suite: docs_src/test_shop_stories.py.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from ember.storybook.pytest_plugin import pytest_generate_tests

STORIES = """
from reactpy import html

from ember.storybook import Story


def label(text: str = "hi", *, loud: bool = False) -> object:
    if text == "boom":
        raise ValueError("no booms")
    return html.p(text.upper() if loud else text)


def bare_image(src: str = "/a.png") -> object:
    return html.img({"src": src})


stories = [
    Story("label", label, {"plain": {}, "loud": {"loud": True}, "exploding": {"text": "boom"}}),
    Story("bare image", bare_image, {"default": {}}),
]
"""

TEST = """
from ember.storybook import StoryCase, check_story


async def test_story(story_case: StoryCase, story_html_checks: bool) -> None:
    await check_story(story_case, html_checks=story_html_checks)
"""


def plugin_args() -> list[str]:
    installed = any(e.name == "ember_storybook" for e in entry_points(group="pytest11"))
    return [] if installed else ["-p", "ember.storybook.pytest_plugin"]


def run_pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(project),
        "EMBER_SECRET_KEY": "plugin-test-0123456789abcdef",
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin_args(), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "widgets").mkdir()
    (tmp_path / "widgets" / "__init__.py").write_text("")
    (tmp_path / "widgets" / "label_stories.py").write_text(textwrap.dedent(STORIES))
    (tmp_path / "test_stories.py").write_text(textwrap.dedent(TEST))
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    return tmp_path


def test_plugin_runs_one_test_per_variation_with_html_checks(project: Path) -> None:
    result = run_pytest(project, "--storybook", "widgets", "--storybook-html-checks", "-rA")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "PASSED test_stories.py::test_story[label-plain]" in result.stdout
    assert "PASSED test_stories.py::test_story[label-loud]" in result.stdout
    assert "FAILED test_stories.py::test_story[label-exploding]" in result.stdout
    assert "label / exploding raised ValueError: no booms" in result.stdout
    assert "FAILED test_stories.py::test_story[bare-image-default]" in result.stdout
    assert "<img> has no alt text." in result.stdout


def test_plugin_without_packages_is_a_usage_error() -> None:
    class Definition:
        nodeid = "test_x.py::test_story"

        def get_closest_marker(self, name: str) -> None:
            return None

    class Config:
        def getoption(self, name: str) -> list[str]:
            return []

        def getini(self, name: str) -> list[str]:
            return []

    class Metafunc:
        fixturenames = ["story_case"]
        definition = Definition()
        config = Config()

    with pytest.raises(pytest.UsageError, match="but no story package is named"):
        pytest_generate_tests(Metafunc())  # type: ignore[arg-type]
