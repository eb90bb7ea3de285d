"""Every default a check, an audit or a run starts from, defined once, with the JSON Schema of a
run's settings (schema layer: imports nothing else of ours).

The CLI's flags, the notebook API and magics, the server's ``c.ParevoLab`` options, its request
schemas and the engine's ``Budget`` all read their defaults from here, so changing one changes
every road into the product. ``docs/architecture.md`` shows who reads what.
"""

from __future__ import annotations

# ---------------------------------------------------------------- one check of one candidate
TIMEOUT_S = 30.0  # seconds one call of the candidate may take (one phase of the sandbox child)
COMPILE_TIMEOUT_S = 180.0  # seconds numba may spend compiling (cold compiles can take long)
# seconds one sandbox child may live in all, whatever phases it reports: the child writes its own
# phase events, so a candidate could forge one after another to keep its deadline moving
JOB_TIMEOUT_S = 7200.0
MEMORY_MB = 8192  # address-space limit of the sandbox child
PROFILE_BUDGET_S = 1.0  # sampling seconds per configuration when profiling
PYTHON_CAP_S = 10.0  # longest call of the pure-Python reference timed for vs_python
MACHINE = "this"  # the machine profile speedups are projected to (cascade/scaling/machines.py)

# ---------------------------------------------------------------- the sandbox child's limits
# (besides MEMORY_MB and the timeouts; docs/security.md says what each one stops)
FILE_SIZE_MB = 256  # largest file the child may write (RLIMIT_FSIZE; past it: SIGXFSZ)
OPEN_FILES = 1024  # descriptors the child may hold open (RLIMIT_NOFILE)
# RLIMIT_NPROC counts every process and thread of the user, not of the child: the child may add
# this many to those its user runs when it starts (a fork bomb stops there; root is exempt)
PROCESS_MARGIN = 4096
CORES_LOCK_WAIT_S = 3600.0  # longest wait for the cores lock before giving up, naming its holder

# ---------------------------------------------------------------- an audit of a task
AUDIT_TIMEOUT_S = 10.0  # seconds one call of one mutant may take: a hang is a kill

# ---------------------------------------------------------------- an evolution run
GENERATOR = "rules"  # rules (offline) or llm (an OpenAI-compatible endpoint)
GENERATORS = ("rules", "llm")
EVALUATIONS = 16  # the run's budget: candidates evaluated, the seed's included
LARGE_BUDGET = 256  # evaluations beyond which a run is warned (CLI) or confirmed (panel)
SEED = 0  # seed of every random choice of the run
ISLANDS = 2  # islands of the population
LLM_TIMEOUT_S = 120.0  # seconds one model call may take
SERVER_THREADS = (1, 2)  # the server's thread counts (the CLI's default: 1, 2, 4, ... cores)
# A candidate that would become the best is first re-timed against the best, interleaved:
RETIME_BUDGET_S = 1.5  # seconds of interleaved timing (more when 8 rounds take longer)
RETIME_THRESHOLD = 1.0  # it becomes the best when its ratio's 95% interval lies above this

# ---------------------------------------------------------------- the Jupyter server's bounds
MAX_BODY_BYTES = 8 * 2**20  # a request body beyond this is a 413, refused before it is parsed
MAX_QUEUED = 32  # runs, checks and audits waiting for a free slot; one more is a 429
MAX_RUNS = 1000  # run folders the server keeps; starting one more is a 409 (DELETE old ones)
FEED_EVENTS = 10_000  # events a run's feed keeps for replay; an older client gets the whole state

TARGET_THREADS = (2, 4, 8, 16, 32, 64)  # what --target-threads takes: the projection's counts
#: A machine profile's name (a file of ~/.config/parevo_lab/machines, never a path).
MACHINE_NAME = {
    "type": "string",
    "pattern": "^[A-Za-z0-9_-]{1,64}$",
    "default": MACHINE,
    "description": "the machine profile speedups are projected onto: 'this' (this machine's, "
    "from its calibration) or a profile saved by `parevo calibrate --save NAME`",
}

_THREADS = {
    "type": "array",
    "items": {"type": "integer", "minimum": 1, "maximum": 1024},
    "minItems": 1,
    "maxItems": 16,
    "description": "thread counts to verify and time",
}

# The settings of a run as the REST API, the panel and the request file name them.
RUN_SETTINGS_SCHEMA: dict = {
    "generator": {"enum": list(GENERATORS), "default": GENERATOR},
    "budget": {
        "type": "integer",
        "minimum": 1,
        "maximum": 100_000,
        "default": EVALUATIONS,
        "description": "evaluations to spend, the seed's included",
    },
    "seed": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1, "default": SEED},
    "threads": {**_THREADS, "default": list(SERVER_THREADS)},
    "seconds": {"type": "number", "exclusiveMinimum": 0, "description": "wall-time budget"},
    "islands": {"type": "integer", "minimum": 1, "maximum": 64, "default": ISLANDS},
    "profile_budget": {
        "type": "number",
        "exclusiveMinimum": 0,
        "maximum": 60,
        "default": PROFILE_BUDGET_S,
        "description": "sampling seconds per configuration when profiling",
    },
    "timeout": {
        "type": "number",
        "exclusiveMinimum": 0,
        "maximum": 3600,
        "default": TIMEOUT_S,
        "description": "seconds one call of a candidate may take",
    },
    "base_url": {"type": "string", "pattern": "^https?://", "maxLength": 2000},
    "model": {"type": "string", "minLength": 1, "maxLength": 200},
    "target_threads": {
        "enum": list(TARGET_THREADS),
        "description": "rank correct candidates by their speedup at this thread count: measured "
        "within the cores of the machine that runs them, else projected onto the machine profile",
    },
    "machine": MACHINE_NAME,
}


def run_defaults() -> dict:
    """{setting: default} for the run settings that have one."""
    return {k: v["default"] for k, v in RUN_SETTINGS_SCHEMA.items() if "default" in v}
