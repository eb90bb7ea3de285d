"""The compiled view (parevo_lab/cascade/compiled/) on a labelled corpus of loops
(tests/kernels/compiled_corpus.py), its fallbacks, its cache, and ``parevo explain``."""

from __future__ import annotations

import importlib.util
import json
import re

import jsonschema
import numba
import pytest
from conftest import KERNELS, run_cli

from parevo_lab.cascade import compiled
from parevo_lab.report_shapes import compiled_view_schema
from parevo_lab.results import CompiledLoop, LoopFinding

CORPUS = KERNELS / "compiled_corpus.py"
SOURCE = CORPUS.read_text()
_MARK = re.compile(r"# (expect|finding|also): ([\w, ]+?)(?=\s*#|$)")


def _corpus():
    spec = importlib.util.spec_from_file_location("compiled_corpus", CORPUS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MODULE = _corpus()
FUNCTIONS = [
    name
    for name, value in vars(MODULE).items()
    if callable(value) and getattr(value, "__module__", "") == "compiled_corpus" and name.islower()
]


def _labels(function: str):
    """{line: status}, {(code, line)}, {loop line: allowed codes without a line} of a function."""
    lines = SOURCE.splitlines()
    start = next(i for i, text in enumerate(lines) if text.startswith(f"def {function}("))
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith(("def ", "OPTIONS"))),
        len(lines),
    )
    loops, findings, also = {}, set(), {}
    for index in range(start, end):
        for kind, words in _MARK.findall(lines[index]):
            codes = [w.strip() for w in words.split(",") if w.strip()]
            if kind == "expect":
                loops[index + 1] = codes[0]
            elif kind == "finding":
                findings.update((code, index + 1) for code in codes)
            else:
                also.setdefault(index + 1, set()).update(codes)
    return loops, findings, also


def _svml() -> bool:
    return bool(getattr(numba.config, "USING_SVML", False))


@pytest.fixture(scope="module")
def views():
    return {
        name: compiled.analyse_parallel(
            getattr(MODULE, name), MODULE.OPTIONS.get(name, {}), MODULE.ARGS(name), SOURCE
        )
        for name in FUNCTIONS
    }


def test_every_view_holds_to_the_schema_the_front_end_is_typed_from(views):
    for view in views.values():
        jsonschema.validate(view.to_dict(), compiled_view_schema())
    one = next(v for v in views.values() if v.loops).to_dict()
    del one["loops"][0]["findings"]
    with pytest.raises(jsonschema.ValidationError, match="findings"):
        jsonschema.validate(one, compiled_view_schema())
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        jsonschema.validate(
            {**views[FUNCTIONS[0]].to_dict(), "vectorized": True}, compiled_view_schema()
        )


def test_the_corpus_has_a_loop_for_every_reason():
    assert len(FUNCTIONS) >= 12
    labelled = set()
    for name in FUNCTIONS:
        loops, findings, also = _labels(name)
        assert loops, f"{name} has no `# expect:` label"
        labelled |= {code for code, _ in findings}
    assert {"wraparound", "float_reduction", "indirect_dependence", "carried_value", "gather",
            "trip_count", "exception_path", "control_flow", "scalar_math"} <= labelled  # fmt: skip


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_loop_gets_its_status_and_every_finding_its_line(views, name):
    view = views[name]
    assert view.status == "analysed", view.notes
    assert view.remarks == "llvm"
    loops, expected, also = _labels(name)
    if name == "sines" and _svml():  # numba has vector math here: the lanes call no sin
        loops, expected = {k: v for k, v in loops.items()}, set()
    got = {loop.line: loop for loop in view.loops}
    for line, status in loops.items():
        assert line in got, f"{name}: no loop reported at line {line}: {sorted(got)}"
        assert got[line].status == status, (name, line, got[line].status, got[line].findings)
    found = {(f.code, f.line) for loop in view.loops for f in loop.findings if f.line is not None}
    assert found == expected, (name, found ^ expected)
    for loop in view.loops:
        for f in loop.findings:
            if f.line is None:
                assert f.code in also.get(loop.line, set()), (name, loop.line, f.code)
            else:
                assert f.expression == SOURCE.splitlines()[f.line - 1].strip()
            assert f.title and f.text


def test_a_vectorised_loop_has_its_width_and_vector_code(views):
    loop = next(lp for lp in views["contiguous_map"].loops)
    assert loop.status == "vectorised" and loop.width and loop.width >= 2 and loop.interleave
    assert loop.counts["vector_fp"] > 0 and loop.counts["gathers"] == 0
    # the IR and the assembly of the loop body, tied to the loop's source line
    body_line = loop.line + 1
    assert any("vector.body" in c.text for c in loop.ir)
    assert any(c.line == body_line for c in loop.ir) and any(c.line == body_line for c in loop.asm)
    assert all(c.line in (None, body_line, loop.line) for c in loop.ir + loop.asm)
    assert any(re.search(r"%[xyz]mm", c.text) for c in loop.asm)


