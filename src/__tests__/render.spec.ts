/**
 * @jest-environment jsdom
 */

/**
 * The renderers shared by the JupyterLab panel and the notebook Workbench (src/render/), and the
 * Workbench's anywidget entry point, in jsdom: the speed label, untimed rows last, the race text,
 * the plot's ideal line, no stray null in a header, and the widget wired to a model.
 */
import { candidateRow } from './fixtures';
import {
  ICandidateDetail,
  IRaceEntry,
  IRunRecord,
  describeRace,
  formatSpeedup,
  headline,
  raceHeading,
  runProgressText,
  shownFromCandidate,
  speedLabel,
  summaryOfRecord,
  summaryOfRun
} from '../model';
import {
  CandidateDetail,
  renderCandidateHeader,
  renderRaces,
  renderReport
} from '../render/detail';
import { renderRunHeader } from '../render/header';
import {
  idealSpeedup,
  plotScales,
  renderSpeedupPlot,
  speedupPoints
} from '../render/plot';
import { CandidateTable } from '../render/table';
import { IDiffView, TextDiff, diffLines } from '../render/textdiff';
import widget from '../widget';

const candidate = candidateRow;

const RACE: IRaceEntry = {
  source: 'replay',
  kind: 'write-write',
  array: 'out',
  index: [0],
  first: {
    line: 10,
    column: 8,
    text: 'out[0] = 2.0 * x[0] + 1.0',
    array: 'out',
    access: 'write',
    iteration: 0
  },
  second: {
    line: 10,
    column: 8,
    text: 'out[0] = 2.0 * x[0] + 1.0',
    array: 'out',
    access: 'write',
    iteration: 512
  },
  count: 1234,
  loop_line: 8
};

function vs(value: number, low: number, high: number) {
  return {
    value,
    ci_low: low,
    ci_high: high,
    significant: low > 1 || high < 1,
    label: `${value}x`
  };
}

const REPORT = {
  verdict: 'race',
  summary: 'a write-write race on out',
  races: { status: 'races', entries: [RACE], notes: [] },
  profile: {
    ran: true,
    size: 4096,
    noisy: false,
    speedup: {
      vs_serial: {
        '1': vs(0.9, 0.85, 0.95),
        '2': vs(1.6, 1.5, 1.7),
        '4': vs(2.5, 2.2, 2.8)
      }
    },
    ceiling: { compute_speedup: { '1': 1, '2': 1.9, '4': 3.7 } },
    notes: []
  }
};

const TASK = 'def reference(x):\n    out = x.copy()\n    return out\n';
const KERNEL =
  'from numba import prange\ndef reference(x):\n    out = x.copy()\n    for i in prange(3):\n        out[0] = 1\n    return out\n';

function detail(id = 2): ICandidateDetail {
  return {
    ...candidate(id, { verdict: 'race', speedup: 2.5, threads: 4 }),
    source: KERNEL,
    function: 'kernel',
    parent: { id: 1, label: 'move 1', source: TASK },
    reference: TASK,
    report: REPORT,
    figure: null
  };
}

function ids(tbody: HTMLElement): number[] {
  return [...tbody.querySelectorAll('tr')].map(tr => Number(tr.dataset.id));
}

