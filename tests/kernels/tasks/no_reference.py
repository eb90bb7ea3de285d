def make_inputs(size, rng):
    return (rng.random(size),)
