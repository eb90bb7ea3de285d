/**
 * @jest-environment jsdom
 */

/**
 * The projection to 64 threads in the shared renderers (src/render/plot.ts, work.ts), in jsdom:
 * the plot on a log2 axis with the projected lines and the bound bands, the table's projected
 * columns, each thread's share of a loop's work with its thread-count buttons, the words under
 * them, and the Speedup tab of the candidate view and of the Workbench; a report without a
 * projection keeps the plot it had.
 */
import { candidateRow } from './fixtures';
import { ICandidateDetail, shownFromCandidate } from '../model';
import { CandidateDetail } from '../render/detail';
import {
  BOUNDS,
  PLOT,
  boundBands,
  plotCaption,
  plotScales,
  projectionOf,
  renderSpeedupPlot,
  renderSpeedupTable,
  speedupPoints
} from '../render/plot';
import { IDiffView } from '../render/textdiff';
import {
  loopsOf,
  renderLoopWork,
  renderProjectionNotes,
  workThreads
} from '../render/work';
import widget from '../widget';

const THREADS = [1, 2, 4, 8, 16, 32, 64];

/** A power law's shares: the first thread has the most (skew 0: an even split). */
function shares(p: number, skew: number): number[] {
  const raw = Array.from({ length: p }, (_, i) => 1 / (i + 1) ** skew);
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map(r => r / total);
}

function loop(line: number, share: number, skew: number) {
  const perSchedule = (s: number) => {
    const out: Record<string, number[]> = {};
    for (const p of THREADS) {
      out[String(p)] = shares(p, s);
    }
    return out;
  };
  return {
    line,
    function: 'kernel',
    entries: 1,
    iterations: 300000,
    share,
    bytes: 9635840,
    per_thread: { static: perSchedule(skew), dynamic: perSchedule(skew / 20) }
  };
}

const STATIC: [number, number, string][] = [
  [1, 0.94, 'work'],
  [2, 1.45, 'work'],
  [4, 2.03, 'imbalance'],
  [8, 2.43, 'imbalance'],
  [16, 2.83, 'imbalance'],
  [32, 3.06, 'imbalance'],
  [64, 3.15, 'serial']
];
const DYNAMIC = [1.0, 1.9, 3.7, 6.9, 10.1, 11.8, 12.49];

const PROJECTION = {
  status: 'projected',
  reason: '',
  machine: 'this',
  schedule: 'static',
  kind: 'vs_serial',
  points: STATIC.map(([threads, speedup, bound]) => ({
    threads,
    speedup,
    bound,
    time_s: 0.006 / speedup,
    terms: {},
    detail:
      bound === 'imbalance'
        ? `imbalance: at ${threads} threads the thread with iterations 0-74999 of the loop at line 11 has 45% of its work`
        : `${bound} at ${threads}`
  })),
  dynamic: THREADS.map((threads, i) => ({
    threads,
    speedup: DYNAMIC[i],
    bound: 'work',
    time_s: 0,
    terms: {},
    detail: ''
  })),
  // five loops, out of order: the chart shows the four most expensive
  loops: [
    loop(30, 0.01, 0),
    loop(11, 0.8, 1),
    loop(20, 0.1, 0.5),
    loop(25, 0.05, 0),
    loop(40, 0.02, 0)
  ],
  serial_fraction: 0.017,
  regions: 1,
  assumptions: [
    "this machine's cores (2 here) projected to 64 threads",
    'fork-join cost beyond the measured thread counts grows linearly'
  ],
  notes: [],
  measured: {}
};

function vs(value: number, low: number, high: number) {
  return {
    value,
    ci_low: low,
    ci_high: high,
    significant: low > 1,
    label: ''
  };
}

const PROFILE = {
  ran: true,
  size: 300000,
  noisy: false,
  speedup: {
    vs_serial: { '1': vs(0.94, 0.9, 0.97), '2': vs(1.45, 1.4, 1.52) }
  },
  ceiling: { compute_speedup: { '1': 1, '2': 1.95 } },
  notes: []
};

const REPORT = {
  verdict: 'ok',
  summary: 'correct',
  races: { status: 'none', entries: [], notes: [] },
  profile: PROFILE,
  projection: PROJECTION
};

