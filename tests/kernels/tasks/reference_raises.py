import numpy as np


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    return x / np.zeros(3)[5]
