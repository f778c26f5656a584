"""``EMBER_TEST_GC_EACH=1`` (tests/conftest.py) fails the test that leaked a resource, not
the later test in which the garbage collector happens to free it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LEAKY = """
import socket


def test_a_leaks_a_socket_in_a_cycle():
    box = [socket.socket()]
    box.append(box)  # freed only by the collector, whenever it runs next


def test_b_is_innocent():
    pass
"""


def _run_leaky_tests(tmp_path: Path) -> str:
    (tmp_path / "pytest.ini").write_text("[pytest]\nfilterwarnings = error\n")
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import pytest_runtest_teardown as pytest_runtest_teardown\n"
    )
    (tmp_path / "test_leaky.py").write_text(LEAKY)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EMBER_TEST_GC_EACH": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-rE", "-p", "no:cacheprovider"]
    command += ["-p", "no:asyncio"]  # its unset-loop-scope warning would be an error here
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    return done.stdout + done.stderr


def test_gc_each_fails_the_test_that_leaked_the_socket(tmp_path):
    output = _run_leaky_tests(tmp_path)
    assert "ERROR at teardown of test_a_leaks_a_socket_in_a_cycle" in output, output
    assert "ResourceWarning: unclosed <socket.socket" in output, output
    assert "2 passed, 1 error" in output, output  # test_b passed