/** The x positions of the thread-count labels under the plot, by their text. */
function xTickLabels(svg: SVGSVGElement): Map<string, number> {
  const base = String(PLOT.height - PLOT.pad.bottom + 14);
  return new Map(
    [...svg.querySelectorAll('.jp-ParevoPlot-tick')]
      .filter(t => t.getAttribute('y') === base)
      .map(t => [t.textContent!, Number(t.getAttribute('x'))])
  );
}

function pathPoints(d: string): [number, number][] {
  const out: [number, number][] = [];
  const point = /[ML]([\d.]+),([\d.]+)/g;
  for (let m = point.exec(d); m; m = point.exec(d)) {
    out.push([Number(m[1]), Number(m[2])]);
  }
  return out;
}

describe('the projection read from a report', () => {
  it('is there only when projected, with its points in thread order', () => {
    expect(projectionOf(null)).toBeNull();
    expect(projectionOf({ projection: null })).toBeNull();
    expect(
      projectionOf({ projection: { status: 'not_projected', reason: 'x' } })
    ).toBeNull();
    expect(
      projectionOf({ projection: { ...PROJECTION, points: [] } })
    ).toBeNull();
    const shuffled = {
      ...PROJECTION,
      points: [...PROJECTION.points].reverse()
    };
    const p = projectionOf({ projection: shuffled })!;
    expect(p.own.map(s => s.threads)).toEqual(THREADS);
    expect(p.dynamic.map(s => s.speedup)).toEqual(DYNAMIC);
    expect(p.machine).toBe('this');
  });

  it('bands each run of equal bounds, halfway in log2 to its neighbours', () => {
    const bands = boundBands(projectionOf(REPORT)!);
    expect(bands.map(b => b.bound)).toEqual(['work', 'imbalance', 'serial']);
    expect(bands[1].from).toBeCloseTo(4 / Math.SQRT2);
    expect(bands[1].to).toBeCloseTo(32 * Math.SQRT2);
  });
});

