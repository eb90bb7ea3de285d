/**
 * The workbench's state, without any DOM: what the server's events say about a run, the candidate
 * table's order, the lineage tree and the checks on notebook cells. The shapes are the REST API's
 * (docs/server.md); jest tests cover this module.
 */

// A candidate row, the best and a run folder's state are generated from parevo_lab/schema.py
// (api-schema/, jlpm build:types): the same shapes as the store, the REST API and the widget.
import type { Best } from './generated/best';
import type { Candidate } from './generated/candidate';
import type { RunState as RunFolderState } from './generated/run-state';
import type { ICompiledView } from './compiled';

// The compiled view (the report's `compiled`) has its own module; its names are the model's too.
export * from './compiled';

export type ICandidate = Candidate;
export type Verdict = NonNullable<Candidate['verdict']>;

export interface IRun {
  id: string;
  created: string;
  name: string;
  notebook: string | null;
  cell_id: string | null;
  generator: string;
  budget: number;
  threads: number[] | null;
  status:
    'queued' | 'running' | 'finished' | 'stopped' | 'interrupted' | 'failed';
  reason: string;
  evaluations: number;
  population: number;
  evaluating: number | null;
  best: IBest | null;
  run: number | null;
  resumable: boolean;
  candidates?: ICandidate[];
}

export interface IRaceSite {
  line: number;
  column: number | null;
  text: string;
  array: string;
  access: string;
  iteration: number;
}

export interface IRaceEntry {
  source: string;
  kind: string;
  array: string;
  index: number[] | { element_offset: number };
  first: IRaceSite;
  second: IRaceSite;
  count: number;
  loop_line: number | null;
}

/** The best candidate of a run, as the server and ``read_run`` report it. */
export type IBest = Best;

/**
 * A run folder's state as ``parevo_lab/rundir.py``'s ``read_run`` returns it: what the notebook
 * Workbench syncs as its ``run`` (the REST API wraps the same fields into an ``IRun``).
 */
export type IRunRecord = RunFolderState;

/** What a run's header shows, from either an ``IRun`` (REST) or an ``IRunRecord`` (a folder). */
export interface IRunSummary {
  name: string;
  status: string;
  reason: string;
  evaluations: number;
  budget: number | null;
  evaluating: number | null;
  best: IBest | null;
}

export function summaryOfRun(run: IRun): IRunSummary {
  return {
    name: run.name ?? '',
    status: run.status,
    reason: run.reason ?? '',
    evaluations: run.evaluations ?? 0,
    budget: run.budget ?? null,
    evaluating: run.evaluating ?? null,
    best: run.best ?? null
  };
}

/** ``null`` (or ``{}``) while the folder holds no run yet: the run is waiting. */
export function summaryOfRecord(
  record: Partial<IRunRecord> | null | undefined
): IRunSummary {
  const r = record ?? {};
  return {
    name: r.task || '',
    status: r.status || 'waiting',
    reason: r.reason ?? '',
    evaluations: r.evaluations ?? 0,
    budget: r.settings?.budget?.evaluations ?? null,
    evaluating: r.evaluating ?? null,
    best: r.best ?? null
  };
}

/** A line a person reads first: where the run stands. */
export function runProgressText(run: IRunSummary): string {
  const best = run.best;
  const top = best
    ? best.speedup !== null && best.speedup !== undefined
      ? `best #${best.id} ${speedLabel(best)}`
      : `best #${best.id}`
    : 'no correct candidate yet';
  const reason = run.reason ? ` (${run.reason})` : '';
  switch (run.status) {
    case 'waiting':
      return 'Waiting for the run to begin…';
    case 'queued':
      return 'Queued: waiting for a free job slot';
    case 'running': {
      const budget = run.budget !== null ? `/${run.budget}` : '';
      const current = run.evaluating !== null ? ` #${run.evaluating}` : '';
      return `Evaluating${current} (${run.evaluations}${budget}) — ${top}`;
    }
    case 'finished':
      return `Finished after ${run.evaluations} evaluations — ${top}${reason}`;
    case 'stopped':
      return `Stopped after ${run.evaluations} evaluations — ${top}`;
    case 'interrupted':
      return `Interrupted after ${run.evaluations} evaluations: ${run.reason}`;
    case 'failed':
      return `Failed: ${run.reason}`;
  }
  return run.status;
}

