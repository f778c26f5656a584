"""Code generators behind ``ember new`` and ``ember gen live`` (like ``phx.new`` and
``phx.gen.live``).

Templates live in ``ember/cli/templates`` (``new/`` for a project, ``live/`` for a
resource) and use ``string.Template`` placeholders (``$name``). Generators refuse bad
names and unknown field types with a :class:`GeneratorError` saying what was expected,
and never overwrite a file unless told to (``force``).
"""

from __future__ import annotations

import re
import shutil
import string
import subprocess
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ._generator_base import (
    FIELD_TYPES,
    RESERVED_PROJECTS,
    ROUTES_MARKER,
    Field,
    GeneratorError,
    check_snake,
    parse_fields,
    render,
)
from ._generator_resource import Resource

__all__ = [
    "FIELD_TYPES",
    "Field",
    "GeneratorError",
    "Resource",
    "generate_live",
    "generate_project",
    "parse_fields",
]

# -- writing files ---------------------------------------------------------------------------


@dataclass
class Plan:
    """The files a generator will write, checked before anything is written."""

    root: Path
    files: dict[Path, str] = field(default_factory=dict)

    def add(self, relative: str, text: str) -> None:
        self.files[self.root / relative] = text

    def write(self, *, force: bool) -> list[Path]:
        clashes = [path for path in self.files if path.exists()]
        if clashes and not force:
            listed = ", ".join(str(path.relative_to(self.root)) for path in clashes)
            msg = (
                f"These files exist already: {listed}. Nothing was written; "
                "pass --force to overwrite them."
            )
            raise GeneratorError(msg)
        for path, text in self.files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return list(self.files)


# -- ember new -------------------------------------------------------------------------------

_PROJECT_FILES = {
    "README.md": "README.md",
    "pyproject.toml": "pyproject.toml",
    "gitignore": ".gitignore",
    "package_init.py": "$app/__init__.py",
    "db.py": "$app/db.py",
    "app.py": "$app/app.py",
    "layout.py": "$app/layout.py",
    "live_init.py": "$app/live/__init__.py",
    "home.py": "$app/live/home.py",
    "stories_init.py": "$app/stories/__init__.py",
    "layout_stories.py": "$app/stories/layout_stories.py",
    "tests_init.py": "tests/__init__.py",
    "support.py": "tests/support.py",
    "test_home.py": "tests/test_home.py",
    "test_stories.py": "tests/test_stories.py",
    "test_migrations.py": "tests/test_migrations.py",
}

# The resource every new project starts with, so it has a context and pages to copy.
SAMPLE = ("Journal", "Note", "notes", ["title:string", "body:text", "pinned:boolean"])


def generate_project(
    name: str, parent: Path, *, force: bool = False, sample: bool = True
) -> list[Path]:
    """Create the project ``name`` in ``parent/name``; return the files written.

    Raises:
        GeneratorError: the name is invalid or taken, or the folder has files (without
            ``force``).
    """
    check_snake(name, "project name")
    if name in RESERVED_PROJECTS:
        msg = f"The project name {name!r} would shadow a module it imports; choose another."
        raise GeneratorError(msg)
    root = parent / name
    if root.exists() and any(root.iterdir()) and not force:
        msg = (
            f"The folder {str(root)!r} exists and has files. Nothing was written; choose "
            "another name or folder, or pass --force to write into it."
        )
        raise GeneratorError(msg)
    values = {"app": name, "title": name.replace("_", " ").title()}
    plan = Plan(root)
    for template, target in _PROJECT_FILES.items():
        plan.add(string.Template(target).substitute(values), render("new", template, values))
    written = plan.write(force=force)
    from ember.data import init_migrations

    migrations = root / "migrations"
    if not migrations.exists() or not any(migrations.iterdir()):
        init_migrations(migrations)
        written += sorted(p for p in migrations.rglob("*") if p.is_file())
    if sample:
        context, schema, table, specs = SAMPLE
        resource = Resource.build(name, context, schema, table, parse_fields(specs))
        written += generate_live(root, resource, force=force, format_code=False)
    tidy(root, written)
    return written


_LIVE_FILES = {
    "schema.py": "$app/$ctx/$item.py",
    "context.py": "$app/$ctx/$table.py",
    "live_init.py": "$app/live/$table/__init__.py",
    "components.py": "$app/live/$table/components.py",
    "index.py": "$app/live/$table/index.py",
    "show.py": "$app/live/$table/show.py",
    "form.py": "$app/live/$table/form.py",
    "stories.py": "$app/stories/${table}_stories.py",
    "test_context.py": "tests/test_${table}_context.py",
    "test_live.py": "tests/test_${table}_live.py",
}


def project_app(root: Path) -> str:
    """The project's package, from ``[tool.ember] app`` in its pyproject.toml.

    Raises:
        GeneratorError: there is no ember project here.
    """
    pyproject = root / "pyproject.toml"
    try:
        config = tomllib.loads(pyproject.read_text())
    except FileNotFoundError:
        config = {}
    app = config.get("tool", {}).get("ember", {}).get("app")
    if not isinstance(app, str):
        msg = (
            f"Expected an ember project in {str(root)!r} (a pyproject.toml with "
            '[tool.ember] app = "yourapp", as `ember new` writes), found none. Run this '
            "in the project's folder, or pass --app."
        )
        raise GeneratorError(msg)
    return app


