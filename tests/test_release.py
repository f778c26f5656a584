"""The wheel carries everything a user needs: installed in a fresh venv, it serves a page."""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import socket
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.request
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"live": "ember.live", "data": "ember.data", "pubsub": "ember.pubsub"}
FOLDERS |= {"components": "ember.components", "storybook": "ember.storybook"}
FOLDERS |= {"cli": "ember.cli", "jobs": "ember.jobs", "cache": "ember.cache"}
FOLDERS |= {"examples/demo": "ember.demo"}


def package_folders() -> list[str]:
    """Every importable package under the ember folders, by its ember.* name."""
    found = []
    for folder, name in FOLDERS.items():
        for init in sorted((ROOT / folder).rglob("__init__.py")):
            relative = init.parent.relative_to(ROOT / folder).parts
            found.append(".".join([name, *relative]))
    return found


PACKAGES = package_folders()


def test_every_package_folder_is_listed_in_pyproject():
    text = (ROOT / "pyproject.toml").read_text()
    listed = text.split("packages = [", 1)[1].split("]", 1)[0]
    missing = [p for p in PACKAGES if f'"{p}"' not in listed]
    assert not missing, f"add {missing} to [tool.setuptools] packages in pyproject.toml"


APP = """
from fastapi import FastAPI
from reactpy import component, html, use_state
import ember.live

@component
def Counter():
    count, set_count = use_state(0)
    return html.button({"onClick": lambda e: set_count(count + 1)}, f"Count: {count}")

app = FastAPI()
ember.live.mount(app, "/counter", Counter)
"""


def build_wheel(dist: Path) -> tuple[Path, str]:
    """Build ember's wheel into ``dist``; return it and the build backend's full output."""
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--verbose",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return next(dist.glob("ember-*.whl")), built.stdout + built.stderr


def packaging_warnings(output: str) -> list[str]:
    """setuptools' warnings about the project's own configuration, one line each."""
    return [line.strip() for line in output.splitlines() if "Warning:" in line]


@pytest.mark.timeout(240)
def test_wheel_installs_in_a_fresh_venv_and_serves_a_page(tmp_path):
    wheel, output = build_wheel(tmp_path / "dist")
    assert packaging_warnings(output) == []
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in [
        "ember/live/static/ember.js",
        "ember/live/py.typed",
        "ember/cli/templates/new/app.py.tmpl",
        "ember/cli/templates/live/index.py.tmpl",
        "ember/components/static/ember-components.css",
        "ember/data/_templates/migrations/env.py.tmpl",
        "ember/cli/templates/auth/auth.py.tmpl",
        "ember/cli/templates/scoped/context.py.tmpl",
        "ember/demo/app.py",
        "ember/demo/static/favicon.svg",
    ]:
        assert expected in names, f"{expected} is missing from {wheel.name}"
    assert not [n for n in names if n.startswith(("tests/", "examples/", "bench/"))]

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The dependencies come from this test run's environment (no network here); ember
    # itself only from the wheel: a plain path entry does not run that environment's .pth
    # files, so the editable install of the repository stays out of sight.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    (tmp_path / "app.py").write_text(APP)
    where = subprocess.run(
        [python, "-c", f"import {', '.join(PACKAGES)}; print(ember.live.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert str(site) in where

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [python, "-m", "uvicorn", "app:app", "--port", str(port), "--log-level", "warning"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": ""},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/counter", timeout=2) as r:
                    page = r.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert "Count: 0" in page
        url = f"http://127.0.0.1:{port}/counter/_ember/static/ember.js"
        with urllib.request.urlopen(url, timeout=5) as r:
            assert b"createClient" in r.read()
    finally:
        server.terminate()
        server.wait(10)

    # `pip install ember && ember demo`: the demo ships inside the wheel, as ember.demo, and
    # keeps its SQLite file in the user's data folder.
    home = tmp_path / "home"
    env = {**os.environ, "PYTHONPATH": "", "HOME": str(home)}
    for name in ("EMBER_DEMO_DATA", "EMBER_DATABASE_URL", "EMBER_PUBSUB_URL", "XDG_DATA_HOME"):
        env.pop(name, None)
    ember = [str(python), "-c", "from ember.cli import main; main()"]
    command = [*ember, "demo", "--port", str(free_port())]
    with started_demo(command, env, tmp_path) as (url, lines), fetch(url) as response:
        assert "ember chirp" in response.read().decode()
    database = home / ".local" / "share" / "ember" / "demo.db"
    assert database.is_file()
    assert f"ember demo: database SQLite file {database}" in lines


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def started_demo(
    command: list[str], env: dict[str, str], cwd: Path, seconds: float = 120
) -> Iterator[tuple[str, list[str]]]:
    """Run ``ember demo`` until it prints its URL; yield the URL and every line before it.

    The URL is fetched at once: it is printed only when the server accepts connections.
    """
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    before: list[str] = []
    try:
        deadline = time.monotonic() + seconds
        while True:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, "ember demo exited before serving:\n" + "\n".join(before)
            if line.startswith("ember demo: open "):
                url = line.removeprefix("ember demo: open ")
                with fetch(url) as response:
                    assert response.status == 200  # listening when the line appears
                yield url, before
                return
            before.append(line)
    finally:
        process.terminate()
        process.wait(10)
        assert process.stdout is not None
        process.stdout.close()


def fetch(url: str) -> Any:
    assert url.startswith("http://127.0.0.1:"), url
    return urllib.request.urlopen(url, timeout=5)  # noqa: S310 - a loopback http URL


@pytest.mark.timeout(240)
def test_scripts_demo_on_a_fresh_clone_is_quiet_and_serves_once_listening(tmp_path):
    """What a new user types first: scripts/demo in a fresh clone. It installs ember into
    .venv, prints no packaging warning, says which database and PubSub it uses, keeps its
    SQLite file in the clone's .ember/, and prints the URL only once the server listens."""
    clone = tmp_path / "ember"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    for name in filter(None, tracked.split("\0")):
        source = ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    venv.EnvBuilder(with_pip=False).create(clone / ".venv")
    site = subprocess.run(
        [
            clone / ".venv/bin/python",
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The dependencies (pip and setuptools too) come from this run's environment, so the
    # test needs no network: pip installs ember alone, without build isolation.
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}
    env |= {"PIP_NO_BUILD_ISOLATION": "0", "PYTHONPATH": ""}
    for name in ("PIP_FIND_LINKS", "EMBER_DEMO_DATA", "EMBER_DATABASE_URL", "EMBER_PUBSUB_URL"):
        env.pop(name, None)

    command = [str(clone / "scripts" / "demo"), "--port", str(free_port())]
    with started_demo(command, env, clone) as (url, before), fetch(url + "favicon.ico") as icon:
        assert icon.headers["content-type"] == "image/svg+xml"
    assert [line for line in before if "warning" in line.lower()] == []
    assert f"ember demo: database SQLite file {clone / '.ember' / 'demo.db'}" in before
    assert any(line.startswith("ember demo: PubSub in-process") for line in before)
    assert (clone / ".ember" / "demo.db").is_file()

    # A taken port: one clear line and exit status 2, and no URL.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = subprocess.run(
            [clone / ".venv/bin/ember", "demo", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert refused.returncode == 2
    assert f"port {port} on 127.0.0.1 is taken" in refused.stderr
    assert "open http" not in refused.stdout
