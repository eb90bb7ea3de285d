"""Logical XOR of a boolean array (ParEval 25, reduce_xor).

x is a 1-d bool array; the answer is True when an odd number of its elements are True (the XOR of
all of them).

Decisions:
- An empty array gives False, the identity of XOR.
- C++'s vector<bool> packs eight values per byte; numpy's bool array (one byte per value) is the
  natural layout here, so the kernel reads 8x more memory than ParEval's for the same n.
- Inputs: each element is True with a probability drawn per input in [0.2, 0.8], so both answers
  occur.
- Bench size: the serial reference is a vectorised, memory-bound loop (about 10 ms for 128 MB),
  so no input under 1 GB keeps it busy for 50 ms; 2^27 values (128 MB) keep the pure-Python
  reference (about 0.1 us a value) near 15 s.
"""

CATEGORY = "reduce"
SIZES = {"check": 2000, "bench": 134_217_728}


def make_inputs(size, rng):
    return (rng.random(size) < rng.uniform(0.2, 0.8),)


def reference(x):
    odd = False
    for i in range(x.shape[0]):
        odd ^= x[i]
    return odd
