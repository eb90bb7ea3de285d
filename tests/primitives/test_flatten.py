"""flatten: selected CSR segments concatenated, against a plain numpy reference."""

import numba
import numpy as np
import pytest

from parevo_lab.primitives import flatten


def reference(offsets, values, selected):
    parts = [values[offsets[s] : offsets[s + 1]] for s in selected]
    lengths = [len(p) for p in parts]
    flat = np.concatenate(parts) if parts else values[:0]
    return np.concatenate(([0], np.cumsum(lengths))).astype(np.int64), flat


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("k", [0, 1, 7, 3000])
def test_flatten_matches_reference(threads, k):
    rng = np.random.default_rng(k)
    lengths = np.minimum(rng.zipf(1.6, 2000), 300) * (rng.random(2000) > 0.1)  # some empty
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    values = rng.random(offsets[-1])
    selected = rng.integers(0, 2000, k).astype(np.int64)  # repeats allowed
    numba.set_num_threads(threads)
    new_offsets, flat = flatten(offsets, values, selected)
    expected_offsets, expected = reference(offsets, values, selected)
    np.testing.assert_array_equal(new_offsets, expected_offsets)
    np.testing.assert_array_equal(flat, expected)


def test_flatten_of_no_values_and_bad_ids():
    offsets = np.zeros(4, np.int64)
    new_offsets, flat = flatten(offsets, np.zeros(0), np.array([0, 2], np.int64))
    assert new_offsets.tolist() == [0, 0, 0] and flat.size == 0
    with pytest.raises(ValueError, match="outside"):
        flatten(offsets, np.zeros(0), np.array([3], np.int64))
