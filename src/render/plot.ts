/**
 * A candidate's speedup against threads as inline SVG (no plotly.js: the notebook Workbench must
 * stay small), and the numbers themselves as a table. The points come from the report's profile
 * (the same JSON the REST API serves); the lines are those of report/figures.py's plotly figure:
 * the 95% interval of each point, the ideal (linear: p threads, p times serial), the machine's
 * measured compute ceiling and serial numba at 1x. A report with a projection (the scaling stage:
 * docs/scaling.md) is drawn to 64 threads on a log2 axis: the projected speedups under the
 * kernel's own schedule (a line) and, for a static kernel, under the dynamic one (dashed), over
 * bands that name what limits each thread count; they are projected, not measured, and the
 * caption says so.
 */
import { el } from '../dom';

const SVG = 'http://www.w3.org/2000/svg';

/** What limits a projected thread count (results.py's ProjectionPoint.bound), in legend order. */
export const BOUNDS = [
  'work',
  'imbalance',
  'serial',
  'bandwidth',
  'overhead'
] as const;

export interface IProjectedPoint {
  threads: number;
  speedup: number;
  bound: string;
  detail: string;
}

/** A report's projection (status "projected"), as the plot and the tables read it. */
export interface IProjection {
  machine: string;
  /** "vs_serial" (over serial numba, like the measured points) or "self" (over 1 thread). */
  kind: string;
  /** The kernel's own schedule, which `own` replays: "static", or "dynamic" (a chunk size). */
  schedule: 'static' | 'dynamic';
  own: IProjectedPoint[];
  /** A static kernel under the dynamic schedule; empty for a dynamic kernel. */
  dynamic: IProjectedPoint[];
  assumptions: string[];
}

/** The report's projection, or null: none, not projected, or without points. */
export function projectionOf(report: any | null): IProjection | null {
  const projection = report?.projection;
  if (projection?.status !== 'projected') {
    return null;
  }
  const points = (rows: any[] | undefined): IProjectedPoint[] =>
    (rows ?? [])
      .filter(r => Number.isFinite(r?.threads) && Number.isFinite(r?.speedup))
      .map(r => ({
        threads: r.threads,
        speedup: r.speedup,
        bound: String(r.bound ?? ''),
        detail: String(r.detail ?? '')
      }))
      .sort((a, b) => a.threads - b.threads);
  const projected = points(projection.points);
  if (projected.length === 0) {
    return null;
  }
  return {
    machine: String(projection.machine ?? '?'),
    kind: String(projection.kind ?? 'vs_serial'),
    schedule: projection.schedule === 'dynamic' ? 'dynamic' : 'static',
    own: projected,
    dynamic: points(projection.dynamic),
    assumptions: (projection.assumptions ?? []).map(String)
  };
}

/**
 * The first thread count whose limit is not the work itself, with its sentence: what stops the
 * scaling (results.py's first_limit, which the terminal, the widget and the report quote).
 */
export function firstLimit(projection: IProjection): IProjectedPoint | null {
  return projection.own.find(p => p.bound !== 'work' && p.detail) ?? null;
}

export interface ISpeedupPoints {
  threads: number[];
  value: number[];
  ciLow: number[];
  ciHigh: number[];
  significant: boolean[];
  /** The machine's compute-bound ceiling at each thread count, where it was measured. */
  ceiling: (number | null)[];
  noisy: boolean;
  size: number | null;
  /** numba's threading layer that ran the candidate (omp; tbb for a dynamic schedule). */
  layer: string | null;
  /** The projection beyond this machine, when the report has one. */
  projection: IProjection | null;
}

