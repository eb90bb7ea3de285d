"""Fuzzing with hypothesis: task files, candidate sources and REST bodies of every shape get a
clear one-line error (TaskError, a CompileError, a 4xx naming the problem), never a traceback,
a 500 or a hang.

The REST tests talk to a real `jupyter server` process. Under CI=true the examples are drawn
from a fixed seed (``derandomize``), so a failure there is reproducible; locally each run draws
new ones. ``--hypothesis-show-statistics`` prints how many inputs each test tried.
"""

import json
import os
import re
import string
import urllib.parse

import pytest
from conftest import KERNELS
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jupyter_process import JupyterServer

from parevo_lab.kernel import Kernel
from parevo_lab.results import CompileError
from parevo_lab.task import Task, TaskError, load_task

pytestmark = pytest.mark.timeout(600)

FUZZ = settings(
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TASK = (KERNELS / "scale_task.py").read_text()
GOOD = (KERNELS / "good.py").read_text()

# -- task files -------------------------------------------------------------------------------

PIECES = [
    "import numpy as np\n",
    'SIZES = {"check": 200, "bench": 50_000}\n',
    "def make_inputs(size, rng):\n    return (rng.random(size),)\n",
    "def reference(x):\n    return 2.0 * x\n",
    "def check(expected, actual, args):\n    return True\n",
    "make_inputs = 3\n",
    "reference = lambda x: x\n",
    "def make_inputs(size):\n    return ()\n",
    "async def reference(x):\n    return x\n",
    "class reference:\n    pass\n",
    "SIZES: dict\n",
    "SIZES += {}\n",
    "import SIZES\n",
    "def SIZES():\n    pass\n",
]
SIZES_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=8)
    | st.binary(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["check", "bench", "other", ""]), inner, max_size=3)
        | st.tuples(inner, inner)
        | st.frozensets(st.integers(), max_size=2)
    ),
    max_leaves=8,
)


@st.composite
def task_sources(draw):
    kind = draw(st.sampled_from(["pieces", "sizes", "mutated", "text", "nested"]))
    if kind == "pieces":
        return "".join(draw(st.lists(st.sampled_from(PIECES), max_size=8)))
    if kind == "sizes":
        return TASK.replace('{"check": 200, "bench": 50_000}', repr(draw(SIZES_VALUES)))
    if kind == "mutated":  # a valid task with a slice cut out and junk put in its place
        start = draw(st.integers(0, len(TASK)))
        stop = draw(st.integers(start, min(len(TASK), start + 40)))
        junk = draw(st.text(alphabet=string.printable + "\x00\u00e9\u2028\ud7ff", max_size=6))
        return TASK[:start] + junk + TASK[stop:]
    if kind == "nested":  # deep nesting and long chains, what breaks recursive parsers
        depth = draw(st.integers(50, 100_000))
        shape = draw(st.sampled_from(["-", "not ", "[]", "()", "1+", "a."]))
        if shape in ("1+", "a."):  # a chain: 1+1+...+1, a.a.a...a
            expression = shape * depth + shape[0]
        else:
            expression = shape[0] * depth + "1" + shape[1:] * depth
        return TASK + f"\nSIZES = {expression}\n"
    return draw(st.text(max_size=300))


def _one_line(message: str) -> bool:
    return bool(message) and "\n" not in message and "Traceback" not in message


@settings(FUZZ, max_examples=400)
@given(source=task_sources())
def test_any_task_file_loads_or_gets_one_clear_line(tmp_path_factory, source):
    path = tmp_path_factory.mktemp("task") / "task.py"
    try:
        path.write_text(source, encoding="utf-8", errors="surrogatepass")
    except UnicodeEncodeError:
        assume(False)
    try:
        task = load_task(path)
    except TaskError as exc:
        assert _one_line(str(exc)), repr(str(exc))
        assert str(path) in str(exc)
    else:
        assert isinstance(task, Task) and task.sizes["check"] >= 1 and task.sizes["bench"] >= 1


