"""Plotly figures of benchmark results (speedup per task, speedup by category), of one candidate
(speedup versus threads) and of a run (progress: the best speedup after each evaluation).

Each function returns a ``plotly.graph_objects.Figure``; ``write(fig, folder, name)`` saves its
JSON (what the JupyterLab front end renders through rendermime) and a standalone HTML page that
loads plotly.js from one shared file in the same folder (no network needed to open it).

Plotly reads a little HTML in its text (titles, legend names, tick labels, hover text): every
string given here, a ``title`` included, is plain text and is escaped (``escape.plotly``).
"""

from __future__ import annotations

from pathlib import Path

from .escape import plotly as _text

# Okabe-Ito: distinguishable with every common colour-vision deficiency
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def _ceiling_line(fig, ceiling: dict, threads: int | None, log: bool = False) -> None:
    """Serial numba at 1x and the machine's compute ceiling as horizontal lines with labels. On a
    log axis plotly places annotations at log10 of y (shapes at y itself), hence ``log``."""
    import math

    value = (ceiling.get("compute_speedup") or {}).get(str(threads)) if threads else None
    lines = [(1.0, "serial numba", "dot", "#777", "right")]
    if value:
        text = f"machine ceiling at {threads} threads ({value:.2f}x)"
        lines.append((value, text, "dash", PALETTE[3], "left"))
    if log:  # a range that holds the data and both lines
        ys = [v for trace in fig.data for v in (trace.y or ()) if v and v > 0]
        ys += [y for y, *_ in lines]
        fig.update_yaxes(range=[math.log10(min(ys)) - 0.15, math.log10(max(ys)) + 0.2])
    for y, text, dash, colour, side in lines:
        # simple_white's shape defaults draw no line (width 0, for shaded rectangles)
        fig.add_hline(y=y, line_dash=dash, line_color=colour, line_width=1.5, opacity=1)
        fig.add_annotation(
            x=0 if side == "left" else 1,
            xref="paper",
            xanchor=side,
            y=math.log10(y) if log else y,
            yref="y",
            yanchor="bottom",
            text=text,
            showarrow=False,
        )


