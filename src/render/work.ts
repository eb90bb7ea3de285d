/**
 * Load imbalance made visible: for each prange loop of a projected report (the most expensive
 * four, by their share of the serial time), each thread's share of the loop's work under numba's
 * static schedule and under the dynamic one, at a thread count picked with buttons, against the
 * even share 1/P. On a skewed graph the static schedule's first thread towers over the rest;
 * that is what a student needs to see. Plain DOM and SVG (shared by the panel and the Workbench);
 * the numbers are the report's `projection.loops[].per_thread` (docs/scaling.md).
 *
 * Below it, `renderProjectionNotes`: what limits the projection first, in words, and what it
 * assumed; projected, not measured.
 */
import { el } from '../dom';
import { firstLimit, gridRow, projectionOf, svg } from './plot';

/** The thread counts a student can pick, and the one shown first. */
export const WORK_THREADS = [2, 4, 8, 16, 32, 64];
export const DEFAULT_WORK_THREADS = 8;
/** At most this many loops are drawn: the most expensive ones. */
export const MAX_LOOPS = 4;

export const WORK_PLOT = {
  width: 360,
  height: 120,
  pad: { left: 34, right: 8, top: 8, bottom: 16 }
};

export interface ILoopWork {
  line: number;
  function: string;
  iterations: number;
  share: number;
  /** schedule -> thread count -> each thread's share of the loop's work (sums to 1). */
  perThread: Record<string, Record<string, number[]>>;
}

/** The loops of a projected report, most expensive first (at most `MAX_LOOPS`). */
export function loopsOf(projection: any | null): ILoopWork[] {
  if (projection?.status !== 'projected') {
    return [];
  }
  return (projection.loops ?? [])
    .map((loop: any) => ({
      line: Number(loop.line),
      function: String(loop.function ?? ''),
      iterations: Number(loop.iterations ?? 0),
      share: Number(loop.share ?? 0),
      perThread: loop.per_thread ?? {}
    }))
    .sort((a: ILoopWork, b: ILoopWork) => b.share - a.share)
    .slice(0, MAX_LOOPS);
}

/** The thread counts of `WORK_THREADS` that the loops have shares for. */
export function workThreads(loops: ILoopWork[]): number[] {
  return WORK_THREADS.filter(p =>
    loops.some(loop => (loop.perThread.static ?? {})[String(p)])
  );
}

/** The busiest thread's share of a loop's work at `threads` under `schedule` (null: none). */
export function busiest(
  loop: ILoopWork,
  schedule: string,
  threads: number
): number | null {
  const shares = (loop.perThread[schedule] ?? {})[String(threads)];
  return shares && shares.length ? Math.max(...shares) : null;
}

const percent = (v: number) =>
  `${(100 * v).toFixed(v > 0 && v < 0.1 ? 1 : 0)}%`;

/** One loop's bars at `threads`: per thread, its static bar then its dynamic bar. */
export function renderLoopBars(
  host: HTMLElement,
  loop: ILoopWork,
  threads: number
): SVGSVGElement {
  const { width, height, pad } = WORK_PLOT;
  const root = svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      class: 'jp-ParevoWork-svg',
      role: 'img',
      'aria-label': `each thread's share of the work of the loop at line ${loop.line}, ${threads} threads`
    },
    host
  );
  const even = 1 / threads;
  const schedules = ['static', 'dynamic'].filter(
    s => (loop.perThread[s] ?? {})[String(threads)]
  );
  const highest = Math.max(
    even * 1.5,
    ...schedules.map(s => busiest(loop, s, threads) ?? 0)
  );
  // a round top just above the busiest thread
  const top =
    [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1].find(
      t => t >= highest
    ) ?? 1;
  const y = (v: number) =>
    height - pad.bottom - (v / top) * (height - pad.top - pad.bottom);
  for (const v of [0, top / 2, top]) {
    gridRow(root, y(v), percent(v), pad.left, width - pad.right);
  }
  const slot = (width - pad.left - pad.right) / threads;
  const bar = (slot * 0.8) / Math.max(1, schedules.length);
  schedules.forEach((schedule, k) => {
    const shares = loop.perThread[schedule][String(threads)];
    shares.forEach((share, i) => {
      const x = pad.left + i * slot + slot * 0.1 + k * bar;
      const rect = svg(
        'rect',
        {
          x: x.toFixed(2),
          y: y(share).toFixed(2),
          width: bar.toFixed(2),
          height: Math.max(0, y(0) - y(share)).toFixed(2),
          class: `jp-ParevoWork-bar jp-mod-${schedule}`,
          'data-schedule': schedule,
          'data-thread': i + 1,
          'data-share': share
        },
        root
      );
      svg(
        'title',
        {},
        rect,
        `thread ${i + 1} of ${threads}, ${schedule} schedule: ${percent(share)} of the loop's work`
      );
    });
  });
  // thread numbers under the bars: every one up to 16, then the first and every eighth
  for (let i = 0; i < threads; i++) {
    if (threads <= 16 || i === 0 || (i + 1) % 8 === 0) {
      svg(
        'text',
        {
          x: (pad.left + (i + 0.5) * slot).toFixed(1),
          y: height - pad.bottom + 11,
          class: 'jp-ParevoPlot-tick',
          'text-anchor': 'middle'
        },
        root,
        String(i + 1)
      );
    }
  }
  const line = svg(
    'line',
    {
      x1: pad.left,
      x2: width - pad.right,
      y1: y(even).toFixed(2),
      y2: y(even).toFixed(2),
      class: 'jp-ParevoWork-even',
      'data-share': even
    },
    root
  );
  svg('title', {}, line, `even share: 1/${threads} = ${percent(even)}`);
  return root;
}