describe('the speedup plot with a projection', () => {
  const points = speedupPoints(REPORT)!;

  it('runs to 64 threads on a log2 axis', () => {
    const host = document.createElement('div');
    const svg = renderSpeedupPlot(host, points);
    expect(svg.classList.contains('jp-mod-projected')).toBe(true);
    const ticks = xTickLabels(svg);
    expect([...ticks.keys()]).toEqual(THREADS.map(String));
    // log2: each doubling is the same distance
    const step = ticks.get('2')! - ticks.get('1')!;
    expect(step).toBeGreaterThan(20);
    expect(ticks.get('64')! - ticks.get('32')!).toBeCloseTo(step, 5);
    expect(svg.querySelector('.jp-ParevoPlot-axis')!.textContent).toBe(
      'threads (log scale)'
    );
    // the measured points keep their intervals, at the measured thread counts
    const measured = [...svg.querySelectorAll('circle.jp-ParevoPlot-point')];
    expect(measured.map(c => Number(c.getAttribute('cx')))).toEqual([
      ticks.get('1'),
      ticks.get('2')
    ]);
    expect(svg.querySelectorAll('.jp-ParevoPlot-ci')).toHaveLength(2);
  });

  it('draws a dynamic kernel as one line, named by its own schedule', () => {
    const report = {
      ...REPORT,
      projection: {
        ...PROJECTION,
        schedule: 'dynamic',
        points: PROJECTION.dynamic,
        dynamic: []
      }
    };
    const own = speedupPoints(report)!;
    expect(own.projection!.schedule).toBe('dynamic');
    const host = document.createElement('div');
    const svg = renderSpeedupPlot(host, own);
    const lines = [...svg.querySelectorAll('path.jp-ParevoPlot-projected')];
    expect(lines.map(l => l.getAttribute('data-schedule'))).toEqual([
      'dynamic'
    ]);
    const keys = [...host.querySelectorAll('.jp-ParevoPlot-key')].map(
      k => k.textContent
    );
    expect(keys).toContain('projected (dynamic schedule, machine this)');
    expect(keys).not.toContain('projected (static schedule, machine this)');
    const tbb = speedupPoints({
      ...report,
      profile: { ...REPORT.profile, threading_layer: 'tbb' }
    })!;
    expect(plotCaption(tbb)).toMatch(
      /^Speedup over serial numba against threads \(size 300000, tbb threading layer\)/
    );
  });

  it('draws the static projection as a line, the dynamic one dashed', () => {
    const host = document.createElement('div');
    const svg = renderSpeedupPlot(host, points);
    const { x, y } = plotScales(points);
    const line = svg.querySelector(
      'path.jp-ParevoPlot-projected.jp-mod-static'
    )!;
    const xy = pathPoints(line.getAttribute('d')!);
    expect(xy).toHaveLength(7);
    xy.forEach(([px, py], i) => {
      expect(px).toBeCloseTo(x(THREADS[i]), 0);
      expect(py).toBeCloseTo(y(STATIC[i][1]), 0);
    });
    const dynamic = svg.querySelector(
      'path.jp-ParevoPlot-projected.jp-mod-dynamic'
    )!;
    expect(dynamic.getAttribute('data-schedule')).toBe('dynamic');
    // the y axis holds the dynamic projection (12.49x); the ideal stops at the top
    expect(plotScales(points).top).toBeGreaterThanOrEqual(12.49);
    expect(plotScales(points).top).toBeLessThan(20);
    const ideal = pathPoints(
      svg.querySelector('.jp-ParevoPlot-ideal')!.getAttribute('d')!
    );
    expect(Math.min(...ideal.map(p => p[1]))).toBeCloseTo(PLOT.pad.top, 0);
    // each projected point says its bound, for a hover
    const at4 = svg.querySelector(
      'circle.jp-ParevoPlot-projectedPoint.jp-mod-static[data-threads="4"]'
    )!;
    expect(at4.getAttribute('data-bound')).toBe('imbalance');
    expect(at4.querySelector('title')!.textContent).toContain(
      '2.03x projected (static schedule), imbalance-bound. imbalance: at 4 threads'
    );
  });

  it('shades what limits each thread count, with a legend entry per bound present', () => {
    const host = document.createElement('div');
    const svg = renderSpeedupPlot(host, points);
    const bands = [...svg.querySelectorAll('rect.jp-ParevoPlot-band')];
    expect(bands.map(b => b.getAttribute('data-bound'))).toEqual([
      'work',
      'imbalance',
      'serial'
    ]);
    const { x } = plotScales(points);
    const imbalance = bands[1];
    const left = Number(imbalance.getAttribute('x'));
    const right = left + Number(imbalance.getAttribute('width'));
    expect(left).toBeLessThan(x(4));
    expect(right).toBeGreaterThan(x(32));
    expect(right).toBeLessThan(x(64));
    expect(
      [...svg.querySelectorAll('.jp-ParevoPlot-bandLabel')].map(
        t => t.textContent
      )
    ).toEqual(['work', 'imbalance', 'serial']);
    const legend = host.querySelector('.jp-ParevoPlot-legend')!;
    expect(
      [...legend.querySelectorAll('.jp-ParevoPlot-key.jp-mod-bound')].map(
        k => (k as HTMLElement).dataset.bound
      )
    ).toEqual(BOUNDS.filter(b => ['work', 'imbalance', 'serial'].includes(b)));
    const keys = [...legend.querySelectorAll('.jp-ParevoPlot-key')].map(
      k => k.textContent
    );
    expect(keys).toContain('projected (static schedule, machine this)');
    expect(keys).toContain('projected (dynamic schedule, machine this)');
    expect(keys[0]).toBe('measured (95% CI)');
    expect(plotCaption(points)).toBe(
      'Speedup over serial numba against threads (size 300000); beyond 2 threads: ' +
        'projected, not measured (machine this)'
    );
  });

  it('keeps the plot it had without a projection, or with one not made', () => {
    for (const projection of [
      undefined,
      { status: 'not_projected', reason: 'no prange loop' }
    ]) {
      const plain = speedupPoints({ ...REPORT, projection })!;
      expect(plain.projection).toBeNull();
      const host = document.createElement('div');
      const svg = renderSpeedupPlot(host, plain);
      expect(svg.classList.contains('jp-mod-projected')).toBe(false);
      expect(svg.querySelector('.jp-ParevoPlot-band')).toBeNull();
      expect(svg.querySelector('.jp-ParevoPlot-projected')).toBeNull();
      expect([...xTickLabels(svg).keys()]).toEqual(['1', '2']);
      const xs = xTickLabels(svg);
      expect(xs.get('1')).toBe(PLOT.pad.left);
      expect(xs.get('2')).toBe(PLOT.width - PLOT.pad.right);
      expect(plotCaption(plain)).not.toContain('projected');
    }
  });
});

