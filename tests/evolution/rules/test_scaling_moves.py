"""A run ranking at 16 threads on this 2-core machine (`parevo evolve --target-threads 16`): every
candidate is ranked by its projected speedup, labelled so, never re-timed; and the rule generator
acts on the projection: where the parent's projection says the static schedule leaves one thread
most of the work, the next move deals the iterations out cyclically (real checks, real replays)."""

from __future__ import annotations

import json

from conftest import run_cli

from parevo_lab.report import run as run_report
from parevo_lab.store import Store

TASK = '''
"""Prefix-weighted sums: iteration i costs i (the static schedule's worst case)."""

import numpy as np

SIZES = {"check": 300, "bench": 12_000}


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    n = x.shape[0]
    out = np.empty(n)
    for i in range(n):
        acc = 0.0
        for j in range(i):
            acc += x[j] * 0.5
        out[i] = acc
    return out
'''


def test_imbalance_in_the_projection_asks_for_interleaved_iterations(tmp_path):
    task = tmp_path / "task.py"
    task.write_text(TASK)
    out = tmp_path / "run"
    flags = ["--target-threads", "16", "--threads", "1,2", "--profile-budget", "0.1", "--json"]
    done = run_cli("evolve", task, "--budget", "2", "--out", out, *flags)
    assert done.returncode in (0, 1), done.stderr
    first = json.loads(done.stdout)
    parallel = first["candidates"][1]
    assert parallel["label"].startswith("auto-parallelise"), parallel
    # the third candidate grows from the parallel one ("use as parent"), whatever the random
    # choice of parents would pick on a busy machine
    with Store(out / "run.sqlite") as store:
        store.pin(first["run"], parallel["id"])
    done = run_cli("evolve", task, "--budget", "3", "--out", out, "--resume", *flags)
    assert done.returncode in (0, 1), done.stderr
    result = json.loads(done.stdout)
    candidates = result["candidates"]
    data = run_report.load(out)
    # ranked by the projection: each candidate's figure is its report's point at 16 (the seed,
    # with no parallel loop: what it measured at 1 thread), never re-timed here
    for c in candidates:
        assert c["projected"] and c["threads"] == 16 and c["retimed"] is None, c
        report = data.reports[c["id"]]
        if report["compile"]["loops"]:
            points = {p["threads"]: p for p in report["projection"]["points"]}
            assert c["speedup"] == points[16]["speedup"]
        else:
            assert c["speedup"] == report["profile"]["speedup"]["vs_serial"]["1"]["value"]
    assert data.run["settings"]["target_threads"] == 16  # a resumed run ranks the same way
    best = result["best"]
    assert best["projected"] and "projected at 16 threads" in (out / "best.py").read_text()
    moved = [c for c in candidates if c["label"].startswith("interleave the iterations of loop")]
    assert len(moved) == 1, [c["label"] for c in candidates]
    move = moved[0]
    assert move["verdict"] == "ok" and move["projected"] and move["threads"] == 16
    parent = data.reports[move["parent_id"]]
    bounds = [p["bound"] for p in parent["projection"]["points"]]
    assert "imbalance" in bounds  # what asked for the move, named in its label
    assert "projection: imbalance from" in move["label"]
    source = data.sources[move["id"]]
    assert "for part in numba.prange(parts):" in source
    assert "for i in range(part, n, parts):" in source
    # dealt out cyclically, no thread holds the heavy end: the projection at 16 rises
    child = data.reports[move["id"]]["projection"]["points"]
    at16 = {p["threads"]: p for p in parent["projection"]["points"]}[16]
    assert {p["threads"]: p for p in child}[16]["speedup"] > at16["speedup"]
    assert {p["threads"]: p for p in child}[16]["bound"] != "imbalance"
