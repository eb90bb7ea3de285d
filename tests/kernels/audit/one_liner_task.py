"""A task whose reference is one call: the audit can only try constant and input answers."""

import numpy as np


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    return np.sort(x)
