"""What ``ember gen live CONTEXT SCHEMA TABLE fields…`` describes, and the values its
templates are filled with."""

from __future__ import annotations

import ast
import datetime
from dataclasses import dataclass

from ._generator_base import (
    RESERVED_MODULES,
    Field,
    GeneratorError,
    check_camel,
    check_snake,
    render,
    snake,
)


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
        check_snake(app, "app package")
        check_camel(context, "context", "Blog")
        check_camel(schema, "schema", "Post")
        check_snake(table, "table name")
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
