"""The vocabulary of ember's generators: names they accept, field types, templates.

Shared by ``ember new`` and ``ember gen live`` (``cli/_generators.py``) and by the
resource a ``gen live`` describes (``cli/_generator_resource.py``).
"""

from __future__ import annotations

import keyword
import re
import string
from dataclasses import dataclass
from importlib import resources

from ember.live import EmberError

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
        check_snake(name, "field name")
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


def check_snake(name: str, what: str) -> None:
    if not _SNAKE.match(name) or keyword.iskeyword(name):
        msg = (
            f"Expected the {what} to be lowercase letters, digits and underscores, starting "
            f"with a letter (and not a Python keyword), got {name!r}."
        )
        raise GeneratorError(msg)


def check_camel(name: str, what: str, example: str) -> None:
    if not _CAMEL.match(name):
        msg = f"Expected the {what} in CamelCase (e.g. {example}), got {name!r}."
        raise GeneratorError(msg)


def snake(name: str) -> str:
    """``BlogPost`` → ``blog_post``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _template(group: str, name: str) -> string.Template:
    source = resources.files("ember.cli") / "templates" / group / f"{name}.tmpl"
    return string.Template(source.read_text())


def render(group: str, name: str, values: dict[str, str]) -> str:
    """Fill one template; a placeholder without a value is a bug in the generator."""
    return _template(group, name).substitute(values)
