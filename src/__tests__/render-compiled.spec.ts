/**
 * @jest-environment jsdom
 */

/**
 * The Compiled tab (src/render/compiled.ts) in jsdom, inside the candidate view: one row per
 * loop with its badge and line, the loop with findings picked first, Enter picks, hovering a
 * source line lights the code lines it became and the other way round, the parent's changes,
 * and every state without a view. Untrusted strings stay text.
 */
import { candidateRow } from './fixtures';
import {
  ICompiledView,
  ICompiledLoop,
  IShown,
  shownFromCandidate,
  ICandidateDetail
} from '../model';
import { CompiledTab, renderCompiled } from '../render/compiled';
import { CandidateDetail } from '../render/detail';
import { IDiffView } from '../render/textdiff';

const SOURCE = [
  'import numba', // 1
  '', // 2
  '', // 3
  '@numba.njit(parallel=True)', // 4
  'def kernel(x):', // 5
  '    s = 0.0', // 6
  '    out = np.empty_like(x)', // 7
  '    for i in numba.prange(x.shape[0]):', // 8
  '        s += x[i]', // 9
  '        out[i] = 2.0 * x[i]', // 10
  '    return s' // 11
].join('\n');

function loop(extra: Partial<ICompiledLoop> = {}): ICompiledLoop {
  return {
    line: 8,
    prange_line: 8,
    function: 'kernel',
    role: 'parallel',
    status: 'vectorised',
    origin: 'prange',
    width: 8,
    interleave: 4,
    findings: [],
    remarks: ['vectorized loop (vectorization width: 8, interleaved count: 4)'],
    counts: {
      instructions: 13,
      vector_fp: 1,
      scalar_fp: 0,
      vector_int: 2,
      scalar_int: 2,
      loads: 0,
      stores: 0,
      gathers: 2,
      calls: 0,
      asm_instructions: 19,
      asm_calls: 0
    },
    ir: [
      { text: 'vector.body:', line: null },
      { text: '  %2 = fadd <8 x double> %1, %1', line: 10 }
    ],
    asm: [
      { text: '.LBB0_4:', line: null },
      { text: '  vaddsd (%rdx), %xmm0, %xmm0', line: 9 },
      { text: '  vgatherqpd (,%zmm6), %zmm8 {%k2}', line: 10 },
      { text: '  vscatterqpd %zmm6, (,%zmm7) {%k1}', line: 10 },
      { text: '  addq $-8, %rbx', line: null },
      { text: '  jne .LBB0_4', line: 8 }
    ],
    ...extra
  };
}

const REDUCTION = {
  code: 'float_reduction',
  title: 'float reduction without fastmath',
  line: 9,
  expression: 's += x[i]',
  text: 'LLVM keeps the order of the additions',
  fix: 'fastmath=True',
  remark: 'loop not vectorized: cannot prove it is safe to reorder'
};

function compiledView(
  loops: ICompiledLoop[],
  extra: Partial<ICompiledView> = {}
): ICompiledView {
  return { status: 'analysed', remarks: 'llvm', loops, notes: [], ...extra };
}

const KERNEL_VIEW = compiledView([
  loop({ line: 12, prange_line: 12, findings: [] }),
  loop({
    status: 'not_vectorised',
    width: null,
    interleave: null,
    findings: [REDUCTION],
    summary:
      'line 8: parallel, NOT vectorised: float reduction without fastmath at line 9 `s += x[i]`',
    remarks: [REDUCTION.remark]
  })
]);

function detail(
  report: any,
  parentView: ICompiledView | null = null
): ICandidateDetail {
  return {
    ...candidateRow(3, {
      parent_id: 2,
      label: 'tune',
      verdict: report?.verdict ?? null,
      speedup: null
    }),
    source: SOURCE,
    function: 'kernel',
    parent: { id: 2, label: 'prange', source: SOURCE, compiled: parentView },
    reference: '',
    report,
    figure: null
  };
}

function shown(report: any, parentView: ICompiledView | null = null): IShown {
  return shownFromCandidate('r1', detail(report, parentView), []);
}

function render(
  report: any,
  parentView: ICompiledView | null = null
): [HTMLElement, CompiledTab | null] {
  const host = document.createElement('div');
  document.body.appendChild(host);
  return [host, renderCompiled(host, shown(report, parentView))];
}

