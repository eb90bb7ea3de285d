"""Figures of one candidate: the speedup against threads, measured and projected to 64 threads,
and each thread's share of a loop's work (real plotly figures; the assertions read their data)."""

import json
import math

import pytest

from parevo_lab.report import figures

THREADS = [1, 2, 4, 8, 16, 32, 64]


def _vs(value, low, high):
    return {"value": value, "ci_low": low, "ci_high": high, "significant": low > 1, "label": ""}


PROFILE = {
    "ran": True,
    "size": 300000,
    "speedup": {"vs_serial": {"1": _vs(0.94, 0.9, 0.97), "2": _vs(1.45, 1.4, 1.52)}},
    "ceiling": {"compute_speedup": {"1": 1.0, "2": 1.95}, "bandwidth_gbs": {"1": 20.0, "2": 39.0}},
}


def _point(threads, speedup, bound):
    return {
        "threads": threads,
        "speedup": speedup,
        "bound": bound,
        "time_s": 0.006 / speedup,
        "terms": {},
        "detail": f"{bound}: at {threads} threads",
    }


def _shares(p: int, skew: float) -> list[float]:
    """A power law's shares: the first thread has the most (skew 0: an even split)."""
    raw = [1 / (i + 1) ** skew for i in range(p)]
    return [r / sum(raw) for r in raw]


def _loop(line, share, skew):
    return {
        "line": line,
        "function": "kernel",
        "entries": 1,
        "iterations": 300000,
        "share": share,
        "bytes": 9635840,
        "per_thread": {
            "static": {str(p): _shares(p, skew) for p in THREADS},
            "dynamic": {str(p): _shares(p, skew / 20) for p in THREADS},
        },
    }


STATIC = [
    (1, 0.94, "work"),
    (2, 1.45, "work"),
    (4, 2.03, "imbalance"),
    (8, 2.43, "imbalance"),
    (16, 2.83, "imbalance"),
    (32, 3.06, "imbalance"),
    (64, 3.15, "serial"),
]
DYNAMIC = [1.0, 1.9, 3.7, 6.9, 10.1, 11.8, 12.49]
PROJECTION = {
    "status": "projected",
    "reason": "",
    "machine": "this",
    "schedule": "static",
    "kind": "vs_serial",
    "points": [_point(*row) for row in STATIC],
    "dynamic": [_point(p, s, "work") for p, s in zip(THREADS, DYNAMIC, strict=True)],
    # listed out of order, five of them: the figure shows the four most expensive
    "loops": [
        _loop(30, 0.01, 0.0),
        _loop(11, 0.80, 1.0),
        _loop(20, 0.10, 0.5),
        _loop(25, 0.05, 0.0),
        _loop(40, 0.02, 0.0),
    ],
    "serial_fraction": 0.017,
    "regions": 1,
    "assumptions": ["this machine's cores projected to 64 threads"],
    "notes": [],
    "measured": {},
}


def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_without_a_projection_the_figure_is_the_measured_one():
    fig = figures.speedup_vs_threads(PROFILE, title="t")
    assert [t.name for t in fig.data] == [
        "vs serial numba",
        "ideal (linear)",
        "machine ceiling (compute-bound)",
    ]
    assert fig.layout.xaxis.type is None and list(fig.layout.xaxis.tickvals) == [1, 2]
    assert list(_trace(fig, "ideal (linear)").x) == [1, 2]
    assert not fig.layout.shapes and "projected" not in fig.layout.title.text
    # a projection that was not made changes nothing either
    refused = {"status": "not_projected", "reason": "the replay changed the results"}
    same = figures.speedup_vs_threads(PROFILE, title="t", projection=refused)
    assert json.loads(same.to_json()) == json.loads(fig.to_json())