@settings(FUZZ, max_examples=150)
@given(data=st.binary(max_size=200))
def test_any_bytes_as_a_task_file_get_one_clear_line(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("task") / "task.py"
    path.write_bytes(data)
    try:
        load_task(path)
    except TaskError as exc:
        assert _one_line(str(exc)), repr(str(exc))


# -- candidate sources --------------------------------------------------------------------------


@st.composite
def candidate_sources(draw):
    kind = draw(st.sampled_from(["mutated", "text", "nested"]))
    if kind == "mutated":
        start = draw(st.integers(0, len(GOOD)))
        stop = draw(st.integers(start, min(len(GOOD), start + 30)))
        return GOOD[:start] + draw(st.text(max_size=6)) + GOOD[stop:]
    if kind == "nested":
        shape = draw(st.sampled_from(["-", "1+"]))
        return GOOD + "\nx = " + shape * draw(st.integers(100, 100_000)) + "1\n"
    return draw(st.text(max_size=300))


@settings(FUZZ, max_examples=300)
@given(source=candidate_sources(), function=st.sampled_from(["kernel", "undecorated", "nope"]))
def test_any_candidate_source_is_judged_before_the_sandbox_or_passed_on(source, function):
    """The parent's static look (syntax, the function's presence) never raises: it names the
    problem as a compile error with a line, or leaves the candidate to the sandbox."""
    problem = Kernel(source=source, function=function).static_problem()
    if problem is not None:
        assert isinstance(problem, CompileError)
        assert _one_line(problem.summary), repr(problem.summary)


# -- REST bodies, against a real server ---------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    running = JupyterServer(root / "root", root / "work", max_jobs=1, stop_grace_s=2.0).start()
    yield running
    running.stop()
    errors = [line for line in running.log_text().splitlines() if re.search(r"\] 5\d\d ", line)]
    assert not errors, f"the server answered with a 5xx: {errors[:3]}"


# text as JSON can carry it: any code point, lone surrogates ("\ud800") included
ANY_TEXT = st.text(
    alphabet=st.characters()
    | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=()),
    max_size=20,
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
RUN_FIELDS = {
    "task": st.just(TASK) | ANY_TEXT | task_sources() | ANY_TEXT.map(lambda t: TASK + "# " + t),
    "name": st.text(max_size=30),
    "generator": st.sampled_from(["rules", "llm", "gpt", ""]),
    "budget": st.integers(-5, 200_000),
    "seed": st.integers(-1, 2**32),
    "threads": st.lists(st.integers(-2, 2000), max_size=20),
    "seconds": st.floats(allow_nan=True),
    "islands": st.integers(-1, 100),
    "profile_budget": st.floats(-1, 100),
    "timeout": st.floats(-1, 4000),
    "base_url": st.text(max_size=20),
    "model": st.text(max_size=10),
    "notebook": st.text(max_size=20),
    "candidates": st.lists(
        st.fixed_dictionaries({"source": st.text(max_size=40)}, optional={"function": JSON}),
        max_size=3,
    ),
}
CHECK_FIELDS = {
    "task": RUN_FIELDS["task"],
    "candidate": st.just(GOOD) | ANY_TEXT | ANY_TEXT.map(lambda t: GOOD + "# " + t),
    "function": st.text(max_size=12),
    "threads": RUN_FIELDS["threads"],
    "profile": JSON,
}


def _bodies(fields: dict, valid: dict):
    """A valid body with one field fuzzed (what reaches the code past the schema), bodies near
    the schema (its fields, some of the wrong type or value, unknown ones) and far from it (any
    JSON at all)."""
    one_field = st.sampled_from(sorted(fields)).flatmap(
        lambda key: fields[key].map(lambda value: {**valid, key: value})
    )
    near = st.fixed_dictionaries(
        {}, optional={**fields, **{k: JSON for k in list(fields)[:3]}, "extra": JSON}
    )
    return one_field | near | JSON


def _assert_clear(code, answer, created=(200, 201)):
    assert code in (*created, 400, 404, 409), f"{code}: {answer}"
    if code >= 400:
        assert isinstance(answer, dict) and _one_line(answer.get("message", "")), answer


def _stop_if_started(server, kind, code, answer):
    if code == 201:  # a valid request: do not leave it running
        server.call("POST", f"{kind}/{answer['id']}/stop")


@settings(FUZZ, max_examples=150)
@given(body=_bodies(RUN_FIELDS, {"task": TASK, "budget": 2, "threads": [1]}))
def test_any_run_request_gets_a_clear_answer(server, body):
    code, answer = server.call("POST", "runs", body)
    _assert_clear(code, answer, created=(201,))
    _stop_if_started(server, "runs", code, answer)


@settings(FUZZ, max_examples=100)
@given(body=_bodies(CHECK_FIELDS, {"task": TASK, "candidate": GOOD, "profile": False}))
def test_any_check_request_gets_a_clear_answer(server, body):
    code, answer = server.call("POST", "checks", body)
    _assert_clear(code, answer, created=(201,))
    _stop_if_started(server, "checks", code, answer)


@settings(FUZZ, max_examples=100)
@given(raw=st.binary(max_size=80) | st.text(max_size=80).map(str.encode))
def test_any_bytes_as_a_body_get_a_clear_answer(server, raw):
    for path in ("runs", "checks"):
        code, answer = server.call("POST", path, raw=raw)
        _assert_clear(code, answer, created=(201,))
        _stop_if_started(server, path, code, answer)


SEGMENT = st.text(max_size=20).filter(lambda s: s not in ("", ".", ".."))


@settings(FUZZ, max_examples=150)
@given(
    run_id=SEGMENT,
    candidate=SEGMENT,
    what=st.sampled_from(["", "stop", "resume", "candidates", "best", "events?after=x"]),
    body=JSON,
)
def test_any_run_path_and_body_get_a_clear_answer(server, run_id, candidate, what, body):
    quoted = urllib.parse.quote(run_id, safe="")
    for method, path, data in (
        ("GET", f"runs/{quoted}", None),
        ("POST" if what in ("stop", "resume") else "GET", f"runs/{quoted}/{what}", body),
        ("GET", f"runs/{quoted}/candidates/{urllib.parse.quote(candidate, safe='')}", None),
        ("POST", f"runs/{quoted}/candidates", body),
        ("POST", f"runs/{quoted}/candidates/{urllib.parse.quote(candidate, safe='')}/parent", body),
        ("GET", f"checks/{quoted}", None),
    ):
        code, answer = server.call(method, path, data if method == "POST" else None)
        assert code != 500 and code < 500, f"{method} {path}: {code} {answer}"
        if code >= 400 and isinstance(answer, dict) and "message" in answer:
            assert _one_line(answer["message"]), answer


def test_a_real_run_survives_the_fuzzing_next_to_it(server):
    """The fuzzed requests above left the server able to start, serve and stop a real run."""
    code, run = server.call("POST", "runs", {"task": TASK, "budget": 2, "threads": [1]})
    assert code == 201, run
    done = server.wait(run["id"], lambda r: r["status"] in ("finished", "failed"), seconds=240)
    assert done["status"] == "finished", done
    assert json.dumps(done)  # a plain JSON answer