const linked = (host: HTMLElement, pane: 'source' | 'code') =>
  [
    ...host.querySelectorAll<HTMLElement>(
      `.jp-ParevoCompiled-${pane} .jp-mod-linked`
    )
  ].map(row => row.dataset.line);

function hover(row: Element): void {
  row.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
}

describe('the Compiled tab', () => {
  it('lists every loop with its line, badge and text; the loop with findings is picked', () => {
    const [host, view] = render({ verdict: 'ok', compiled: KERNEL_VIEW });
    const rows = [...host.querySelectorAll('.jp-ParevoCompiled-loop')];
    expect(
      rows.map(r => r.querySelector('.jp-ParevoBadge')!.textContent)
    ).toEqual(['vectorised x8', 'not vectorised']);
    expect(rows.map(r => (r as HTMLElement).dataset.line)).toEqual(['12', '8']);
    expect(rows[1].getAttribute('aria-label')).toBe(
      'line 8: parallel, NOT vectorised: float reduction without fastmath at line 9 `s += x[i]`'
    );
    expect(rows[1].textContent).toBe(
      'line 8not vectorisedparallel, NOT vectorised: float reduction without fastmath at line 9 `s += x[i]`'
    );
    expect(view!.picked).toBe(1);
    expect(rows[1].classList.contains('jp-mod-selected')).toBe(true);
    expect(rows[1].getAttribute('aria-selected')).toBe('true');
    // the picked loop's finding: title, where, words, fix and LLVM's remark
    const found = host.querySelector('.jp-ParevoCompiled-finding')!;
    expect(found.textContent).toContain('float reduction without fastmath');
    expect(found.textContent).toContain('line 9: s += x[i]');
    expect(found.textContent).toContain('Fix: fastmath=True');
    expect(found.textContent).toContain(
      'LLVM: loop not vectorized: cannot prove'
    );
    // the counts, the gathers marked
    const counts = host.querySelector('.jp-ParevoCompiled-counts')!;
    expect(counts.textContent).toContain(
      '13 IR instructions (19 in the assembly)'
    );
    expect(counts.textContent).toContain('floating point: 1 vector, 0 scalar');
    expect(
      counts
        .querySelector('[data-count="gathers"]')!
        .classList.contains('jp-mod-warn')
    ).toBe(true);
    // LLVM's remark once: the finding quotes it, the counts do not repeat it
    expect(host.textContent!.split('cannot prove it is safe')).toHaveLength(2);
  });

  it('picks a loop with a click or with Enter, and arrows move between rows', () => {
    const [host, view] = render({ verdict: 'ok', compiled: KERNEL_VIEW });
    const rows = [
      ...host.querySelectorAll<HTMLElement>('.jp-ParevoCompiled-loop')
    ];
    // one row in the tab order: the picked one
    expect(rows.map(r => r.tabIndex)).toEqual([-1, 0]);
    rows[1].focus();
    rows[1].dispatchEvent(
      new KeyboardEvent('keydown', { key: 'ArrowUp', bubbles: true })
    );
    expect(document.activeElement).toBe(rows[0]);
    rows[0].dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })
    );
    expect(view!.picked).toBe(0);
    expect(host.querySelector('.jp-ParevoCompiled-finding')).toBeNull();
    rows[1].click();
    expect(view!.picked).toBe(1);
  });

  it('links source and code lines both ways on hover', () => {
    const [host] = render({ verdict: 'ok', compiled: KERNEL_VIEW });
    const source = host.querySelector('.jp-ParevoCompiled-source')!;
    const code = host.querySelector<HTMLElement>('.jp-ParevoCompiled-code')!;
    expect(code.dataset.pane).toBe('asm');
    // every source line is a row; the lines the loop's code came from are marked
    expect(source.querySelectorAll('[data-line]')).toHaveLength(11);
    expect(
      source
        .querySelector('[data-line="10"]')!
        .classList.contains('jp-mod-inLoop')
    ).toBe(true);

    hover(source.querySelector('[data-line="10"] .jp-ParevoCompiled-text')!);
    expect(linked(host, 'code')).toEqual(['10', '10']);
    expect(linked(host, 'source')).toEqual(['10']);

    hover(code.querySelectorAll('.jp-ParevoCompiled-line')[1]);
    expect(linked(host, 'source')).toEqual(['9']);
    expect(linked(host, 'code')).toEqual(['9']);

    // a line numba or LLVM added has no source line: the link stays
    hover(code.querySelectorAll('.jp-ParevoCompiled-line')[0]);
    expect(linked(host, 'source')).toEqual(['9']);
  });

  it('shows a reference loop beside the reference, numbered as the task file is', () => {
    // the task file's lines 1-6 are make_inputs (left out of the reference view)
    const reference = [
      'import numpy as np', // 7
      '', // 8
      'def reference(x):', // 9
      '    s = 0.0', // 10
      '    for i in range(x.shape[0]):', // 11
      '        s += x[i]', // 12
      '    return s' // 13
    ].join('\n');
    const serial = loop({
      line: 11,
      prange_line: null,
      function: 'reference',
      role: 'serial',
      origin: 'loop',
      asm: [
        { text: '.LBB1_2:', line: null },
        { text: '  vaddsd (%rdi), %xmm0, %xmm0', line: 12 }
      ]
    });
    const view = compiledView([loop()], { serial: [serial] });
    const host = document.createElement('div');
    document.body.appendChild(host);
    renderCompiled(host, {
      ...shown({ verdict: 'ok', compiled: view }),
      reference: reference + '\n',
      referenceLines: [7, 8, 9, 10, 11, 12, 13]
    });
    const rows = host.querySelectorAll<HTMLElement>(
      '.jp-ParevoCompiled-loop, [data-loop]'
    );
    expect(rows.length).toBeGreaterThan(0);
    // pick the reference's loop (the last row of the picker)
    const picker = [...host.querySelectorAll<HTMLElement>('[role="option"]')];
    picker[picker.length - 1].click();
    const source = host.querySelector('.jp-ParevoCompiled-source')!;
    const numbered = [...source.querySelectorAll<HTMLElement>('[data-line]')];
    expect(numbered.map(r => r.dataset.line)).toEqual([
      '7',
      '8',
      '9',
      '10',
      '11',
      '12',
      '13'
    ]);
    expect(
      source.querySelector('[data-line="12"] .jp-ParevoCompiled-text')!
        .textContent
    ).toBe('        s += x[i]');
    hover(source.querySelector('[data-line="12"] .jp-ParevoCompiled-text')!);
    expect(linked(host, 'code')).toEqual(['12']);
  });

  it('switches to the LLVM IR and keeps the link', () => {
    const [host, view] = render({ verdict: 'ok', compiled: KERNEL_VIEW });
    view!.link(10);
    host
      .querySelector<HTMLElement>(
        '.jp-ParevoCompiled-paneButton[data-pane="ir"]'
      )!
      .click();
    expect(view!.pane).toBe('ir');
    const code = host.querySelector<HTMLElement>('.jp-ParevoCompiled-code')!;
    expect(code.dataset.pane).toBe('ir');
    expect(code.textContent).toContain('fadd <8 x double>');
    expect(linked(host, 'code')).toEqual(['10']);
  });

  it('keyboard: arrows in the source link the lines that have code', () => {
    const [host, view] = render({ verdict: 'ok', compiled: KERNEL_VIEW });
    const source = host.querySelector<HTMLElement>(
      '.jp-ParevoCompiled-source'
    )!;
    const press = (key: string) =>
      source.dispatchEvent(new KeyboardEvent('keydown', { key }));
    press('ArrowDown');
    expect(linked(host, 'source')).toEqual(['8']);
    press('ArrowDown');
    press('ArrowDown');
    expect(linked(host, 'source')).toEqual(['10']);
    press('ArrowUp');
    expect(linked(host, 'source')).toEqual(['9']);
    expect(view!.picked).toBe(1);
  });

  it('says what the candidate changed against its parent', () => {
    const parentView = compiledView([
      loop({ line: 12, prange_line: 12 }),
      loop({ findings: [REDUCTION] })
    ]);
    const [host] = render({ verdict: 'ok', compiled: KERNEL_VIEW }, parentView);
    const box = host.querySelector('.jp-ParevoCompiled-parent')!;
    expect(box.textContent).toMatch(/^Against the parent #2:/);
    const changes = [
      ...box.querySelectorAll<HTMLElement>('.jp-ParevoCompiled-change')
    ].map(li => [li.dataset.kind, li.textContent]);
    expect(changes).toEqual([
      ['worse', 'the loop at line 8 is no longer vectorised']
    ]);

    const [same] = render(
      { verdict: 'ok', compiled: KERNEL_VIEW },
      KERNEL_VIEW
    );
    expect(same.querySelector('.jp-ParevoCompiled-parent')!.textContent).toBe(
      'Against the parent #2: no change in the compiled loops.'
    );
    const [none] = render({ verdict: 'ok', compiled: KERNEL_VIEW }, null);
    expect(none.querySelector('.jp-ParevoCompiled-parent')!.textContent).toBe(
      'Against the parent #2: it has no compiled view to compare with.'
    );
  });

  it('says why there is nothing to show', () => {
    const text = (report: any) => {
      const [host, view] = render(report);
      expect(view).toBeNull();
      return host.textContent;
    };
    expect(text(null)).toBe('Not evaluated yet.');
    expect(
      text({ verdict: 'compile_error', compile: { ok: false }, compiled: null })
    ).toBe('No compiled view: the candidate does not compile.');
    expect(
      text({
        verdict: 'ok',
        compiled: compiledView([], {
          status: 'not_run',
          notes: ['switched off']
        })
      })
    ).toBe('No compiled view: it was not made. switched off');

    const [empty] = render({ verdict: 'ok', compiled: compiledView([]) });
    expect(empty.textContent).toContain(
      'No parallel loop was compiled (numba made no gufunc).'
    );
  });

  it('explains a loop that became memset and a prange numba ran serially', () => {
    const [host, view] = render({
      verdict: 'ok',
      compiled: compiledView([
        loop({ status: 'no_loop', asm: [], ir: [] }),
        loop({ line: 12, prange_line: 12, role: 'serialised' })
      ])
    });
    expect(
      host.querySelector('.jp-ParevoCompiled-detail')!.textContent
    ).toContain('LLVM turned this loop into memset/memcpy: no loop left');
    view!.pick(1);
    expect(
      host.querySelector('.jp-ParevoCompiled-detail')!.textContent
    ).toContain('numba ran this prange loop serially');
  });

  it('keeps untrusted text as text', () => {
    const evil = '<img src=x onerror="window.pwned=1">';
    const [host] = render({
      verdict: 'ok',
      compiled: compiledView([
        loop({
          findings: [{ ...REDUCTION, title: evil, expression: evil }],
          asm: [{ text: evil, line: 9 }]
        })
      ])
    });
    expect(host.querySelector('img')).toBeNull();
    expect(host.textContent).toContain(evil);
  });
});

