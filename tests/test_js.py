"""The browser client's unit tests (tests/js/, node's built-in test runner) as one pytest test.

They run the client on a small fake DOM (tests/js/fake_dom.js); the Chromium suites in
tests/browser/ run it for real. Without node the test skips, except under CI=true.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_client_unit_tests_pass_under_node() -> None:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is missing; the client's unit tests need it (apt-get install nodejs)")
        pytest.skip("node is missing")
    result = subprocess.run(
        [node, "--test", str(ROOT / "tests" / "js")],
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
