"""Index of the last short book (ParEval 35, search_search_for_last_struct_by_key).

ParEval's books are structs {title, pages}; return the index of the last book with fewer than
100 pages. We pass the books as a struct of arrays, and since the titles are never read, only the
`pages` array (int32, C's int) is passed. Not found (no short book, or no book at all): -1.

Inputs: every book has 100 to 1000 pages (100 is not short), then 0 to 3 short books (1 to 99
pages) are placed in the first quarter (ParEval's benchmark input has exactly one there), so a
search from the end reads at least three quarters of the array (all of it when there is none). The reference
searches backwards and stops at the first hit: the good serial algorithm for "last".

- Bench size: 1.25e8 books (500 MB of pages) make the serial numba reference take about 54 ms.
  The pure-Python reference reads three quarters to all of them at roughly 0.1 us a book, an
  estimated 9-13 s: around the profile's 10 s cap for it, so vs_python is measured only when a
  run stays under the cap.
"""

import numpy as np

CATEGORY = "search"
SIZES = {"check": 1000, "bench": 125_000_000}


def make_inputs(size, rng):
    pages = rng.integers(100, 1001, size, dtype=np.int32)
    short = int(rng.integers(0, 4)) if size else 0
    where = rng.integers(0, max(1, size // 4), short)
    pages[where] = rng.integers(1, 100, short)
    return (pages,)


def reference(pages):
    for i in range(pages.shape[0] - 1, -1, -1):
        if pages[i] < 100:
            return i
    return -1
