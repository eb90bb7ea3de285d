#!/usr/bin/env bash
# The projection checked against real runs on a many-core machine lent for minutes (issue 20):
# one call, everything it measures written under $OUT.
#
#   bash benchmarks/device_projection.sh [STOP_AFTER_S] [JOBS] [THREADS]
#   (env: TASKS="glob ..." a subset; PYTHON=...; NO_SITE=1 uses the installed numba)
#
# On that machine nothing can be installed: numba, llvmlite and numpy at the versions this
# package pins travel as a site folder for its Python 3.12 (the call carries .devsite/, ignored
# through .git/info/exclude; under the 64 MiB a call may carry once libllvmlite.so is stripped):
#   pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
#     --platform manylinux_2_28_x86_64 -d /tmp/w numba==0.68.1 llvmlite==0.50.0 numpy==2.4.6
#   mkdir /tmp/site312 && (cd /tmp/site312 && for w in /tmp/w/*.whl; do unzip -q "$w"; done)
#   strip --strip-unneeded /tmp/site312/llvmlite/binding/libllvmlite.so
#   rm -rf /tmp/site312/*/tests; tar cJf .devsite/site312.tar.xz -C /tmp site312
# What it does:
#   1. `parevo calibrate --save device` at THREADS: the machine profile, to project onto from
#      this 2-core machine afterwards ($OUT/device.json comes back);
#   2. benchmarks/projection.py --split: every expert kernel compiled, verified and replayed
#      (timed serial replay) in JOBS processes, then timed alone at THREADS with the machine
#      to itself, irregular kernels first, then ParEval's evens and odds (so that a run cut
#      by STOP_AFTER_S still covers every category). Rows are saved after each kernel.
set -uo pipefail
STOP_AFTER=${1:-420}
JOBS=${2:-14}
THREADS=${3:-1,2,4,8,16}
OUT=${OUT:-/tmp/parevo-device-out}
mkdir -p "$OUT"
cd "$(dirname "$0")/.."

if [ -f .devsite/site312.tar.xz ] && [ -z "${NO_SITE:-}" ]; then
  "${PYTHON:-python3}" -c 'import tarfile; tarfile.open(".devsite/site312.tar.xz").extractall("/tmp")' ||
    exit 3
  export PYTHONPATH=/tmp/site312
fi
export PAREVO_CACHE_DIR=/tmp/parevo-cache PAREVO_MACHINES="$OUT" PYTHONUNBUFFERED=1
PY=${PYTHON:-python3}
parevo() { "$PY" -c 'import sys; from parevo_lab.cli import entry; sys.exit(entry())' "$@"; }

{
  date -u +%FT%TZ
  nproc
  lscpu | grep -E 'Model name|^CPU\(s\)|Thread|Core|Socket|NUMA node|L3'
  free -g | head -2
  "$PY" - <<'EOF'
import sys, numba, numpy as np
from numba import njit, prange
@njit(parallel=True)
def f(x):
    s = 0.0
    for i in prange(x.size):
        s += x[i]
    return s
f(np.ones(1000))
print(sys.version.split()[0], "numba", numba.__version__, "numpy", np.__version__,
      "threads", numba.config.NUMBA_NUM_THREADS, "layer", numba.threading_layer())
EOF
} 2>&1 | tee "$OUT/machine.txt"

parevo calibrate --threads "$THREADS" --save device --json >"$OUT/calibrate.json" 2>"$OUT/calibrate.err"
echo "calibrate: exit $?"

read -r -a TASKS <<<"${TASKS:-irregular/* pareval/?[02468]_* pareval/?[13579]_*}"
"$PY" benchmarks/projection.py --split --jobs "$JOBS" --threads "$THREADS" --budget 0.2 \
  --stop-after "$STOP_AFTER" "${TASKS[@]/#/--tasks=}" --save "$OUT/rows.json" \
  2>"$OUT/progress.txt" | tee "$OUT/tables.md"
echo "projection.py: exit $?"
tail -3 "$OUT/progress.txt"