/** What a loop's bars say, in a line: the busiest thread's share under each schedule. */
export function loopSummary(loop: ILoopWork, threads: number): string {
  const parts = ['static', 'dynamic']
    .map(s => [s, busiest(loop, s, threads)] as [string, number | null])
    .filter((p): p is [string, number] => p[1] !== null)
    .map(([s, b]) => `${s}: ${percent(b)}`);
  return (
    `The busiest of ${threads} threads has ${parts.join(', ')} of the work ` +
    `(an even share is ${percent(1 / threads)}).`
  );
}

export interface ILoopWorkOptions {
  /** The thread count shown first (default 8, or the nearest the report has). */
  threads?: number;
  /** A thread count was picked (the caller may keep it for the next candidate). */
  onThreads?: (threads: number) => void;
}

/**
 * The per-thread work chart of a report's projection into `host`: a `div.jp-ParevoWork` with
 * its thread-count buttons and one bar chart per loop. Null when there is nothing to draw.
 */
export function renderLoopWork(
  host: HTMLElement,
  projection: any | null,
  options: ILoopWorkOptions = {}
): HTMLElement | null {
  const loops = loopsOf(projection);
  const counts = workThreads(loops);
  if (counts.length === 0) {
    return null;
  }
  const wanted = options.threads ?? DEFAULT_WORK_THREADS;
  let threads = counts.reduce((best, p) =>
    Math.abs(p - wanted) < Math.abs(best - wanted) ? p : best
  );
  const root = el('div', 'jp-ParevoWork', host);
  el('div', 'jp-ParevoWork-title', root).textContent =
    "Each thread's share of a loop's work (projected, not measured)";
  const bar = el('div', 'jp-ParevoWork-threads', root);
  bar.setAttribute('role', 'group');
  bar.setAttribute('aria-label', 'threads');
  el('span', 'jp-ParevoWork-threadsLabel', bar).textContent = 'Threads: ';
  const buttons = counts.map(p => {
    const b = el('button', 'jp-ParevoWork-thread', bar);
    b.textContent = String(p);
    b.dataset.threads = String(p);
    b.onclick = () => {
      threads = p;
      draw();
      options.onThreads?.(p);
    };
    return b;
  });
  const legend = el('div', 'jp-ParevoPlot-legend jp-ParevoWork-legend', root);
  for (const [key, text] of [
    ['static', 'static schedule (numba default)'],
    ['dynamic', 'dynamic schedule (chunks on demand)'],
    ['even', 'even share 1/P']
  ]) {
    const item = el('span', 'jp-ParevoWork-key', legend);
    item.dataset.key = key;
    item.textContent = text;
  }
  const charts = el('div', 'jp-ParevoWork-loops', root);
  const draw = () => {
    root.dataset.threads = String(threads);
    for (const b of buttons) {
      const active = b.dataset.threads === String(threads);
      b.classList.toggle('jp-mod-active', active);
      b.setAttribute('aria-pressed', String(active));
    }
    charts.textContent = '';
    for (const loop of loops) {
      const box = el('div', 'jp-ParevoWork-loop', charts);
      box.dataset.line = String(loop.line);
      el('div', 'jp-ParevoWork-loopTitle', box).textContent =
        `Loop at line ${loop.line}` +
        (loop.function ? ` (${loop.function})` : '') +
        `: ${percent(loop.share)} of the serial time, ` +
        `${loop.iterations.toLocaleString('en-US')} iterations`;
      renderLoopBars(box, loop, threads);
      el('div', 'jp-ParevoWork-summary', box).textContent = loopSummary(
        loop,
        threads
      );
    }
  };
  draw();
  return root;
}

/**
 * The words under the projection: "projected, not measured", what limits it first (the first
 * thread count whose bound is not the work itself) and the assumptions behind it; a projection
 * that was not made says why.
 */
export function renderProjectionNotes(
  host: HTMLElement,
  report: any | null
): HTMLElement | null {
  const raw = report?.projection;
  if (!raw) {
    return null;
  }
  const root = el('div', 'jp-ParevoProjection', host);
  const projection = projectionOf(report);
  if (!projection) {
    root.classList.add('jp-mod-none');
    root.textContent = `Not projected beyond this machine: ${raw.reason || 'no reason given'}.`;
    return root;
  }
  const last = projection.own[projection.own.length - 1];
  el('div', 'jp-ParevoProjection-head', root).textContent =
    `Projected to ${last.threads} threads on machine ${projection.machine} ` +
    '(from one timed serial run): projected, not measured.';
  const limit = firstLimit(projection);
  const said = el('div', 'jp-ParevoProjection-limit', root);
  said.dataset.bound = limit?.bound ?? 'work';
  said.textContent = limit
    ? `Limit from ${limit.threads} threads: ${limit.detail}`
    : `The work itself limits it up to ${last.threads} threads: it scales.`;
  if (projection.assumptions.length) {
    const list = el('ul', 'jp-ParevoProjection-assumptions', root);
    for (const text of projection.assumptions) {
      el('li', '', list).textContent = `Assumed: ${text}`;
    }
  }
  return root;
}
