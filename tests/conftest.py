import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numba
import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server",)

TESTS = Path(__file__).parent  # the shared files of the tests: kernels/, races/, servers
ROOT = TESTS.parent
KERNELS = TESTS / "kernels"
LLM_SERVER = TESTS / "fake_llm_server.py"  # a real HTTP server process speaking chat completions
EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory):
    """Sources, numba's compile cache and the store live in a fresh folder per test session."""
    root = tmp_path_factory.mktemp("parevo")
    saved = {k: os.environ.get(k) for k in ("PAREVO_CACHE_DIR", "PAREVO_DB")}
    os.environ["PAREVO_CACHE_DIR"] = str(root / "cache")
    os.environ["PAREVO_DB"] = str(root / "parevo.db")
    yield root
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(autouse=True)
def no_server_runs_folder_leaks():
    """A Jupyter server of a test puts its runs folder in the environment for its kernels
    (server/notebook_runs.py); it must not reach the kernels of the tests after it."""
    yield
    os.environ.pop("PAREVO_SERVER_RUNS", None)


@pytest.fixture
def kernels():
    return KERNELS


@pytest.fixture
def examples():
    return EXAMPLES


def run_cli(*args, env=None):
    """Run the real `parevo` command line in a child process."""
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "parevo_lab.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def process_alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie is not)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# A small task several test modules evolve (tests/evolution/).
HISTOGRAM = '''
"""Counts of small keys, and their sum."""

import numpy as np

BINS = 32
SIZES = {"check": 400, "bench": 40_000}


def make_inputs(size, rng):
    return (rng.integers(0, BINS, size),)


def reference(keys):
    counts = np.zeros(BINS, np.int64)
    for i in range(keys.shape[0]):
        counts[keys[i]] += 1
    return counts
'''


@pytest.fixture()
def endpoint(tmp_path):
    """Start the scripted server: endpoint(replies) -> (base_url, log path)."""
    started = []

    def start(replies):
        script = tmp_path / f"script{len(started)}.json"
        script.write_text(json.dumps(replies))
        port_file = tmp_path / f"port{len(started)}"
        log = tmp_path / f"requests{len(started)}.jsonl"
        process = subprocess.Popen(
            [sys.executable, str(LLM_SERVER), str(script), str(port_file), str(log)]
        )
        started.append(process)
        deadline = time.monotonic() + 20
        while not port_file.exists():
            assert time.monotonic() < deadline, "the scripted server did not start"
            time.sleep(0.05)
        return f"http://127.0.0.1:{port_file.read_text()}/v1", log

    yield start
    for process in started:
        process.kill()
        process.wait()


# Scripted model answers for the histogram (tests/evolution/generators, tests/test_export.py)
RACY_ANSWER = """Here is a parallel version:

```python
import numba
import numpy as np

@numba.njit(parallel=True)
def kernel(keys):
    counts = np.zeros(32, np.int64)
    for i in numba.prange(keys.shape[0]):
        counts[keys[i]] += 1
    return counts
```
"""

GOOD_ANSWER = """```python
import numba
import numpy as np

@numba.njit(parallel=True)
def kernel(keys):
    blocks = numba.get_num_threads()
    private = np.zeros((blocks, 32), np.int64)
    n = keys.shape[0]
    for b in numba.prange(blocks):
        for i in range(n * b // blocks, n * (b + 1) // blocks):
            private[b, keys[i]] += 1
    counts = np.zeros(32, np.int64)
    for b in range(blocks):
        counts += private[b]
    return counts
```"""


def parevo(*args, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", "parevo_lab.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def rows(database, query):
    with sqlite3.connect(database) as db:
        return db.execute(query).fetchall()


def parse_events(text):
    """The events of a server-sent event stream's text: id, type and JSON data each."""
    events = []
    for block in text.split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if line and not line.startswith(":")
        )
        if fields:
            events.append(
                {"id": fields["id"], "type": fields["event"], "data": json.loads(fields["data"])}
            )
    return events


THREADS = [1, 2]  # the thread counts the primitives' tests run at (the pool here has 2)


@pytest.fixture(params=THREADS, ids=lambda t: f"threads{t}")
def threads(request):
    """Run the test at each of THREADS (skipped where the pool is smaller)."""
    if request.param > numba.config.NUMBA_NUM_THREADS:
        pytest.skip("thread pool too small")
    saved = numba.get_num_threads()
    numba.set_num_threads(request.param)
    yield request.param
    numba.set_num_threads(saved)
