/**
 * The candidate view, shared by the JupyterLab main-area panel (view.ts) and the notebook
 * Workbench (widget.ts): the header (verdict, name, speed, summary), and five tabs: the diff
 * against the parent or the reference with the race list under it (a click highlights both
 * sites), the speedup against threads with its numbers (and, when the report projects it to 64
 * threads, each thread's share of each loop's work: work.ts), the compiled view of each loop
 * (compiled.ts), the lineage, and the report.
 *
 * What differs between the two front ends comes in as hooks: the diff (CodeMirror's merge view in
 * JupyterLab, a plain line diff in the widget), the figure (JupyterLab's plotly renderer; the
 * inline SVG of plot.ts otherwise), the header's buttons and what a click on the lineage opens.
 */
import { el } from '../dom';
import { CodePane, renderCompiled } from './compiled';
import {
  ILineageNode,
  IRaceEntry,
  IShown,
  ancestry,
  describeRace,
  formatSpeedup,
  headline,
  lineage,
  raceEntries,
  raceHeading
} from '../model';
import {
  plotCaption,
  renderSpeedupPlot,
  renderSpeedupTable,
  speedupPoints
} from './plot';
import { badge } from './table';
import { IDiffView } from './textdiff';
import {
  DEFAULT_WORK_THREADS,
  renderLoopWork,
  renderProjectionNotes
} from './work';

export type Tab = 'code' | 'speedup' | 'compiled' | 'lineage' | 'report';

export const TABS: [Tab, string][] = [
  ['code', 'Code & races'],
  ['speedup', 'Speedup'],
  ['compiled', 'Compiled'],
  ['lineage', 'Lineage'],
  ['report', 'Report']
];

export interface IDisposableView {
  dispose(): void;
}

export interface ICandidateDetailHooks {
  /** Build the diff of `before` (parent or reference) and `after` (the candidate) into `host`. */
  createDiff(
    host: HTMLElement,
    before: string,
    after: string,
    names: [string, string]
  ): IDiffView;
  /** Render the server's plotly figure into `host`; null (or no hook): the inline SVG plot. */
  renderFigure?(host: HTMLElement, figure: any): IDisposableView | null;
  /** Add buttons to the header's `.jp-ParevoCandidate-actions`. */
  actions?(host: HTMLElement, shown: IShown): void;
  /** A click on a candidate of the lineage. */
  openCandidate?(shown: IShown, candidateId: number): void;
  /** A race was picked: both of its lines (the diff highlights them already). */
  pickRace?(shown: IShown, lines: number[]): void;
}

/** The header: badge, `#id label`, the speed and the summary. */
export function renderCandidateHeader(host: HTMLElement, shown: IShown): void {
  host.textContent = '';
  const title = el('div', 'jp-ParevoCandidate-title', host);
  badge(title, shown.verdict ?? 'pending');
  el('span', 'jp-ParevoCandidate-name', title).textContent = ` ${shown.title}`;
  const speed = headline(shown);
  if (speed) {
    el('span', 'jp-ParevoCandidate-speedup', title).textContent = ` ${speed}`;
  }
  if (shown.summary) {
    el('div', 'jp-ParevoCandidate-summary', host).textContent = shown.summary;
  }
  if (shown.retimed) {
    el('div', 'jp-ParevoCandidate-retimed', host).textContent =
      shown.retimed[0].toUpperCase() + shown.retimed.slice(1) + '.';
  }
}

/** The race section: its heading, and one item per race pair; `onPick` on a click. */
export function renderRaces(
  parent: HTMLElement,
  report: any | null,
  onPick: (entry: IRaceEntry) => void
): HTMLElement {
  const section = el('div', 'jp-ParevoRaces', parent);
  el('h3', '', section).textContent = raceHeading(report);
  const list = el('ol', 'jp-ParevoRaces-list', section);
  for (const entry of raceEntries(report)) {
    const item = el('li', 'jp-ParevoRace', list);
    item.tabIndex = 0;
    item.textContent = describeRace(entry);
    item.dataset.lines = `${entry.first.line},${entry.second.line}`;
    const pick = () => {
      for (const other of list.querySelectorAll('li')) {
        other.classList.remove('jp-mod-selected');
      }
      item.classList.add('jp-mod-selected');
      onPick(entry);
    };
    item.onclick = pick;
    item.onkeydown = event => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        pick();
      }
    };
  }
  return section;
}

