import { candidateRow } from './fixtures';
import {
  IAudit,
  IMutant,
  auditHeadline,
  survivors,
  ICandidate,
  IRun,
  RunState,
  ancestry,
  formatSpeedup,
  headline,
  lineage,
  parseEventStream,
  reconnectDelay,
  retimedText,
  sortCandidates,
  exportText
} from '../model';

function candidate(id: number, extra: Partial<ICandidate> = {}): ICandidate {
  return candidateRow(id, { parent_id: null, origin: 'rules', ...extra });
}

function run(extra: Partial<IRun> = {}): IRun {
  return {
    id: 'r1',
    created: '2026-11-27T10:00:00+00:00',
    name: 'scale',
    notebook: 'a.ipynb',
    cell_id: 'c1',
    generator: 'rules',
    budget: 16,
    threads: [1, 2],
    status: 'running',
    reason: '',
    evaluations: 4,
    population: 5,
    evaluating: 5,
    best: {
      id: 3,
      label: 'prange',
      speedup: 1.5,
      threads: 2,
      projected: false
    },
    run: 1,
    resumable: false,
    ...extra
  };
}

describe('parseEventStream', () => {
  it('splits complete events and keeps the unfinished rest', () => {
    const text =
      'id: e:1\nevent: run\ndata: {"id": "r1"}\n\n: keepalive\n\n' +
      'id: e:2\nevent: candidate\ndata: {"id": 1}\n\nid: e:3\nevent: cand';
    const { events, rest } = parseEventStream(text);
    expect(events).toEqual([
      { id: 'e:1', type: 'run', data: { id: 'r1' } },
      { id: 'e:2', type: 'candidate', data: { id: 1 } }
    ]);
    expect(rest).toBe('id: e:3\nevent: cand');
    const more = parseEventStream(rest + 'idate\ndata: {"id": 2}\n\n');
    expect(more.events).toEqual([
      { id: 'e:3', type: 'candidate', data: { id: 2 } }
    ]);
  });

  it('handles CRLF, multi-line data and skips malformed JSON', () => {
    const text =
      'id: a\r\nevent: run\r\ndata: {"x":\r\ndata: 1}\r\n\r\nid: b\nevent: run\ndata: {oops\n\n';
    const { events } = parseEventStream(text);
    expect(events).toEqual([{ id: 'a', type: 'run', data: { x: 1 } }]);
  });
});

describe('RunState', () => {
  it('applies events as upserts and ignores other runs', () => {
    const state = new RunState('r1');
    expect(state.apply({ id: 'e:1', type: 'run', data: run() })).toBe(true);
    expect(
      state.apply({ id: 'e:2', type: 'run', data: run({ id: 'r2' }) })
    ).toBe(false);
    state.apply({
      id: 'e:3',
      type: 'candidate',
      data: candidate(1, { verdict: null, state: 'pending', speedup: null })
    });
    state.apply({
      id: 'e:4',
      type: 'candidate',
      data: candidate(1, { speedup: 2 })
    });
    expect(state.candidates.size).toBe(1);
    expect(state.candidates.get(1)!.speedup).toBe(2);
    expect(state.lastEventId).toBe('e:4');
    expect(state.run!.id).toBe('r1');
  });

  it('replaying the same events twice gives the same state', () => {
    const events = [
      { id: 'e:1', type: 'candidate', data: candidate(1) },
      {
        id: 'e:2',
        type: 'candidate',
        data: candidate(2, { parent_id: 1, speedup: 3 })
      },
      {
        id: 'e:3',
        type: 'run',
        data: run({
          best: {
            id: 2,
            label: 'move 2',
            speedup: 3,
            threads: 2,
            projected: false
          }
        })
      }
    ];
    const once = new RunState('r1');
    const twice = new RunState('r1');
    events.forEach(e => once.apply(e));
    [...events, ...events].forEach(e => twice.apply(e));
    expect(twice.sorted()).toEqual(once.sorted());
    expect(twice.best()!.id).toBe(2);
  });

  it('says where the run stands', () => {
    const state = new RunState('r1');
    expect(state.progressText()).toMatch(/Waiting/);
    state.apply({ id: '', type: 'run', data: run() });
    expect(state.progressText()).toBe(
      'Evaluating #5 (4/16) — best #3 1.50x at 2 threads'
    );
    expect(state.progress()).toBe(0.25);
    state.apply({
      id: '',
      type: 'run',
      data: run({
        status: 'failed',
        reason: 'the endpoint said 401',
        best: null
      })
    });
    expect(state.progressText()).toBe('Failed: the endpoint said 401');
    state.apply({
      id: '',
      type: 'run',
      data: run({ status: 'finished', evaluations: 40, reason: 'done' })
    });
    expect(state.progress()).toBe(1);
  });
});