describe('the speed label', () => {
  it('is the same everywhere: two decimals, two digits below 0.1x, – untimed', () => {
    expect(formatSpeedup({ speedup: 1.234, threads: 2 })).toBe('1.23x');
    expect(formatSpeedup({ speedup: 0.0042, threads: 2 })).toBe('0.0042x');
    expect(speedLabel({ speedup: 1.5, threads: 2 })).toBe('1.50x at 2 threads');
    expect(speedLabel({ speedup: 1.5, threads: 1 })).toBe('1.50x at 1 thread');
    expect(speedLabel({ speedup: 1.5, threads: null })).toBe('1.50x');
    expect(speedLabel({ speedup: null, threads: 4 })).toBe('–');
    expect(speedLabel({ speedup: 1.5, threads: 2 }, 'vs serial')).toBe(
      '1.50x vs serial at 2 threads'
    );
    // a run ranking at --target-threads beyond its cores: the model's figure says so
    expect(
      speedLabel({ speedup: 9.8, threads: 16, projected: true }, 'vs serial')
    ).toBe('9.80x vs serial projected at 16 threads');
    expect(
      headline({
        verdict: 'ok',
        speedup: 9.8,
        threads: 16,
        projected: true,
        report: {
          profile: {
            speedup: { vs_serial_same_flags: { '1': { value: 1.1 } } }
          }
        }
      })
    ).toBe('9.80x vs serial projected at 16 threads');
  });

  it('labels the table cells, the run header and the candidate header alike', () => {
    const host = document.createElement('div');
    const table = new CandidateTable(host, { onSelect: () => undefined });
    table.update([
      candidate(1, { speedup: 1.234 }),
      candidate(2, { speedup: null, verdict: 'wrong' })
    ]);
    const speeds = [...table.tbody.querySelectorAll('tr')].map(
      tr => tr.children[2].textContent
    );
    expect(speeds).toEqual(['1.23x', '–']);
    // a re-timed candidate is marked: ✓ surely faster than the best of its time, ≈ not surely
    const retimed = {
      against: 1,
      ratio: 1.1,
      low: 0.9,
      high: 1.2,
      rounds: 9,
      threads: 2,
      seconds: 1,
      error: null
    };
    table.update([
      candidate(1, { speedup: 1.0 }),
      candidate(2, { speedup: 1.5, confirmed: true, retimed }),
      candidate(3, { speedup: 1.6, confirmed: false, retimed })
    ]);
    const marks = [...table.tbody.querySelectorAll('tr')].map(tr => [
      tr.children[2].textContent,
      (tr.children[2] as HTMLElement).title.split(':')[0]
    ]);
    expect(marks).toEqual([
      ['1.00x', ''],
      [
        '1.50x ✓',
        're-timed against #1, interleaved (9 rounds at 2 threads, 1.0 s)'
      ],
      [
        '1.60x ≈',
        're-timed against #1, interleaved (9 rounds at 2 threads, 1.0 s)'
      ]
    ]);

    const header = document.createElement('div');
    renderRunHeader(
      header,
      summaryOfRecord({
        run: 1,
        task: 'scale',
        status: 'finished',
        reason: 'evaluation budget spent (4)',
        population: 4,
        evaluations: 4,
        settings: { budget: { evaluations: 4 } },
        best: {
          id: 3,
          label: 'prange',
          speedup: 1.5,
          threads: 2,
          projected: false
        }
      }),
      { title: true }
    );
    expect(header.querySelector('.jp-ParevoRun-text')!.textContent).toBe(
      'Finished after 4 evaluations — best #3 1.50x at 2 threads (evaluation budget spent (4))'
    );
    expect(header.querySelector('.jp-ParevoRun-count')!.textContent).toBe(
      '4/4 evaluations'
    );
    expect(header.dataset.status).toBe('finished');

    const title = document.createElement('div');
    const ok = { ...detail(), verdict: 'ok' as const, report: null };
    renderCandidateHeader(title, shownFromCandidate('r', ok, [candidate(1)]));
    expect(
      title.querySelector('.jp-ParevoCandidate-speedup')!.textContent
    ).toBe(' 2.50x vs serial at 4 threads');
    // a racy (or wrong) kernel's speed means nothing: its header shows none
    renderCandidateHeader(
      title,
      shownFromCandidate('r', detail(), [candidate(1)])
    );
    expect(title.querySelector('.jp-ParevoCandidate-speedup')).toBeNull();
  });
});

