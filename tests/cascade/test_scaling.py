"""The scaling model (cascade/scaling/): the timed replay of real kernels of known structure,
projected with machine profiles whose answer is known, and the schedules on synthetic costs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from parevo_lab.cascade.scaling import machines as machines_mod
from parevo_lab.cascade.scaling import measure
from parevo_lab.cascade.scaling.machines import MachineError, MachineProfile, from_dict
from parevo_lab.cascade.scaling.model import _prefix, dynamic_split, project, static_split
from tests.kernels import scaling_kernels as kernels

KERNELS = Path(kernels.__file__)
THREADS = [1, 2, 4, 8, 16, 32, 64]


def ideal(bandwidth_gbs: float = 1e5, llc_mb: float = 0.0) -> MachineProfile:
    """Every thread as fast as one core, no fork-join cost, the given bandwidth."""
    return MachineProfile(
        name="ideal",
        cores=64,
        compute_speedup={"1": 1.0, "64": 64.0},
        bandwidth_gbs={"1": bandwidth_gbs},
        llc_mb=llc_mb,
    )


def measured(name: str, n: int, matches=None) -> dict:
    args = kernels.inputs(name, n)
    return measure(kernels, name, args, matches or (lambda result, call_args: True))


def speedups(projection) -> dict[int, float]:
    return {p.threads: p.speedup for p in projection.points}


# ------------------------------------------------------------------ schedules (no numba)


def test_static_split_of_triangular_costs_is_the_closed_form():
    n = 4096
    prefix = _prefix([float(i) for i in range(n)])
    total = prefix[-1]
    for p in (2, 4, 16, 64):
        longest = max(static_split(prefix, 1, n, p))
        assert total / longest == pytest.approx(p * p / (2 * p - 1), rel=0.01)


def test_static_split_prorates_blocks_and_keeps_the_total():
    prefix = _prefix([4.0, 4.0, 4.0])  # 3 blocks of 4 iterations, 11 iterations (last short)
    work = static_split(prefix, 4, 11, 3)
    assert sum(work) == pytest.approx(12.0)
    assert len(work) == 3


def test_dynamic_split_balances_triangular_costs():
    n = 4096
    prefix = _prefix([float(i) for i in range(n)])
    work = dynamic_split(prefix, 1, n, 16, 16)
    assert max(work) / (sum(work) / 16) < 1.1  # static: 31/16 = 1.94


# ------------------------------------------------------------------ real timed replays


def test_uniform_loop_projects_near_linear():
    projection = project(measured("uniform", 20_000), ideal(), None, None, THREADS)
    assert projection.status == "projected", projection.reason
    s = speedups(projection)
    assert s[16] > 13.0, s
    assert s[64] > 40.0, s
    assert projection.points[-1].bound in ("work", "imbalance", "serial")


def test_triangular_loop_projects_the_static_imbalance():
    projection = project(measured("triangle", 3000), ideal(), None, None, THREADS)
    s = speedups(projection)
    for p in (2, 4, 16):
        assert s[p] == pytest.approx(p * p / (2 * p - 1), rel=0.12), (p, s)
    assert projection.points[4].bound == "imbalance"  # 16 threads
    assert "has" in projection.points[4].detail and "line" in projection.points[4].detail
    dynamic = {p.threads: p.speedup for p in projection.dynamic}
    assert dynamic[16] > 1.4 * s[16]  # chunks handed out on demand balance it


def test_serial_prologue_follows_amdahl():
    projection = project(measured("prologue", 5000), ideal(), None, None, THREADS)
    f = projection.serial_fraction
    assert 0.35 < f < 0.65, f  # the two loops do the same work
    s = speedups(projection)
    for p in (2, 16, 64):
        assert s[p] == pytest.approx(1 / (f + (1 - f) / p), rel=0.1), (p, s, f)
    assert projection.points[-1].bound == "serial"


def test_memory_bound_loop_saturates_at_the_profiles_bandwidth():
    n = 1 << 22
    result = measured("triad", n)
    loop = result["loops"][0]
    footprint = sum(e["footprint"] for e in loop["entries"])
    assert footprint == pytest.approx(3 * 8 * n, rel=0.05)  # three arrays, each line once
    moved = sum(e["bytes"] for e in loop["entries"])
    assert moved == pytest.approx(4 * 8 * n, rel=0.05)  # as the triad counts: `a` twice
    projection = project(result, ideal(bandwidth_gbs=10.0, llc_mb=8), None, None, THREADS)
    last = projection.points[-1]
    assert last.bound == "bandwidth"
    assert last.time_s == pytest.approx(moved / 10e9, rel=0.02)
    s = speedups(projection)
    assert s[64] / s[16] < 1.05


def test_a_loop_rereading_a_small_table_is_not_bandwidth_bound():
    result = measured("small_table", 1 << 20)
    assert sum(e["footprint"] for e in result["loops"][0]["entries"]) <= 1024
    projection = project(result, ideal(bandwidth_gbs=1.0, llc_mb=8), None, None, THREADS)
    assert all(p.bound != "bandwidth" for p in projection.points)


def test_measured_one_thread_time_anchors_the_projection():
    result = measured("uniform", 20_000)
    projection = project(result, ideal(), one_thread_s=0.5, serial_reference_s=0.4)
    assert projection.kind == "vs_serial"
    one = projection.points[0]
    assert one.time_s == pytest.approx(0.5, rel=1e-6)
    assert one.speedup == pytest.approx(0.8, rel=1e-3)


def test_work_split_by_the_thread_count_is_replayed_as_the_most_threads_projected():
    # one block a thread (numba.get_num_threads()): a serial replay would see one block, no
    # parallelism to project; it is given 64 threads instead, and says so
    n = 1 << 18
    result = measured("per_thread_counts", n)
    assert result["status"] == "measured", result.get("reason")
    entries = result["loops"][0]["entries"]
    assert sum(e["iterations"] for e in entries) == 64
    assert any("numba.get_num_threads()" in note for note in result["notes"])
    # its sliced loads are not element loads: the footprint replay still runs (the input once)
    assert not any("footprints not measured" in note for note in result["notes"])
    assert sum(e["footprint"] for e in entries) >= 8 * n
    s = speedups(project(result, ideal(), None, None, THREADS))
    assert s[16] > 8  # 64 even blocks over 16 threads: near linear


def test_a_prange_per_row_of_a_serial_loop_is_limited_by_its_fork_joins_and_says_where():
    # 40,000 entries: past the replay's 16,384 recorded ones, the rest are counted and given
    # back to their loop (not to the serial time)
    result = measured("prange_per_row", 8 * 40_000)
    assert result["status"] == "measured", result.get("reason")
    entries = result["loops"][0]["entries"]
    assert sum(e.get("regions", 1) for e in entries) == 40_000
    assert not any("counted as serial" in note for note in result["notes"])
    machine = MachineProfile(
        name="forks",
        cores=64,
        compute_speedup={"1": 1.0, "64": 64.0},
        bandwidth_gbs={"1": 1e5},
        fork_join_us={"1": 1.0, "2": 2.0},
    )
    projection = project(result, machine, None, None, THREADS)
    assert projection.regions == 40_000
    limit = projection.points[1]
    assert limit.bound == "overhead", projection.points
    assert "the loop at line" in limit.detail and "entered 40,000 times, about 8 iterations" in (
        limit.detail
    )
    assert projection.loops[0].entries == 40_000


# ------------------------------------------------------------------ bad input


def test_a_kernel_without_prange_is_not_projected_and_says_why():
    result = measured("serial_only", 1000)
    assert result["status"] == "not_measured"
    projection = project(result, ideal(), None, None)
    assert projection.status == "not_projected"
    assert "no prange loop" in projection.reason


def test_a_replay_that_changes_the_results_is_refused():
    result = measured("uniform", 1000, matches=lambda result, call_args: False)
    assert result["status"] == "not_measured"
    assert "changed the kernel's results" in result["reason"]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"cores": None}, "`cores`"),
        ({"cores": 0}, "`cores`"),
        ({"compute_speedup": {"4": 9.0}}, "`compute_speedup`"),
        ({"compute_speedup": {"x": 1.0}}, "`compute_speedup`"),
        ({"loop_speedup": {"8": 12.0}}, "`loop_speedup`"),
        ({"loop_speedup": [1, 2]}, "`loop_speedup`"),
        ({"bandwidth_gbs": {}}, "`bandwidth_gbs`"),
        ({"bandwidth_gbs": {"1": float("nan")}}, "`bandwidth_gbs`"),
        ({"clock_ratio": -1}, "`clock_ratio`"),
        ({"name": "../x"}, "`name`"),
    ],
)
def test_machine_profile_with_missing_or_absurd_fields_is_refused(change, named):
    good = {
        "name": "big",
        "cores": 64,
        "compute_speedup": {"1": 1, "64": 50},
        "bandwidth_gbs": {"1": 12, "64": 200},
    }
    from_dict(good, "big.json")  # the good one is accepted
    bad = {**good, **change}
    if change.get("cores", 1) is None:
        del bad["cores"]
    with pytest.raises(MachineError, match=named.replace("`", "`")) as raised:
        from_dict(bad, "big.json")
    assert "\n" not in str(raised.value)


def test_machine_profile_curves_interpolate_and_extend_as_stated():
    profile = from_dict(
        {
            "name": "m",
            "cores": 64,
            "compute_speedup": {"1": 1, "16": 12},
            "bandwidth_gbs": {"1": 10, "16": 80},
            "fork_join_us": {"1": 1, "16": 16},
        },
        "m.json",
    )
    assert profile.bandwidth(8) == pytest.approx((10 + 70 * 7 / 15) * 1e9)
    assert profile.bandwidth(64) == pytest.approx(80e9)  # flat beyond
    assert profile.efficiency(64) == pytest.approx(12 / 16)  # the last efficiency held
    assert profile.fork_join(32) == pytest.approx(32e-6)  # the last slope
    # a typical loop's curve, where the profile has one, is what the work is projected with
    typical = from_dict({**profile.to_dict(), "loop_speedup": {"1": 1, "16": 10.4}}, "m.json")
    assert typical.efficiency(16) == pytest.approx(10.4 / 16)
    assert typical.compute_speedup == profile.compute_speedup  # the ceiling shown is unchanged


def test_check_cli_refuses_an_unknown_machine_in_one_line(tmp_path):
    env = {"PAREVO_MACHINES": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "parevo_lab.cli", "check", "examples/histogram/task.py",
         "examples/histogram/kernel.py", "--machine", "nowhere", "--no-store"],
        capture_output=True, text=True, env={**__import__("os").environ, **env},
        cwd=Path(__file__).parents[2],
    )  # fmt: skip
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "nowhere" in lines[0], run.stderr


def test_saved_profile_loads_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("PAREVO_MACHINES", str(tmp_path))
    profile = ideal()
    path = machines_mod.save(profile)
    assert path.parent == tmp_path
    assert machines_mod.load("ideal").compute_speedup == profile.compute_speedup
    assert json.loads(path.read_text())["name"] == "ideal"


def test_calibrate_saves_a_profile_that_projects(tmp_path):
    env = {**__import__("os").environ, "PAREVO_MACHINES": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "parevo_lab.cli", "calibrate", "--threads", "1", "--save", "here",
         "--json"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    printed = json.loads(run.stdout)
    saved = machines_mod.load(str(tmp_path / "here.json"))
    assert saved.name == "here" and saved.compute_speedup == {"1": 1.0}
    assert saved.loop_speedup == {"1": 1.0}
    assert saved.compute_s > 0 and printed["path"] == str(tmp_path / "here.json")
    assert saved.bandwidth(1) > 1e9  # a triad on any machine moves more than 1 GB/s


@pytest.mark.parametrize(
    ("args", "says"),
    [(["--save", "../up"], "--save"), (["--threads", "100000"], "--threads 100000")],
)
def test_calibrate_refuses_bad_arguments_in_one_line(tmp_path, args, says):
    env = {**__import__("os").environ, "PAREVO_MACHINES": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "parevo_lab.cli", "calibrate", *args],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], run.stderr
    assert not list(tmp_path.iterdir())


def test_check_projects_onto_a_machine_profile_file(tmp_path):
    """`parevo check --machine FILE`: the same replay, projected onto the file's machine (a
    profile without fork-join costs, so every region is free and the notes say so)."""
    profile = tmp_path / "wide.json"
    profile.write_text(
        json.dumps(
            {
                "name": "wide",
                "cores": 32,
                "compute_speedup": {"1": 1.0, "32": 30.0},
                "bandwidth_gbs": {"1": 20.0, "32": 400.0},
                "clock_ratio": 2.0,
            }
        )
    )
    root = Path(__file__).parents[2]
    run = subprocess.run(
        [sys.executable, "-m", "parevo_lab.cli", "check",
         str(root / "examples/csr_neighbour_sum/task.py"),
         str(root / "examples/csr_neighbour_sum/kernel.py"),
         "--threads", "1,2", "--profile-budget", "0.2", "--no-compiled-view", "--no-store",
         "--machine", str(profile), "--json"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    projection = json.loads(run.stdout)["projection"]
    assert projection["machine"] == "wide"
    assert [p["threads"] for p in projection["points"]] == [1, 2, 4, 8, 16, 32]  # its cores
    assert "regions are free" in " ".join(projection["notes"])
    # a core twice as fast halves every time; the speedup over serial numba stays what it was
    one = projection["points"][0]
    assert one["speedup"] == pytest.approx(
        json.loads(run.stdout)["profile"]["speedup"]["vs_serial"]["1"]["value"], rel=0.02
    )


def test_a_calibration_measured_beside_other_work_is_measured_again_when_quiet(
    tmp_path, monkeypatch
):
    from parevo_lab import calibrate

    monkeypatch.setattr(calibrate, "load_average", lambda: 3.0)
    first = calibrate.ceiling([1], tmp_path)
    assert first["busy"] and not first["cached"]
    again = calibrate.ceiling([1], tmp_path)
    assert again["cached"] and again["measured"] == first["measured"]  # still busy: kept
    monkeypatch.setattr(calibrate, "load_average", lambda: 0.1)
    quiet = calibrate.ceiling([1], tmp_path)
    assert not quiet["cached"] and not quiet["busy"]  # quiet now: the busy one is replaced
    assert calibrate.ceiling([1], tmp_path)["cached"]