/** The whole report as `parevo check` prints it (the server renders it: one text, everywhere). */
export function renderReport(parent: HTMLElement, text: string | null): void {
  el('pre', 'jp-ParevoReport', parent).textContent =
    text ?? 'Not evaluated yet.';
}

/** The lineage forest, the path to the shown candidate marked; `onOpen` on a click. */
export function renderLineage(
  parent: HTMLElement,
  shown: IShown,
  onOpen: (candidateId: number) => void
): void {
  if (shown.candidates.length === 0) {
    el('p', 'jp-ParevoEmpty', parent).textContent =
      'A check has no lineage: evolve the task to get one.';
    return;
  }
  const path = new Set(
    ancestry(shown.candidates, shown.candidateId ?? -1).map(c => c.id)
  );
  const tree = el('ul', 'jp-ParevoLineage', parent);
  const add = (node: ILineageNode, into: HTMLElement) => {
    const c = node.candidate;
    const item = el('li', 'jp-ParevoLineage-node', into);
    const line = el('div', 'jp-ParevoLineage-line', item);
    line.dataset.id = String(c.id);
    line.classList.toggle('jp-mod-onPath', path.has(c.id));
    line.classList.toggle('jp-mod-current', c.id === shown.candidateId);
    badge(line, c.verdict ?? c.state);
    el('span', 'jp-ParevoLineage-label', line).textContent =
      ` #${c.id} ${formatSpeedup(c)} — ${c.label}`;
    line.onclick = () => onOpen(c.id);
    if (node.children.length) {
      const children = el('ul', '', item);
      for (const child of node.children) {
        add(child, children);
      }
    }
  };
  for (const root of lineage(shown.candidates)) {
    add(root, tree);
  }
}

/**
 * The tabbed candidate view inside `node` (which the caller owns and styles): header, tab bar and
 * body. `display` shows a candidate or a check; the chosen tab stays across candidates.
 */
export class CandidateDetail {
  constructor(
    readonly node: HTMLElement,
    private _hooks: ICandidateDetailHooks,
    private _placeholderText = 'Pick a candidate to see it here.'
  ) {
    this._header = el('div', 'jp-ParevoCandidate-header', node);
    this._tabs = el('div', 'jp-ParevoCandidate-tabs', node);
    this._tabs.setAttribute('role', 'tablist');
    for (const [tab, label] of TABS) {
      const button = el('button', 'jp-ParevoCandidate-tab', this._tabs);
      button.textContent = label;
      button.dataset.tab = tab;
      button.setAttribute('role', 'tab');
      button.onclick = () => this.selectTab(tab);
    }
    this._body = el('div', 'jp-ParevoCandidate-body', node);
    this.clear();
  }

  get shown(): IShown | null {
    return this._shown;
  }

  get tab(): Tab {
    return this._tab;
  }

  /** The diff of the code tab. */
  get diff(): IDiffView | null {
    return this._diff;
  }

  display(shown: IShown): void {
    const same =
      this._shown !== null &&
      this._shown.kind === shown.kind &&
      this._shown.candidateId === shown.candidateId &&
      this._shown.runId === shown.runId;
    if (!same || (this._against === 'parent' && !shown.parent)) {
      this._against = shown.parent ? 'parent' : 'reference';
    }
    if (!same) {
      this._compiledLoop = null;
    }
    this._shown = shown;
    this._header.textContent = '';
    renderCandidateHeader(this._header, shown);
    if (this._hooks.actions) {
      this._hooks.actions(
        el('div', 'jp-ParevoCandidate-actions', this._header),
        shown
      );
    }
    this._tabs.hidden = false;
    this.selectTab(this._tab);
  }

  /** The run's candidates changed (a live run): the lineage follows. */
  setCandidates(candidates: IShown['candidates']): void {
    if (!this._shown) {
      return;
    }
    this._shown = { ...this._shown, candidates };
    if (this._tab === 'lineage') {
      this.selectTab('lineage');
    }
  }

  /** Show nothing (the placeholder). */
  clear(): void {
    this._shown = null;
    this._header.textContent = '';
    this._tabs.hidden = true;
    this._clearBody();
    el('p', 'jp-ParevoEmpty', this._body).textContent = this._placeholderText;
  }