describe('the candidate table', () => {
  const rows = [
    candidate(1, { speedup: 2 }),
    candidate(2, { speedup: null, verdict: 'compile_error' }),
    candidate(3, { speedup: 1 }),
    candidate(4, { speedup: null, verdict: null, state: 'pending' }),
    candidate(5, { speedup: 3 })
  ];

  it('sorts untimed rows last in both directions', () => {
    const host = document.createElement('div');
    const table = new CandidateTable(host, { onSelect: () => undefined });
    table.update(rows, 5);
    expect(ids(table.tbody)).toEqual([1, 2, 3, 4, 5]);
    const th = host.querySelector<HTMLElement>('th[data-sort="speedup"]')!;
    th.click(); // fastest first
    expect(th.dataset.sorted).toBe('descending');
    expect(ids(table.tbody)).toEqual([5, 1, 3, 2, 4]);
    th.click();
    expect(th.dataset.sorted).toBe('ascending');
    expect(ids(table.tbody)).toEqual([3, 1, 5, 2, 4]);
  });

  it('has the same columns, badges, best and selection in both front ends', () => {
    const host = document.createElement('div');
    const picked: number[] = [];
    const table = new CandidateTable(host, { onSelect: id => picked.push(id) });
    table.update(rows, 5);
    expect([...host.querySelectorAll('th')].map(th => th.textContent)).toEqual([
      '#',
      'verdict',
      'speedup',
      'family',
      'transformation'
    ]);
    expect(table.tbody.dataset.count).toBe('5');
    const second = table.tbody.querySelector<HTMLElement>('tr[data-id="2"]')!;
    expect(second.children[0].textContent).toBe('#2');
    const badge = second.querySelector<HTMLElement>('.jp-ParevoBadge')!;
    expect(badge.dataset.verdict).toBe('compile_error');
    expect(badge.textContent).toBe('compile error');
    expect(
      table.tbody.querySelector<HTMLElement>('tr[data-id="4"] .jp-ParevoBadge')!
        .dataset.verdict
    ).toBe('pending');
    expect(table.tbody.querySelectorAll('tr.jp-mod-best').length).toBe(1);
    second.click();
    expect(picked).toEqual([2]);
    expect(table.tbody.querySelector('tr.jp-mod-selected')).toBe(second);
  });

  it('is navigable by keyboard: one row in the tab order, arrows move and open', () => {
    const host = document.createElement('div');
    document.body.appendChild(host);
    const picked: number[] = [];
    const table = new CandidateTable(host, { onSelect: id => picked.push(id) });
    table.update(rows);
    const tabbable = () =>
      [...table.tbody.querySelectorAll<HTMLElement>('tr')]
        .filter(tr => tr.tabIndex === 0)
        .map(tr => Number(tr.dataset.id));
    expect(tabbable()).toEqual([1]); // nothing selected: the first row
    const key = (target: HTMLElement, name: string) =>
      target.dispatchEvent(
        new KeyboardEvent('keydown', { key: name, bubbles: true })
      );
    const first = table.tbody.querySelector<HTMLElement>('tr')!;
    key(first, 'ArrowDown');
    expect(picked).toEqual([2]);
    expect(tabbable()).toEqual([2]);
    expect(document.activeElement).toBe(
      table.tbody.querySelector('tr[data-id="2"]')
    );
    key(document.activeElement as HTMLElement, 'End');
    key(document.activeElement as HTMLElement, 'ArrowDown'); // past the end: nothing
    key(document.activeElement as HTMLElement, 'Home');
    expect(picked).toEqual([2, 5, 1]);
    expect(
      table.tbody
        .querySelector('tr[data-id="1"]')!
        .getAttribute('aria-selected')
    ).toBe('true');
    host.remove();
  });

  it('filters by verdict and counts what it shows', () => {
    const host = document.createElement('div');
    const table = new CandidateTable(host, { onSelect: () => undefined });
    table.update(rows);
    const filter = host.querySelector<HTMLSelectElement>(
      '.jp-ParevoCandidates-filter'
    )!;
    expect([...filter.options].map(o => o.value)).toEqual([
      'all',
      'compile_error',
      'ok',
      'pending'
    ]);
    filter.value = 'ok';
    filter.dispatchEvent(new Event('change'));
    expect(ids(table.tbody)).toEqual([1, 3, 5]);
    expect(host.querySelector('.jp-ParevoCandidates-count')!.textContent).toBe(
      '3 of 5 candidates'
    );
  });
});

