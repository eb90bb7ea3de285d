"""A problem with many valid answers: any index of a maximum element. `check` decides."""

SIZES = {"check": 400, "bench": 40_000}


def make_inputs(size, rng):
    return (rng.integers(0, 5, size),)


def reference(x):
    best = 0
    for i in range(x.shape[0]):
        if x[i] > x[best]:
            best = i
    return best


def check(expected, actual, args):
    (x,) = args
    if x.shape[0] == 0:
        return
    assert 0 <= actual < x.shape[0], f"index {actual} is outside the array"
    assert x[actual] == x[expected], f"x[{actual}] = {x[actual]} is not the maximum {x[expected]}"
