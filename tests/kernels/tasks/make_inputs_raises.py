def make_inputs(size, rng):
    raise RuntimeError("the data set is missing")


def reference(x):
    return x