/** The evaluations against the budget: "3/4 evaluations", or "3 evaluations" with no budget. */
export function evaluationCount(run: IRunSummary): string {
  const noun = `evaluation${run.budget === 1 || (run.budget === null && run.evaluations === 1) ? '' : 's'}`;
  return run.budget !== null
    ? `${run.evaluations}/${run.budget} ${noun}`
    : `${run.evaluations} ${noun}`;
}

/** Share of the budget spent, 0..1. */
export function runProgress(run: IRunSummary): number {
  if (run.budget === null || run.budget <= 0) {
    return 0;
  }
  return Math.min(1, run.evaluations / run.budget);
}

/** A candidate's parent as its detail carries it: enough to diff against it. */
export interface IParent {
  id: number;
  label: string;
  source: string;
  /** The parent's compiled view (its report's `compiled`): what the Compiled tab compares. */
  compiled?: ICompiledView | null;
}

/** GET runs/<id>/candidates/<candidate>: a candidate with its sources, report and plot. */
export interface ICandidateDetail extends ICandidate {
  source: string;
  function: string;
  parent: IParent | null;
  reference: string;
  /** The task file's line number of each line of `reference` (the compiled view's numbers). */
  reference_lines?: number[];
  report: any | null;
  /** The report as `parevo check` prints it (parevo_lab/report/text.py), once evaluated. */
  report_text?: string | null;
  figure: any | null;
}

export interface ICheck {
  id: string;
  created: string;
  notebook: string | null;
  cell_id: string | null;
  status: 'queued' | 'running' | 'done' | 'failed' | 'stopped';
  verdict: Verdict | null;
  summary: string;
  report: any | null;
  /** The report as `parevo check` prints it, once it is done. */
  report_text?: string | null;
  figure: any | null;
  /** The task the diff is read against: its reference without what only the verifier reads. */
  reference?: string;
  /** The task file's line number of each line of `reference`. */
  reference_lines?: number[];
}

/** One mutant of an audit (``MutantResult`` in parevo_lab/results.py). */
export interface IMutant {
  id: string;
  operator: string;
  line: number;
  description: string;
  hint: string;
  status: 'killed' | 'survived' | 'equivalent' | 'stillborn';
  verdict: string;
  message: string;
  diff: string;
  path: string | null;
}

/** ``parevo audit``'s report (``AuditReport`` in parevo_lab/results.py). */
export interface IAuditReport {
  task: { name: string };
  mutants: IMutant[];
  counts: {
    generated: number;
    killed: number;
    survived: number;
    equivalent: number;
    stillborn: number;
  };
  score: number | null;
  statement: string | null;
  probe_inputs: number;
  seconds: number;
}

/** An audit of a task cell, as GET /parevo-lab/audits/ID answers. */
export interface IAudit {
  id: string;
  created: string;
  notebook: string | null;
  cell_id: string | null;
  status: 'queued' | 'running' | 'done' | 'failed' | 'stopped';
  summary: string;
  report: IAuditReport | null;
}