/** The profile's speedup over serial numba at each thread count, or null when it was not timed. */
export function speedupPoints(report: any | null): ISpeedupPoints | null {
  const profile = report?.profile ?? {};
  const vs = profile.speedup?.vs_serial ?? {};
  const threads = Object.keys(vs)
    .map(Number)
    .filter(p => Number.isFinite(p))
    .sort((a, b) => a - b);
  if (threads.length === 0) {
    return null;
  }
  const ceiling = profile.ceiling?.compute_speedup ?? {};
  const at = (p: number) => vs[String(p)];
  return {
    threads,
    value: threads.map(p => at(p).value),
    ciLow: threads.map(p => at(p).ci_low ?? at(p).value),
    ciHigh: threads.map(p => at(p).ci_high ?? at(p).value),
    significant: threads.map(p => Boolean(at(p).significant)),
    ceiling: threads.map(p => ceiling[String(p)] ?? null),
    noisy: Boolean(profile.noisy),
    size: profile.size ?? null,
    layer: profile.threading_layer || null,
    projection: projectionOf(report)
  };
}

/** The ideal speedup at each thread count: linear scaling, p times serial at p threads. */
export function idealSpeedup(threads: number[]): number[] {
  return threads.map(p => p);
}

/** An SVG element with its attributes (and text), appended to `parent`. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  parent: Element,
  text?: string
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    node.setAttribute(key, String(value));
  }
  if (text !== undefined) {
    node.appendChild(document.createTextNode(text));
  }
  parent.appendChild(node);
  return node;
}

/** A horizontal grid line at height `y` from `left` to `right`, its label at the left. */
export function gridRow(
  root: SVGElement,
  y: number,
  label: string,
  left: number,
  right: number
): void {
  svg(
    'line',
    { x1: left, x2: right, y1: y, y2: y, class: 'jp-ParevoPlot-grid' },
    root
  );
  svg(
    'text',
    {
      x: left - 4,
      y: y + 3,
      class: 'jp-ParevoPlot-tick',
      'text-anchor': 'end'
    },
    root,
    label
  );
}

export const PLOT = {
  width: 360,
  height: 220,
  pad: { left: 40, right: 12, top: 12, bottom: 34 }
};

/** A round step (1, 2, 2.5 or 5 times a power of ten) at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 2.5, 5, 10].find(m => m * power >= raw) ?? 10) * power;
}

/** The thread counts on the x axis: the measured ones, or 1, 2, 4, ... up to the projection's. */
export function xTicks(points: ISpeedupPoints): number[] {
  if (!points.projection) {
    return points.threads;
  }
  const last = Math.max(
    64,
    ...points.threads,
    ...points.projection.own.map(p => p.threads)
  );
  const ticks: number[] = [];
  for (let p = 1; p <= last; p *= 2) {
    ticks.push(p);
  }
  return ticks;
}

/**
 * The plot's scales: x over the thread counts (log2 with a projection), y from 0 to a round value
 * above every line drawn (the points' intervals, the ceiling, the projections and, without a
 * projection, the ideal: with one, the ideal runs off the top at its thread count), with round
 * ticks.
 */
export function plotScales(points: ISpeedupPoints): {
  top: number;
  ticks: number[];
  x(p: number): number;
  y(v: number): number;
} {
  const { width, height, pad } = PLOT;
  const known = points.ceiling.filter((c): c is number => c !== null);
  const projection = points.projection;
  const highest = Math.max(
    1.2,
    ...points.ciHigh,
    ...known,
    ...(projection
      ? [...projection.own, ...projection.dynamic].map(p => p.speedup)
      : idealSpeedup(points.threads))
  );
  const step = niceStep(highest / 4);
  const top = Math.ceil(highest / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + step / 2; i++) {
    ticks.push(Number((i * step).toFixed(6)));
  }
  const span = width - pad.left - pad.right;
  let x: (p: number) => number;
  if (projection) {
    // log2, with half a step of room either side for the end points and their bands
    const lo = -0.5;
    const hi = Math.log2(Math.max(...xTicks(points))) + 0.5;
    x = p => pad.left + ((Math.log2(p) - lo) / (hi - lo)) * span;
  } else {
    const xMin = Math.min(...points.threads);
    const xMax = Math.max(...points.threads);
    x = p =>
      xMax === xMin
        ? (pad.left + width - pad.right) / 2
        : pad.left + ((p - xMin) / (xMax - xMin)) * span;
  }
  const y = (v: number) =>
    height - pad.bottom - (v / top) * (height - pad.top - pad.bottom);
  return { top, ticks, x, y };
}