def test_wraparound_turns_loads_into_gathers_and_prange_n_does_not(views):
    wrapped = views["map_from_zero"].loops[0]
    plain = views["contiguous_map"].loops[0]
    assert wrapped.counts["gathers"] > 0 and plain.counts["gathers"] == 0
    assert "prange(n)" in wrapped.findings[0].fix


def test_a_float_reduction_is_vectorised_once_fastmath_allows_reordering(views):
    strict = views["float_sum"].loops[0]
    assert strict.findings[0].code == "float_reduction"
    assert "reorder floating-point" in strict.findings[0].remark  # LLVM's own words kept
    assert "fastmath" in strict.findings[0].fix
    assert views["float_sum_fastmath"].loops[0].status == "vectorised"


def test_inner_and_serialised_loops_say_where_they_run(views):
    inner = next(lp for lp in views["csr_row_sums"].loops if lp.status == "not_vectorised")
    prange_line = next(
        i + 1 for i, t in enumerate(SOURCE.splitlines()) if "for v in numba.prange(n)" in t
    )
    assert inner.prange_line == prange_line and inner.role == "parallel" and inner.origin == "loop"
    serial = views["checked_roots"].loops[0]
    assert serial.role == "serialised"  # numba does not parallelise a loop that raises
    expression = views["array_expression"].loops[0]
    assert expression.origin == "array_expression"


def test_without_remarks_the_ir_patterns_still_find_what_they_can(monkeypatch):
    monkeypatch.setattr(compiled.remarks, "install_hook", lambda: False)
    view = compiled.analyse_parallel(MODULE.map_from_zero, {}, MODULE.ARGS("map_from_zero"), SOURCE)
    assert view.status == "analysed" and view.remarks == "ir_patterns"
    assert any("remarks could not be read" in note for note in view.notes)
    loop = view.loops[0]
    assert loop.status == "vectorised" and loop.interleave is None  # only a remark says that
    assert [f.code for f in loop.findings] == ["wraparound"]


def test_the_view_matches_the_real_build_and_comes_back_from_the_sidecar(tmp_path):
    source = tmp_path / "kernel.py"
    source.write_text(SOURCE)
    py_func = MODULE.stencil
    real = numba.njit(parallel=True)(py_func)
    args = MODULE.ARGS("stencil")
    real.compile(tuple(numba.typeof(a) for a in args))
    cold = compiled.run(real, py_func, {}, args, SOURCE, source, "sig", cached=False)
    assert cold.status == "analysed" and cold.consistent is True and not cold.cached
    assert compiled.sidecar(source, "stencil").exists()
    warm = compiled.run(real, py_func, {}, args, SOURCE, source, "sig", cached=True)
    assert warm.cached and warm.to_dict() | {"cached": False} == cold.to_dict()
    # a view stored before loops carried their line: the line is made when it is read back
    stored = json.loads(compiled.sidecar(source, "stencil").read_text())
    for loop in stored["sig"]["loops"]:
        del loop["summary"]
    compiled.sidecar(source, "stencil").write_text(json.dumps(stored))
    older = compiled.run(real, py_func, {}, args, SOURCE, source, "sig", cached=True)
    assert [lp.summary for lp in older.loops] == [lp.summary for lp in cold.loops]
    assert cold.loops[0].summary.startswith("line ")
    # numba's cache without a stored view (an older version wrote none): made, noted, stored
    compiled.sidecar(source, "stencil").unlink()
    remade = compiled.run(real, py_func, {}, args, SOURCE, source, "sig", cached=True)
    assert remade.status == "analysed" and "without a stored view" in remade.notes[-1]
    again = compiled.run(real, py_func, {}, args, SOURCE, source, "sig", cached=True)
    assert again.cached and not any("without a stored view" in n for n in again.notes)


def test_a_view_that_cannot_be_made_is_a_note_not_an_exception(tmp_path):
    source = tmp_path / "kernel.py"
    source.write_text(SOURCE)
    view = compiled.run(None, MODULE.stencil, {}, ("not an array",), SOURCE, source, "s", True)
    assert view.status == "failed" and "could not be made" in view.notes[0]


# -- through the command line: a real sandboxed child ----------------------------------------------

TASK = KERNELS / "double_task.py"
WRAPPED = (KERNELS / "wrapped.py").read_text()  # prange(0, n): a signed index


def test_parevo_explain_names_the_reason_at_its_line_and_shows_the_assembly(tmp_path):
    candidate = tmp_path / "wrapped.py"
    candidate.write_text(WRAPPED)
    done = run_cli("explain", TASK, candidate)
    assert done.returncode == 0, done.stderr
    assert "line 8: parallel, vectorised x" in done.stdout
    assert "signed index wraparound at line 9 `out[i] = 2.0 * x[i]`" in done.stdout
    assert "serial (reference), vectorised" in done.stdout  # the reference's loop, to compare
    listing = run_cli("explain", TASK, candidate, "--asm", "--loop", "8")
    assert listing.returncode == 0, listing.stderr
    assert "--- line 8 (kernel): assembly" in listing.stdout
    assert "    9 | out[i] = 2.0 * x[i]" in listing.stdout
    assert re.search(r"vgather|vscatter|gather", listing.stdout)
    data = json.loads(run_cli("explain", TASK, candidate, "--json", "--ir").stdout)
    loops = data["compiled"]["loops"]
    assert loops[0]["findings"][0]["code"] == "wraparound" and loops[0]["ir"]


