/**
 * The compiled view's model (src/compiled.ts): the loop line word for word as `parevo check`
 * prints it (the expected strings were printed by parevo_lab/report/text.py's ``loop_text`` on
 * the same loops), the reason a report has no view, and what a candidate changed in its parent's
 * loops.
 */
import {
  ICompiledView,
  ICompiledLoop,
  ILoopFinding,
  compiledChanges,
  countChips,
  defaultLoop,
  loopText,
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
  it('says what `parevo check` says, word for word', () => {
    const cases: [Partial<ICompiledLoop>, string][] = [
      [
        { findings: [WRAP] },
        'line 9: parallel, vectorised x8, interleave 1; but signed index wraparound at line 10 `out[i] = 2.0 * x[i]`'
      ],
      [
        { status: 'not_vectorised', findings: [REDUCTION] },
        'line 9: parallel, NOT vectorised: float reduction without fastmath at line 10 `s += x[i]`'
      ],
      [
        { status: 'not_vectorised', width: null, interleave: null },
        'line 9: parallel, NOT vectorised: no reason given'
      ],
      [
        {
          line: 11,
          origin: 'loop',
          width: 4,
          interleave: null,
          findings: [
            finding({
              code: 'call',
              title: 'a call in the loop',
              line: 12,
              expression:
                'acc = acc + math.sqrt(values[indptr[row]] * values[indptr[row]] + 1.0)'
            }),
            finding({
              code: 'exception_path',
              title: 'an exception path',
              line: null,
              expression: ''
            })
          ]
        },
        'line 11: inner loop of the prange at line 9, vectorised x4; but a call in the loop at line 12 `acc = acc + math.sqrt(values[indptr[row]] * v...`; an exception path'
      ],
      [
        {
          line: 11,
          role: 'serialised',
          origin: 'loop',
          status: 'not_vectorised',
          findings: [REDUCTION]
        },
        'line 11: inner loop of the prange at line 9, which numba ran serially, NOT vectorised: float reduction without fastmath at line 10 `s += x[i]`'
      ],
      [
        { role: 'serialised', width: null, interleave: null },
        'line 9: prange numba ran serially, vectorised'
      ],
      [
        { line: 7, status: 'no_loop', origin: 'array_expression' },
        'line 7: parallel array expression, no loop left: became memset/memcpy'
      ],
      [
        {
          line: 14,
          prange_line: null,
          function: 'reference',
          role: 'serial',
          origin: 'loop',
          interleave: 4
        },
        'line 14: serial (reference), vectorised x8, interleave 4'
      ],
      [
        // an expression is cut at 48 code points, as Python counts them
        {
          line: 14,
          prange_line: null,
          role: 'serial',
          origin: 'array_expression',
          width: null,
          interleave: 2,
          findings: [
            finding({
              title: 'emoji',
              line: 3,
              expression: 's = "' + '😀'.repeat(44) + '"'
            })
          ]
        },
        'line 14: serial (reference) array expression, vectorised , interleave 2; but emoji at line 3 `s = "' +
          '😀'.repeat(40) +
          '...`'
      ]
    ];
    for (const [extra, expected] of cases) {
      expect(loopText(loop(extra))).toBe(expected);
    }
  });

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
