"""A labelled corpus for the compiled view (tests/cascade/test_compiled.py): small loops that LLVM
vectorises, and loops it does not, one for each reason the view names.

Labels are comments: ``# expect: STATUS`` on a loop's line (the loop the view must report there,
and its status), ``# finding: CODE`` on the line a finding must point at. ``# also: CODE`` on a
loop's line allows a finding without a line (LLVM said it at numba's own lines). OPTIONS holds a
function's numba options, ARGS its arguments. Measured with numba 0.68 / LLVM 20 (llvmlite 0.50)
on x86-64 with AVX-512; ``scalar_math`` holds where numba has no SVML.
"""

import numba
import numpy as np


def contiguous_map(x):
    out = np.empty_like(x)
    for i in numba.prange(x.shape[0]):  # expect: vectorised
        out[i] = max(x[i], 0.0)
    return out


def map_from_zero(x):
    out = np.empty_like(x)
    for i in numba.prange(0, x.shape[0]):  # expect: vectorised
        out[i] = max(x[i], 0.0)  # finding: wraparound
    return out


def stencil(x):
    out = np.zeros_like(x)
    for i in numba.prange(1, x.shape[0]):  # expect: vectorised
        out[i] = x[i] - x[i - 1]  # finding: wraparound
    return out


def shifted_stencil(x):
    n = x.shape[0]
    out = np.zeros_like(x)
    for j in numba.prange(n - 2):  # expect: vectorised
        out[j + 1] = (x[j] + x[j + 1] + x[j + 2]) / 3.0  # finding: wraparound
    return out


def float_sum(x):
    s = 0.0
    for i in numba.prange(x.shape[0]):  # expect: not_vectorised
        s += x[i] * x[i]  # finding: float_reduction
    return s


def float_sum_fastmath(x):
    s = 0.0
    for i in numba.prange(x.shape[0]):  # expect: vectorised
        s += x[i] * x[i]
    return s


def int_sum(k):
    s = 0
    for i in numba.prange(k.shape[0]):  # expect: vectorised
        s += k[i]
    return s


def histogram(keys, bins):
    counts = np.zeros(bins)  # expect: no_loop
    for i in numba.prange(keys.shape[0]):  # expect: not_vectorised
        counts[keys[i]] += 1.0  # finding: indirect_dependence, wraparound
    return counts


def csr_row_sums(indptr, indices, weights):
    n = indptr.shape[0] - 1
    out = np.empty(n)
    for v in numba.prange(n):
        s = 0.0
        for e in range(indptr[v], indptr[v + 1]):  # expect: not_vectorised
            s += weights[indices[e]]  # finding: float_reduction, wraparound
        out[v] = s
    return out


def blocked_prefix(x):
    out = np.empty_like(x)
    half = x.shape[0] // 2
    for b in numba.prange(2):
        acc = 0.0
        for i in range(b * half, (b + 1) * half):  # expect: not_vectorised # finding: carried_value
            acc += x[i]  # finding: wraparound
            out[i] = acc
    return out


def sines(x):
    out = np.empty_like(x)
    for i in numba.prange(x.shape[0]):  # expect: vectorised
        out[i] = np.sin(x[i])  # finding: scalar_math
    return out


def column(m):
    out = np.empty(m.shape[0])
    col = m[:, 1]
    for i in numba.prange(m.shape[0]):  # expect: vectorised
        out[i] = col[i] * 2.0  # finding: gather
    return out


def halvings(x):
    out = np.empty(x.shape[0], dtype=np.int64)
    for i in numba.prange(x.shape[0]):
        k = 0
        v = x[i]
        while v > 1e-3:  # expect: not_vectorised # finding: trip_count # also: carried_value
            v = v * 0.5
            k += 1
        out[i] = k
    return out


def checked_roots(x):
    out = np.empty_like(x)
    for i in numba.prange(x.shape[0]):  # expect: not_vectorised # also: call
        if x[i] < 0.0:  # finding: control_flow, exception_path
            raise ValueError("negative input")
        out[i] = np.sqrt(x[i])
    return out


def array_expression(x):
    return x * 2.0 + 1.0  # expect: vectorised


def block_argmax(x):
    best = np.empty(2, dtype=np.int64)
    half = x.shape[0] // 2
    for b in numba.prange(2):
        m = -1.0
        k = 0
        for i in range(b * half, (b + 1) * half):  # expect: not_vectorised # finding: carried_value
            if x[i] > m:  # finding: wraparound
                m = x[i]
                k = i
        best[b] = k
    return best


OPTIONS = {"float_sum_fastmath": {"fastmath": True}}


def ARGS(name):
    rng = np.random.default_rng(0)
    x = rng.random(256)
    keys = rng.integers(0, 16, 256)
    indptr = np.arange(0, 257, dtype=np.int64)
    return {
        "contiguous_map": (x,),
        "map_from_zero": (x,),
        "stencil": (x,),
        "shifted_stencil": (x,),
        "float_sum": (x,),
        "float_sum_fastmath": (x,),
        "int_sum": (keys,),
        "histogram": (keys, 16),
        "csr_row_sums": (indptr, np.arange(256, dtype=np.int64), x),
        "blocked_prefix": (x,),
        "sines": (x,),
        "column": (rng.random((64, 3)),),
        "halvings": (x,),
        "checked_roots": (x,),
        "array_expression": (x,),
        "block_argmax": (x,),
    }[name]
