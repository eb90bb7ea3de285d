/**
 * A candidate's speedup against threads as inline SVG (no plotly.js: the notebook Workbench must
 * stay small), and the numbers themselves as a table. The points come from the report's profile
 * (the same JSON the REST API serves); the lines are those of report/figures.py's plotly figure:
 * the 95% interval of each point, the ideal (linear: p threads, p times serial), the machine's
 * measured compute ceiling and serial numba at 1x.
 */
import { el } from '../dom';

const SVG = 'http://www.w3.org/2000/svg';

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
    size: profile.size ?? null
  };
}

/** The ideal speedup at each thread count: linear scaling, p times serial at p threads. */
export function idealSpeedup(threads: number[]): number[] {
  return threads.map(p => p);
}

function svg<K extends keyof SVGElementTagNameMap>(
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

/**
 * The plot's scales: x over the thread counts, y from 0 to a round value above every line drawn
 * (the points' intervals, the ceiling and the ideal), with round ticks.
 */
export function plotScales(points: ISpeedupPoints): {
  top: number;
  ticks: number[];
  x(p: number): number;
  y(v: number): number;
} {
  const { width, height, pad } = PLOT;
  const known = points.ceiling.filter((c): c is number => c !== null);
  const highest = Math.max(
    1.2,
    ...points.ciHigh,
    ...known,
    ...idealSpeedup(points.threads)
  );
  const step = niceStep(highest / 4);
  const top = Math.ceil(highest / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + step / 2; i++) {
    ticks.push(Number((i * step).toFixed(6)));
  }
  const xMin = Math.min(...points.threads);
  const xMax = Math.max(...points.threads);
  const x = (p: number) =>
    xMax === xMin
      ? (pad.left + width - pad.right) / 2
      : pad.left +
        ((p - xMin) / (xMax - xMin)) * (width - pad.left - pad.right);
  const y = (v: number) =>
    height - pad.bottom - (v / top) * (height - pad.top - pad.bottom);
  return { top, ticks, x, y };
}

/** Draw the plot (an `svg.jp-ParevoPlot-svg` and its legend) into `host`. */
export function renderSpeedupPlot(
  host: HTMLElement,
  points: ISpeedupPoints
): SVGSVGElement {
  const { width, height, pad } = PLOT;
  const { ticks, x, y } = plotScales(points);
  const root = svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      class: 'jp-ParevoPlot-svg',
      role: 'img',
      'aria-label': 'speedup versus threads'
    },
    host
  );
  const path = (xs: number[], ys: number[]) =>
    xs
      .map(
        (p, i) => `${i ? 'L' : 'M'}${x(p).toFixed(1)},${y(ys[i]).toFixed(1)}`
      )
      .join('');
  for (const v of ticks) {
    svg(
      'line',
      {
        x1: pad.left,
        x2: width - pad.right,
        y1: y(v),
        y2: y(v),
        class: 'jp-ParevoPlot-grid'
      },
      root
    );
    svg(
      'text',
      {
        x: pad.left - 4,
        y: y(v) + 3,
        class: 'jp-ParevoPlot-tick',
        'text-anchor': 'end'
      },
      root,
      String(v)
    );
  }
  for (const p of points.threads) {
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
    'threads'
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
  const ideal = svg(
    'path',
    {
      d: path(points.threads, idealSpeedup(points.threads)),
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
  for (const [key, text] of [
    ['line', 'candidate (95% CI)'],
    ['ideal', 'ideal (linear)'],
    ['ceiling', 'machine ceiling'],
    ['one', 'serial numba']
  ]) {
    const item = el('span', 'jp-ParevoPlot-key', legend);
    item.dataset.key = key;
    item.textContent = text;
  }
  return root;
}

/** The plot's caption: the input size, and a warning when the timings were noisy. */
export function plotCaption(points: ISpeedupPoints): string {
  return (
    `Speedup over serial numba against threads (size ${points.size ?? '?'})` +
    (points.noisy ? ', noisy: rerun on a quiet machine' : '')
  );
}

/** The numbers themselves, always: a plot must never be the only place they live. */
export function renderSpeedupTable(
  parent: HTMLElement,
  report: any | null
): HTMLTableElement {
  const table = el('table', 'jp-ParevoPlot-table', parent);
  const vs = report?.profile?.speedup?.vs_serial ?? {};
  const head = el('tr', '', table);
  for (const h of ['threads', 'vs serial', '95% interval']) {
    el('th', '', head).textContent = h;
  }
  for (const p of Object.keys(vs).sort((a, b) => Number(a) - Number(b))) {
    const row = el('tr', '', table);
    el('td', '', row).textContent = p;
    el('td', '', row).textContent = `${vs[p].value.toFixed(2)}x`;
    el('td', '', row).textContent =
      `${vs[p].ci_low.toFixed(2)}–${vs[p].ci_high.toFixed(2)}x`;
  }
  return table;
}
