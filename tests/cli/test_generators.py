"""``ember new`` and ``ember gen live``: generated projects whose own tests pass, and clear
refusals for bad input (nothing is written, nothing is overwritten without --force)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ember.cli import cli
from ember.cli._generators import GeneratorError, Resource, parse_fields

runner = CliRunner()


def ember(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.output


def run_generated_tests(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The project's own pytest, with this repository's interpreter (ember installed)."""
    env = {**os.environ, "PYTHONPATH": str(project)}
    for name in ("EMBER_DATABASE_URL", "EMBER_PUBSUB_URL", "COVERAGE_PROCESS_START"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_new_creates_a_project_whose_own_tests_pass(tmp_path):
    code, output = ember("new", "blog", "--path", str(tmp_path))
    assert code == 0, output
    project = tmp_path / "blog"
    for expected in (
        "README.md",
        "pyproject.toml",
        "blog/app.py",
        "blog/journal/notes.py",
        "blog/live/notes/index.py",
        "blog/stories/notes_stories.py",
        "migrations/env.py",
        "migrations/versions/0001_notes.py",
        "tests/test_notes_live.py",
    ):
        assert (project / expected).is_file(), expected
    assert "ember server blog.app:app" in output
    # The "Next" steps install what the project's pytest settings need (issue 25: a bare
    # `pytest` failed on asyncio_default_fixture_loop_scope without pytest-asyncio).
    steps = output.split("Next:")[1].splitlines()
    assert [step.split("#")[0].strip() for step in steps if step.strip()][1:3] == [
        "pip install -e '.[dev]'",
        "pytest",
    ]
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert any(
        d.startswith("pytest-asyncio") for d in pyproject["project"]["optional-dependencies"]["dev"]
    )
    assert "asyncio_mode" in pyproject["tool"]["pytest"]["ini_options"]
    finished = run_generated_tests(project)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert " passed" in finished.stdout


def test_gen_live_with_every_field_type_writes_passing_tests(tmp_path):
    assert ember("new", "shop", "--path", str(tmp_path))[0] == 0
    project = tmp_path / "shop"
    code, output = ember(
        "gen",
        "live",
        "Accounts",
        "User",
        "users",
        "name:string",
        "email:string:unique",
        "bio:text",
        "age:integer",
        "score:float",
        "born:date",
        "seen_at:datetime",
        "active:boolean",
        "--path",
        str(project),
    )
    assert code == 0, output
    assert "mounted at /users" in output
    assert "  updated shop/app.py" in output.splitlines()  # edited, not created
    assert "  created shop/accounts/users.py" in output.splitlines()
    assert "users.mount_pages(app)" in (project / "shop" / "app.py").read_text()
    migration = (project / "migrations" / "versions" / "0002_users.py").read_text()
    assert 'down_revision = "0001_notes"' in migration
    finished = run_generated_tests(project)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "failed" not in finished.stdout
    ruff = Path(sys.executable).parent / "ruff"
    for check in (["check", "."], ["format", "--check", "."]):
        linted = subprocess.run([ruff, *check], cwd=project, capture_output=True, text=True)
        assert linted.returncode == 0, linted.stdout + linted.stderr


@pytest.mark.parametrize("name", ["Blog", "1blog", "my-blog", "class", "ember", "tests"])
def test_new_with_an_invalid_name_is_refused_and_writes_nothing(tmp_path, name):
    code, output = ember("new", name, "--path", str(tmp_path))
    assert code == 2
    assert "ember:" in output
    assert list(tmp_path.iterdir()) == []


def test_new_into_a_folder_with_files_needs_force(tmp_path):
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog" / "notes.txt").write_text("mine")
    code, output = ember("new", "blog", "--path", str(tmp_path))
    assert code == 2
    assert "pass --force" in output
    assert sorted(p.name for p in (tmp_path / "blog").iterdir()) == ["notes.txt"]
    code, output = ember("new", "blog", "--path", str(tmp_path), "--force")
    assert code == 0, output
    assert (tmp_path / "blog" / "notes.txt").read_text() == "mine"
    assert (tmp_path / "blog" / "blog" / "app.py").is_file()


@pytest.fixture
def project(tmp_path):
    assert ember("new", "blog", "--path", str(tmp_path))[0] == 0
    return tmp_path / "blog"


def test_gen_live_with_an_unknown_field_type_lists_the_known_ones(project):
    before = sorted(project.rglob("*"))
    code, output = ember(
        "gen", "live", "Blog", "Post", "posts", "title:strng", "--path", str(project)
    )
    assert code == 2
    assert "Unknown field type 'strng'" in output
    assert "string, text, integer, float, boolean, date, datetime" in output
    assert sorted(project.rglob("*")) == before


def test_gen_live_over_existing_files_overwrites_nothing_without_force(project):
    args = ["gen", "live", "Content", "Post", "posts", "title:string", "--path", str(project)]
    assert ember(*args)[0] == 0
    context = project / "blog" / "content" / "posts.py"
    context.write_text("# edited by hand\n")
    code, output = ember(*args)
    assert code == 2
    assert "blog/content/posts.py" in output
    assert "pass --force" in output
    assert context.read_text() == "# edited by hand\n"
    assert ember(*args, "--force")[0] == 0
    assert "def create_post" in context.read_text()
    app = (project / "blog" / "app.py").read_text()
    assert app.count("posts.mount_pages(app)") == 1


def test_gen_live_outside_a_project_says_where_it_looked(tmp_path):
    code, output = ember(
        "gen", "live", "Blog", "Post", "posts", "title:string", "--path", str(tmp_path)
    )
    assert code == 2
    assert "Expected an ember project" in output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("blog", "Post", "posts"), "context in CamelCase"),
        (("Blog", "post", "posts"), "schema in CamelCase"),
        (("Blog", "Post", "Posts"), "table name"),
        (("Blog", "Post", "post"), "need different names"),
        (("Live", "Post", "posts"), "which the project uses already"),
    ],
)
def test_gen_live_refuses_bad_names(arguments, message):
    with pytest.raises(GeneratorError, match=message):
        Resource.build("site", *arguments, parse_fields(["title:string"]))


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        ([], "at least one field"),
        (["title"], "name:type"),
        (["Title:string"], "field name"),
        (["id:integer"], "reserved"),
        (["title:string", "title:text"], "given twice"),
        (["title:string:primary"], "Unknown modifier"),
        (["done:boolean:unique"], "cannot be unique"),
    ],
)
def test_gen_live_refuses_bad_fields(specs, message):
    with pytest.raises(GeneratorError, match=message):
        parse_fields(specs)


