"""A task whose reference is not a def (an alias of numpy's sort): nothing the audit can mutate."""

import numpy as np


def make_inputs(size, rng):
    return (rng.random(size),)


reference = np.sort
