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


def speedup_vs_threads(profile: dict, title: str = ""):
    """One candidate's speedup over serial numba at each thread count it was timed at, with the
    95% confidence interval, the ideal line and the machine's measured compute ceiling."""
    import plotly.graph_objects as go

    vs = (profile.get("speedup") or {}).get("vs_serial") or {}
    threads = sorted(int(p) for p in vs)
    fig = go.Figure()
    if threads:
        values = [vs[str(p)]["value"] for p in threads]
        fig.add_scatter(
            x=threads,
            y=values,
            mode="lines+markers",
            name="vs serial numba",
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
            x=threads,
            y=threads,
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
    fig.update_layout(
        title=(_text(title) or "Speedup versus threads")
        + f"<br><sup>size {_text(profile.get('size'))}{note}</sup>",
        xaxis={"title": "threads", "tickvals": threads},
        yaxis={"title": "speedup over serial numba (x)", "rangemode": "tozero"},
        template="simple_white",
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 50, "r": 10, "t": 60, "b": 40},
        height=320,
    )
    return fig


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
