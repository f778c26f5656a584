"""The wheel carries everything a user needs: installed in a fresh venv, it serves a page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"live": "ember.live", "data": "ember.data", "pubsub": "ember.pubsub"}
FOLDERS |= {"components": "ember.components", "storybook": "ember.storybook"}


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


@pytest.mark.timeout(240)
def test_wheel_installs_in_a_fresh_venv_and_serves_a_page(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("ember-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in [
        "ember/live/static/ember.js",
        "ember/live/py.typed",
        "ember/components/static/ember-components.css",
        "ember/data/_templates/migrations/env.py.tmpl",
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