describe('the race text', () => {
  it('is one sanitizer-like line per pair', () => {
    expect(describeRace(RACE)).toBe(
      'write-write on out[0]: write at line 10 (iteration 0) and ' +
        'write at line 10 (iteration 512), 1,234 times'
    );
    expect(
      describeRace({ ...RACE, index: { element_offset: 7 }, count: 1 })
    ).toBe(
      'write-write on out(element 7): write at line 10 (iteration 0) and ' +
        'write at line 10 (iteration 512), 1 time'
    );
  });

  it('heads the race list, and the report lists the races too', () => {
    expect(raceHeading(REPORT)).toBe(
      'Race detector: 1 conflicting pair (click one to see both sites)'
    );
    expect(raceHeading({ races: { status: 'clean', entries: [] } })).toBe(
      'Race detector: no race found'
    );
    expect(raceHeading(null)).toBe('Race detector: not run');
    // the Report tab shows the server's text of the report (parevo check's own), whole
    const host = document.createElement('div');
    renderReport(
      host,
      'PASS ok  k.py:kernel  on task t\nwall time per stage: total 1.0 s'
    );
    expect(host.querySelector('.jp-ParevoReport')!.textContent).toContain(
      'wall time per stage'
    );
    renderReport(host, null);
    expect(host.querySelectorAll('.jp-ParevoReport')[1].textContent).toBe(
      'Not evaluated yet.'
    );
  });

  it('a click on a race picks both of its sites', () => {
    const host = document.createElement('div');
    const picked: IRaceEntry[] = [];
    renderRaces(host, REPORT, entry => picked.push(entry));
    const item = host.querySelector<HTMLElement>('.jp-ParevoRace')!;
    expect(item.textContent).toBe(describeRace(RACE));
    item.click();
    expect(picked).toEqual([RACE]);
    expect(item.classList.contains('jp-mod-selected')).toBe(true);
  });
});

describe('the speedup plot', () => {
  const points = speedupPoints(REPORT)!;

  it('reads the points from the report', () => {
    expect(points.threads).toEqual([1, 2, 4]);
    expect(points.value).toEqual([0.9, 1.6, 2.5]);
    expect(points.ceiling).toEqual([1, 1.9, 3.7]);
    expect(points.size).toBe(4096);
    expect(speedupPoints({ profile: { ran: false } })).toBeNull();
  });

  it('draws the ideal line rising with threads, not flat at 1x', () => {
    expect(idealSpeedup(points.threads)).toEqual([1, 2, 4]);
    const host = document.createElement('div');
    const svg = renderSpeedupPlot(host, points);
    const ys = (d: string) => {
      const out: number[] = [];
      const point = /[ML]([\d.]+),([\d.]+)/g;
      for (let m = point.exec(d); m; m = point.exec(d)) {
        out.push(Number(m[2]));
      }
      return out;
    };
    const ideal = ys(
      svg.querySelector('.jp-ParevoPlot-ideal')!.getAttribute('d')!
    );
    expect(ideal).toHaveLength(3);
    // SVG y grows downwards: a rising line has falling y
    expect(ideal[1]).toBeLessThan(ideal[0]);
    expect(ideal[2]).toBeLessThan(ideal[1]);
    const { y } = plotScales(points);
    const one = Number(
      svg.querySelector('.jp-ParevoPlot-one')!.getAttribute('y1')
    );
    expect(ideal[0]).toBeCloseTo(one, 0); // 1x at 1 thread
    expect(ideal[2]).toBeCloseTo(y(4), 0); // 4x at 4 threads
    expect(ideal[2]).toBeLessThan(one - 50);
    // round ticks, up to a round value at or above the ideal
    expect(plotScales(points).ticks).toEqual([0, 1, 2, 3, 4]);
    expect(
      [...svg.querySelectorAll('.jp-ParevoPlot-tick')]
        .slice(0, 5)
        .map(t => t.textContent)
    ).toEqual(['0', '1', '2', '3', '4']);
    // one point per thread count, and the ceiling where it was measured
    expect(svg.querySelectorAll('circle')).toHaveLength(3);
    expect(svg.querySelector('.jp-ParevoPlot-ceiling')).not.toBeNull();
    expect(host.querySelector('.jp-ParevoPlot-legend')!.textContent).toContain(
      'ideal'
    );
  });
});

