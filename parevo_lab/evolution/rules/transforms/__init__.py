"""The catalogue of loop transformations, and the renderer that turns a plan into a candidate.

A *plan* names, for some loops of the reference (``L<line>``), a strategy, plus tuning knobs.
``render(task_source, plan)`` rewrites the reference's AST accordingly and returns a complete
candidate module defining ``kernel``. Strategies:

- ``prange``         the loop becomes ``numba.prange``; numba makes its scalar reductions.
- ``privatise``      the iterations are split into blocks, each updating a private copy of the
                     arrays they update at shared indices (a histogram's bins); then a merge.
- ``blocks``         explicit blocks, each folding its own partial of every reduction; the
                     partials are then combined in order (for ``^ | &``, which prange refuses).
- ``scan``           a running value that the loop also reads (a prefix sum, a pack's cursor):
                     a two-pass blocked scan (block totals, their exclusive scan, then each block
                     redone from its offset).
- ``double_buffer``  a loop reading ``a[i+c]`` ahead of writing ``a[i]`` reads a copy instead.
- ``search``         a loop that can ``return``/``break``: a parallel min (max, for a downward
                     loop) of the first iteration that exits, then that iteration, run serially.
- ``select``         ``if e < key: key = e; where = i`` (an argmin): each block selects from the
                     start values, the blocks' choices are combined in order with the same test
                     (so ties keep the iteration the sequential loop keeps).
- ``primitive``      a loop that is exactly a histogram, a running sum/max/min stored per element
                     or a pack becomes a call to ``parevo_lab.primitives`` (histogram,
                     bincount_weights, inclusive_scan/exclusive_scan, pack), its inputs computed
                     by a prange loop first.
- ``fission``        a loop whose body starts with independent work and ends with a carried
                     part is split: the head runs as a prange loop (its values kept in arrays),
                     the tail stays serial.

Knobs: ``fastmath`` (bool), ``error_model`` ("python" or "numpy"), ``blocks`` (blocks per thread
for the blocked strategies), ``unsigned_index`` (bool, on by default): inside the generated
parallel loops every computed index is cast to ``np.uint64``. numba wraps negative indices
around, and that check keeps LLVM from vectorising: measured on this machine, a ``prange(0, n)``
map ran 3.5x slower, a 3-point stencil over ``prange(1, n - 1)`` 4.7x slower and ``prange(0, n)``
ReLU 17x slower than with unsigned indices (``prange(n)`` alone is spared). A reference that
*relies* on ``x[-1]`` meaning the last element (with a computed index) then reads out of bounds:
the verifier says so, and the repair turns the knob off.

The package, bottom to top: ``plan`` (strategies' names, knobs, ``Plan``, ``valid``, ``label``,
``RenderError``), ``codegen`` (helpers for building code), ``strategies`` (one transformation per
strategy), ``render`` (the candidate module); this module re-exports their public names.
"""

from ..analysis import ASSOCIATIVE
from .codegen import IDENTITY, array_ndim, numpy_dtype
from .plan import DEFAULT_KNOBS, STRATEGIES, Plan, RenderError, label, valid
from .render import (
    PRIMITIVES_IMPORT,
    SORT_PRIMITIVES,
    parallel_sorts,
    render,
    render_with_spans,
    unsigned_indices,
)

__all__ = [
    "ASSOCIATIVE",
    "DEFAULT_KNOBS",
    "IDENTITY",
    "PRIMITIVES_IMPORT",
    "Plan",
    "RenderError",
    "SORT_PRIMITIVES",
    "STRATEGIES",
    "array_ndim",
    "label",
    "numpy_dtype",
    "parallel_sorts",
    "render",
    "render_with_spans",
    "unsigned_indices",
    "valid",
]
