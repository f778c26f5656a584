"""``ember gen auth`` (like ``mix phx.gen.auth``): accounts, sessions and their pages,
written into the project as code it owns.

It writes the Accounts context (users, hashed session and mail tokens, rate-limited log
in), a mailer (SMTP, or a local mailbox in development), the account pages, a migration
and tests, then wires them into ``app.py`` and ``layout.py``. The templates live in
``ember/cli/templates/auth``; like ``ember gen live`` nothing is overwritten without
``force``.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import typer

from ._generator_base import ROUTES_MARKER, GeneratorError, check_snake, render
from ._generator_resource import Resource

__all__ = [
    "AUTH_TABLE",
    "generate_auth",
    "generate_scoped_live",
    "has_accounts",
    "run_gen_auth",
]

AUTH_TABLE = "users"

_AUTH_FILES = {
    "accounts_init.py": "$app/accounts/__init__.py",
    "user.py": "$app/accounts/user.py",
    "tokens.py": "$app/accounts/tokens.py",
    "users.py": "$app/accounts/users.py",
    "notifier.py": "$app/accounts/notifier.py",
    "mailer.py": "$app/mailer.py",
    "auth.py": "$app/auth.py",
    "user_menu.py": "$app/live/user_menu.py",
    "pages_init.py": "$app/live/users/__init__.py",
    "login.py": "$app/live/users/login.py",
    "registration.py": "$app/live/users/registration.py",
    "confirmation.py": "$app/live/users/confirmation.py",
    "reset_password.py": "$app/live/users/reset_password.py",
    "settings.py": "$app/live/users/settings.py",
    "mailbox.py": "$app/live/users/mailbox.py",
    "conftest.py": "tests/conftest.py",
    "auth_support.py": "tests/auth_support.py",
    "test_accounts.py": "tests/test_accounts.py",
    "test_auth_live.py": "tests/test_auth_live.py",
    "test_auth_browser.py": "tests/test_auth_browser.py",
}

# What `ember new` wrote, and what gen auth makes of it (skipped, with a note, when the
# project changed it).
_HOME_MOUNT = re.compile(r"^ember\.live\.mount\((app, \"/\", HomeLive, .*)\)$", re.M)
_HEADER = re.compile(
    r"(html\.header\(\{\"className\": \"app-bar\"\}, html\.a\(\{\"href\": \"/\"\}, [^)]*\))\)"
)
_MENU_CSS = (
    ".user-menu { margin-left: auto; display: flex; gap: 1rem; align-items: center; }\n"
    ".user-menu-form { margin: 0; }\n"
)


def generate_auth(root: Path, app: str, *, force: bool = False) -> tuple[list[Path], list[str]]:
    """Write the accounts, their pages, a migration and tests into the project at ``root``.

    Returns the files written (or edited) and notes on edits that could not be made.

    Raises:
        GeneratorError: a file exists (without ``force``), the project has no migrations
            folder, or it has accounts already.
    """
    from ._generators import Plan, tidy  # the shared writer, kept lazy

    check_snake(app, "app package")
    values = {"app": app, "title": app.replace("_", " ").title()}
    plan = Plan(root)
    for template, target in _AUTH_FILES.items():
        plan.add(string.Template(target).substitute(values), render("auth", template, values))
    versions = root / "migrations" / "versions"
    if not versions.is_dir():
        msg = (
            f"Expected a migrations folder at {str(versions.parent)!r} (ember new makes one; "
            "or run `ember db init`), found none."
        )
        raise GeneratorError(msg)
    existing = sorted(versions.glob(f"*_{AUTH_TABLE}.py"))
    if existing and not force:
        msg = (
            f"The project has accounts already ({existing[0].relative_to(root)}). Nothing "
            "was written; pass --force to write the accounts' files again."
        )
        raise GeneratorError(msg)
    if not existing:  # with --force, the migration already applied stays as it is
        plan.add(*_migration(versions, values))
    written = plan.write(force=force)
    notes: list[str] = []
    for edit in (_edit_app, _edit_layout, _edit_pyproject):
        path, note = edit(root, app)
        if path is not None:
            written.append(path)
        if note:
            notes.append(note)
    tidy(root, written)
    return written, notes


def _migration(versions: Path, values: dict[str, str]) -> tuple[str, str]:
    from ._generators import _migration_head

    down, number = _migration_head(versions, AUTH_TABLE)
    revision = f"{number:04d}_{AUTH_TABLE}"
    text = render(
        "auth",
        "migration.py",
        {
            **values,
            "revision": revision,
            "down_revision": f'"{down}"' if down else "None",
            "revises": down or "(none)",
        },
    )
    return f"migrations/versions/{revision}.py", text


def _edit_app(root: Path, app: str) -> tuple[Path | None, str]:
    path = root / app / "app.py"
    text = path.read_text() if path.exists() else ""
    if "auth.install(app)" in text:
        return None, ""
    if ROUTES_MARKER not in text:
        return None, (
            f"Add to {app}/app.py: `from . import auth` and `auth.install(app)` (no "
            f"'{ROUTES_MARKER}' line to add them below)."
        )
    note = ""
    home, found = _HOME_MOUNT.subn(r"auth.public.mount(\1)", text)
    if not found:
        note = (
            "The home page does not know who is there: mount the pages that show the "
            f"account menu with auth.public.mount(...) in {app}/app.py."
        )
    addition = "from . import auth  # noqa: E402\n\nauth.install(app)"
    home = home.replace(ROUTES_MARKER, f"{ROUTES_MARKER}\n{addition}", 1)
    if found:  # the home mount uses auth above the marker: import it at the top
        home = home.replace("from . import db\n", "from . import auth, db\n", 1)
        home = home.replace("from . import auth  # noqa: E402\n\n", "", 1)
    path.write_text(home)
    return path, note


def _edit_layout(root: Path, app: str) -> tuple[Path | None, str]:
    path = root / app / "layout.py"
    text = path.read_text() if path.exists() else ""
    if "user_menu()" in text:
        return None, ""
    edited, found = _HEADER.subn(r"\1, user_menu())", text)
    if not found:
        return None, f"Add `user_menu()` (from {app}.live.user_menu) to the top bar in layout.py."
    edited = edited.replace(
        "import ember.components as ui\n",
        "import ember.components as ui\n\nfrom .live.user_menu import user_menu\n",
        1,
    )
    edited = edited.replace('"""\n\n\ndef head()', f'{_MENU_CSS}"""\n\n\ndef head()', 1)
    path.write_text(edited)
    return path, ""


def _edit_pyproject(root: Path, app: str) -> tuple[Path | None, str]:
    """``ember`` → ``ember[auth]`` (pwdlib with Argon2, aiosmtplib), Playwright for dev."""
    path = root / "pyproject.toml"
    text = path.read_text() if path.exists() else ""
    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError:
        project = {}
    if any(str(d).startswith("ember[auth") for d in project.get("dependencies", [])):
        return None, ""
    edited = text.replace('dependencies = ["ember"]', 'dependencies = ["ember[auth]"]', 1)
    if edited == text:
        return None, 'Add "ember[auth]" to your project\'s dependencies.'
    dev = '"pytest-asyncio>=0.24"]'
    edited = edited.replace(dev, f'{dev[:-1]}, "playwright>=1.45"]', 1)
    path.write_text(edited)
    return path, ""


def run_gen_auth(
    root: Path,
    *,
    force: bool,
    refuse: Callable[[Exception], NoReturn],
    report: Callable[[list[Path], Path, set[Path]], None],
) -> None:
    """The ``ember gen auth`` command's body (the CLI only registers it)."""
    from ._generators import project_app

    try:
        app = project_app(root)
        edited = {root / app / "app.py", root / app / "layout.py", root / "pyproject.toml"}
        written, notes = generate_auth(root, app, force=force)
    except GeneratorError as error:
        refuse(error)
    report(written, root, edited)
    for note in notes:
        typer.secho(f"  note: {note}", fg=typer.colors.YELLOW)
    typer.echo(
        "\nember: accounts added (register at /users/register, mails at /dev/mailbox). Next:\n"
        "  pip install -e '.[dev]'     # ember[auth]: pwdlib with Argon2, aiosmtplib\n"
        "  pytest"
    )


