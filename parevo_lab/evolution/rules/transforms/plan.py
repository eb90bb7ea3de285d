"""What to transform: a plan (the loops' strategies and the tuning knobs), its validity, labels.

The bottom of the ``transforms`` package: the names of the strategies, the knobs' defaults, the
``Plan`` a candidate carries as its genome, ``valid`` (can the plan be rendered for an analysis),
``RenderError`` (it cannot), and ``label`` (a person's description of one move). The package's
docstring describes the strategies and the knobs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..analysis import Analysis, LoopFacts

STRATEGIES = (
    "prange",
    "privatise",
    "blocks",
    "scan",
    "double_buffer",
    "search",
    "select",
    "primitive",
    "fission",
    "merge",
    "maxplus",
)
DEFAULT_KNOBS = {
    "fastmath": False,
    "error_model": "python",
    "blocks": 1,
    # np.uint64 casts of computed indices: False (none), a list of loop ids (those loops: the
    # move the compiled view asks for where it finds a signed index wraparound), True (every
    # parallel loop: the earlier default, kept for stored plans)
    "unsigned_index": False,
    "parallel_sort": False,  # np.sort / np.argsort of a 1-d array by the primitives' radix sort
    # prange loops whose iterations are dealt out cyclically (iteration i to part i mod 8P, the
    # parts in one prange): a list of loop ids. For work that grows or clusters along the
    # iteration space (the static schedule's imbalance), which no threading layer but TBB
    # balances by itself (numba.set_parallel_chunksize)
    "interleave": False,
    # prange loops over CSR rows cut into runs of equal edges (balanced_bounds: a binary search
    # over the row pointers), one run per prange iteration, 8 per thread: a list of loop ids.
    # For skewed degrees, where the static schedule's equal vertex counts are unequal work
    "balance": False,
    # prange loops under numba's dynamic schedule: chunks of about n / 16P iterations handed to
    # whichever thread is free (numba.set_parallel_chunksize, which the sandbox honours by running
    # the kernel under TBB): a list of loop ids. For uneven work a static split cannot foresee
    "dynamic": False,
}


class RenderError(Exception):
    """The plan cannot be rendered (a missing type, an unknown loop): not a candidate."""


@dataclass
class Plan:
    loops: dict[str, str] = field(default_factory=dict)  # loop id -> strategy (absent: serial)
    knobs: dict = field(default_factory=dict)

    def knob(self, name):
        return self.knobs.get(name, DEFAULT_KNOBS[name])

    def to_dict(self) -> dict:
        return {
            "loops": dict(sorted(self.loops.items())),
            "knobs": dict(sorted(self.knobs.items())),
        }

    def key(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict | None) -> Plan:
        data = data or {}
        return cls(loops=dict(data.get("loops", {})), knobs=dict(data.get("knobs", {})))

    def with_knob(self, name: str, value) -> Plan:
        """This plan with knob ``name`` set to ``value`` (dropped when that is its default)."""
        knobs = {**self.knobs, name: value}
        if knobs[name] == DEFAULT_KNOBS[name]:
            del knobs[name]
        return Plan(loops=dict(self.loops), knobs=knobs)

    def describe(self) -> str:
        parts = [f"{strategy} {loop}" for loop, strategy in sorted(self.loops.items())]
        parts += [f"{k}={v}" for k, v in sorted(self.knobs.items()) if v != DEFAULT_KNOBS[k]]
        return ", ".join(parts) or "serial"


def valid(analysis: Analysis, plan: Plan) -> str | None:
    """Why ``plan`` cannot be rendered for ``analysis``, or None when it can."""
    for loop_id, strategy in plan.loops.items():
        if loop_id not in analysis.loops:
            return f"no loop {loop_id}"
        if strategy not in STRATEGIES:
            return f"unknown strategy {strategy}"
        parent = analysis.loops[loop_id].parent
        while parent is not None:
            if parent in plan.loops:
                return f"{loop_id} is inside {parent}, which is parallel too"
            parent = analysis.loops[parent].parent
    return None


def label(loop: LoopFacts, strategy: str) -> str:
    """A person's description of applying ``strategy`` to ``loop``."""
    where = f"loop {loop.id} (`for {loop.var}`)"
    if strategy == "prange":
        reductions = ", ".join(f"{s} {op}" for s, op in loop.reductions.items())
        text = f"prange {where}" + (f" with reductions {reductions}" if reductions else "")
        if loop.scatters:
            text += f", trusting that the indices of {', '.join(loop.scatters)} never repeat"
        if loop.strided:
            text += (
                f" over its strides, trusting that each touches only its own block of "
                f"{', '.join(loop.strided)}"
            )
        return text
    if strategy == "maxplus":
        m = loop.maxplus or {}
        return (
            f"summarise the blocks of {where} in parallel: `{m.get('running')}` under "
            f"+/{m.get('op')} steps as two values per block, and {', '.join(m.get('best') or [])} "
            "from them, combined in order"
        )
    if strategy == "merge":
        m = loop.merge or {}
        return (
            f"split the merge {loop.id} of {m.get('a')} and {m.get('b')} at keys into parts "
            "merged in parallel, trusting that both are sorted"
        )
    if strategy == "privatise":
        return f"privatise {', '.join(loop.conflicts)} per block in {where}, then merge"
    if strategy == "blocks":
        return f"blocked reduction of {', '.join(loop.reductions)} in {where}"
    if strategy == "scan":
        return f"two-pass blocked scan of {', '.join(loop.scans)} in {where}"
    if strategy == "double_buffer":
        return f"double-buffer {', '.join(loop.ahead)} in {where}"
    if strategy == "search":
        return f"parallel search for the first exit of {where}"
    if strategy == "fission":
        split = loop.fission or {}
        return (
            f"split {where}: its first {split.get('head')} statement(s) in parallel, the rest "
            "serial"
        )
    if strategy == "primitive":
        pattern = loop.pattern or {}
        call = {
            "histogram": "histogram",
            "weighted_histogram": "bincount_weights",
            "scan": "exclusive_scan" if pattern.get("exclusive") else "inclusive_scan",
            "pack": "pack",
        }.get(pattern.get("kind"), "a primitive")
        return f"replace {where} by parevo_lab.primitives.{call}"
    if strategy == "select":
        group = loop.select or {}
        return f"blocked selection of {group.get('key')} (argmin-like) in {where}"
    return f"{strategy} {where}"
