"""ember's packages import each other only in the directions DESIGN.md draws.

Every module of every package that ``pyproject.toml`` maps to ``ember.*`` is read with
``ast``. A reference to another ember package is any of: an import at the top of a module,
an import inside a function (or under ``if TYPE_CHECKING:``), a call to
``importlib.import_module("…")`` / ``__import__("…")``, and any other string that is a whole
module path (``"ember.demo.app:app"`` handed to uvicorn, ``"ember.jobs.Jobs"`` as an
annotation). Docstrings are prose and are not read. ``examples.demo…`` names the demo too
(it is installed as ``ember.demo``).

The rules are written once, in ``ALLOWED`` below; ``docs/architecture.md`` shows the same
table and a test keeps the two equal.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Each ember package and the ember packages it may import; importing itself is always
# allowed. Matches DESIGN.md: data and pubsub stand alone; live (the server, the engine, the
# authoring API, operations) sits on pubsub only; components and the storybook sit on live
# and data; cli and the demo sit on top and nothing imports them.
ALLOWED: dict[str, frozenset[str]] = {
    "pubsub": frozenset(),
    "data": frozenset(),
    "cache": frozenset({"pubsub"}),
    "live": frozenset({"pubsub"}),
    "components": frozenset({"live", "data"}),
    "jobs": frozenset({"data", "pubsub", "live"}),
    "storybook": frozenset({"components", "live", "data", "pubsub"}),
    "cli": frozenset({"live", "data", "storybook", "jobs"}),
    "demo": frozenset({"live", "data", "pubsub", "components", "storybook", "jobs", "cache"}),
}

# Edges that break the table on purpose: (importer, imported, how) -> why. "by name" covers
# import_module strings and other module-path strings only; a real import still fails.
EXCEPTIONS: dict[tuple[str, str, str], str] = {
    ("cli", "demo", "by name"): (
        "`ember demo` runs the demo, which is an example app and not part of the library: "
        "the CLI loads `ember.demo._cli` by name and says so plainly when it is missing."
    ),
    ("live", "jobs", "by name"): (
        "the metrics subscribe to the telemetry event `ember.jobs`, which jobs emit; an "
        "event name that reads like the package's, nothing is imported from it."
    ),
}

# Inside ember.live, once arch-restructure.sh has given it folders (engine/, server/, api/,
# ops/): the render engine knows nothing of sessions, sockets or the authoring API, so it
# can be read, tested and replaced on its own. The other folders lean on one another (the
# server mounts views, the API reads the session), so the engine is the one with a rule.
ENGINE_MAY_IMPORT = ("ember.live.ops", "ember.live._errors", "ember.live._settings")

KINDS = ("import", "function-level import", "import_module string", "string reference")
_MODULE_PATH = re.compile(r"(?:ember|examples)(?:\.[A-Za-z_]\w*)+(?::[A-Za-z_][\w.]*)?")
_IMPORT_CALLS = frozenset({"import_module", "__import__"})


@dataclass(frozen=True)
class Reference:
    """One place where a module names another module."""

    module: str  # the module that refers, e.g. ember.live._cli
    target: str  # the module it names, e.g. ember.data._cli
    kind: str  # one of KINDS
    line: int

    @property
    def by_name(self) -> bool:
        return self.kind in ("import_module string", "string reference")


def package_folders() -> dict[str, Path]:
    """``{"live": ROOT / "live", …}`` from ``[tool.setuptools] package-dir``."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    mapping: dict[str, str] = config["tool"]["setuptools"]["package-dir"]
    return {name.removeprefix("ember."): ROOT / folder for name, folder in mapping.items()}


