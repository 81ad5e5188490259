"""The two example scripts of examples/python run, print the CLI's numbers and save their plots."""

import os
import subprocess
import sys

import pytest

from conftest import EXAMPLES, cli_json

pytest.importorskip("matplotlib")


def _run(script, output):
    done = subprocess.run([sys.executable, str(EXAMPLES / "python" / script), str(output)], capture_output=True,
                          text=True, env=os.environ.copy(), timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _assert_is_a_plot(path):
    import matplotlib.image  # noqa: PLC0415

    pixels = matplotlib.image.imread(path)
    assert pixels.shape[0] >= 300 and pixels.shape[1] >= 600
    assert pixels.std() > 0.05  # not a blank canvas


def test_mexico_inequality_example(tmp_path):
    out = _run("mexico_inequality.py", tmp_path / "mexico.png")
    _assert_is_a_plot(tmp_path / "mexico.png")
    gini_1940 = cli_json("measure", "inequality", EXAMPLES / "mexico" / "mexico.csv", "--value",
                         "pcgdp1940", "--indices", "gini")["results"][0]["indices"]["gini"]
    first_row = next(line for line in out.splitlines() if line.strip().startswith("1940"))
    assert float(first_row.split()[1]) == pytest.approx(gini_1940, abs=5e-7)


def test_bho_access_example(tmp_path):
    out = _run("bho_access.py", tmp_path / "bho.png")
    _assert_is_a_plot(tmp_path / "bho.png")
    assert "concentration index by income" in out
    assert out.count("\n") > 10
