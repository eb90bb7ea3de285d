"""Algorithm substitution by behaviour (real runs: the seed's evaluation probes the reference's
outputs in the sandboxed child, the rule generator proposes the primitive that behaves alike, the
cascade decides). A reference that only looks like components on small inputs gets a candidate
the cascade rejects; a task whose outputs fit no template says so."""

from __future__ import annotations

import json
import random

from conftest import run_cli

from parevo_lab import suite
from parevo_lab.evolution.generators.base import Context
from parevo_lab.evolution.rules import substitute
from parevo_lab.evolution.rules.generator import RulesGenerator
from parevo_lab.store import Store
from parevo_lab.task import load_task

# The suite's components task at test sizes, its parameters renamed (the substitution must use
# the reference's own names), with a LIMIT on the edges it follows (filled in by each test).
COMPONENTS = (
    (suite.TASKS / "irregular" / "connected_components.py")
    .read_text()
    .replace(
        'SIZES = {"check": 1000, "bench": 2_000_000}', 'SIZES = {"check": 300, "bench": 20_000}'
    )
    .replace("indptr", "row_ptr")
    .replace("indices", "col")
    .replace("if labels[v] < 0:", "if labels[v] < 0 and LIMIT:")
)
assert "LIMIT" in COMPONENTS and "20_000" in COMPONENTS  # the suite file still reads so


def evolve(tmp_path, source: str, budget: int = 2) -> dict:
    task = tmp_path / "task.py"
    task.write_text(source)
    done = run_cli("evolve", task, "--budget", str(budget), "--threads", "1,2",
                   "--profile-budget", "0.05", "--no-projection", "--no-compiled-view",
                   "--out", tmp_path / "run", "--json")  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def substituted_right(tmp_path, source: str, template: str, convention: str):
    """Evolve ``source``: the one template that matches is ``template`` (exact, with
    ``convention``), and its substitution is the run's first candidate and correct."""
    result = evolve(tmp_path, source)
    assert result["templates"]["matches"] == [
        {"template": template, "convention": convention, "exact": True}
    ]
    substituted = result["candidates"][1]
    assert substituted["label"].startswith(f"substitute {template} ({convention})")
    assert substituted["verdict"] == "ok", substituted["summary"]
    return result, substituted


def test_a_components_reference_gets_the_components_primitive_and_it_is_right(tmp_path):
    result = evolve(tmp_path, COMPONENTS.replace(" and LIMIT", ""))
    assert result["templates"]["matches"] == [
        {"template": "connected components", "convention": "min", "exact": True}
    ]
    seed, substituted = result["candidates"]
    assert seed["origin"] == "seed"
    assert substituted["label"].startswith("substitute connected components (min)")
    assert substituted["family"] == "template:connected_components"
    assert substituted["verdict"] == "ok", substituted["summary"]
    with Store(tmp_path / "run" / "run.sqlite") as store:
        row = store.candidate(result["run"], substituted["id"])
        code = store.kernel_source(row["source_hash"])
    assert "P.connected_components(row_ptr, col)" in code  # the reference's own names


def test_a_reference_that_only_looks_like_components_on_small_inputs_is_rejected(tmp_path):
    # it follows only edges between vertices below 4000: on the probes (at most 300 vertices)
    # that is every edge; at the large and bench sizes it splits components
    result = evolve(tmp_path, COMPONENTS.replace("LIMIT", "u < 4000 and v < 4000"))
    assert result["templates"]["matches"][0]["template"] == "connected components"
    substituted = result["candidates"][1]
    assert substituted["family"] == "template:connected_components"
    assert substituted["verdict"] == "wrong", substituted


GREEDY_COLOURING = """
import numpy as np

from parevo_lab.suite.graphs import rmat

SIZES = {"check": 300, "bench": 20_000}


def make_inputs(size, rng):
    return rmat(size, 8 * size, rng, 0.57, 0.19, 0.19)


def reference(row_ptr, col):
    n = row_ptr.shape[0] - 1
    colour = np.zeros(n, np.int64)
    used = np.full(n + 1, -1, np.int64)
    for v in range(ORDER):
        for j in range(row_ptr[v], row_ptr[v + 1]):
            u = col[j]
            if u < v:  # LOWER
                used[colour[u]] = v
        c = 0
        while used[c] == v:
            c += 1
        colour[v] = c
    return colour
"""