def modules(package: str, folder: Path) -> Iterator[tuple[str, Path]]:
    """Every module of one package, by its ``ember.*`` name."""
    for path in sorted(folder.rglob("*.py")):
        parts = list(path.relative_to(folder).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(["ember", package, *parts]), path


def references(module: str, source: str, *, is_package: bool = False) -> list[Reference]:
    """Every module that ``source`` (the text of ``module``) imports or names."""
    tree = ast.parse(source)
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: list[Reference] = []
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            in_function.update(id(inner) for inner in ast.walk(node) if inner is not node)

    def add(target: str, kind: str, node: ast.AST) -> None:
        if target.startswith("examples."):
            target = "ember." + target.removeprefix("examples.")
        found.append(Reference(module, target, kind, getattr(node, "lineno", 0)))

    for node in ast.walk(tree):
        kind = "function-level import" if id(node) in in_function else "import"
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, kind, node)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            if target == "ember":  # from ember import live: the names are packages
                for alias in node.names:
                    add(f"ember.{alias.name}", kind, node)
            else:
                add(target, kind, node)
        elif isinstance(node, ast.Call) and node.args:
            called = node.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            first = node.args[0]
            if (
                name in _IMPORT_CALLS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                add(first.value, "import_module string", node)
                docstrings.add(id(first))  # counted once, as an import_module string
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and _MODULE_PATH.fullmatch(node.value)
        ):
            add(node.value.partition(":")[0], "string reference", node)
    return found


def ember_package(target: str) -> str | None:
    parts = target.split(".")
    return parts[1] if parts[0] == "ember" and len(parts) > 1 else None


def violations(folders: dict[str, Path]) -> list[str]:
    """Every reference in ``folders`` (package -> folder) that ``ALLOWED`` forbids.

    A string counts as a reference when it names a module that exists (``"ember.js"``,
    the client's file name, or ``"ember.data.query"``, a telemetry event, do not).
    """
    known = {
        module for package, folder in folders.items() for module, _ in modules(package, folder)
    }
    found = []
    for package, folder in folders.items():
        for module, path in modules(package, folder):
            text = path.read_text()
            is_package = path.name == "__init__.py"
            where = path.relative_to(folder.parent)
            for ref in references(module, text, is_package=is_package):
                imported = ember_package(ref.target)
                if imported is None or imported == package or imported in ALLOWED[package]:
                    continue
                if ref.kind == "string reference" and ref.target not in known:
                    continue
                if ref.by_name and (package, imported, "by name") in EXCEPTIONS:
                    continue
                allowed = ", ".join(sorted(ALLOWED[package])) or "no other ember package"
                found.append(
                    f"{ref.module} ({where}:{ref.line}) names "
                    f"{ref.target} ({ref.kind}); {package} may import: {allowed}."
                )
    return found


def test_every_ember_package_has_a_row_in_the_dependency_table():
    mapped = set(package_folders())
    assert (sorted(mapped - set(ALLOWED)), sorted(set(ALLOWED) - mapped)) == ([], []), (
        "(packages pyproject.toml maps that ALLOWED lacks, rows of ALLOWED pyproject.toml does "
        "not map): give each package a row here, in docs/architecture.md and in DESIGN.md."
    )


def test_packages_import_each_other_only_as_design_allows():
    found = violations(package_folders())
    assert not found, "Imports against DESIGN.md's dependency rules:\n" + "\n".join(found)


def engine_violations(folder: Path, known: set[str]) -> list[str]:
    """References from ``folder`` (``ember.live.engine``) to the rest of ``ember.live``;
    ``known`` are the modules a string may name (``"ember.live"`` is also a logger)."""
    allowed = ("ember.live.engine", *ENGINE_MAY_IMPORT)
    found = []
    for module, path in modules("live.engine", folder):
        for ref in references(module, path.read_text(), is_package=path.name == "__init__.py"):
            if ref.kind == "string reference" and ref.target not in known - {"ember.live"}:
                continue
            inside_live = ref.target == "ember.live" or ref.target.startswith("ember.live.")
            if inside_live and not any(
                ref.target == name or ref.target.startswith(name + ".") for name in allowed
            ):
                found.append(f"{module} ({path.name}:{ref.line}) names {ref.target} ({ref.kind})")
    return found