/**
 * The bands behind a projection: one per run of thread counts with the same bound, from halfway
 * (in log2) to the count before it to halfway to the next.
 */
export function boundBands(
  projection: IProjection
): { bound: string; from: number; to: number }[] {
  const bands: { bound: string; from: number; to: number }[] = [];
  for (const p of projection.own) {
    const last = bands[bands.length - 1];
    if (last && last.bound === p.bound) {
      last.to = p.threads * Math.SQRT2;
    } else {
      bands.push({
        bound: p.bound,
        from: p.threads / Math.SQRT2,
        to: p.threads * Math.SQRT2
      });
    }
  }
  return bands;
}

/** Draw the plot (an `svg.jp-ParevoPlot-svg` and its legend) into `host`. */
export function renderSpeedupPlot(
  host: HTMLElement,
  points: ISpeedupPoints
): SVGSVGElement {
  const { width, height, pad } = PLOT;
  const { top, ticks, x, y } = plotScales(points);
  const projection = points.projection;
  const root = svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      class: 'jp-ParevoPlot-svg',
      role: 'img',
      'aria-label': projection
        ? 'speedup versus threads, measured and projected to 64 threads'
        : 'speedup versus threads'
    },
    host
  );
  if (projection) {
    root.classList.add('jp-mod-projected');
  }
  const path = (xs: number[], ys: number[]) =>
    xs
      .map(
        (p, i) => `${i ? 'L' : 'M'}${x(p).toFixed(1)},${y(ys[i]).toFixed(1)}`
      )
      .join('');
  if (projection) {
    drawBands(root, projection, x, y(top));
  }
  for (const v of ticks) {
    gridRow(root, y(v), String(v), pad.left, width - pad.right);
  }
  for (const p of xTicks(points)) {
    svg(
      'text',
      {
        x: x(p),
        y: height - pad.bottom + 14,
        class: 'jp-ParevoPlot-tick',
        'text-anchor': 'middle'
      },
      root,
      String(p)
    );
  }
  svg(
    'text',
    {
      x: (pad.left + width - pad.right) / 2,
      y: height - 4,
      class: 'jp-ParevoPlot-axis',
      'text-anchor': 'middle'
    },
    root,
    projection ? 'threads (log scale)' : 'threads'
  );
  svg(
    'line',
    {
      x1: pad.left,
      x2: width - pad.right,
      y1: y(1),
      y2: y(1),
      class: 'jp-ParevoPlot-one'
    },
    root
  );
  // with a projection the ideal climbs to 64x: it stops where it leaves the plot's top
  let idealAt = projection
    ? xTicks(points).filter(p => p <= top)
    : points.threads;
  if (projection && idealAt[idealAt.length - 1] < top) {
    idealAt = [...idealAt, Math.min(top, Math.max(...xTicks(points)))];
  }
  const ideal = svg(
    'path',
    {
      d: path(idealAt, idealSpeedup(idealAt)),
      class: 'jp-ParevoPlot-ideal'
    },
    root
  );
  svg('title', {}, ideal, 'ideal (linear)');
  const known = points.threads
    .map((p, i) => [p, points.ceiling[i]] as [number, number | null])
    .filter((k): k is [number, number] => k[1] !== null);
  if (known.length > 1) {
    const ceiling = svg(
      'path',
      {
        d: path(
          known.map(k => k[0]),
          known.map(k => k[1])
        ),
        class: 'jp-ParevoPlot-ceiling'
      },
      root
    );
    svg('title', {}, ceiling, 'machine ceiling (compute-bound kernel)');
  }
  if (projection) {
    for (const which of ['dynamic', 'own'] as const) {
      const rows = projection[which];
      const schedule = which === 'own' ? projection.schedule : 'dynamic';
      if (rows.length === 0) {
        continue;
      }
      const line = svg(
        'path',
        {
          d: path(
            rows.map(r => r.threads),
            rows.map(r => r.speedup)
          ),
          class: `jp-ParevoPlot-projected jp-mod-${schedule}`,
          'data-schedule': schedule
        },
        root
      );
      svg('title', {}, line, projectedName(projection, schedule));
      for (const r of rows) {
        const mark = svg(
          'circle',
          {
            cx: x(r.threads),
            cy: y(r.speedup),
            r: 2.5,
            class: `jp-ParevoPlot-projectedPoint jp-mod-${schedule}`,
            'data-schedule': schedule,
            'data-threads': r.threads,
            'data-bound': r.bound
          },
          root
        );
        svg(
          'title',
          {},
          mark,
          `${r.threads} threads: ${r.speedup.toFixed(2)}x projected ` +
            `(${schedule} schedule), ${r.bound}-bound` +
            (r.detail ? `. ${r.detail}` : '')
        );
      }
    }
  }
  svg(
    'path',
    { d: path(points.threads, points.value), class: 'jp-ParevoPlot-line' },
    root
  );
  points.threads.forEach((p, i) => {
    svg(
      'line',
      {
        x1: x(p),
        x2: x(p),
        y1: y(points.ciLow[i]),
        y2: y(points.ciHigh[i]),
        class: 'jp-ParevoPlot-ci'
      },
      root
    );
    const point = svg(
      'circle',
      {
        cx: x(p),
        cy: y(points.value[i]),
        r: 4,
        class: points.significant[i]
          ? 'jp-ParevoPlot-point'
          : 'jp-ParevoPlot-point jp-mod-flat'
      },
      root
    );
    svg(
      'title',
      {},
      point,
      `${p} threads: ${points.value[i].toFixed(2)}x ` +
        `[${points.ciLow[i].toFixed(2)}–${points.ciHigh[i].toFixed(2)}]` +
        (points.significant[i] ? '' : ' (no speedup: the interval holds 1)')
    );
  });
  const legend = el('div', 'jp-ParevoPlot-legend', host);
  const keys: [string, string][] = [
    ['line', projection ? 'measured (95% CI)' : 'candidate (95% CI)']
  ];
  if (projection) {
    keys.push(['projected', projectedName(projection, projection.schedule)]);
    if (projection.dynamic.length) {
      keys.push(['dynamic', projectedName(projection, 'dynamic')]);
    }
  }
  keys.push(
    ['ideal', 'ideal (linear)'],
    ['ceiling', 'machine ceiling'],
    ['one', 'serial numba']
  );
  for (const [key, text] of keys) {
    const item = el('span', 'jp-ParevoPlot-key', legend);
    item.dataset.key = key;
    item.textContent = text;
  }
  if (projection) {
    const present = new Set(projection.own.map(p => p.bound));
    for (const bound of [
      ...BOUNDS.filter(b => present.has(b)),
      ...[...present].filter(b => !(BOUNDS as readonly string[]).includes(b))
    ]) {
      const item = el('span', 'jp-ParevoPlot-key jp-mod-bound', legend);
      item.dataset.key = 'bound';
      item.dataset.bound = bound;
      item.textContent = `${bound}-bound`;
    }
  }
  return root;
}