describe('sortCandidates', () => {
  const rows = [
    candidate(1, { speedup: 1.2, verdict: 'ok', label: 'b' }),
    candidate(2, { speedup: null, verdict: 'race', label: 'a' }),
    candidate(3, { speedup: 2.5, verdict: 'ok', label: 'c' }),
    candidate(4, { speedup: null, verdict: 'compile_error', label: 'd' })
  ];

  it('sorts by speedup with untimed candidates last in both directions', () => {
    expect(sortCandidates(rows, 'speedup', true).map(c => c.id)).toEqual([
      3, 1, 2, 4
    ]);
    expect(sortCandidates(rows, 'speedup', false).map(c => c.id)).toEqual([
      1, 3, 2, 4
    ]);
  });

  it('sorts by verdict (ok first) and breaks ties by id', () => {
    expect(sortCandidates(rows, 'verdict', false).map(c => c.id)).toEqual([
      1, 3, 2, 4
    ]);
    expect(sortCandidates(rows, 'label', false).map(c => c.id)).toEqual([
      2, 1, 3, 4
    ]);
    expect(sortCandidates(rows, 'id', true).map(c => c.id)).toEqual([
      4, 3, 2, 1
    ]);
  });
});

describe('lineage', () => {
  const rows = [
    candidate(1, { origin: 'seed' }),
    candidate(2, { parent_id: 1 }),
    candidate(3, { parent_id: 1 }),
    candidate(4, { parent_id: 2 }),
    candidate(5, { origin: 'manual' })
  ];

  it('puts each candidate under its parent', () => {
    const roots = lineage(rows);
    expect(roots.map(n => n.candidate.id)).toEqual([1, 5]);
    expect(roots[0].children.map(n => n.candidate.id)).toEqual([2, 3]);
    expect(roots[0].children[0].children.map(n => n.candidate.id)).toEqual([4]);
  });

  it('gives the ancestry of a candidate from its root', () => {
    expect(ancestry(rows, 4).map(c => c.id)).toEqual([1, 2, 4]);
    expect(ancestry(rows, 99)).toEqual([]);
  });

  it('survives a parent that is not (yet) known', () => {
    const roots = lineage([candidate(7, { parent_id: 6 })]);
    expect(roots.map(n => n.candidate.id)).toEqual([7]);
  });
});

describe('headline', () => {
  const s = (value: number) => ({ value });
  const report = {
    profile: {
      flags: { fastmath: true },
      speedup: {
        vs_serial: { '1': s(7.17), '2': s(10.8) },
        vs_serial_same_flags: { '1': s(1.2), '2': s(1.8) },
        codegen: s(6.0),
        self: { '1': s(1.0), '2': s(1.5) }
      }
    }
  };

  it('splits the speedup into the flags, the code at 1 thread and the threads', () => {
    expect(headline({ verdict: 'ok', speedup: 10.8, threads: 2, report })).toBe(
      '10.80x vs serial at 2 threads = flags (fastmath) 6.00x × code at 1 thread 1.20x × threads (self) 1.50x'
    );
  });

  it('shows no speed for a kernel that is not ok', () => {
    expect(
      headline({ verdict: 'race', speedup: 0.14, threads: 2, report })
    ).toBe('');
    expect(
      headline({ verdict: 'ok', speedup: 1.3, threads: 2, report: null })
    ).toBe('1.30x vs serial at 2 threads');
  });
});

describe('formatSpeedup', () => {
  it('shows two decimals, or two significant digits for tiny speedups', () => {
    expect(formatSpeedup({ speedup: 1.234, threads: 2 })).toBe('1.23x');
    expect(formatSpeedup({ speedup: 0.0042, threads: 2 })).toBe('0.0042x');
    expect(formatSpeedup({ speedup: null, threads: null })).toBe('–');
  });
});