describe('the speedup table with a projection', () => {
  it('adds the projected columns and a row per projected thread count', () => {
    const host = document.createElement('div');
    const table = renderSpeedupTable(host, REPORT);
    const rows = [...table.querySelectorAll('tr')].map(tr =>
      [...tr.children].map(c => c.textContent)
    );
    expect(rows[0]).toEqual([
      'threads',
      'vs serial',
      '95% interval',
      'projected',
      'limited by',
      'dynamic, projected'
    ]);
    expect(rows[1]).toEqual([
      '1',
      '0.94x',
      '0.90–0.97x',
      '0.94x',
      'work',
      '1.00x'
    ]);
    expect(rows[7]).toEqual(['64', '–', '–', '3.15x', 'serial', '12.49x']);
    expect(rows).toHaveLength(8);
    expect(table.querySelector('tr[data-threads="64"]')!.className).toBe(
      'jp-mod-projected'
    );
    expect(table.querySelector('tr[data-threads="2"]')!.className).toBe('');
    expect(table.querySelectorAll('th.jp-mod-projected')).toHaveLength(3);
    // without one: the three measured columns, as before
    const plain = renderSpeedupTable(host, { ...REPORT, projection: null });
    expect(plain.querySelectorAll('tr')).toHaveLength(3);
    expect(plain.querySelectorAll('th')).toHaveLength(3);
  });
});

describe("each thread's share of a loop's work", () => {
  const bars = (root: Element, line: number, schedule: string) =>
    [
      ...root.querySelectorAll(
        `.jp-ParevoWork-loop[data-line="${line}"] rect.jp-ParevoWork-bar[data-schedule="${schedule}"]`
      )
    ].map(r => Number(r.getAttribute('data-share')));

  it('reads the four most expensive loops and the thread counts they have', () => {
    const loops = loopsOf(PROJECTION);
    expect(loops.map(l => l.line)).toEqual([11, 20, 25, 40]);
    expect(workThreads(loops)).toEqual([2, 4, 8, 16, 32, 64]);
    expect(loopsOf({ status: 'not_projected', loops: [] })).toEqual([]);
  });

  it('draws 8 threads first and another count on a click', () => {
    const host = document.createElement('div');
    const picked: number[] = [];
    const root = renderLoopWork(host, PROJECTION, {
      onThreads: p => picked.push(p)
    })!;
    expect(root.dataset.threads).toBe('8');
    const active = root.querySelectorAll('.jp-ParevoWork-thread.jp-mod-active');
    expect(active).toHaveLength(1);
    expect((active[0] as HTMLElement).dataset.threads).toBe('8');
    expect(active[0].getAttribute('aria-pressed')).toBe('true');
    expect(
      [...root.querySelectorAll('.jp-ParevoWork-thread')].map(
        b => b.textContent
      )
    ).toEqual(['2', '4', '8', '16', '32', '64']);
    expect(
      [...root.querySelectorAll('.jp-ParevoWork-loop')].map(
        l => (l as HTMLElement).dataset.line
      )
    ).toEqual(['11', '20', '25', '40']);
    const static8 = bars(root, 11, 'static');
    expect(static8).toHaveLength(8);
    expect(static8[0]).toBeCloseTo(shares(8, 1)[0]);
    expect(bars(root, 11, 'dynamic')).toHaveLength(8);
    // the skew shows: the static schedule's first bar is far taller than its last
    const rects = root.querySelectorAll(
      '.jp-ParevoWork-loop[data-line="11"] rect.jp-mod-static'
    );
    const height = (r: Element) => Number(r.getAttribute('height'));
    expect(height(rects[0])).toBeGreaterThan(5 * height(rects[7]));
    // the y axis: a round top just above the busiest thread (37%)
    expect(
      [
        ...root.querySelectorAll(
          '.jp-ParevoWork-loop[data-line="11"] .jp-ParevoPlot-tick[text-anchor="end"]'
        )
      ].map(t => t.textContent)
    ).toEqual(['0%', '20%', '40%']);
    const even = root.querySelector(
      '.jp-ParevoWork-loop[data-line="11"] .jp-ParevoWork-even'
    )!;
    expect(Number(even.getAttribute('data-share'))).toBeCloseTo(1 / 8);
    expect(
      root.querySelector(
        '.jp-ParevoWork-loop[data-line="11"] .jp-ParevoWork-summary'
      )!.textContent
    ).toBe(
      'The busiest of 8 threads has static: 37%, dynamic: 13% of the work (an even share is 13%).'
    );
    expect(root.querySelector('.jp-ParevoWork-loopTitle')!.textContent).toBe(
      'Loop at line 11 (kernel): 80% of the serial time, 300,000 iterations'
    );

    root
      .querySelector<HTMLElement>('.jp-ParevoWork-thread[data-threads="64"]')!
      .click();
    expect(root.dataset.threads).toBe('64');
    expect(picked).toEqual([64]);
    const static64 = bars(root, 11, 'static');
    expect(static64).toHaveLength(64);
    expect(static64[0]).toBeCloseTo(shares(64, 1)[0]);
    expect(
      root
        .querySelector('.jp-ParevoWork-thread[data-threads="8"]')!
        .getAttribute('aria-pressed')
    ).toBe('false');
    // a count asked for that the report does not have: the nearest it has
    const other = renderLoopWork(document.createElement('div'), PROJECTION, {
      threads: 12
    })!;
    expect(other.dataset.threads).toBe('8');
  });

  it('draws nothing without a projection', () => {
    const host = document.createElement('div');
    expect(renderLoopWork(host, null)).toBeNull();
    expect(
      renderLoopWork(host, { status: 'not_projected', reason: 'x' })
    ).toBeNull();
    expect(host.children).toHaveLength(0);
  });
});