/** A projected line's name: its schedule and the machine it was projected for. */
function projectedName(
  projection: IProjection,
  schedule: 'static' | 'dynamic'
): string {
  const over = projection.kind === 'vs_serial' ? '' : ', over 1 thread';
  return `projected (${schedule} schedule, machine ${projection.machine}${over})`;
}

/** The bound bands behind the lines, each named at its top. */
function drawBands(
  root: SVGSVGElement,
  projection: IProjection,
  x: (p: number) => number,
  top: number
): void {
  const { width, height, pad } = PLOT;
  const left = pad.left;
  const right = width - pad.right;
  for (const band of boundBands(projection)) {
    const x0 = Math.max(left, x(band.from));
    const x1 = Math.min(right, x(band.to));
    const rect = svg(
      'rect',
      {
        x: x0.toFixed(1),
        y: top.toFixed(1),
        width: Math.max(0, x1 - x0).toFixed(1),
        height: (height - pad.bottom - top).toFixed(1),
        class: 'jp-ParevoPlot-band',
        'data-bound': band.bound
      },
      root
    );
    svg('title', {}, rect, `${band.bound}-bound (projected)`);
    svg(
      'text',
      {
        x: ((x0 + x1) / 2).toFixed(1),
        y: (top + 9).toFixed(1),
        class: 'jp-ParevoPlot-bandLabel',
        'data-bound': band.bound,
        'text-anchor': 'middle'
      },
      root,
      band.bound
    );
  }
}