def speedup_per_task(tasks: list[dict], ceiling: dict | None = None, title: str = ""):
    """Bars of each task's speedup over serial numba (log scale), coloured by category; tasks
    without a correct candidate are listed in the subtitle, not drawn as zero."""
    import plotly.graph_objects as go

    timed = sorted((t for t in tasks if t.get("speedup")), key=lambda t: t["speedup"])
    categories = sorted({t["category"] for t in timed})
    fig = go.Figure()
    for i, category in enumerate(categories):
        rows = [t for t in timed if t["category"] == category]
        fig.add_bar(
            x=[_text(t["id"]) for t in rows],
            y=[t["speedup"] for t in rows],
            name=_text(category),
            marker_color=PALETTE[i % len(PALETTE)],
            # past the palette's eight colours, a hatch tells the categories apart
            marker_pattern_shape=("", "/", "x", ".")[(i // len(PALETTE)) % 4],
            hovertemplate="%{x}<br>%{y:.2f}x vs serial numba<extra>%{fullData.name}</extra>",
        )
    missing = [t["id"] for t in tasks if not t.get("speedup")]
    subtitle = f"{len(timed)} of {len(tasks)} tasks timed"
    if missing:
        subtitle += f"; no correct candidate: {len(missing)}"
    threads = max((t.get("threads") or 0 for t in timed), default=None)
    longest = max((len(t["id"]) for t in timed), default=0)
    fig.update_layout(
        height=360 + 6.5 * longest,  # the task ids stand upright below the bars
        title=(_text(title) or "Speedup over serial numba per task")
        + f"<br><sup>{subtitle}, at {threads} threads</sup>",
        yaxis={"type": "log", "title": "speedup (x, log scale)"},
        xaxis={"categoryorder": "array", "categoryarray": [_text(t["id"]) for t in timed]},
        barmode="overlay",
        template="simple_white",
        legend_title_text="category",
    )
    _ceiling_line(fig, ceiling or {}, threads, log=True)
    return fig


def speedup_by_category(tasks: list[dict], ceiling: dict | None = None, title: str = ""):
    """One box of task speedups per category (every task drawn as a point)."""
    import plotly.graph_objects as go

    timed = [t for t in tasks if t.get("speedup")]
    fig = go.Figure()
    for i, category in enumerate(sorted({t["category"] for t in timed})):
        rows = [t for t in timed if t["category"] == category]
        fig.add_box(
            y=[t["speedup"] for t in rows],
            text=[_text(t["id"]) for t in rows],
            name=_text(category),
            boxpoints="all",
            pointpos=0,
            marker_color=PALETTE[i % len(PALETTE)],
            hovertemplate="%{text}<br>%{y:.2f}x<extra></extra>",
        )
    threads = max((t.get("threads") or 0 for t in timed), default=None)
    fig.update_layout(
        title=_text(title) or f"Speedup over serial numba by category (at {threads} threads)",
        yaxis={"type": "log", "title": "speedup (x, log scale)"},
        template="simple_white",
        showlegend=False,
    )
    _ceiling_line(fig, ceiling or {}, threads, log=True)
    return fig


def speedup_vs_threads(profile: dict, title: str = "", projection: dict | None = None):
    """One candidate's speedup over serial numba at each thread count it was timed at, with the
    95% confidence interval, the ideal line and the machine's measured compute ceiling. With a
    ``projection`` (a report's, status "projected") the x axis runs log2 to 64 threads and the
    projected speedups follow the measured points: the kernel's own schedule's line, a static
    kernel's dynamic schedule dotted, and behind them a band per thread count coloured by what limits it there."""
    import plotly.graph_objects as go

    projected = projection if (projection or {}).get("status") == "projected" else None
    if projected and not projected.get("points"):
        projected = None
    vs = (profile.get("speedup") or {}).get("vs_serial") or {}
    threads = sorted(int(p) for p in vs)
    axis = sorted({*threads, *(pt["threads"] for pt in (projected or {}).get("points", []))})
    fig = go.Figure()
    if threads:
        values = [vs[str(p)]["value"] for p in threads]
        fig.add_scatter(
            x=threads,
            y=values,
            mode="lines+markers",
            name="vs serial numba" + (" (measured, 95% CI)" if projected else ""),
            marker_color=PALETTE[0],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [vs[str(p)]["ci_high"] - vs[str(p)]["value"] for p in threads],
                "arrayminus": [vs[str(p)]["value"] - vs[str(p)]["ci_low"] for p in threads],
            },
            hovertemplate="%{x} threads: %{y:.2f}x<extra></extra>",
        )
        fig.add_scatter(
            x=axis,
            y=axis,
            mode="lines",
            name="ideal (linear)",
            line={"dash": "dot", "color": "#777"},
            hoverinfo="skip",
        )
        ceiling = (profile.get("ceiling") or {}).get("compute_speedup") or {}
        known = [p for p in threads if str(p) in ceiling]
        if known:
            fig.add_scatter(
                x=known,
                y=[ceiling[str(p)] for p in known],
                mode="lines",
                name="machine ceiling (compute-bound)",
                line={"dash": "dash", "color": PALETTE[3]},
                hovertemplate="ceiling at %{x} threads: %{y:.2f}x<extra></extra>",
            )
    note = " (noisy: rerun on a quiet machine)" if profile.get("noisy") else ""
    subtitle = f"size {_text(profile.get('size'))}{note}"
    layout = {"xaxis": {"title": "threads", "tickvals": threads}, "yaxis": {}}
    if projected:
        subtitle += "; lines past the measured points: " + _text(
            f"projected, not measured (machine '{projected.get('machine', '?')}')"
        )
        layout = _projected(fig, projected, threads)
    fig.update_layout(
        title=(_text(title) or "Speedup versus threads") + f"<br><sup>{subtitle}</sup>",
        xaxis=layout["xaxis"],
        yaxis={"title": "speedup over serial numba (x)", "rangemode": "tozero", **layout["yaxis"]},
        template="simple_white",
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 50, "r": 10, "t": 60, "b": 40},
        height=380 if projected else 320,
    )
    return fig


# the limiting bound of a projected point: its band's colour (Okabe-Ito) and its order in a legend
BOUNDS = {
    "work": PALETTE[2],
    "imbalance": PALETTE[3],
    "serial": PALETTE[4],
    "bandwidth": PALETTE[1],
    "overhead": PALETTE[5],
}