# -- ember gen live in a project with accounts: resources scoped to the current user -----

_SCOPED = frozenset(
    {
        "schema.py",
        "context.py",
        "live_init.py",
        "index.py",
        "show.py",
        "form.py",
        "test_context.py",
        "test_live.py",
    }
)


def has_accounts(root: Path, app: str) -> bool:
    """Whether ``ember gen auth`` ran here (``gen live`` then scopes resources to users)."""
    return (root / app / "accounts" / "user.py").is_file() and (root / app / "auth.py").is_file()


def generate_scoped_live(root: Path, resource: Resource, *, force: bool = False) -> list[Path]:
    """``ember gen live`` for a project with accounts (Phoenix's scopes): each row belongs
    to a user, the context takes the current user, the pages need one, the tests log in.

    Raises:
        GeneratorError: a file exists (without ``force``), or the project has no
            migrations folder.
    """
    from ._generators import tidy, write_resource

    values = resource.values
    values["detail_items"] = values["detail_items"].replace("{item}", values["item"])
    unique = next((f for f in resource.fields if f.unique), None)
    values["unique_test"] = (
        render("scoped", "unique_test.py", {**values, "field": unique.name}) if unique else ""
    )
    scoped = _SCOPED | {"migration.py"}
    written = write_resource(
        root, resource, values, lambda t: "scoped" if t in scoped else "live", force=force
    )
    tidy(root, written)
    return written