/**
 * The plot's caption: the input size, the threading layer, and a warning when the timings
 * were noisy.
 */
export function plotCaption(points: ISpeedupPoints): string {
  const projection = points.projection;
  const layer = points.layer ? `, ${points.layer} threading layer` : '';
  return (
    `Speedup over serial numba against threads (size ${points.size ?? '?'}${layer})` +
    (points.noisy ? ', noisy: rerun on a quiet machine' : '') +
    (projection
      ? `; beyond ${Math.max(...points.threads)} threads: projected, not measured ` +
        `(machine ${projection.machine})`
      : '')
  );
}

/**
 * The numbers themselves, always: a plot must never be the only place they live. With a
 * projection, one row per thread count measured or projected, and the projected columns marked.
 */
export function renderSpeedupTable(
  parent: HTMLElement,
  report: any | null
): HTMLTableElement {
  const table = el('table', 'jp-ParevoPlot-table', parent);
  const vs = report?.profile?.speedup?.vs_serial ?? {};
  const projection = projectionOf(report);
  const head = el('tr', '', table);
  const heads = ['threads', 'vs serial', '95% interval'];
  if (projection) {
    heads.push('projected', 'limited by', 'dynamic, projected');
  }
  heads.forEach((h, i) => {
    const th = el('th', i >= 3 ? 'jp-mod-projected' : '', head);
    th.textContent = h;
  });
  const ownAt = new Map(projection?.own.map(p => [p.threads, p]) ?? []);
  const dynamicAt = new Map(projection?.dynamic.map(p => [p.threads, p]) ?? []);
  const counts = [...new Set([...Object.keys(vs).map(Number), ...ownAt.keys()])]
    .filter(p => Number.isFinite(p))
    .sort((a, b) => a - b);
  for (const p of counts) {
    const row = el('tr', '', table);
    row.dataset.threads = String(p);
    const measured = vs[String(p)];
    el('td', '', row).textContent = String(p);
    el('td', '', row).textContent = measured
      ? `${measured.value.toFixed(2)}x`
      : '–';
    el('td', '', row).textContent = measured
      ? `${measured.ci_low.toFixed(2)}–${measured.ci_high.toFixed(2)}x`
      : '–';
    if (projection) {
      const at = ownAt.get(p);
      const dynamic = dynamicAt.get(p);
      for (const text of [
        at ? `${at.speedup.toFixed(2)}x` : '–',
        at?.bound ?? '–',
        dynamic ? `${dynamic.speedup.toFixed(2)}x` : '–'
      ]) {
        el('td', 'jp-mod-projected', row).textContent = text;
      }
      if (!measured) {
        row.classList.add('jp-mod-projected');
      }
    }
  }
  return table;
}