def _projected(fig, projection: dict, measured: list[int]) -> dict:
    """Add the projection's lines and bound bands to ``fig``; the axes' settings for it."""
    import math

    points = sorted(projection["points"], key=lambda pt: pt["threads"])
    dynamic = sorted(projection.get("dynamic") or [], key=lambda pt: pt["threads"])
    machine = projection.get("machine") or "?"
    own = projection.get("schedule") or "static"  # the kernel's (dynamic: it set a chunk size)
    over = "" if projection.get("kind", "vs_serial") == "vs_serial" else ", over its 1 thread"
    for rows, name, dash in (
        (points, f"projected ({own} schedule, machine {machine}{over})", "solid"),
        (dynamic, f"projected (dynamic schedule, machine {machine}{over})", "dot"),
    ):
        if not rows:
            continue
        fig.add_scatter(
            x=[pt["threads"] for pt in rows],
            y=[pt["speedup"] for pt in rows],
            customdata=[[_text(pt["bound"]), _text(pt.get("detail", ""))] for pt in rows],
            mode="lines+markers",
            name=_text(name),
            # not black: the lab shows the figure on a dark background too
            line={"dash": dash, "color": PALETTE[4], "width": 2},
            marker={"size": 5, "symbol": "circle-open" if dash == "dot" else "circle"},
            hovertemplate="%{x} threads: %{y:.2f}x projected, %{customdata[0]}-bound"
            "<br>%{customdata[1]}<extra>%{fullData.name}</extra>",
        )
    # one band per run of thread counts with the same bound, from halfway (in log2) to the last
    # count before it to halfway to the next; its bound's name on top
    lo, hi = 1, max(64, points[-1]["threads"], *measured)
    runs: list[list] = []
    for pt in points:
        if runs and runs[-1][0] == pt["bound"]:
            runs[-1][2] = pt["threads"]
        else:
            runs.append([pt["bound"], pt["threads"], pt["threads"]])
    for bound, first, last in runs:
        x0, x1 = max(lo / 1.25, first / math.sqrt(2)), min(hi * 1.25, last * math.sqrt(2))
        colour = BOUNDS.get(bound, "#777")
        fig.add_vrect(x0=x0, x1=x1, fillcolor=colour, opacity=0.12, line_width=0, layer="below")
        fig.add_annotation(
            x=(math.log10(x0) + math.log10(x1)) / 2,  # a log axis places annotations at log10
            y=1,
            yref="paper",
            yanchor="bottom",
            text=_text(bound),
            showarrow=False,
            font={"size": 10, "color": colour},
        )
    # y holds the projections, the measured intervals and the ceiling; the ideal line runs off it
    values = [pt["speedup"] for pt in points + dynamic]
    for trace in fig.data:
        if trace.name != "ideal (linear)":
            values += [y + (e or 0) for y, e in zip(trace.y, _upper(trace), strict=True)]
    top = max(values + [1.0]) * 1.15
    ticks = [2**k for k in range(int(math.log2(hi)) + 1)]
    return {
        "xaxis": {
            "title": "threads (log scale)",
            "type": "log",
            "tickvals": ticks,
            "ticktext": [str(p) for p in ticks],
            "range": [math.log10(lo / 1.25), math.log10(hi * 1.25)],
        },
        "yaxis": {"range": [0, top]},
    }


def _upper(trace) -> list:
    """The upper error of each point of a scatter trace (0 where it has none)."""
    errors = list(trace.error_y.array or ()) if trace.error_y else []
    return (errors + [0.0] * len(trace.y))[: len(trace.y)]


