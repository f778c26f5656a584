"""``ember gen auth``: a project's accounts, pages, migration and tests, written as code
the project owns; its own tests (Chromium included) pass right after, and again after
``ember gen live`` adds a resource; clear refusals change nothing."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from .test_generators import ember, run_generated_tests

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("gen-auth")
    assert ember("new", "shop", "--path", str(parent))[0] == 0
    root = parent / "shop"
    code, output = ember("gen", "auth", "--path", str(root))
    assert code == 0, output
    assert "  created shop/accounts/users.py" in output.splitlines()
    assert "  updated shop/app.py" in output.splitlines()
    assert "note:" not in output  # every edit of ember new's files was made
    return root


def test_gen_auth_writes_a_project_whose_own_tests_pass(project):
    for expected in (
        "shop/accounts/user.py",
        "shop/auth.py",
        "shop/mailer.py",
        "shop/live/users/settings.py",
        "migrations/versions/0002_users.py",
        "tests/test_auth_browser.py",
    ):
        assert (project / expected).is_file(), expected
    app = (project / "shop" / "app.py").read_text()
    assert "auth.install(app)" in app
    assert 'auth.public.mount(app, "/", HomeLive' in app
    assert "user_menu()" in (project / "shop" / "layout.py").read_text()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["dependencies"] == ["ember[auth]"]
    migration = (project / "migrations" / "versions" / "0002_users.py").read_text()
    assert 'down_revision = "0001_notes"' in migration
    finished = run_generated_tests(project)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "failed" not in finished.stdout
    assert "skipped" not in finished.stdout  # the Chromium flow ran
    ruff = Path(sys.executable).parent / "ruff"
    for check in (["check", "."], ["format", "--check", "."]):
        linted = subprocess.run([ruff, *check], cwd=project, capture_output=True, text=True)
        assert linted.returncode == 0, linted.stdout + linted.stderr


def test_gen_live_after_gen_auth_scopes_the_resource_to_the_user_and_tests_pass(project):
    code, output = ember(
        "gen",
        "live",
        "Catalog",
        "Product",
        "products",
        "name:string",
        "sku:string:unique",
        "in_stock:boolean",
        "--path",
        str(project),
    )
    assert code == 0, output
    model = (project / "shop" / "catalog" / "product.py").read_text()
    assert 'ForeignKey("users.id"' in model
    assert "logged_in.mount(app, PREFIX" in (project / "shop/live/products/__init__.py").read_text()
    migration = (project / "migrations" / "versions" / "0003_products.py").read_text()
    assert 'down_revision = "0002_users"' in migration
    assert "fk_products_user_id_users" in migration
    # --no-scope: a resource every visitor shares, as without accounts.
    code, output = ember(
        "gen", "live", "Blog", "Post", "posts", "title:string", "--no-scope", "--path", str(project)
    )
    assert code == 0, output
    assert "user_id" not in (project / "shop" / "blog" / "post.py").read_text()
    finished = run_generated_tests(project, "--deselect", "tests/test_auth_browser.py")
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "failed" not in finished.stdout
    assert (
        "test_another_user_can_neither_get_nor_change_nor_delete_a_product"
        in (project / "tests" / "test_products_context.py").read_text()
    )


def test_gen_auth_twice_is_refused_and_changes_nothing(project):
    before = {p: p.read_text() for p in project.rglob("*.py")}
    code, output = ember("gen", "auth", "--path", str(project))
    assert code == 2
    assert "has accounts already" in output
    assert "--force" in output
    assert {p: p.read_text() for p in project.rglob("*.py")} == before


def test_gen_auth_outside_a_project_is_refused(tmp_path):
    code, output = ember("gen", "auth", "--path", str(tmp_path))
    assert code == 2
    assert "Expected an ember project" in output
    assert list(tmp_path.iterdir()) == []


def test_every_test_docs_auth_names_exists_in_the_generated_project(project):
    """docs/auth.md backs each security claim with a test of the generated project."""
    named = set(re.findall(r"`(test_[a-z_]+)`", (ROOT / "docs" / "auth.md").read_text()))
    assert len(named) >= 15
    defined = "".join(p.read_text() for p in (project / "tests").glob("test_*.py"))
    assert {name for name in named if f"def {name}(" not in defined} == set()