def test_the_projection_is_drawn_to_64_threads_on_a_log2_axis():
    fig = figures.speedup_vs_threads(PROFILE, title="t", projection=PROJECTION)
    assert fig.layout.xaxis.type == "log"
    assert list(fig.layout.xaxis.tickvals) == THREADS
    assert list(fig.layout.xaxis.ticktext) == [str(p) for p in THREADS]
    lo, hi = fig.layout.xaxis.range
    assert 10**lo < 1 and 10**hi > 64
    # the measured points keep their 95% intervals
    measured = _trace(fig, "vs serial numba (measured, 95% CI)")
    assert list(measured.x) == [1, 2] and list(measured.y) == [0.94, 1.45]
    assert list(measured.error_y.array) == pytest.approx([0.03, 0.07])
    assert list(measured.error_y.arrayminus) == pytest.approx([0.04, 0.05])
    static = _trace(fig, "projected (static schedule, machine this)")
    assert list(static.x) == THREADS and list(static.y) == [s for _, s, _ in STATIC]
    assert static.line.dash == "solid"
    assert [c[0] for c in static.customdata] == [b for *_, b in STATIC]
    dynamic = _trace(fig, "projected (dynamic schedule, machine this)")
    assert list(dynamic.y) == DYNAMIC and dynamic.line.dash == "dot"
    # the y axis holds the dynamic projection; the ideal line (64x at 64) runs off it
    top = fig.layout.yaxis.range[1]
    assert 12.49 < top < 64
    assert "projected, not measured" in fig.layout.title.text
    # a band per run of equal bounds, coloured by its bound and named above it
    bands = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [s.fillcolor for s in bands] == [
        figures.BOUNDS["work"],
        figures.BOUNDS["imbalance"],
        figures.BOUNDS["serial"],
    ]
    assert all(s.line.width == 0 and 0 < s.opacity < 0.3 for s in bands)
    # each band covers its thread counts, halfway (in log2) to its neighbours
    assert bands[0].x1 == pytest.approx(2 * math.sqrt(2))
    assert (bands[1].x0, bands[1].x1) == pytest.approx((4 / math.sqrt(2), 32 * math.sqrt(2)))
    labels = [a for a in fig.layout.annotations if a.yref == "paper"]
    assert [a.text for a in labels] == ["work", "imbalance", "serial"]
    # a log axis places annotations at log10 of x: the imbalance label sits between 4 and 32
    assert math.log10(4) < labels[1].x < math.log10(32)


def test_the_projection_s_strings_are_plotly_text():
    hostile = dict(PROJECTION, machine="<b>box</b>")
    hostile["points"] = [dict(p, detail="a <a href='x'>link</a>") for p in PROJECTION["points"]]
    fig = figures.speedup_vs_threads(PROFILE, projection=hostile)
    static = _trace(fig, "projected (static schedule, machine &lt;b&gt;box&lt;/b&gt;)")
    assert static.customdata[0][1] == "a &lt;a href='x'&gt;link&lt;/a&gt;"
    assert "<b>" not in fig.layout.title.text


def test_loop_work_shows_each_thread_s_share_under_both_schedules():
    fig = figures.loop_work(PROJECTION, threads=16)
    # the four most expensive loops, by their share of the time, one subplot each
    titles = [a.text for a in fig.layout.annotations if a.yref == "paper"]
    assert titles == [
        "line 11 (kernel): 80% of the time",
        "line 20 (kernel): 10% of the time",
        "line 25 (kernel): 5% of the time",
        "line 40 (kernel): 2% of the time",
    ]
    bars = [t for t in fig.data if t.type == "bar"]
    assert [(b.name, b.yaxis) for b in bars[:2]] == [
        ("static schedule", "y"),
        ("dynamic schedule", "y"),
    ]
    assert len(bars) == 8 and fig.layout.barmode == "group"
    assert list(bars[0].x) == list(range(1, 17))
    assert list(bars[0].y) == pytest.approx(_shares(16, 1.0))
    # the skew is there to see: the static schedule's first thread far above the even share
    assert bars[0].y[0] > 4 / 16 and max(bars[1].y) < 2 / 16
    evens = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(evens) == 4 and all(s.y0 == s.y1 == pytest.approx(1 / 16) for s in evens)
    assert all(s.line.width > 0 for s in evens)
    assert "at 16 threads" in fig.layout.title.text
    assert "projected, not measured" in fig.layout.title.text
    at4 = figures.loop_work(PROJECTION, threads=4)
    assert len(at4.data[0].y) == 4 and at4.data[0].y[0] == pytest.approx(_shares(4, 1.0)[0])
    # a count the projection does not hold: the nearest one it does
    assert len(figures.loop_work(PROJECTION, threads=12).data[0].y) == 8


def test_loop_work_without_a_projection_says_why():
    fig = figures.loop_work({"status": "not_projected", "reason": "no prange loop"})
    assert not fig.data
    assert fig.layout.annotations[0].text == "not projected: no prange loop"
