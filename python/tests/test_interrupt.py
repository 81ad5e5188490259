"""Ctrl-C (SIGINT) stops a long engine call within seconds with KeyboardInterrupt, and the interpreter
stays usable."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

pytest.importorskip("numpy")

SCRIPT = textwrap.dedent("""
    import sys, time
    import numpy as np, pandas as pd
    import equalis
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"v": rng.lognormal(size=200_000)})
    started = time.monotonic()

    def announce(event, task, done, total):
        if event == "begin" and task == "bootstrap":
            print("ready", flush=True)  # the long part has begun: the parent may signal

    try:
        equalis.measure.inequality(frame, value="v", indices="gini", bootstrap=100_000, progress=announce)
    except KeyboardInterrupt:
        # Still usable afterwards.
        result = equalis.measure.inequality(frame.head(100), value="v", indices="gini", progress=False)
        print("interrupted after %.1f s; then gini %.3f" % (time.monotonic() - started,
              result.to_frame().loc[0, "gini"]), flush=True)
        sys.exit(0)
    sys.exit(3)
""")


def test_sigint_interrupts_a_long_call():
    child = subprocess.Popen([sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=os.environ.copy())
    assert child.stdout.readline().strip() == "ready"
    time.sleep(0.5)
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    assert "interrupted" in out
    assert time.monotonic() - sent < 30  # seconds, not the minutes the bootstrap would take (loaded CI)
