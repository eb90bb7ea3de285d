"""Index of the last short book (ParEval 35, search_search_for_last_struct_by_key).

ParEval's books are structs {title, pages}; return the index of the last book with fewer than
100 pages. We pass the books as a struct of arrays, and since the titles are never read, only the
`pages` array (int32, C's int) is passed. Not found (no short book, or no book at all): -1.
ParEval's findLastShortBook returns a size_t and says "not found" with books.size(); a Python
index has -1 for that.

Inputs: every book has 100 to 1000 pages (100 is not short). Where the short books (1 to 99
pages) are is one of four classes, drawn after the pages, so that it depends on the size as well
as on the seed: only the first book is short (answer 0); the last one is, plus up to two more
anywhere (answer n - 1); one to three anywhere; none (answer -1). Below the bench size the four
are equally likely; at the bench size only "first" and "none", so that the timed run makes a
search from the end read the whole array. The verifier's cases at the suite's sizes: check size
1000, seeds 0, 1, 2: answer 0 (the first book), -1 (none), 999 (the last, with short books at 96
and 809 too); edge sizes 1, 2, 3, 17: answers 0, 0, 2, 0; large size 6,647,870, seeds 1, 2:
answer 0 (the first book only), 4,288,882 (short books at 692,316 and 4,152,111 too); bench
size: none. So a kernel that searches
only one half of the array, or returns a fixed answer, fails; re-check this when changing SIZES.
ParEval's benchmark input has exactly one short book, in the first quarter. The reference
searches backwards and stops at the first hit: the good serial algorithm for "last".

- Bench size: 1.25e8 books (500 MB of pages), none short at seed 0, make the serial numba
  reference read them all, about 55-75 ms here (ParEval's size: 2^21). The pure-Python
  reference reads them at roughly 0.08-0.1 us a book, an estimated 10-13 s: around the
  profile's 10 s cap for it, so vs_python is measured only when a run stays under the cap.
"""

import numpy as np

CATEGORY = "search"
SIZES = {"check": 1000, "bench": 125_000_000}

ANYWHERE, LAST, FIRST, NONE = range(4)  # where the short books are (the order is arbitrary)


def make_inputs(size, rng):
    pages = rng.integers(100, 1001, size, dtype=np.int32)
    if size == 0:
        return (pages,)
    # Drawn after the pages, so the class depends on the size as well as on the seed.
    if size < SIZES["bench"]:
        kind = int(rng.integers(0, 4))
    else:  # the timed input: a search from the end reads the whole array
        kind = (FIRST, NONE)[int(rng.integers(0, 2))]
    if kind == FIRST:
        pages[0] = rng.integers(1, 100)
    elif kind == LAST:
        extra = int(rng.integers(0, 3))
        pages[rng.integers(0, size, extra)] = rng.integers(1, 100, extra)
        pages[size - 1] = rng.integers(1, 100)
    elif kind == ANYWHERE:
        count = int(rng.integers(1, 4))
        pages[rng.integers(0, size, count)] = rng.integers(1, 100, count)
    return (pages,)


def reference(pages):
    for i in range(pages.shape[0] - 1, -1, -1):
        if pages[i] < 100:
            return i
    return -1
