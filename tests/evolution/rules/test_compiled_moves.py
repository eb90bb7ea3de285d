"""The rule generator acts on the compiled view: an unsigned index only in the loop where LLVM
met a signed index it had to wrap (a real evolution: real checks, real remarks)."""

from __future__ import annotations

import json

from conftest import run_cli

from parevo_lab.report import run as run_report

TASK = '''
"""Differences and doubles: one loop reads its neighbour, one does not."""

import numpy as np

SIZES = {"check": 500, "bench": 200_000}


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    n = x.shape[0]
    d = np.empty(n)
    for i in range(1, n):
        d[i] = x[i] - x[i - 1]
    d[0] = x[0]
    s = np.empty(n)
    for i in range(n):
        s[i] = 2.0 * x[i]
    return d, s
'''


def test_casts_go_only_where_the_compiled_view_found_a_wraparound(tmp_path):
    task = tmp_path / "task.py"
    task.write_text(TASK)
    out = tmp_path / "run"
    done = run_cli("evolve", task, "--budget", "4", "--no-profile", "--threads", "1,2",
                   "--out", out, "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    candidates = json.loads(done.stdout)["candidates"]
    data = run_report.load(out)
    moved = [c for c in candidates if c["label"].startswith("unsigned index in loop L4")]
    assert len(moved) == 1, [c["label"] for c in candidates]
    move = moved[0]
    assert "compiled view: signed index wraparound at line" in move["label"]
    parent = data.reports[move["parent_id"]]
    wrapped = [f for lp in parent["compiled"]["loops"] for f in lp["findings"]]
    assert [f["code"] for f in wrapped] == ["wraparound"]  # what asked for the move
    assert wrapped[0]["expression"] == "d[i] = x[i] - x[i - 1]"
    source = data.sources[move["id"]]
    cast = [line.strip() for line in source.splitlines() if "np.uint64" in line]
    # the loop the remark named (i of prange(1, n) is not known to be >= 0 either) ...
    assert cast == ["d[np.uint64(i)] = x[np.uint64(i)] - x[np.uint64(i - 1)]"]
    assert "s[i] = 2.0 * x[i]" in source  # ... and no cast in the other loop
    # no other candidate carries a cast no remark asked for
    assert all("np.uint64" not in data.sources[c["id"]] for c in candidates if c is not move)
    assert data.reports[move["id"]]["verdict"] == "ok"
