"""The primitives next to numpy and to serial numba, measured side by side.

    python benchmarks/primitives.py [--n 10000000] [--vertices 1000000] [--threads 2]

Each row: the primitive at `--threads`, its numpy equivalent, and the same function compiled
serially (prange as range). Ratios > 1 mean ours is faster. Targets (issue 4): no primitive
slower than numpy; >= 1.5x over serial numba for the compute-bound ones; the integer sort faster
than np.sort on int64 keys below 2^32. Every ratio is printed as measured, met or not.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

for _pool in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_pool, "1")  # numpy's own pools must not spin while numba runs

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**7)
    parser.add_argument("--vertices", type=int, default=10**6)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    import _primitives_arrays
    import _primitives_graph
    import numba

    print(
        f"{os.cpu_count()} CPUs; numba {numba.__version__}, {numba.config.NUMBA_NUM_THREADS} "
        f"threads in the pool, timing at {args.threads}; arrays n={args.n}, "
        f"graphs {args.vertices} vertices (power-law)\n"
    )
    header = f"{'primitive':<28} {'ours':>10} {'numpy':>10} {'serial':>10} {'vs numpy':>9} {'vs serial':>9}"
    print(header)
    print("-" * len(header))
    import itertools

    rows = itertools.chain(  # printed as each is measured
        _primitives_arrays.rows(n=args.n, threads=args.threads),
        _primitives_graph.rows(n=args.vertices, threads=args.threads),
    )
    slower = []
    for row in rows:
        ours, numpy_s, serial = row["parallel"], row.get("numpy"), row.get("serial")
        vs_numpy = f"{numpy_s / ours:8.2f}x" if numpy_s else f"{'-':>9}"
        vs_serial = f"{serial / ours:8.2f}x" if serial else f"{'-':>9}"
        numpy_text = f"{numpy_s * 1e3:8.2f}ms" if numpy_s else f"{'-':>10}"
        serial_text = f"{serial * 1e3:8.2f}ms" if serial else f"{'-':>10}"
        print(
            f"{row['primitive']:<28} {ours * 1e3:8.2f}ms {numpy_text} {serial_text} {vs_numpy} {vs_serial}",
            flush=True,
        )
        if numpy_s and numpy_s < ours:
            slower.append(row["primitive"])
    print()
    print("slower than numpy: " + (", ".join(slower) if slower else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