  selectTab(tab: Tab): void {
    this._tab = tab;
    for (const button of this._tabs.querySelectorAll('button')) {
      const active = (button as HTMLElement).dataset.tab === tab;
      button.classList.toggle('jp-mod-active', active);
      button.setAttribute('aria-selected', String(active));
    }
    if (!this._shown) {
      return;
    }
    this._clearBody();
    switch (tab) {
      case 'code':
        this._renderCode(this._shown);
        break;
      case 'speedup':
        this._renderPlot(this._shown);
        break;
      case 'compiled':
        renderCompiled(this._body, this._shown, {
          loop: this._compiledLoop,
          pane: this._codePane,
          onPick: index => (this._compiledLoop = index),
          onPane: pane => (this._codePane = pane)
        });
        break;
      case 'lineage':
        renderLineage(this._body, this._shown, id =>
          this._hooks.openCandidate?.(this._shown!, id)
        );
        break;
      case 'report':
        renderReport(this._body, this._shown.reportText);
        break;
    }
  }

  dispose(): void {
    this._clearBody();
  }

  private _renderCode(shown: IShown): void {
    const bar = el('div', 'jp-ParevoCandidate-against', this._body);
    el('span', '', bar).textContent = 'Compare with: ';
    for (const against of ['parent', 'reference'] as const) {
      if (against === 'parent' && !shown.parent) {
        continue;
      }
      const b = el('button', 'jp-ParevoCandidate-againstButton', bar);
      b.textContent =
        against === 'parent'
          ? `parent #${shown.parent!.id}`
          : 'the task (reference)';
      b.dataset.against = against;
      b.classList.toggle('jp-mod-active', this._against === against);
      b.onclick = () => {
        this._against = against;
        this.selectTab('code');
      };
    }
    const host = el('div', 'jp-ParevoDiff', this._body);
    const parent = this._against === 'parent' ? shown.parent : null;
    this._diff = this._hooks.createDiff(
      host,
      parent ? parent.source : shown.reference,
      shown.source,
      [parent ? `#${parent.id}` : 'task (reference)', shown.title]
    );
    renderRaces(this._body, shown.report, entry => {
      const lines = [entry.first.line, entry.second.line];
      this._diff?.highlight(lines);
      this._hooks.pickRace?.(shown, lines);
    });
  }

  private _renderPlot(shown: IShown): void {
    const points = speedupPoints(shown.report);
    if (!points) {
      el('p', 'jp-ParevoEmpty', this._body).textContent =
        shown.verdict === 'ok' || shown.verdict === 'race'
          ? 'This candidate was not profiled.'
          : 'Only correct candidates are timed: nothing to plot.';
      return;
    }
    el('p', 'jp-ParevoPlot-caption', this._body).textContent =
      plotCaption(points);
    const host = el('div', 'jp-ParevoPlot', this._body);
    const figure =
      shown.figure && this._hooks.renderFigure
        ? this._hooks.renderFigure(host, shown.figure)
        : null;
    if (figure) {
      host.classList.add('jp-mod-figure');
      this._figure = figure;
    } else {
      renderSpeedupPlot(host, points);
    }
    renderSpeedupTable(this._body, shown.report);
    renderLoopWork(this._body, shown.report?.projection ?? null, {
      threads: this._workThreads,
      onThreads: threads => (this._workThreads = threads)
    });
    renderProjectionNotes(this._body, shown.report);
  }

  private _clearBody(): void {
    this._diff?.dispose();
    this._diff = null;
    this._figure?.dispose();
    this._figure = null;
    this._body.textContent = '';
  }

  private _shown: IShown | null = null;
  private _tab: Tab = 'code';
  private _against: 'parent' | 'reference' = 'parent';
  /** The Compiled tab's picked loop (for this candidate) and its code pane (for all). */
  private _compiledLoop: number | null = null;
  private _codePane: CodePane = 'asm';
  /** The Speedup tab's thread count for the per-thread work chart (for all candidates). */
  private _workThreads = DEFAULT_WORK_THREADS;
  private _diff: IDiffView | null = null;
  private _figure: IDisposableView | null = null;
  private _header: HTMLElement;
  private _tabs: HTMLElement;
  private _body: HTMLElement;
}