describe('no stray null', () => {
  const empty: IRunRecord = {
    run: null,
    task: '',
    settings: null,
    status: 'running',
    reason: null,
    population: 0,
    evaluations: 0,
    evaluating: null,
    best: {
      id: 1,
      label: 'seed',
      speedup: null,
      threads: null,
      projected: false
    }
  };

  const cases: { status: string; extra: Partial<IRunRecord> }[] = [
    { status: 'running', extra: {} },
    { status: 'finished', extra: {} },
    { status: 'stopped', extra: {} },
    { status: 'interrupted', extra: {} },
    { status: 'failed', extra: {} },
    {
      status: 'running',
      extra: {
        best: {
          id: 2,
          label: 'x',
          speedup: 1.5,
          threads: null,
          projected: false
        }
      }
    },
    { status: 'finished', extra: { best: null } }
  ];
  it.each(cases)('in the header of a $status run', ({ status, extra }) => {
    const host = document.createElement('div');
    renderRunHeader(host, summaryOfRecord({ ...empty, status, ...extra }), {
      title: true,
      live: true
    });
    expect(host.textContent).not.toMatch(/null|undefined|NaN/);
  });

  it('in the header of a folder with no run yet', () => {
    const host = document.createElement('div');
    renderRunHeader(host, summaryOfRecord(null), { title: true });
    expect(host.textContent).toContain('waiting');
    expect(host.textContent).not.toMatch(/null|undefined/);
  });

  it('in the REST run sentence and the candidate header', () => {
    const text = runProgressText(
      summaryOfRun({
        id: 'r1',
        created: '',
        name: 'scale',
        notebook: null,
        cell_id: null,
        generator: 'rules',
        budget: 4,
        threads: null,
        status: 'running',
        reason: '',
        evaluations: 1,
        population: 2,
        evaluating: null,
        best: {
          id: 1,
          label: 'seed',
          speedup: 1.2,
          threads: null,
          projected: false
        },
        run: 1,
        resumable: false
      })
    );
    expect(text).toBe('Evaluating (1/4) — best #1 1.20x');
    const host = document.createElement('div');
    renderCandidateHeader(
      host,
      shownFromCandidate('r', { ...detail(), threads: null, summary: '' }, [])
    );
    expect(host.textContent).not.toMatch(/null|undefined/);
  });
});

describe('the line diff', () => {
  it('aligns the lines on their longest common subsequence', () => {
    const lines = diffLines('a\nb\nc\nd\n', 'a\nx\nc\nd\ne\n');
    expect(lines.map(l => `${l.kind[0]}${l.text}`)).toEqual([
      'sa',
      'db',
      'ax',
      'sc',
      'sd',
      'ae'
    ]);
    expect(lines.filter(l => l.new !== null).map(l => l.new)).toEqual([
      1, 2, 3, 4, 5
    ]);
  });

  it('highlights the candidate lines of a race', () => {
    const host = document.createElement('div');
    const diff = new TextDiff(host, TASK, KERNEL, ['#1', '#2']);
    expect(host.querySelectorAll('.jp-ParevoTextDiff-add').length).toBe(3);
    expect(host.querySelector('.jp-ParevoTextDiff-file')!.textContent).toBe(
      '--- #1'
    );
    diff.highlight([5, 5]);
    expect(diff.highlighted()).toEqual([5]);
    expect(
      host.querySelector('.jp-ParevoDiff-raceLine')!.textContent
    ).toContain('out[0] = 1');
  });
});