def test_ember_help_lists_every_command():
    code, output = ember("--help")
    assert code == 0
    for command in ("new", "gen", "server", "demo", "storybook", "routes", "db"):
        assert command in output


@pytest.mark.parametrize("command", ["demo", "server", "storybook"])
def test_serving_commands_take_host_and_port(command):
    code, output = ember(command, "--help")
    assert code == 0
    assert "--host" in output
    assert "--port" in output


def test_routes_lists_the_demo_mounts():
    code, output = ember("routes", "ember.demo.app:app")
    assert code == 0, output
    assert "/users" in output
    assert "/_ember/ws" in output


@pytest.fixture
def served(monkeypatch):
    """What ``ember server`` hands to uvicorn (no server is started)."""
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(
        "ember.cli._cli.uvicorn.run", lambda app, **options: calls.append({"app": app, **options})
    )
    return calls


def test_server_in_development_reloads_and_prints_its_url(served):
    code, output = ember("server", "ember.demo.app:app", "--reload", "--port", "8123")
    assert code == 0, output
    assert "http://127.0.0.1:8123/" in output
    assert served[0]["reload"] is True
    assert served[0]["workers"] is None


def test_server_in_production_runs_a_worker_per_cpu(served, monkeypatch):
    monkeypatch.setenv("EMBER_SECRET_KEY", "a-long-random-production-secret-0123456789")
    code, output = ember("server", "ember.demo.app:app", "--production")
    assert code == 0, output
    assert served[0]["reload"] is False
    assert served[0]["workers"] == (os.cpu_count() or 1)


def test_server_in_production_refuses_the_development_secret_key(served, monkeypatch):
    monkeypatch.delenv("EMBER_SECRET_KEY", raising=False)
    code, output = ember("server", "ember.demo.app:app", "--production")
    assert code == 2
    assert "EMBER_SECRET_KEY" in output
    assert served == []


def test_server_with_an_unknown_app_says_so(served):
    code, output = ember("server", "nowhere.at.all:app")
    assert code == 2
    assert "Cannot import 'nowhere.at.all'" in output
    assert served == []
