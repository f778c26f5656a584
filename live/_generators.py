"""Code generators behind ``ember new`` and ``ember gen live`` (like ``phx.new`` and
``phx.gen.live``).

Templates live in ``ember/live/templates`` (``new/`` for a project, ``live/`` for a
resource) and use ``string.Template`` placeholders (``$name``). Generators refuse bad
names and unknown field types with a :class:`GeneratorError` saying what was expected,
and never overwrite a file unless told to (``force``).
"""

from __future__ import annotations

import ast
import datetime
import keyword
import re
import shutil
import string
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ._errors import EmberError

__all__ = [
    "FIELD_TYPES",
    "Field",
    "GeneratorError",
    "Resource",
    "generate_live",
    "generate_project",
    "parse_fields",
]

ROUTES_MARKER = "# ember gen live: routes"
RESERVED_FIELDS = frozenset({"id", "inserted_at", "updated_at", "metadata", "registry"})
RESERVED_MODULES = frozenset({"app", "db", "layout", "live", "stories", "components", "tests"})
# Names a project cannot take: they would shadow a module the project imports.
RESERVED_PROJECTS = frozenset(
    {"ember", "tests", "test", "app", "fastapi", "reactpy", "sqlalchemy", "alembic", "pydantic"}
)
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_CAMEL = re.compile(r"^[A-Z][A-Za-z0-9]*$")


class GeneratorError(EmberError):
    """A generator cannot run as asked (a bad name, an unknown type, an existing file)."""


@dataclass(frozen=True)
class FieldType:
    """How one ``name:type`` turns into Python, SQLAlchemy, a migration and a form."""

    python: str
    column: str
    migration: str
    sample: str
    changed: str
    input: str = ""


FIELD_TYPES: dict[str, FieldType] = {
    "string": FieldType("str", "String(255)", "sa.String(length=255)", '"{title}"', '"{title} 2"'),
    "text": FieldType("str", "Text", "sa.Text()", '"Some {name}."', '"More {name}."', "textarea"),
    "integer": FieldType("int", "Integer", "sa.Integer()", "42", "43"),
    "float": FieldType("float", "Float", "sa.Float()", "1.5", "2.5"),
    "boolean": FieldType("bool", "Boolean", "sa.Boolean()", "True", "False"),
    "date": FieldType("datetime.date", "Date", "sa.Date()", '"2026-01-02"', '"2026-02-03"', "date"),
    "datetime": FieldType(
        "datetime.datetime",
        "DateTime",
        "sa.DateTime()",
        '"2026-01-02T10:30"',
        '"2026-02-03T11:45"',
        "datetime-local",
    ),
}
_MODIFIERS = frozenset({"unique"})


@dataclass(frozen=True)
class Field:
    """One ``name:type[:unique]`` argument of ``ember gen live``."""

    name: str
    type: str
    unique: bool = False

    @property
    def kind(self) -> FieldType:
        return FIELD_TYPES[self.type]

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()

    def sample(self, *, changed: bool = False, index: int = 0) -> str:
        text = self.kind.changed if changed else self.kind.sample
        title = self.label + (f" {index}" if index else "")
        return text.format(title=title, name=self.name.replace("_", " "))


def parse_fields(specs: list[str]) -> list[Field]:
    """``["title:string", "email:string:unique"]`` → fields.

    Raises:
        GeneratorError: a spec is malformed, a name is invalid or reserved, a type or a
            modifier is unknown, or a name repeats.
    """
    if not specs:
        msg = "Expected at least one field as name:type (e.g. title:string), got none."
        raise GeneratorError(msg)
    fields: list[Field] = []
    for spec in specs:
        name, _, rest = spec.partition(":")
        kind, _, modifier = rest.partition(":")
        if not name or not kind:
            msg = f"Expected a field as name:type (e.g. title:string), got {spec!r}."
            raise GeneratorError(msg)
        _check_snake(name, "field name")
        if name in RESERVED_FIELDS:
            msg = (
                f"The field name {name!r} is reserved (ember adds id and inserted_at itself). "
                "Choose another name."
            )
            raise GeneratorError(msg)
        if kind not in FIELD_TYPES:
            msg = (
                f"Unknown field type {kind!r} in {spec!r}. Expected one of: "
                f"{', '.join(FIELD_TYPES)}."
            )
            raise GeneratorError(msg)
        if modifier and modifier not in _MODIFIERS:
            msg = f"Unknown modifier {modifier!r} in {spec!r}. Expected one of: unique."
            raise GeneratorError(msg)
        if modifier == "unique" and kind == "boolean":
            msg = f"A boolean cannot be unique ({spec!r}); drop ':unique'."
            raise GeneratorError(msg)
        if any(existing.name == name for existing in fields):
            msg = f"The field {name!r} is given twice; each field name must be unique."
            raise GeneratorError(msg)
        fields.append(Field(name, kind, unique=modifier == "unique"))
    return fields