describe('the words under the projection', () => {
  it('say projected, not measured, the first limit and the assumptions', () => {
    const host = document.createElement('div');
    const notes = renderProjectionNotes(host, REPORT)!;
    expect(notes.querySelector('.jp-ParevoProjection-head')!.textContent).toBe(
      'Projected to 64 threads on machine this (from one timed serial run): projected, not measured.'
    );
    const limit = notes.querySelector<HTMLElement>(
      '.jp-ParevoProjection-limit'
    )!;
    expect(limit.dataset.bound).toBe('imbalance');
    expect(limit.textContent).toBe(
      'Limit from 4 threads: imbalance: at 4 threads the thread with iterations 0-74999 of the loop at line 11 has 45% of its work'
    );
    expect(
      [...notes.querySelectorAll('.jp-ParevoProjection-assumptions li')].map(
        li => li.textContent
      )
    ).toEqual(PROJECTION.assumptions.map(a => `Assumed: ${a}`));
  });

  it('say why a projection was not made, and nothing without one', () => {
    const host = document.createElement('div');
    const notes = renderProjectionNotes(host, {
      projection: {
        status: 'not_projected',
        reason: 'the replay changed the results'
      }
    })!;
    expect(notes.classList.contains('jp-mod-none')).toBe(true);
    expect(notes.textContent).toBe(
      'Not projected beyond this machine: the replay changed the results.'
    );
    expect(renderProjectionNotes(host, { projection: null })).toBeNull();
  });

  it('keep untrusted text as text', () => {
    const host = document.createElement('div');
    const hostile = {
      ...PROJECTION,
      machine: '<img src=x onerror=alert(1)>',
      assumptions: ['<b>bold</b>']
    };
    renderProjectionNotes(host, { projection: hostile });
    renderSpeedupPlot(host, speedupPoints({ ...REPORT, projection: hostile })!);
    expect(host.querySelector('img')).toBeNull();
    expect(host.querySelector('b')).toBeNull();
    expect(host.textContent).toContain('<b>bold</b>');
  });
});