def generate_live(
    root: Path, resource: Resource, *, force: bool = False, format_code: bool = True
) -> list[Path]:
    """Write a resource's context, model, migration, pages, stories and tests under ``root``.

    Also adds its pages to the app (below ``# ember gen live: routes`` in ``app.py``).

    Raises:
        GeneratorError: a file exists (without ``force``), or the project has no
            migrations folder.
    """
    values = resource.values
    values["detail_items"] = values["detail_items"].replace("{item}", values["item"])
    written = write_resource(root, resource, values, lambda template: "live", force=force)
    if format_code:
        tidy(root, written)
    return written


def write_resource(
    root: Path,
    resource: Resource,
    values: dict[str, str],
    group_of: Callable[[str], str],
    *,
    force: bool = False,
) -> list[Path]:
    """Write a resource's files, each from the template group ``group_of(template)`` names
    (``live``, or ``scoped`` for ``ember gen auth`` projects), its migration, and its routes.

    Raises:
        GeneratorError: a file exists (without ``force``), or no migrations folder.
    """
    plan = Plan(root)
    for template, target in _LIVE_FILES.items():
        plan.add(
            string.Template(target).substitute(values), render(group_of(template), template, values)
        )
    context_init = root / resource.app / values["ctx"] / "__init__.py"
    if not context_init.exists():
        plan.add(str(context_init.relative_to(root)), render("live", "context_init.py", values))
    versions = root / "migrations" / "versions"
    if not versions.is_dir():
        msg = (
            f"Expected a migrations folder at {str(versions.parent)!r} (ember new makes one; "
            "or run `ember db init`), found none."
        )
        raise GeneratorError(msg)
    down, number = _migration_head(versions, resource.table)
    revision = f"{number:04d}_{resource.table}"
    plan.add(
        f"migrations/versions/{revision}.py",
        render(
            group_of("migration.py"),
            "migration.py",
            {
                **values,
                "revision": revision,
                "down_revision": f'"{down}"' if down else "None",
                "revises": down or "(none)",
            },
        ),
    )
    written = plan.write(force=force)
    app_file = root / resource.app / "app.py"
    if _add_routes(app_file, values):
        written.append(app_file)
    return written


# `revision = "abc"` or, as Alembic's template writes it, `revision: str = 'abc'`.
_ASSIGNED = r"""^{name}(?:\s*:[^=]+)?\s*=\s*["']([^"']+)["']"""


def _migration_head(versions: Path, table: str) -> tuple[str | None, int]:
    """The revision a new one follows (the one nothing follows yet) and the next number."""
    revisions: dict[str, str | None] = {}
    for path in versions.glob("*.py"):
        text = path.read_text()
        found = re.search(_ASSIGNED.format(name="revision"), text, re.M)
        down = re.search(_ASSIGNED.format(name="down_revision"), text, re.M)
        if found and not path.stem.endswith(f"_{table}"):
            revisions[found.group(1)] = down.group(1) if down else None
    heads = set(revisions) - {d for d in revisions.values() if d}
    if len(heads) > 1:
        msg = (
            f"The migrations have several heads ({', '.join(sorted(heads))}); merge them "
            "with `alembic merge` before generating another resource."
        )
        raise GeneratorError(msg)
    return (heads.pop() if heads else None), len(revisions) + 1


def _add_routes(app_file: Path, values: dict[str, str]) -> bool:
    """Mount the resource's pages below the marker in app.py; False if already there."""
    line = f"{values['table']}.mount_pages(app)"
    if not app_file.exists():
        return False
    text = app_file.read_text()
    if line in text or ROUTES_MARKER not in text:
        return False
    addition = f"from .live import {values['table']}  # noqa: E402\n\n{line}"
    app_file.write_text(text.replace(ROUTES_MARKER, f"{ROUTES_MARKER}\n{addition}", 1))
    return True


def tidy(root: Path, written: list[Path]) -> bool:
    """Sort imports and format the written Python files with ruff, as ``phx.gen`` runs
    ``mix format``; the project's ruff settings apply. Without ruff the files stay as the
    templates wrote them (valid, less tidy). Returns whether ruff ran.
    """
    base = root.resolve()
    files = [
        str(path.resolve())
        for path in written
        if path.suffix == ".py" and path.resolve().relative_to(base).parts[0] != "migrations"
    ]
    ruff = _ruff()
    if not files or ruff is None:
        return False
    for arguments in (
        ["check", "--fix-only", "--select", "I,F401,UP", "--quiet"],
        ["format", "--quiet"],
    ):
        # Our own ruff binary on files we just wrote: no untrusted input reaches the command.
        subprocess.run(  # noqa: S603
            [*ruff, *arguments, *files], cwd=root, check=False, capture_output=True
        )
    return True


def _ruff() -> list[str] | None:
    beside = Path(sys.executable).parent / "ruff"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("ruff")
    return [found] if found else None