def loop_work(projection: dict, threads: int = 16):
    """Load balance as a student can see it: for each prange loop (the four most expensive, by
    their share of the serial time), each thread's share of the loop's work at ``threads``
    threads under numba's static schedule and under the dynamic one, against the even share 1/P.
    ``projection`` is a report's; a projection without loops gives a figure that says why."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    loops = sorted(
        (projection or {}).get("loops") or [], key=lambda loop: -(loop.get("share") or 0)
    )[:4]
    if (projection or {}).get("status") != "projected" or not loops:
        reason = (projection or {}).get("reason") or "no parallel loop was measured"
        fig = go.Figure()
        fig.add_annotation(text=_text(f"not projected: {reason}"), showarrow=False)
        fig.update_layout(
            template="simple_white", height=200, xaxis_visible=False, yaxis_visible=False
        )
        return fig
    key = _nearest(loops[0].get("per_thread", {}).get("static") or {}, threads)
    count = int(key) if key else threads
    titles = [
        _text(f"line {loop['line']} ({loop['function']}): {100 * loop['share']:.0f}% of the time")
        for loop in loops
    ]
    fig = make_subplots(rows=len(loops), cols=1, subplot_titles=titles, vertical_spacing=0.12)
    for row, loop in enumerate(loops, start=1):
        for schedule, colour in (("static", PALETTE[0]), ("dynamic", PALETTE[1])):
            shares = ((loop.get("per_thread") or {}).get(schedule) or {}).get(str(count))
            if not shares:
                continue
            fig.add_bar(
                x=list(range(1, len(shares) + 1)),
                y=shares,
                name=f"{schedule} schedule",
                legendgroup=schedule,
                showlegend=row == 1,
                marker_color=colour,
                hovertemplate=f"thread %{{x}} of {count}: %{{y:.1%}} of the loop's work"
                f"<extra>{schedule}</extra>",
                row=row,
                col=1,
            )
        # simple_white's shape defaults draw no line (width 0, for shaded rectangles)
        fig.add_hline(
            y=1 / count,
            line_dash="dash",
            line_color="#777",
            line_width=1.5,
            opacity=1,
            row=row,
            col=1,
        )
        fig.update_yaxes(
            title_text="share of work", tickformat=".0%", rangemode="tozero", row=row, col=1
        )
        fig.update_xaxes(
            title_text="thread" if row == len(loops) else None,
            dtick=1 if count <= 16 else None,
            row=row,
            col=1,
        )
    fig.add_annotation(
        x=1,
        xref="paper",
        xanchor="right",
        y=1 / count,
        yref="y",
        yanchor="bottom",
        text=f"even share 1/{count}",
        showarrow=False,
        font={"size": 10, "color": "#777"},
    )
    fig.update_layout(
        title=f"Each thread's share of a loop's work at {count} threads"
        "<br><sup>from the timed serial replay: projected, not measured</sup>",
        barmode="group",
        template="simple_white",
        # at the figure's foot, under the last subplot's axis title
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"},
        margin={"l": 60, "r": 10, "t": 80, "b": 80},
        height=180 + 190 * len(loops),
    )
    return fig


def _nearest(counts: dict, threads: int) -> str | None:
    """The thread count of ``counts`` (keys "1", "2", ...) nearest ``threads``."""
    if not counts:
        return None
    return min(counts, key=lambda p: (abs(int(p) - threads), int(p)))


def progress(candidates: list[dict], ceiling: dict | None = None, title: str = ""):
    """A run's progress: the best correct speedup so far (a step line) against the evaluation
    number, every correct candidate's own speedup as a point, and the failed evaluations as
    crosses on the axis, one colour per verdict. ``candidates`` are the store's rows in id order."""
    import plotly.graph_objects as go

    evaluated = [m for m in candidates if m.get("verdict")]
    xs = list(range(1, len(evaluated) + 1))
    from ..schema import best_steps

    # the best as schema.best_of judges it, step by step: a newcomer takes its place only when it
    # beat the best on an interleaved re-timing (or, never re-timed, by its interval)
    steps = best_steps(evaluated)  # evaluated is in id order, as best_steps answers
    best_so_far = [best.get("speedup") if best else None for best in steps]
    fig = go.Figure()
    fig.add_scatter(
        x=xs,
        y=best_so_far,
        mode="lines",
        line_shape="hv",
        name="best so far",
        line={"color": PALETTE[0]},
        hovertemplate="after %{x} evaluations: best %{y:.2f}x<extra></extra>",
    )
    correct = [(x, m) for x, m in zip(xs, evaluated, strict=True) if m["verdict"] == "ok"]
    fig.add_scatter(
        x=[x for x, m in correct if m.get("speedup")],
        y=[m["speedup"] for _, m in correct if m.get("speedup")],
        text=[
            _text(f"#{m['id']} {m.get('label', '')}"[:80]) for _, m in correct if m.get("speedup")
        ],
        mode="markers",
        name="correct candidate",
        marker={"color": PALETTE[0], "symbol": "circle-open"},
        hovertemplate="evaluation %{x}: %{y:.2f}x<br>%{text}<extra></extra>",
    )
    failed = sorted({m["verdict"] for m in evaluated if m["verdict"] != "ok"})
    for i, verdict in enumerate(failed):
        rows = [(x, m) for x, m in zip(xs, evaluated, strict=True) if m["verdict"] == verdict]
        fig.add_scatter(
            x=[x for x, _ in rows],
            y=[0] * len(rows),
            text=[_text(f"#{m['id']} {m.get('label', '')}"[:80]) for _, m in rows],
            mode="markers",
            name=_text(verdict),
            marker={"color": PALETTE[(i + 1) % len(PALETTE)], "symbol": "x", "size": 7},
            hovertemplate="evaluation %{x}: %{fullData.name}<br>%{text}<extra></extra>",
            cliponaxis=False,
        )
    threads = max((m.get("threads") or 0 for m in evaluated), default=0) or None
    fig.update_layout(
        title=(_text(title) or "Best speedup over serial numba so far")
        + f"<br><sup>{len(evaluated)} evaluations; crosses: failed candidates</sup>",
        xaxis={"title": "evaluation", "rangemode": "tozero"},
        yaxis={"title": "speedup over serial numba (x)", "rangemode": "tozero"},
        template="simple_white",
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 50, "r": 10, "t": 60, "b": 40},
        height=340,
    )
    _ceiling_line(fig, ceiling or {}, threads)
    return fig


def write(fig, folder: Path, name: str) -> list[Path]:
    """Save ``name``.json (plotly JSON) and ``name``.html (plotly.js beside it) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / f"{name}.json"
    json_path.write_text(fig.to_json(), encoding="utf-8")
    html_path = folder / f"{name}.html"
    fig.write_html(html_path, include_plotlyjs="directory", full_html=True)
    return [json_path, html_path]