/** The audit's headline: its score, or why there is none, or that it is still running. */
export function auditHeadline(audit: IAudit): string {
  if (audit.status === 'queued' || audit.status === 'running') {
    return `Auditing the task cell… (${audit.status})`;
  }
  const report = audit.report;
  if (!report) {
    return `Audit ${audit.status}: ${audit.summary}`;
  }
  const c = report.counts;
  const score =
    report.score === null ? 'not measured' : report.score.toFixed(3);
  const survived =
    c.survived === 0
      ? 'no mutant survived'
      : `${c.survived} wrong kernel${c.survived === 1 ? '' : 's'} the inputs call ok`;
  return (
    `Mutation score ${score}: ${c.killed} of ${c.killed + c.survived} mutants killed, ` +
    `${survived}, ${c.equivalent} probably equivalent`
  );
}

/** The mutants verification accepted and extra inputs told apart: the task's missing cases. */
export function survivors(report: IAuditReport | null): IMutant[] {
  return report ? report.mutants.filter(m => m.status === 'survived') : [];
}

export interface IStreamEvent {
  id: string;
  type: string;
  data: any;
}

/**
 * Split a text/event-stream buffer into complete events and the unfinished rest.
 */
export function parseEventStream(buffer: string): {
  events: IStreamEvent[];
  rest: string;
} {
  const events: IStreamEvent[] = [];
  const normalised = buffer.replace(/\r\n/g, '\n');
  const blocks = normalised.split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let id = '';
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) {
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) {
        value = value.slice(1);
      }
      if (field === 'id') {
        id = value;
      } else if (field === 'event') {
        type = value;
      } else if (field === 'data') {
        data.push(value);
      }
    }
    if (data.length === 0) {
      continue;
    }
    try {
      events.push({ id, type, data: JSON.parse(data.join('\n')) });
    } catch {
      // a malformed event is skipped; the next replay carries the state again
    }
  }
  return { events, rest };
}

export type SortKey = 'id' | 'verdict' | 'speedup' | 'label' | 'family';

const VERDICT_RANK: Record<string, number> = {
  ok: 0,
  race: 1,
  wrong: 2,
  runtime_error: 3,
  timeout: 4,
  compile_error: 5
};

/**
 * One run as the workbench shows it: the summary and the candidates, kept up to date by events.
 */
export class RunState {
  run: IRun | null = null;
  readonly candidates = new Map<number, ICandidate>();
  lastEventId: string | null = null;

  constructor(readonly id: string) {}

  /** Apply one event (an upsert); true when it changed something. */
  apply(event: IStreamEvent): boolean {
    if (event.id) {
      this.lastEventId = event.id;
    }
    if (event.type === 'run') {
      const run = event.data as IRun;
      if (run.id !== this.id) {
        return false;
      }
      this.run = run;
      return true;
    }
    if (event.type === 'candidate') {
      const candidate = event.data as ICandidate;
      this.candidates.set(candidate.id, candidate);
      return true;
    }
    return false;
  }

  /** Take a full snapshot (GET runs/<id>). */
  load(run: IRun): void {
    this.run = run;
    for (const candidate of run.candidates ?? []) {
      this.candidates.set(candidate.id, candidate);
    }
  }

  sorted(key: SortKey = 'id', descending = false): ICandidate[] {
    return sortCandidates([...this.candidates.values()], key, descending);
  }

  /** The run's best as the server judged it (``schema.best_of``: the one rule). */
  best(): ICandidate | null {
    const id = this.run?.best?.id;
    return id === undefined || id === null
      ? null
      : (this.candidates.get(id) ?? null);
  }

  /** A line a person reads first: where the run stands. */
  progressText(): string {
    return this.run
      ? runProgressText(summaryOfRun(this.run))
      : 'Waiting for the run…';
  }

  /** Share of the budget spent, 0..1. */
  progress(): number {
    return this.run ? runProgress(summaryOfRun(this.run)) : 0;
  }

  lineage(): ILineageNode[] {
    return lineage([...this.candidates.values()]);
  }
}

