"""The catalogue of loop transformations, and the renderer that turns a plan into a candidate.

A *plan* names, for some loops of the reference (``L<line>``), a strategy, plus tuning knobs.
``render(task_source, plan)`` rewrites the reference's AST accordingly and returns a complete
candidate module defining ``kernel``. Strategies:

- ``prange``         the loop becomes ``numba.prange``; numba makes its scalar reductions. A
                     loop over ``range(lo, hi, step)`` whose arrays stay in each iteration's
                     stride (an FFT stage) becomes a prange over its iteration numbers.
- ``privatise``      the iterations are split into blocks, each updating a private copy of the
                     arrays they update at shared indices (a histogram's bins); then a merge.
- ``blocks``         explicit blocks, each folding its own partial of every reduction; the
                     partials are then combined in order (for ``^ | &``, which prange refuses).
- ``scan``           a running value that the loop also reads (a prefix sum, a pack's cursor):
                     a two-pass blocked scan (block totals, their exclusive scan, then each block
                     redone from its offset).
- ``double_buffer``  a loop reading ``a[i+c]`` ahead of writing ``a[i]`` reads a copy instead.
- ``search``         a loop that can ``return``/``break``: its first exit found in rounds of
                     parallel blocks (each block counts its exits in a vectorisable loop, then
                     scans for the first; the rounds stop at the first block with one), then
                     that iteration run serially (``search.py``).
- ``select``         ``if e < key: key = e; where = i`` (an argmin): each block selects from the
                     start values, the blocks' choices are combined in order with the same test
                     (so ties keep the iteration the sequential loop keeps).
- ``primitive``      a loop that is exactly a histogram, a running sum/max/min stored per element
                     or a pack becomes a call to ``parevo_lab.primitives`` (histogram,
                     bincount_weights, inclusive_scan/exclusive_scan, pack), its inputs computed
                     by a prange loop first.
- ``merge``          a ``while`` loop merging two sorted arrays with two cursors is split at keys
                     into parts, each merged alone (``merge.py``).
- ``maxplus``        a running value under ``+`` and ``max`` (or ``min``) steps and the bests
                     it feeds (Kadane's maximum subarray): each block is two values per name,
                     computed in parallel and combined in order (``maxplus.py``).
- ``fission``        a loop whose body starts with independent work and ends with a carried
                     part is split: the head runs as a prange loop (its values kept in arrays),
                     the tail stays serial.

Knobs: ``fastmath`` (bool), ``error_model`` ("python" or "numpy"), ``blocks`` (blocks per thread
for the blocked strategies), ``unsigned_index`` (off by default; a list of loop ids, or True for
every loop): inside those generated parallel loops an index is cast to ``np.uint64`` wherever
numba would check it for a negative value to wrap around. The generator turns it on for a loop
only when the parent's compiled view (``parevo_lab.cascade.codegen``) found a signed index
wraparound in it, so the code keeps plain indices where the compiler needed no cast. That check (a compare and a select per access) keeps LLVM from vectorising
and lengthens a gather's or a scatter's loop: measured here at one thread on arrays in the caches,
the casts made a 3-point stencil over ``prange(1, n - 1)`` 6x faster, one over ``prange(n)``
reading ``x[i - 1]`` 3.8x, a histogram's ``counts[keys[k]] += 1`` 1.2x and a CSR row's
``for k in range(indptr[i], indptr[i + 1]): s += x[indices[k]]`` 1.3x. No cast where numba or
LLVM already knows that the index is not negative: a constant or a slice; the bare variable of
``prange(n)`` (numba's parfor index is unsigned: a map runs as fast without the casts); ``j``,
``j + c`` or ``j - c`` for the variable ``j`` of a ``range(m)`` loop counting from 0 (LLVM's
induction analysis drops the check; casting ``j - 1`` and ``j + 1`` alone made a 2-d stencil
20-30% slower). Casting a loop variable once instead is not the same: ``np.uint64(i) - 1`` is
signed again. On the suite's maps and stencils this rule measured as fast as casting every
computed index (the earlier rule; ``benchmarks/unsigned_index.py``, one thread: old/new 0.96-1.02
in the caches, geometric mean 1.00 at the bench sizes), where no casts at all ran up to 1.2x
slower (edge detection, game of life, the 3-point stencil). A reference that *relies* on
``x[-1]`` meaning the last element (with a computed index) then reads out of bounds: the verifier
says so, and the repair turns the knob off.

The package, bottom to top: ``plan`` (strategies' names, knobs, ``Plan``, ``valid``, ``label``,
``RenderError``) and ``tidy`` (what makes a kernel read as a person would write it: plain names,
no dead temporaries, sorted imports, ``ruff format``'s layout), ``codegen`` (helpers for building
code), ``strategies`` (one transformation per strategy), ``render`` (the candidate module); this
module re-exports their public names.
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
from .schedules import row_of, row_pointer

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
    "row_of",
    "row_pointer",
    "unsigned_indices",
    "valid",
]