function detail(id: number, report: any): ICandidateDetail {
  return {
    ...candidateRow(id, { parent_id: null, origin: 'seed', speedup: 1.45 }),
    source: 'def kernel(x):\n    return x\n',
    function: 'kernel',
    parent: null,
    reference: 'def reference(x):\n    return x\n',
    report,
    figure: { data: [], layout: {} }
  };
}

const noDiff = (): IDiffView => ({
  highlight: () => undefined,
  dispose: () => undefined
});

describe('the Speedup tab', () => {
  it("adds each thread's work and the words to the server's figure", () => {
    const node = document.createElement('div');
    const figures: any[] = [];
    const view = new CandidateDetail(node, {
      createDiff: noDiff,
      renderFigure: (host, figure) => {
        figures.push(figure);
        host.appendChild(document.createElement('canvas'));
        return { dispose: () => undefined };
      }
    });
    view.display(shownFromCandidate('r', detail(1, REPORT), []));
    node.querySelector<HTMLElement>('button[data-tab="speedup"]')!.click();
    // the lab panel: the server's plotly figure, not our SVG
    expect(figures).toHaveLength(1);
    expect(
      node.querySelector('.jp-ParevoPlot.jp-mod-figure canvas')
    ).not.toBeNull();
    expect(node.querySelector('svg.jp-ParevoPlot-svg')).toBeNull();
    expect(
      node.querySelector('.jp-ParevoPlot-table th.jp-mod-projected')
    ).not.toBeNull();
    const work = node.querySelector<HTMLElement>('.jp-ParevoWork')!;
    expect(work.dataset.threads).toBe('8');
    expect(
      node.querySelector('.jp-ParevoProjection-head')!.textContent
    ).toContain('projected, not measured');
    // the order: plot, table, work chart, words
    const order = [
      ...node.querySelector('.jp-ParevoCandidate-body')!.children
    ].map(c => c.className);
    expect(order).toEqual([
      'jp-ParevoPlot-caption',
      'jp-ParevoPlot jp-mod-figure',
      'jp-ParevoPlot-table',
      'jp-ParevoWork',
      'jp-ParevoProjection'
    ]);
    // the thread count picked stays for the next candidate
    work
      .querySelector<HTMLElement>('.jp-ParevoWork-thread[data-threads="32"]')!
      .click();
    view.display(shownFromCandidate('r', detail(2, REPORT), []));
    expect(
      node.querySelector<HTMLElement>('.jp-ParevoWork')!.dataset.threads
    ).toBe('32');
    // a candidate without a projection: no work chart, no words
    view.display(
      shownFromCandidate('r', detail(3, { ...REPORT, projection: null }), [])
    );
    expect(node.querySelector('.jp-ParevoWork')).toBeNull();
    expect(node.querySelector('.jp-ParevoProjection')).toBeNull();
  });

  it('in the Workbench: the SVG plot with the projection, and the work chart', () => {
    const state: Record<string, any> = {
      folder: '/tmp/run',
      run: null,
      candidates: [],
      selected: 1,
      detail: { ...detail(1, REPORT), figure: null },
      following: false,
      error: ''
    };
    const model = {
      get: (name: string) => state[name],
      set: (name: string, value: any) => (state[name] = value),
      save_changes: () => undefined,
      on: () => undefined,
      off: () => undefined,
      send: () => undefined
    };
    const el = document.createElement('div');
    const cleanup = widget.render({ model, el });
    el.querySelector<HTMLElement>('button[data-tab="speedup"]')!.click();
    const svg = el.querySelector('svg.jp-ParevoPlot-svg.jp-mod-projected')!;
    expect(
      svg.querySelector('path.jp-ParevoPlot-projected.jp-mod-static')
    ).not.toBeNull();
    expect(svg.querySelectorAll('rect.jp-ParevoPlot-band')).toHaveLength(3);
    expect(el.querySelectorAll('.jp-ParevoWork-loop')).toHaveLength(4);
    el.querySelector<HTMLElement>(
      '.jp-ParevoWork-thread[data-threads="4"]'
    )!.click();
    expect(
      el.querySelectorAll(
        '.jp-ParevoWork-loop[data-line="11"] rect.jp-ParevoWork-bar[data-schedule="static"]'
      )
    ).toHaveLength(4);
    cleanup();
  });
});