def test_a_greedy_colouring_gets_the_exact_parallel_greedy_and_it_is_right(tmp_path):
    result = evolve(tmp_path, GREEDY_COLOURING.replace("ORDER", "n"))
    assert result["templates"]["matches"] == [
        {"template": "greedy colouring", "convention": "first", "exact": True}
    ]
    substituted = result["candidates"][1]
    assert substituted["family"] == "template:greedy_colouring"
    assert substituted["verdict"] == "ok", substituted["summary"]


def test_a_colouring_in_another_order_gets_no_exact_greedy(tmp_path):
    # the same first-fit greedy over the ids from the top down: a proper colouring, not the
    # one the parallel greedy returns; nothing else fits either
    reverse = GREEDY_COLOURING.replace("ORDER", "n - 1, -1, -1").replace(
        "u < v:  # LOWER", "u > v:"
    )
    result = evolve(tmp_path, reverse)
    assert result["templates"]["matches"] == []
    assert all(not c["family"].startswith("template") for c in result["candidates"])


KTH = (suite.TASKS / "pareval" / "41_sort_k-th_smallest_element.py").read_text()


def test_a_quickselect_gets_the_radix_selection_and_it_is_right(tmp_path):
    small = KTH.replace('"bench": 6_600_000', '"bench": 200_000').replace("(x, k)", "(keys, k)")
    small = small.replace("x.copy()", "keys.copy()").replace("x.shape[0]", "keys.shape[0]")
    assert "200_000" in small and "keys.copy()" in small  # the suite file still reads so
    result, substituted = substituted_right(tmp_path, small, "k-th smallest", "rank=from 1")
    with Store(tmp_path / "run" / "run.sqlite") as store:
        row = store.candidate(result["run"], substituted["id"])
        code = store.kernel_source(row["source_hash"])
    assert "P.kth_smallest(keys, k - 1)" in code


def test_outputs_that_fit_no_template_get_no_proposal_and_say_why(tmp_path):
    labels_plus_one = COMPONENTS.replace(" and LIMIT", "").replace(
        "    return labels", "    return labels + 1"
    )
    result = evolve(tmp_path, labels_plus_one)
    assert result["templates"]["matches"] == []
    assert "fit no template" in result["templates"]["note"]
    assert all(not c["family"].startswith("template") for c in result["candidates"])


def test_an_any_answer_template_waits_for_a_task_that_has_its_own_check(tmp_path):
    path = tmp_path / "t.py"
    path.write_text(COMPONENTS.replace(" and LIMIT", ""))
    behaviour = {
        "inputs": {"indptr": 0, "indices": 1, "source": None, "symmetric": True},
        "matches": [{"template": "spanning forest", "convention": "valid", "exact": False}],
        "check": False,
        "dtype": "int64",
        "note": "",
    }
    context = Context(load_task(path), [], random.Random(0), {}, behaviour)
    signature = RulesGenerator().signature(context.task)
    assert list(substitute.proposals(signature, context)) == []
    assert "compares exactly" in substitute.note(context)
    context.behaviour = {**behaviour, "check": True}
    (proposal,) = substitute.proposals(signature, context)
    assert "P.spanning_forest(row_ptr, col)" in proposal.source
    assert "an answer the task's check accepts" in proposal.label


KCORE = (suite.TASKS / "irregular" / "kcore.py").read_text()


def test_a_bucket_peeling_gets_the_core_numbers_primitive_and_it_is_right(tmp_path):
    small = KCORE.replace('"bench": 250_000', '"bench": 20_000').replace("indices", "adj")
    assert "20_000" in small  # the suite file still reads so
    substituted_right(tmp_path, small, "core numbers", "exact")