describe('the candidate view', () => {
  it('has a Compiled tab that keeps the picked loop and the code pane', () => {
    const node = document.createElement('div');
    const diff: IDiffView = {
      highlight: () => undefined,
      dispose: () => undefined
    };
    const view = new CandidateDetail(node, { createDiff: () => diff });
    view.display(shown({ verdict: 'ok', compiled: KERNEL_VIEW }));
    const tab = node.querySelector<HTMLElement>('button[data-tab="compiled"]')!;
    expect(tab.textContent).toBe('Compiled');
    tab.click();
    expect(tab.getAttribute('aria-selected')).toBe('true');
    node.querySelector<HTMLElement>('.jp-ParevoCompiled-loop')!.click();
    node
      .querySelector<HTMLElement>(
        '.jp-ParevoCompiled-paneButton[data-pane="ir"]'
      )!
      .click();
    // the same candidate again (a live update): the same loop, the same pane
    view.display(shown({ verdict: 'ok', compiled: KERNEL_VIEW }));
    expect(
      node.querySelector<HTMLElement>(
        '.jp-ParevoCompiled-loop.jp-mod-selected'
      )!.dataset.index
    ).toBe('0');
    expect(
      node.querySelector<HTMLElement>('.jp-ParevoCompiled-code')!.dataset.pane
    ).toBe('ir');
  });
});
