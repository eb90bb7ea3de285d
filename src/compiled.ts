/**
 * The compiled view of a candidate, without any DOM: what numba and LLVM made of each loop
 * (``CompiledView`` in parevo_lab/results.py, the report's ``compiled``), the one line a loop
 * that `parevo check` prints (``loop_text`` in parevo_lab/report/text.py), and what a candidate
 * changed in its parent's loops. jest tests cover this module.
 */

import type {
  CodeLine,
  CompiledLoop,
  CompiledView,
  LoopFinding
} from './generated/compiled-view';

/** One line of a loop's LLVM IR or assembly and the candidate's source line it came from. */
export type ICodeLine = CodeLine;
/** Why a loop was not vectorised, or what still costs in one that was. */
export type ILoopFinding = LoopFinding;
/** Per iteration of the loop body (``counts`` of cascade/compiled/ir.py; asm_*: the listing's). */
export type ILoopCounts = NonNullable<CompiledLoop['counts']>;
/** One innermost loop as LLVM compiled it. */
export type ICompiledLoop = CompiledLoop;
/**
 * The report's ``compiled``: the compiled view of the kernel's loops, typed from its JSON Schema
 * (``compiled_view_schema`` in parevo_lab/schema.py, made from results.CompiledView).
 */
export type ICompiledView = CompiledView;

/** The compiled view of a report (or of a candidate's parent), or null when it holds none. */
export function compiledViewOf(
  holder: { compiled?: unknown } | null | undefined
): ICompiledView | null {
  const view = holder?.compiled;
  return view && typeof view === 'object' ? (view as ICompiledView) : null;
}

/** An analysed view, or null: the only views whose loops mean something. */
function analysed(
  view: ICompiledView | null | undefined
): ICompiledView | null {
  return view && view.status === 'analysed' ? view : null;
}

/** The badge of a loop: "vectorised x8", "not vectorised" or "no loop". */
export function vectorBadge(loop: ICompiledLoop): string {
  if (loop.status === 'vectorised') {
    return loop.width ? `vectorised x${loop.width}` : 'vectorised';
  }
  return loop.status === 'no_loop' ? 'no loop' : 'not vectorised';
}

/** Where the findings came from, as the report's heading says it. */
export function compiledOrigin(view: ICompiledView): string {
  const source = view.remarks === 'llvm' ? "LLVM's remarks" : 'the IR alone';
  return `From ${source}${view.cached ? ', stored at the cold compile' : ''}.`;
}

/**
 * Why a report has no compiled view to show, or null when it has one: not evaluated yet, a
 * candidate that does not compile, a view that was switched off or could not be made.
 */
export function noCompiledViewReason(
  report: any | null | undefined
): string | null {
  if (!report) {
    return 'Not evaluated yet.';
  }
  const view = compiledViewOf(report);
  if (view && view.status === 'analysed') {
    return null;
  }
  if (
    report.verdict === 'compile_error' ||
    (report.compile && report.compile.ok === false)
  ) {
    return 'No compiled view: the candidate does not compile.';
  }
  if (!view) {
    return (
      'No compiled view: it was not made for this evaluation (switched off with ' +
      '--no-compiled-view, or evaluated before ParEVO made one).'
    );
  }
  const notes = (view.notes ?? []).join(' ');
  const why =
    view.status === 'failed'
      ? 'No compiled view: making it failed.'
      : 'No compiled view: it was not made.';
  return notes ? `${why} ${notes}` : why;
}

/** The loop picked when nothing was: the first with findings, else the first. */
export function defaultLoop(loops: ICompiledLoop[]): number {
  const index = loops.findIndex(loop => (loop.findings ?? []).length > 0);
  return index < 0 ? 0 : index;
}

/** The counts of a loop, per iteration of its body, as chips: gathers and calls stand out. */
export function countChips(
  loop: ICompiledLoop
): { key: string; text: string; warn: boolean }[] {
  const c = loop.counts ?? {};
  const n = (v: number | undefined) => v ?? 0;
  const chips: { key: string; text: string; warn: boolean }[] = [];
  if (c.instructions !== undefined) {
    const asm =
      c.asm_instructions !== undefined
        ? ` (${c.asm_instructions} in the assembly)`
        : '';
    chips.push({
      key: 'instructions',
      text: `${c.instructions} IR instructions${asm}`,
      warn: false
    });
  }
  chips.push(
    {
      key: 'fp',
      text: `floating point: ${n(c.vector_fp)} vector, ${n(c.scalar_fp)} scalar`,
      warn: n(c.scalar_fp) > 0 && loop.status === 'vectorised'
    },
    {
      key: 'int',
      text: `integer: ${n(c.vector_int)} vector, ${n(c.scalar_int)} scalar`,
      warn: false
    },
    {
      key: 'memory',
      text: `${n(c.loads)} loads, ${n(c.stores)} stores`,
      warn: false
    },
    {
      key: 'gathers',
      text: `${n(c.gathers)} gathers/scatters`,
      warn: n(c.gathers) > 0
    },
    {
      key: 'calls',
      text:
        `${n(c.calls)} calls` +
        (c.asm_calls ? ` (${c.asm_calls} in the assembly)` : ''),
      warn: n(c.calls) > 0 || n(c.asm_calls) > 0
    }
  );
  return chips;
}