describe('the candidate view', () => {
  it('builds the diff through its hook and a race click highlights both sites', () => {
    const node = document.createElement('div');
    const highlighted: number[][] = [];
    const made: string[][] = [];
    const view = new CandidateDetail(node, {
      createDiff: (host, before, after, names): IDiffView => {
        made.push([before, after, ...names]);
        return {
          highlight: lines => highlighted.push(lines),
          dispose: () => undefined
        };
      }
    });
    expect(node.querySelector('.jp-ParevoEmpty')).not.toBeNull();
    view.display(shownFromCandidate('r', detail(), [candidate(1)]));
    expect(made).toEqual([[TASK, KERNEL, '#1', '#2 move 2']]);
    node.querySelector<HTMLElement>('.jp-ParevoRace')!.click();
    expect(highlighted).toEqual([[10, 10]]);
    // against the reference
    node
      .querySelector<HTMLElement>('button[data-against="reference"]')!
      .click();
    expect(made[1][2]).toBe('task (reference)');
    // the speedup tab: no figure hook, so the inline SVG and the numbers
    node.querySelector<HTMLElement>('button[data-tab="speedup"]')!.click();
    expect(node.querySelectorAll('svg.jp-ParevoPlot-svg circle')).toHaveLength(
      3
    );
    expect(node.querySelectorAll('.jp-ParevoPlot-table tr')).toHaveLength(4);
    node.querySelector<HTMLElement>('button[data-tab="lineage"]')!.click();
    expect(node.querySelector('.jp-ParevoLineage-line.jp-mod-current')).toBe(
      null
    ); // candidate 2 is not among the candidates given
    view.setCandidates([candidate(1), candidate(2)]);
    expect(
      node.querySelector('.jp-ParevoLineage-line.jp-mod-current')!.textContent
    ).toContain('#2');
  });
});