export function sortCandidates(
  rows: ICandidate[],
  key: SortKey,
  descending: boolean
): ICandidate[] {
  const sign = descending ? -1 : 1;
  const compare = (a: ICandidate, b: ICandidate): number => {
    let d = 0;
    switch (key) {
      case 'speedup':
        // untimed candidates sort last whatever the direction
        if (a.speedup === null || b.speedup === null) {
          d =
            a.speedup === b.speedup
              ? 0
              : a.speedup === null
                ? 1 * sign
                : -1 * sign;
        } else {
          d = a.speedup - b.speedup;
        }
        break;
      case 'verdict':
        d =
          (VERDICT_RANK[a.verdict ?? ''] ?? 9) -
          (VERDICT_RANK[b.verdict ?? ''] ?? 9);
        break;
      case 'label':
        d = a.label.localeCompare(b.label);
        break;
      case 'family':
        d = a.family.localeCompare(b.family);
        break;
      default:
        d = a.id - b.id;
    }
    return d !== 0 ? sign * d : a.id - b.id;
  };
  return [...rows].sort(compare);
}

export interface ILineageNode {
  candidate: ICandidate;
  children: ILineageNode[];
}

/** The lineage forest: each candidate under its parent, children by id. */
export function lineage(rows: ICandidate[]): ILineageNode[] {
  const nodes = new Map<number, ILineageNode>();
  for (const c of [...rows].sort((a, b) => a.id - b.id)) {
    nodes.set(c.id, { candidate: c, children: [] });
  }
  const roots: ILineageNode[] = [];
  for (const node of nodes.values()) {
    const parent =
      node.candidate.parent_id !== null
        ? nodes.get(node.candidate.parent_id)
        : undefined;
    if (parent) {
      parent.children.push(node);
    } else {
      roots.push(node);
    }
  }
  return roots;
}

/** The path from a root to a candidate (the ancestry a person follows). */
export function ancestry(rows: ICandidate[], id: number): ICandidate[] {
  const byId = new Map(rows.map(c => [c.id, c]));
  const path: ICandidate[] = [];
  let current = byId.get(id);
  const seen = new Set<number>();
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    path.unshift(current);
    current =
      current.parent_id !== null ? byId.get(current.parent_id) : undefined;
  }
  return path;
}

/**
 * The headline of a checked or evaluated kernel, honest about where its speed comes from:
 * "3.74x vs serial at 2 threads", then what it splits into (the profile's codegen,
 * vs_serial_same_flags and self speedups): the candidate's flags alone, its code at 1 thread
 * against the reference built with the same flags, and its threads (self). Nothing for a
 * kernel that is not ok: a racy or wrong kernel's speed means nothing.
 */
export function headline(shown: {
  verdict: string | null;
  speedup: number | null;
  threads: number | null;
  projected?: boolean;
  report: any | null;
}): string {
  if (shown.verdict !== 'ok' || shown.speedup === null) {
    return '';
  }
  if (shown.projected) {
    return speedLabel(shown, 'vs serial'); // a model's figure: no measured factors
  }
  const parts: string[] = [];
  const speed = shown.report?.profile?.speedup ?? {};
  const flags = shown.report?.profile?.flags ?? {};
  const top = shown.threads === null ? null : String(shown.threads);
  if (speed.codegen && Object.keys(flags).length) {
    const names = Object.keys(flags).join(', ');
    parts.push(`flags (${names}) ${speed.codegen.value.toFixed(2)}x`);
  }
  const one = speed.vs_serial_same_flags?.['1'];
  if (one && top !== '1') {
    parts.push(`code at 1 thread ${one.value.toFixed(2)}x`);
  }
  const self = top ? speed.self?.[top] : null;
  if (self && top !== '1') {
    parts.push(`threads (self) ${self.value.toFixed(2)}x`);
  }
  const head = speedLabel(shown, 'vs serial');
  return parts.length ? `${head} = ${parts.join(' × ')}` : head;
}

/** Race entries of a report (replay and lint), most frequent first as the server sends them. */
export function raceEntries(report: any | null): IRaceEntry[] {
  return (report?.races?.entries ?? []) as IRaceEntry[];
}