def test_the_engine_imports_nothing_of_the_session_server_or_the_api():
    folder = ROOT / "live" / "engine"
    if not folder.is_dir():
        pytest.skip("live/ has no engine/ folder yet (the restructure has not run)")
    found = engine_violations(folder, {module for module, _ in modules("live", folder.parent)})
    assert not found, (
        "ember.live.engine may import only itself and " + ", ".join(ENGINE_MAY_IMPORT) + ":\n"
    ) + "\n".join(found)


def test_the_engine_rule_reports_a_session_import(tmp_path):
    (tmp_path / "_engine.py").write_text("from ..ops._telemetry import telemetry\n")
    (tmp_path / "_loop.py").write_text("def f():\n    from ..server._session import S\n")
    (tmp_path / "_names.py").write_text("LOGGER = 'ember.live'\nSESSION = 'ember.live.server'\n")
    known = {"ember.live", "ember.live.server"}
    assert engine_violations(tmp_path, known) == [
        "ember.live.engine._loop (_loop.py:2) names ember.live.server._session "
        "(function-level import)",
        "ember.live.engine._names (_names.py:2) names ember.live.server (string reference)",
    ]


def test_the_table_has_no_cycle():
    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(
            nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
            for nxt in ALLOWED[start]
        )

    assert [package for package in ALLOWED if reaches(package, package)] == []


def test_the_docs_show_the_same_table():
    text = (ROOT / "docs" / "architecture.md").read_text()
    rows = re.findall(r"^\| `ember\.(\w+)` \| ([^|]*) \|", text, re.MULTILINE)
    shown = {name: frozenset(re.findall(r"`ember\.(\w+)`", imports)) for name, imports in rows}
    assert shown == ALLOWED, "docs/architecture.md's dependency table differs from ALLOWED"


SAMPLE = '''
"""A docstring naming ember.storybook is prose."""
import importlib
from typing import TYPE_CHECKING

import ember.data
from ember import components
from . import _sibling
from .._up import thing

if TYPE_CHECKING:
    from ember.jobs import Jobs


def serve():
    from ember.cache import Cache

    importlib.import_module("ember.storybook._cli")
    run("examples.demo.app:app")
'''


def test_the_reader_finds_every_kind_of_reference():
    found = {
        (ref.target, ref.kind)
        for ref in references("ember.live.sub._mod", SAMPLE)
        if ref.target.startswith("ember")
    }
    assert found == {
        ("ember.data", "import"),
        ("ember.components", "import"),
        ("ember.live.sub", "import"),
        ("ember.live._up", "import"),
        ("ember.jobs", "import"),
        ("ember.cache", "function-level import"),
        ("ember.storybook._cli", "import_module string"),
        ("ember.demo.app", "string reference"),
    }


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("import ember.data", "import"),
        ("def f():\n    from ember.data import Repo", "function-level import"),
        ("import importlib\nimportlib.import_module('ember.data._cli')", "import_module string"),
        ("APP = 'ember.data.app:app'", "string reference"),
    ],
)
def test_a_forbidden_reference_of_each_kind_is_reported(line, kind, tmp_path):
    folders = {"pubsub": tmp_path / "pubsub", "data": tmp_path / "data"}
    for folder in folders.values():
        folder.mkdir()
        (folder / "__init__.py").touch()
    (folders["data"] / "app.py").touch()
    (folders["pubsub"] / "__init__.py").write_text(line + "\n")
    [reported] = violations(folders)
    assert reported.startswith("ember.pubsub (pubsub/__init__.py:")
    assert reported.endswith(f"({kind}); pubsub may import: no other ember package.")


def test_a_listed_exception_allows_only_a_reference_by_name(tmp_path):
    folders = {"cli": tmp_path / "cli", "demo": tmp_path / "demo"}
    for folder in folders.values():
        folder.mkdir()
        (folder / "__init__.py").touch()
    (folders["demo"] / "_cli.py").touch()
    (folders["cli"] / "by_name.py").write_text("DEMO = 'ember.demo._cli'\n")
    (folders["cli"] / "imported.py").write_text("def run():\n    import ember.demo._cli\n")
    [reported] = violations(folders)
    assert reported.startswith("ember.cli.imported (cli/imported.py:2) names ember.demo._cli")