def _check_snake(name: str, what: str) -> None:
    if not _SNAKE.match(name) or keyword.iskeyword(name):
        msg = (
            f"Expected the {what} to be lowercase letters, digits and underscores, starting "
            f"with a letter (and not a Python keyword), got {name!r}."
        )
        raise GeneratorError(msg)


def _check_camel(name: str, what: str, example: str) -> None:
    if not _CAMEL.match(name):
        msg = f"Expected the {what} in CamelCase (e.g. {example}), got {name!r}."
        raise GeneratorError(msg)


def snake(name: str) -> str:
    """``BlogPost`` → ``blog_post``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


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


def _template(group: str, name: str) -> string.Template:
    source = resources.files("ember.live") / "templates" / group / f"{name}.tmpl"
    return string.Template(source.read_text())


def render(group: str, name: str, values: dict[str, str]) -> str:
    """Fill one template; a placeholder without a value is a bug in the generator."""
    return _template(group, name).substitute(values)


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
    _check_snake(name, "project name")
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
    from ember.data import init_migrations  # the CLI's one use of ember.data, kept lazy

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


# -- ember gen live --------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """What ``ember gen live CONTEXT SCHEMA TABLE fields…`` describes."""

    app: str
    context: str
    schema: str
    table: str
    fields: tuple[Field, ...]

    @classmethod
    def build(
        cls, app: str, context: str, schema: str, table: str, fields: list[Field]
    ) -> Resource:
        """Check the names and make a resource.

        Raises:
            GeneratorError: a name is not usable.
        """
        _check_snake(app, "app package")
        _check_camel(context, "context", "Blog")
        _check_camel(schema, "schema", "Post")
        _check_snake(table, "table name")
        if snake(context) in RESERVED_MODULES or snake(context) == app:
            msg = (
                f"The context {context!r} would be the module {snake(context)!r}, which the "
                "project uses already; choose another context name."
            )
            raise GeneratorError(msg)
        if snake(schema) == table:
            msg = (
                f"The schema {schema!r} and the table {table!r} need different names "
                "(e.g. Post and posts)."
            )
            raise GeneratorError(msg)
        return cls(app, context, schema, table, tuple(fields))

    @property
    def values(self) -> dict[str, str]:
        ctx, item = snake(self.context), snake(self.schema)
        first = self.fields[0]
        title_field = next((f.name for f in self.fields if f.type in ("string", "text")), None)
        return {
            "app": self.app,
            "context": self.context,
            "ctx": ctx,
            "Schema": self.schema,
            "item": item,
            "table": self.table,
            "Items": self.table.replace("_", " ").capitalize(),
            "items_text": self.table.replace("_", " "),
            "prefix": f"/{self.table.replace('_', '-')}",
            "title_expr": f"str({item}.{title_field or first.name})",
            "model_columns": self._model_columns(),
            "out_fields": "\n".join(f"    {f.name}: {f.kind.python}" for f in self.fields),
            "permitted": repr([f.name for f in self.fields]),
            "required": repr([f.name for f in self.fields if f.type != "boolean"]),
            "validations": self._validations(),
            "unique_checks": self._unique_checks(),
            "form_inputs": self._form_inputs(),
            "detail_items": self._detail_items(),
            "row_cells": self._row_cells(item),
            "header_cells": ", ".join(f'html.th("{f.label}")' for f in self.fields),
            "migration_columns": self._migration_columns(),
            "migration_constraints": self._migration_constraints(),
            "valid_attrs": self._attrs(),
            "valid_attrs_2": self._attrs(index=2),
            "update_attrs": self._attrs(changed=True),
            "sample_out": self._sample_out(),
            "first_field": first.name,
            "shown_sample": self._shown(changed=False),
            "shown_updated": self._shown(changed=True),
            "blank_field": self._blank_field(),
            "unique_test": self._unique_test(),
            "imports_datetime": "import datetime\n"
            if any(f.type in ("date", "datetime") for f in self.fields)
            else "",
            "sa_imports": self._sa_imports(),
        }

    def _sa_imports(self) -> str:
        names = {"DateTime", "func"} | {f.kind.column.split("(")[0] for f in self.fields}
        lines = [f"from sqlalchemy import {', '.join(sorted(names, key=str.lower))}"]
        if any(f.type == "boolean" for f in self.fields):
            lines.append("from sqlalchemy import false as sa_false")
        return "\n".join(lines)

    def _shown(self, *, changed: bool) -> str:
        """How the first field's sample value reads on the show page."""
        f = self.fields[0]
        value = ast.literal_eval(f.sample(changed=changed))
        if f.type == "boolean":
            return "yes" if value else "no"
        if f.type == "datetime":
            return str(datetime.datetime.fromisoformat(value))
        return str(value)

    def _model_columns(self) -> str:
        lines = []
        for f in self.fields:
            options = []
            if f.unique:
                options.append("unique=True")
            if f.type == "boolean":
                options += ["default=False", "server_default=sa_false()"]
            extra = f", {', '.join(options)}" if options else ""
            lines.append(
                f"    {f.name}: Mapped[{f.kind.python}] = mapped_column({f.kind.column}{extra})"
            )
        return "\n".join(lines)

    def _validations(self) -> str:
        lines = []
        for f in self.fields:
            if f.type == "string":
                lines.append(f'        .validate_length("{f.name}", max=255)')
            if f.unique:
                lines.append(f'        .unique_constraint("{f.name}")')
        return "\n".join(lines)

    def _unique_checks(self) -> str:
        names = [f.name for f in self.fields if f.unique]
        if not names:
            return "    return changeset"
        lines = [
            f'    changeset = await db.repo.unsafe_validate_unique(changeset, "{n}")' for n in names
        ]
        return "\n".join([*lines, "    return changeset"])

    def _form_inputs(self) -> str:
        lines = []
        for f in self.fields:
            kind = f', type="{f.kind.input}"' if f.kind.input else ""
            lines.append(f'                    ui.input(form["{f.name}"]{kind}),')
        return "\n".join(lines)

    def _detail_items(self) -> str:
        return "\n".join(
            f'            ("{f.label}", _show({{item}}.{f.name})),' for f in self.fields
        )

    def _row_cells(self, item: str) -> str:
        return ", ".join(f"html.td(_show({item}.{f.name}))" for f in self.fields)

    def _migration_columns(self) -> str:
        lines = []
        for f in self.fields:
            default = ", server_default=sa.false()" if f.type == "boolean" else ""
            lines.append(
                f'        sa.Column("{f.name}", {f.kind.migration}, nullable=False{default}),'
            )
        return "\n".join(lines)

    def _migration_constraints(self) -> str:
        return "\n".join(
            f'        sa.UniqueConstraint("{f.name}", name=op.f("uq_{self.table}_{f.name}")),'
            for f in self.fields
            if f.unique
        )

    def _attrs(self, *, changed: bool = False, index: int = 0) -> str:
        pairs = []
        for f in self.fields:
            value = f.sample(changed=changed, index=index)
            if f.unique and index and f.type in ("integer", "float"):
                value = str(int(float(value)) + 100 * index)
            pairs.append(f'"{f.name}": {value}')
        return "{" + ", ".join(pairs) + "}"

    def _sample_out(self) -> str:
        values = []
        for f in self.fields:
            raw = f.sample()
            if f.type == "date":
                raw = f"datetime.date.fromisoformat({raw})"
            elif f.type == "datetime":
                raw = f"datetime.datetime.fromisoformat({raw})"
            values.append(f"{f.name}={raw}")
        return ", ".join(["id=1", *values])

    def _blank_field(self) -> str:
        return next((f.name for f in self.fields if f.type != "boolean"), self.fields[0].name)

    def _unique_test(self) -> str:
        unique = next((f for f in self.fields if f.unique), None)
        if unique is None:
            return ""
        return render("live", "unique_test.py", {**self._base_values(), "field": unique.name})

    def _base_values(self) -> dict[str, str]:
        return {
            "ctx": snake(self.context),
            "item": snake(self.schema),
            "table": self.table,
            "app": self.app,
            "valid_attrs": self._attrs(),
        }


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
    plan = Plan(root)
    for template, target in _LIVE_FILES.items():
        plan.add(string.Template(target).substitute(values), render("live", template, values))
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
            "live",
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
    if format_code:
        tidy(root, written)
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
