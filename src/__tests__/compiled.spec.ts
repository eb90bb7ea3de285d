/**
 * The compiled view's model (src/compiled.ts): which loop is picked and how it is badged, the
 * reason a report has no view, and what a candidate changed in its parent's loops. (The loop's
 * line is the server's: ``loop_summary``, tested in tests/cascade/test_compiled.py.)
 */
import {
  ICompiledView,
  ICompiledLoop,
  ILoopFinding,
  compiledChanges,
  countChips,
  defaultLoop,
  noCompiledViewReason,
  vectorBadge
} from '../model';

function finding(extra: Partial<ILoopFinding> = {}): ILoopFinding {
  return {
    code: 'wraparound',
    title: 'signed index wraparound',
    line: 10,
    expression: 'out[i] = 2.0 * x[i]',
    text: 't',
    fix: 'f',
    remark: '',
    ...extra
  };
}

const WRAP = finding();
const REDUCTION = finding({
  code: 'float_reduction',
  title: 'float reduction without fastmath',
  expression: 's += x[i]'
});

function loop(extra: Partial<ICompiledLoop> = {}): ICompiledLoop {
  return {
    line: 9,
    prange_line: 9,
    function: 'kernel',
    role: 'parallel',
    status: 'vectorised',
    origin: 'prange',
    width: 8,
    interleave: 1,
    findings: [],
    ...extra
  };
}

function view(loops: ICompiledLoop[], extra: Partial<ICompiledView> = {}) {
  return {
    status: 'analysed',
    remarks: 'llvm',
    loops,
    serial: [],
    notes: [],
    ...extra
  } as ICompiledView;
}

describe('the loop line', () => {
  it('is picked first when it has a finding, and its counts mark what costs', () => {
    expect(defaultLoop([loop(), loop({ findings: [WRAP] })])).toBe(1);
    expect(defaultLoop([loop(), loop()])).toBe(0);
    const chips = countChips(
      loop({
        counts: { instructions: 13, asm_instructions: 19, gathers: 2, calls: 0 }
      })
    );
    expect(chips.map(c => [c.key, c.text, c.warn])).toEqual([
      ['instructions', '13 IR instructions (19 in the assembly)', false],
      ['fp', 'floating point: 0 vector, 0 scalar', false],
      ['int', 'integer: 0 vector, 0 scalar', false],
      ['memory', '0 loads, 0 stores', false],
      ['gathers', '2 gathers/scatters', true],
      ['calls', '0 calls', false]
    ]);
  });

  it('badges the verdict', () => {
    expect(vectorBadge(loop())).toBe('vectorised x8');
    expect(vectorBadge(loop({ width: null }))).toBe('vectorised');
    expect(vectorBadge(loop({ status: 'not_vectorised' }))).toBe(
      'not vectorised'
    );
    expect(vectorBadge(loop({ status: 'no_loop' }))).toBe('no loop');
  });
});

describe('a report without a compiled view', () => {
  it('says why', () => {
    expect(noCompiledViewReason(null)).toBe('Not evaluated yet.');
    expect(
      noCompiledViewReason({
        verdict: 'compile_error',
        compile: { ok: false },
        compiled: null
      })
    ).toBe('No compiled view: the candidate does not compile.');
    expect(noCompiledViewReason({ verdict: 'ok', compiled: null })).toMatch(
      /^No compiled view: it was not made for this evaluation/
    );
    expect(
      noCompiledViewReason({
        verdict: 'ok',
        compiled: view([], {
          status: 'failed',
          notes: ['the build for the compiled view ran out of time']
        })
      })
    ).toBe(
      'No compiled view: making it failed. the build for the compiled view ran out of time'
    );
    expect(
      noCompiledViewReason({ verdict: 'ok', compiled: view([loop()]) })
    ).toBeNull();
  });
});

describe('what a candidate changed in its parent', () => {
  it('vectorised a loop and lost its finding', () => {
    const parent = view([
      loop({ status: 'not_vectorised', width: null, findings: [REDUCTION] })
    ]);
    const child = view([loop({ interleave: 4 })]);
    expect(compiledChanges(parent, child)).toEqual([
      {
        line: 9,
        kind: 'better',
        text: 'this candidate vectorised the loop at line 9'
      },
      {
        line: 9,
        kind: 'better',
        text: 'finding gone: float reduction without fastmath (line 10)'
      }
    ]);
  });

  it('lost the vectorisation, narrowed a loop, gained a finding, ran a prange serially', () => {
    const parent = view([loop(), loop({ line: 12, prange_line: 12 })]);
    const child = view([
      loop({ status: 'not_vectorised', width: null, findings: [WRAP] }),
      loop({ line: 12, prange_line: 12, width: 4, role: 'serialised' })
    ]);
    expect(compiledChanges(parent, child)!.map(c => [c.kind, c.text])).toEqual([
      ['worse', 'the loop at line 9 is no longer vectorised'],
      ['worse', 'new finding: signed index wraparound (line 10)'],
      ['worse', 'numba now runs the prange loop at line 12 serially'],
      ['worse', 'the loop at line 12 is now vectorised x4 (was x8)']
    ]);
  });

  it('matches loops by line: new and gone loops, in line order', () => {
    const parent = view([loop({ line: 14, prange_line: 14 })]);
    const child = view([
      loop({ status: 'no_loop', line: 20, prange_line: 20 }),
      loop({ status: 'not_vectorised', findings: [REDUCTION] })
    ]);
    expect(compiledChanges(parent, child)!.map(c => [c.line, c.text])).toEqual([
      [9, 'new loop at line 9: not vectorised'],
      [9, 'new finding: float reduction without fastmath (line 10)'],
      [14, "the parent's loop at line 14 is gone"],
      [20, 'new loop at line 20: no loop left (memset/memcpy)']
    ]);
  });

  it('says nothing changed, or that there is nothing to compare', () => {
    const same = view([loop({ findings: [WRAP] })]);
    expect(compiledChanges(same, view([loop({ findings: [WRAP] })]))).toEqual(
      []
    );
    expect(compiledChanges(null, same)).toBeNull();
    expect(compiledChanges(view([], { status: 'failed' }), same)).toBeNull();
    expect(compiledChanges(same, undefined)).toBeNull();
  });
});
