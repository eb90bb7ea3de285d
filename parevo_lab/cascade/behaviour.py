"""What the reference's outputs look like (runs in the sandboxed child, after verification, when
the job asks: the engine asks for the seed, the reference as a kernel).

The reference's outputs on the verification inputs it already made (the check size, every check
seed, and the edge sizes from 5 up, first seed) are shown to each template of
``parevo_lab.primitives.templates``: a template whose test holds on all of them, with one
convention, is a match the rule generator may turn into a candidate. A reference that writes
into its arguments matches nothing (a primitive returns its answer), nor does a task whose inputs
hold no CSR graph, linked list, adjacency matrix or values with a rank: the result says why, in
one line, for the run's notes.
"""

from __future__ import annotations

import numpy as np

from ..primitives import templates
from ..task import CHECK_SEEDS, EDGE_SEEDS

PROBE_SIZES = (5, 8, 17)  # edge sizes probed besides the check size (smaller ones tell little)


def probe(session, cases) -> dict:
    """``{"inputs": where the graph lies or None, "matches": [...], "check": whether the task
    has its own check, "dtype": the output's dtype, "note": why nothing matched}``."""
    probes = [cases.check[seed] for seed in CHECK_SEEDS]
    probes += [
        cases.edges[size, EDGE_SEEDS[0]]
        for size in PROBE_SIZES
        if (size, EDGE_SEEDS[0]) in cases.edges
    ]
    found = {
        "inputs": None,
        "matches": [],
        "check": getattr(session.task, "check", None) is not None,
        "dtype": None,
        "note": "",
    }
    outputs = []
    for args, (value, after) in probes:
        if any(
            isinstance(a, np.ndarray) and not np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
            for a, b in zip(args, after, strict=False)
        ):
            found["note"] = "the reference writes into its arguments: no template returns those"
            return found
        outputs.append((args, value))
    value = outputs[0][1] if outputs else None
    if isinstance(value, np.ndarray):
        found["dtype"] = str(value.dtype)
    try:
        where, held = templates.matches(outputs)
    except Exception as exc:  # noqa: BLE001 - a test that trips on an odd output is no match
        found["note"] = f"the templates' tests failed: {type(exc).__name__}: {exc}"
        return found
    found["inputs"], found["matches"] = where, held
    if where is None:
        found["note"] = (
            "no argument pair is a CSR graph (indptr, indices), no argument a linked list "
            "(next), a square integer matrix (an adjacency matrix) or an array of values with "
            "an integer rank after it: no template applies"
        )
    elif not held:
        found["note"] = (
            "the reference's outputs fit no template ("
            + ", ".join(t.name for t in templates.TEMPLATES)
            + ")"
        )
    return found