describe('the Workbench widget', () => {
  function fakeModel(state: Record<string, any>) {
    const handlers = new Map<string, Set<() => void>>();
    const saved: Record<string, any>[] = [];
    const sent: Record<string, unknown>[] = [];
    const model = {
      send: (content: Record<string, unknown>) => sent.push(content),
      get: (name: string) => state[name],
      set: (name: string, value: any) => {
        state[name] = value;
        handlers.get(`change:${name}`)?.forEach(h => h());
      },
      save_changes: () => saved.push({ ...state }),
      on: (event: string, cb: () => void) => {
        handlers.set(event, (handlers.get(event) ?? new Set()).add(cb));
      },
      off: (event: string, cb: () => void) => {
        handlers.get(event)?.delete(cb);
      }
    };
    return { model, saved, handlers, sent };
  }

  it('asks the kernel to export the run and says what it wrote', () => {
    const { model, sent } = fakeModel({
      run: { status: 'finished', task: 't', population: 1, evaluations: 1 },
      candidates: [],
      selected: null,
      detail: {},
      following: false,
      error: '',
      exported: {}
    });
    const el = document.createElement('div');
    widget.render({ model, el });
    const notice = el.querySelector('.jp-ParevoWorkbench-notice')!;
    expect(notice.textContent).toBe('');
    el.querySelector<HTMLElement>('button[data-action="export"]')!.click();
    expect(sent).toEqual([{ action: 'export' }]);
    model.set('exported', {
      out: 'runs/t/dataset',
      records: { sft: 0, preference: 0, repair: 2 },
      candidates: 3,
      positives: 0,
      generated: 2,
      in_progress: [],
      seconds: 0.1
    });
    expect(notice.textContent).toContain(
      'Exported sft 0, preference 0, repair 2 records from 3 candidates to runs/t/dataset/'
    );
  });

  it('renders the synced payload with the shared renderers', () => {
    const run: IRunRecord = {
      run: 1,
      task: 'scale_task',
      created: '',
      generator: 'rules',
      seed: 0,
      settings: { budget: { evaluations: 3 } },
      status: 'finished',
      reason: 'evaluation budget spent (3)',
      population: 3,
      evaluations: 3,
      evaluating: null,
      best: {
        id: 3,
        label: 'move 3',
        speedup: 1.8,
        threads: 2,
        projected: false
      }
    };
    const { model, saved, handlers } = fakeModel({
      folder: '/tmp/run',
      run,
      candidates: [
        candidate(1, { speedup: null, verdict: 'wrong' }),
        candidate(2, { verdict: 'race', speedup: 2.5, threads: 4 }),
        candidate(3, { speedup: 1.8 })
      ],
      selected: 2,
      detail: detail(2),
      following: false,
      error: ''
    });
    const el = document.createElement('div');
    const cleanup = widget.render({ model, el });
    const root = el.querySelector('.jp-ParevoWorkbench')!;
    expect(root.querySelector('.jp-ParevoRun-title')!.textContent).toBe(
      'scale_task'
    );
    expect(root.querySelector('.jp-ParevoRun-status')!.textContent).toBe(
      'finished'
    );
    expect(root.querySelector('.jp-ParevoRun-count')!.textContent).toBe(
      '3/3 evaluations'
    );
    expect(root.textContent).not.toMatch(/null|undefined/);
    expect(
      root.querySelector<HTMLElement>('.jp-ParevoWorkbench-error')!.hidden
    ).toBe(true);
    expect(root.querySelectorAll('.jp-ParevoTable tbody tr')).toHaveLength(3);
    expect(root.querySelector('tr.jp-mod-best')!.getAttribute('data-id')).toBe(
      '3'
    );
    expect(
      root.querySelector('tr.jp-mod-selected')!.getAttribute('data-id')
    ).toBe('2');
    expect(root.querySelector('.jp-ParevoCandidate-name')!.textContent).toBe(
      ' #2 move 2'
    );
    expect(
      root.querySelectorAll('.jp-ParevoTextDiff .jp-ParevoTextDiff-add').length
    ).toBeGreaterThan(0);

    // a click selects a candidate and writes it back to the kernel
    root.querySelector<HTMLElement>('tr[data-id="3"]')!.click();
    expect(saved[saved.length - 1].selected).toBe(3);
    expect(
      root.querySelector('tr.jp-mod-selected')!.getAttribute('data-id')
    ).toBe('3');
    // the kernel answers with the detail: the view follows, keeping the tab
    root.querySelector<HTMLElement>('button[data-tab="speedup"]')!.click();
    model.set('detail', { ...detail(3), verdict: 'ok' });
    expect(root.querySelector('.jp-ParevoCandidate-name')!.textContent).toBe(
      ' #3 move 3'
    );
    expect(root.querySelectorAll('svg.jp-ParevoPlot-svg circle')).toHaveLength(
      3
    );
    model.set('error', 'cannot read the run');
    expect(
      root.querySelector<HTMLElement>('.jp-ParevoWorkbench-error')!.hidden
    ).toBe(false);
    model.set('following', true);
    expect(root.querySelector('.jp-ParevoRun-live')).not.toBeNull();

    cleanup();
    expect(el.querySelector('.jp-ParevoWorkbench')).toBeNull();
    expect([...handlers.values()].every(set => set.size === 0)).toBe(true);
  });

  it('waits for a folder where no run has begun', () => {
    const { model } = fakeModel({
      run: { status: 'waiting', task: '', population: 0, evaluations: 0 },
      candidates: [],
      selected: null,
      detail: {},
      following: true,
      error: ''
    });
    const el = document.createElement('div');
    widget.render({ model, el });
    expect(el.querySelector('.jp-ParevoRun-text')!.textContent).toBe(
      'Waiting for the run to begin…'
    );
    expect(el.querySelector('.jp-ParevoEmpty')!.textContent).toBe(
      'Select a candidate to see its diff, races and speedup.'
    );
    expect(el.textContent).not.toMatch(/null|undefined/);
  });
});