export function formatSpeedup(c: {
  speedup: number | null;
  threads: number | null;
}): string {
  if (c.speedup === null || c.speedup === undefined) {
    return '–';
  }
  // two significant digits below 0.1x: a starved or broken kernel is not "0.00x"
  return c.speedup < 0.1
    ? `${c.speedup.toPrecision(2)}x`
    : `${c.speedup.toFixed(2)}x`;
}

/**
 * What the interleaved re-timing against the best said (parevo_lab/cascade/duel.py): a candidate
 * whose own profile beat the best is timed side by side with it before it may take its place.
 * Null when it was never re-timed.
 */
export function retimedText(c: {
  confirmed?: boolean | null;
  retimed?: ICandidate['retimed'];
}): string | null {
  const r = c.retimed;
  if (!r) {
    return null;
  }
  const head = `re-timed against #${r.against}, interleaved`;
  if (r.error || r.ratio === null) {
    return `${head}: no comparison (${r.error ?? 'no timing came back'}): not the best`;
  }
  const interval =
    r.low !== null && r.high !== null
      ? ` [${r.low.toFixed(2)}-${r.high.toFixed(2)}]`
      : '';
  const how = `${r.rounds} rounds${r.threads ? ` at ${r.threads} threads` : ''}, ${r.seconds.toFixed(1)} s`;
  const verdict = c.confirmed
    ? 'surely faster: it became the best'
    : `not surely faster: #${r.against} stayed the best`;
  const first = r.contradicted;
  const repeated =
    first && first.ratio !== null && first.low !== null && first.high !== null
      ? ` (repeated: the first, ${first.ratio.toFixed(2)}x [${first.low.toFixed(2)}-` +
        `${first.high.toFixed(2)}], contradicted both profiles)`
      : '';
  return `${head} (${how}): ${r.ratio.toFixed(2)}x${interval}${repeated}, ${verdict}`;
}

/**
 * The speed of a candidate as every view labels it: "1.23x at 2 threads" ("1.23x" when the
 * thread count is unknown, "–" when it was not timed); `against` goes after the speed
 * ("1.23x vs serial at 2 threads"); a speed the scaling model projected (a run ranking at
 * --target-threads beyond the cores it ran on) says so: "9.80x projected at 16 threads".
 */
export function speedLabel(
  c: { speedup: number | null; threads: number | null; projected?: boolean },
  against = ''
): string {
  const speed = formatSpeedup(c) + (against ? ` ${against}` : '');
  if (c.speedup === null || c.speedup === undefined) {
    return speed;
  }
  const at = c.projected ? 'projected at' : 'at';
  return c.threads !== null && c.threads !== undefined
    ? `${speed} ${at} ${c.threads} thread${c.threads === 1 ? '' : 's'}`
    : speed;
}

export function verdictLabel(c: ICandidate): string {
  if (c.verdict) {
    return c.verdict.replace('_', ' ');
  }
  return c.state === 'evaluating' ? 'evaluating' : 'pending';
}

/** Retry delays after the server went away: 1 s, 2 s, 4 s … capped at 30 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(30000, 1000 * 2 ** Math.max(0, attempt));
}

/** One line per race pair, like a sanitizer report. */
export function describeRace(entry: IRaceEntry): string {
  const index = Array.isArray(entry.index)
    ? `[${entry.index.join(', ')}]`
    : `(element ${entry.index.element_offset})`;
  const site = (s: IRaceEntry['first']) =>
    `${s.access} at line ${s.line} (iteration ${s.iteration})`;
  return (
    `${entry.kind} on ${entry.array}${index}: ${site(entry.first)} and ` +
    `${site(entry.second)}, ${entry.count.toLocaleString('en-US')} time${entry.count === 1 ? '' : 's'}`
  );
}

