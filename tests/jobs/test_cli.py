"""``ember worker``'s arguments: what it refuses, and how."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ember.cli import cli
from ember.jobs._cli import parse_queues


def test_parse_queues_reads_names_and_concurrency():
    assert parse_queues(["mail=4", "reports"]) == {"mail": 4, "reports": 1}


@pytest.mark.parametrize("spec", ["mail=0", "mail=x", "=3"])
def test_parse_queues_refuses_bad_specs(spec):
    from ember.jobs import ConfigurationError

    with pytest.raises(ConfigurationError, match="NAME=CONCURRENCY"):
        parse_queues([spec])


def test_worker_refuses_a_target_that_is_not_a_jobs():
    result = CliRunner().invoke(cli, ["worker", "tests.jobs.models:Base"])
    assert result.exit_code == 2
    assert "Expected tests.jobs.models:Base to be an ember.jobs.Jobs" in result.output
