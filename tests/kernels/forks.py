"""Starts a long sleeper process, then hangs while being imported."""

import os
import subprocess
import time

sleeper = subprocess.Popen(["sleep", "600"])
with open(os.environ["PAREVO_TEST_PIDFILE"], "w") as handle:
    handle.write(str(sleeper.pid))
time.sleep(600)


def kernel(x):
    return 2.0 * x