/** What a candidate changed in one loop of its parent's compiled view. */
export interface ICompiledChange {
  /** The loop's source line (the key loops are matched on). */
  line: number;
  /** better: vectorised, a finding gone; worse: no longer vectorised, a new finding. */
  kind: 'better' | 'worse' | 'changed';
  text: string;
}

function findingKey(found: ILoopFinding): string {
  return `${found.code}@${found.line ?? ''}`;
}

function findingWhere(found: ILoopFinding): string {
  return found.line ? `${found.title} (line ${found.line})` : found.title;
}

function verdictWords(loop: ICompiledLoop): string {
  if (loop.status === 'no_loop') {
    return 'no loop left (memset/memcpy)';
  }
  return vectorBadge(loop);
}

/** Loops by their source line (several on one line are paired in order). */
function byLine(loops: ICompiledLoop[]): Map<number, ICompiledLoop[]> {
  const out = new Map<number, ICompiledLoop[]>();
  for (const loop of loops) {
    const group = out.get(loop.line) ?? [];
    group.push(loop);
    out.set(loop.line, group);
  }
  return out;
}

function loopChanges(
  line: number,
  before: ICompiledLoop | undefined,
  after: ICompiledLoop | undefined
): ICompiledChange[] {
  const out: ICompiledChange[] = [];
  const add = (kind: ICompiledChange['kind'], text: string) =>
    out.push({ line, kind, text });
  if (!after) {
    add('changed', `the parent's loop at line ${line} is gone`);
    return out;
  }
  if (!before) {
    add(
      after.status === 'not_vectorised' ? 'worse' : 'better',
      `new loop at line ${line}: ${verdictWords(after)}`
    );
  } else {
    if (before.role !== after.role) {
      if (after.role === 'serialised') {
        add('worse', `numba now runs the prange loop at line ${line} serially`);
      } else if (before.role === 'serialised') {
        add('better', `numba runs the loop at line ${line} in parallel again`);
      }
    }
    if (before.status !== after.status) {
      if (after.status === 'vectorised') {
        add('better', `this candidate vectorised the loop at line ${line}`);
      } else if (after.status === 'no_loop') {
        add('better', `the loop at line ${line} became memset/memcpy`);
      } else if (before.status === 'vectorised') {
        add('worse', `the loop at line ${line} is no longer vectorised`);
      } else {
        add(
          'changed',
          `the loop at line ${line} is a loop again: ${verdictWords(after)}`
        );
      }
    } else if (
      after.status === 'vectorised' &&
      (before.width ?? null) !== (after.width ?? null)
    ) {
      add(
        (after.width ?? 0) > (before.width ?? 0) ? 'better' : 'worse',
        `the loop at line ${line} is now ${vectorBadge(after)} (was x${before.width ?? '?'})`
      );
    }
  }
  const had = new Set((before?.findings ?? []).map(findingKey));
  const has = new Set((after.findings ?? []).map(findingKey));
  for (const found of before?.findings ?? []) {
    if (!has.has(findingKey(found))) {
      add('better', `finding gone: ${findingWhere(found)}`);
    }
  }
  for (const found of after.findings ?? []) {
    if (!had.has(findingKey(found))) {
      add('worse', `new finding: ${findingWhere(found)}`);
    }
  }
  return out;
}

/**
 * What a candidate changed in its parent's compiled loops, loop by loop (matched on their source
 * line, in line order): "this candidate vectorised the loop at line 9", "finding gone: signed
 * index wraparound (line 10)". Empty when nothing changed; null when either side has no
 * analysed view to compare.
 */
export function compiledChanges(
  parent: ICompiledView | null | undefined,
  child: ICompiledView | null | undefined
): ICompiledChange[] | null {
  const before = analysed(parent);
  const after = analysed(child);
  if (!before || !after) {
    return null;
  }
  const old = byLine(before.loops ?? []);
  const now = byLine(after.loops ?? []);
  const lines = [...new Set([...old.keys(), ...now.keys()])].sort(
    (a, b) => a - b
  );
  const out: ICompiledChange[] = [];
  for (const line of lines) {
    const a = old.get(line) ?? [];
    const b = now.get(line) ?? [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      out.push(...loopChanges(line, a[i], b[i]));
    }
  }
  return out;
}