/** The heading of a report's race section: how many pairs, or what the detector said. */
export function raceHeading(report: any | null): string {
  const races = raceEntries(report);
  if (races.length > 0) {
    return (
      `Race detector: ${races.length} conflicting pair${races.length > 1 ? 's' : ''} ` +
      '(click one to see both sites)'
    );
  }
  const status: string = report?.races?.status ?? 'not_run';
  return `Race detector: ${status === 'clean' ? 'no race found' : status.replace(/_/g, ' ')}`;
}

/** What a candidate view shows: a candidate of a run, or a check of a notebook cell. */
export interface IShown {
  kind: 'candidate' | 'check';
  title: string;
  runId: string | null;
  candidateId: number | null;
  verdict: string | null;
  summary: string;
  speedup: number | null;
  threads: number | null;
  /** The speedup is the scaling model's, at `threads` beyond the cores it ran on. */
  projected?: boolean;
  source: string;
  parent: IParent | null;
  reference: string;
  /** The task file's line number of each line of `reference` (absent: 1, 2, ...). */
  referenceLines?: number[];
  report: any | null;
  /** The whole report as the CLI prints it (the server renders it). */
  reportText: string | null;
  /** What the interleaved re-timing against the best said (`retimedText`), if it ran. */
  retimed: string | null;
  figure: any | null;
  candidates: ICandidate[];
  /** The notebook cell a check checked: a race pick highlights its lines there too. */
  cellId?: string | null;
}

export function shownFromCandidate(
  runId: string,
  detail: ICandidateDetail,
  candidates: ICandidate[]
): IShown {
  return {
    kind: 'candidate',
    title: `#${detail.id} ${detail.label}`,
    runId,
    candidateId: detail.id,
    verdict: detail.verdict,
    summary: detail.summary ?? '',
    speedup: detail.speedup ?? null,
    threads: detail.threads ?? null,
    projected: detail.projected ?? false,
    source: detail.source ?? '',
    parent: detail.parent ?? null,
    reference: detail.reference ?? '',
    referenceLines: detail.reference_lines,
    report: detail.report ?? null,
    reportText: detail.report_text ?? null,
    retimed: retimedText(detail),
    figure: detail.figure ?? null,
    candidates
  };
}

export function shownFromCheck(
  check: ICheck,
  source: string,
  reference: string
): IShown {
  const vs = check.report?.profile?.speedup?.vs_serial ?? {};
  const top = Object.keys(vs)
    .map(Number)
    .sort((a, b) => b - a)[0];
  return {
    kind: 'check',
    title: 'Check of this cell',
    runId: null,
    candidateId: null,
    verdict: check.verdict,
    summary: check.summary,
    speedup: top !== undefined ? vs[String(top)].value : null,
    threads: top ?? null,
    source,
    parent: null,
    reference: check.reference || reference,
    referenceLines: check.reference ? check.reference_lines : undefined,
    report: check.report,
    reportText: check.report_text ?? null,
    retimed: null,
    figure: check.figure,
    candidates: [],
    cellId: check.cell_id
  };
}

/** The answer of POST runs/<id>/export: what parevo export --json prints, and where. */
export interface IExportSummary {
  /** The folder written, relative to the server's root (what the file browser shows). */
  path?: string;
  out: string;
  records: Record<string, number>;
  candidates: number;
  positives: number;
  generated: number;
  in_progress: string[];
  seconds: number;
}

/** One sentence on what "Export" wrote: the sidebar and the notebook Workbench say the same. */
export function exportText(summary: IExportSummary): string {
  const counts = Object.entries(summary.records)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const where = summary.path ?? summary.out;
  let text =
    `Exported ${counts} records from ${summary.candidates} candidates to ${where}/ ` +
    `(verified positives: ${summary.positives} of ${summary.generated} generated).`;
  if (summary.in_progress.length) {
    text += ' The run is still in progress: exported as far as it has got.';
  }
  return text;
}