def test_parevo_explain_bad_input(tmp_path):
    candidate = tmp_path / "wrapped.py"
    candidate.write_text(WRAPPED)
    missing = run_cli("explain", TASK, candidate, "--loop", "99")
    assert missing.returncode == 2
    assert re.fullmatch(
        r"parevo: error: --loop 99: no compiled loop at that line \(loops at lines 8, \d+\)",
        missing.stderr.strip(),
    ), missing.stderr
    broken = tmp_path / "broken.py"
    broken.write_text(WRAPPED.replace("2.0 * x[i]", "2.0 * y[i]"))
    failed = run_cli("explain", TASK, broken)
    assert failed.returncode == 1
    assert failed.stdout.startswith("no compiled view: the candidate does not compile")


def test_parevo_check_json_carries_the_view_and_a_warm_check_reads_it_back(tmp_path):
    candidate = tmp_path / "wrapped.py"
    candidate.write_text(WRAPPED)
    args = ["check", TASK, candidate, "--no-profile", "--threads", "1", "--no-store", "--json"]
    cold = json.loads(run_cli(*args).stdout)
    warm = json.loads(run_cli(*args).stdout)
    for report in (cold, warm):
        assert report["verdict"] == "ok"
        jsonschema.validate(
            report["compiled"], compiled_view_schema()
        )  # what the panel is typed from
        loop = report["compiled"]["loops"][0]
        assert loop["line"] == 8 and loop["findings"][0]["code"] == "wraparound"
    assert warm["compile"]["cached"] and warm["compiled"]["cached"]
    off = json.loads(run_cli(*args, "--no-compiled-view").stdout)
    assert off["compiled"] is None and off["verdict"] == "ok"


# -- one line a loop: made once, on the server, for the CLI, the panel and the prompt ------------


def _loop(**extra) -> CompiledLoop:
    base = dict(line=9, prange_line=9, function="kernel", role="parallel", status="vectorised",
                origin="prange", width=8, interleave=1, findings=[])  # fmt: skip
    return CompiledLoop(**{**base, **extra})


def _finding(code="wraparound", title="signed index wraparound", line=10,
             expression="out[i] = 2.0 * x[i]") -> LoopFinding:  # fmt: skip
    return LoopFinding(code=code, title=title, line=line, expression=expression, text="t", fix="f")


REDUCTION = _finding("float_reduction", "float reduction without fastmath", expression="s += x[i]")
LONG = "acc = acc + math.sqrt(values[indptr[row]] * values[indptr[row]] + 1.0)"


@pytest.mark.parametrize(
    ("loop", "expected"),
    [
        (_loop(findings=[_finding()]),
         "line 9: parallel, vectorised x8, interleave 1; but signed index wraparound at line 10 "
         "`out[i] = 2.0 * x[i]`"),
        (_loop(status="not_vectorised", findings=[REDUCTION]),
         "line 9: parallel, NOT vectorised: float reduction without fastmath at line 10 "
         "`s += x[i]`"),
        (_loop(status="not_vectorised", width=None, interleave=None),
         "line 9: parallel, NOT vectorised: no reason given"),
        (_loop(line=11, origin="loop", width=4, interleave=None, findings=[
            _finding("call", "a call in the loop", 12, LONG),
            _finding("exception_path", "an exception path", None, "")]),
         "line 11: inner loop of the prange at line 9, vectorised x4; but a call in the loop at "
         "line 12 `acc = acc + math.sqrt(values[indptr[row]] * v...`; an exception path"),
        (_loop(line=11, role="serialised", origin="loop", status="not_vectorised",
               findings=[REDUCTION]),
         "line 11: inner loop of the prange at line 9, which numba ran serially, NOT vectorised: "
         "float reduction without fastmath at line 10 `s += x[i]`"),
        (_loop(role="serialised", width=None, interleave=None),
         "line 9: prange numba ran serially, vectorised"),
        (_loop(line=7, status="no_loop", origin="array_expression"),
         "line 7: parallel array expression, no loop left: became memset/memcpy"),
        (_loop(line=14, prange_line=None, function="reference", role="serial", origin="loop",
               interleave=4),
         "line 14: serial (reference), vectorised x8, interleave 4"),
        (_loop(line=14, prange_line=None, role="serial", origin="array_expression", width=None,
               interleave=2, findings=[_finding(title="emoji", line=3,
                                                expression='s = "' + "😀" * 44 + '"')]),
         'line 14: serial (reference) array expression, vectorised , interleave 2; but emoji at '
         'line 3 `s = "' + "😀" * 40 + "...`"),
    ],
)  # fmt: skip
def test_one_line_a_loop_says_where_it_runs_and_what_it_costs(loop, expected):
    assert compiled.findings.loop_summary(loop) == expected


def test_every_analysed_loop_carries_its_line(views):
    for view in views.values():
        for loop in view.loops:
            assert loop.summary == compiled.findings.loop_summary(loop)
            assert loop.summary.startswith(f"line {loop.line}: ")