describe('retimedText', () => {
  const retimed = (extra = {}) => ({
    against: 3,
    ratio: 1.3,
    low: 1.29,
    high: 1.31,
    rounds: 220,
    threads: 2,
    seconds: 2.34,
    error: null,
    ...extra
  });
  it('says what the interleaved re-timing against the best said', () => {
    expect(retimedText(candidate(4))).toBeNull();
    expect(
      retimedText(candidate(4, { confirmed: true, retimed: retimed() }))
    ).toBe(
      're-timed against #3, interleaved (220 rounds at 2 threads, 2.3 s): ' +
        '1.30x [1.29-1.31], surely faster: it became the best'
    );
    expect(
      retimedText(
        candidate(4, {
          confirmed: false,
          retimed: retimed({ ratio: 1.04, low: 0.97, high: 1.1 })
        })
      )
    ).toContain('1.04x [0.97-1.10], not surely faster: #3 stayed the best');
    expect(
      retimedText(
        candidate(4, {
          confirmed: false,
          retimed: retimed({ ratio: null, error: 'the child died' })
        })
      )
    ).toContain('no comparison (the child died): not the best');
  });
  it('says when a first re-timing contradicted both profiles and was repeated', () => {
    const contradicted = { ratio: 0.71, low: 0.67, high: 0.87 };
    expect(
      retimedText(
        candidate(4, {
          confirmed: true,
          retimed: retimed({ ratio: 2.7, low: 1.96, high: 3.59, contradicted })
        })
      )
    ).toContain(
      '2.70x [1.96-3.59] (repeated: the first, 0.71x [0.67-0.87], ' +
        'contradicted both profiles), surely faster: it became the best'
    );
  });
});

describe('reconnectDelay', () => {
  it('backs off and caps at 30 s', () => {
    expect([0, 1, 2, 10].map(reconnectDelay)).toEqual([
      1000, 2000, 4000, 30000
    ]);
  });
});

describe('audits', () => {
  const mutant = (id: string, status: IMutant['status']): IMutant => ({
    id,
    operator: 'xor_to_or',
    line: 32,
    description: 'line 32: `a != b` became `a or b`',
    hint: 'no input where both sides hold at once',
    status,
    verdict: status === 'killed' ? 'wrong' : 'ok',
    message: '',
    diff: '',
    path: null
  });
  const audit = (mutants: IMutant[], score: number | null): IAudit => ({
    id: 'a1',
    created: '',
    notebook: 'n.ipynb',
    cell_id: null,
    status: 'done',
    summary: '',
    report: {
      task: { name: 't' },
      mutants,
      counts: {
        generated: mutants.length,
        killed: mutants.filter(m => m.status === 'killed').length,
        survived: mutants.filter(m => m.status === 'survived').length,
        equivalent: mutants.filter(m => m.status === 'equivalent').length,
        stillborn: 0
      },
      score,
      statement: null,
      probe_inputs: 66,
      seconds: 3
    }
  });

  it('says how many wrong kernels the inputs accept', () => {
    const weak = audit(
      [
        mutant('m1', 'killed'),
        mutant('m2', 'survived'),
        mutant('m3', 'killed')
      ],
      0.6667
    );
    expect(auditHeadline(weak)).toBe(
      'Mutation score 0.667: 2 of 3 mutants killed, 1 wrong kernel the inputs call ok, ' +
        '0 probably equivalent'
    );
    expect(survivors(weak.report).map(m => m.id)).toEqual(['m2']);
    const strong = audit(
      [mutant('m1', 'killed'), mutant('m2', 'equivalent')],
      1
    );
    expect(auditHeadline(strong)).toContain(
      'no mutant survived, 1 probably equivalent'
    );
    expect(survivors(strong.report)).toEqual([]);
  });

  it('says when it runs or failed', () => {
    const running = {
      ...audit([], null),
      status: 'running' as const,
      report: null
    };
    expect(auditHeadline(running)).toBe('Auditing the task cell… (running)');
    const failed = {
      ...running,
      status: 'failed' as const,
      summary: 'the task file failed'
    };
    expect(auditHeadline(failed)).toBe('Audit failed: the task file failed');
    expect(survivors(null)).toEqual([]);
  });
});

describe('exportText', () => {
  const summary = {
    out: '/home/ada/.local/share/parevo/server/runs/r1/dataset',
    records: { sft: 1, preference: 0, repair: 3 },
    candidates: 4,
    positives: 1,
    generated: 3,
    in_progress: [] as string[],
    seconds: 0.2
  };

  it('names the counts and the folder the file browser shows', () => {
    const text = exportText({ ...summary, path: 'parevo-exports/r1' });
    expect(text).toBe(
      'Exported sft 1, preference 0, repair 3 records from 4 candidates to ' +
        'parevo-exports/r1/ (verified positives: 1 of 3 generated).'
    );
  });

  it('says when the run was still going', () => {
    const text = exportText({
      ...summary,
      in_progress: ['run: run 1 still running']
    });
    expect(text).toContain(summary.out + '/');
    expect(text).toContain('still in progress');
  });
});
