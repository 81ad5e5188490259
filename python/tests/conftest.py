"""Shared fixtures: where the bundled data is, and the CLI's own output to compare with."""

import json
import os
import subprocess
from pathlib import Path

import pytest

EXAMPLES = Path(os.environ.get("EQUALIS_EXAMPLES_DIR", Path(__file__).parents[2] / "examples"))
TEST_DATA = Path(os.environ.get("EQUALIS_TEST_DATA_DIR", Path(__file__).parents[2] / "tests" / "data"))


def cli(*args, check=True):
    """Runs the equalis CLI built beside the package; returns (exit status, stdout, stderr)."""
    program = os.environ.get("EQUALIS_CLI")
    if not program:
        pytest.skip("EQUALIS_CLI is not set (ctest sets it)")
    done = subprocess.run([program, *map(str, args)], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"equalis {' '.join(map(str, args))} failed: {done.stderr}")
    return done.returncode, done.stdout, done.stderr


def cli_json(*args):
    """The CLI's JSON document for `args` (with --format json)."""
    return json.loads(cli(*args, "--format", "json")[1])


@pytest.fixture
def mexico_csv():
    return EXAMPLES / "mexico" / "mexico.csv"


@pytest.fixture
def mexico(mexico_csv):
    pandas = pytest.importorskip("pandas")
    return pandas.read_csv(mexico_csv)
