import { Extension } from '@codemirror/state';
import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';

import { CandidateDiff } from './diff';
import { el } from './dom';
import { parevoIcon } from './icons';
import {
  ICandidate,
  ICandidateDetail,
  ICheck,
  ILineageNode,
  IRaceEntry,
  ancestry,
  formatSpeedup,
  lineage,
  raceEntries
} from './model';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** What the panel shows: a candidate of a run, or a check of a notebook cell. */
export interface IShown {
  kind: 'candidate' | 'check';
  title: string;
  runId: string | null;
  memberId: number | null;
  verdict: string | null;
  summary: string;
  speedup: number | null;
  threads: number | null;
  source: string;
  parent: { id: number; label: string; source: string } | null;
  reference: string;
  report: any | null;
  figure: any | null;
  candidates: ICandidate[];
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
    memberId: detail.id,
    verdict: detail.verdict,
    summary: detail.summary,
    speedup: detail.speedup,
    threads: detail.threads,
    source: detail.source,
    parent: detail.parent,
    reference: detail.reference,
    report: detail.report,
    figure: detail.figure,
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
    memberId: null,
    verdict: check.verdict,
    summary: check.summary,
    speedup: top !== undefined ? vs[String(top)].value : null,
    threads: top ?? null,
    source,
    parent: null,
    reference,
    report: check.report,
    figure: check.figure,
    candidates: []
  };
}

export interface ICandidateActions {
  insertBelow(source: string): void;
  replaceCell(source: string): void;
  useAsParent(runId: string, memberId: number): void;
  openCandidate(runId: string, memberId: number): void;
}

type Tab = 'code' | 'speedup' | 'lineage' | 'report';

/**
 * The candidate view in the main area: the diff against the parent or the reference with the race
 * traces under it, the speedup-versus-threads plot, the lineage and the report.
 */
export class CandidatePanel extends Widget {
  constructor(
    private _rendermime: IRenderMimeRegistry,
    private _actions: ICandidateActions,
    private _language: () => Extension | null
  ) {
    super();
    this.id = 'parevo-candidate';
    this.addClass('jp-ParevoCandidate');
    this.title.label = 'ParEVO candidate';
    this.title.icon = parevoIcon;
    this.title.closable = true;
    this.node.tabIndex = 0;

    this._header = el('div', 'jp-ParevoCandidate-header', this.node);
    this._tabs = el('div', 'jp-ParevoCandidate-tabs', this.node);
    for (const [tab, label] of [
      ['code', 'Code & races'],
      ['speedup', 'Speedup'],
      ['lineage', 'Lineage'],
      ['report', 'Report']
    ] as [Tab, string][]) {
      const button = el('button', 'jp-ParevoCandidate-tab', this._tabs);
      button.textContent = label;
      button.dataset.tab = tab;
      button.onclick = () => this.selectTab(tab);
    }
    this._body = el('div', 'jp-ParevoCandidate-body', this.node);
    this._placeholder();
  }

  get shown(): IShown | null {
    return this._shown;
  }

  /** The diff of the code tab (for tests in the browser: `window.parevo`). */
  get diff(): CandidateDiff | null {
    return this._diff;
  }

  display(shown: IShown): void {
    this._shown = shown;
    this._against = shown.parent ? 'parent' : 'reference';
    this.title.label =
      shown.kind === 'check' ? 'ParEVO check' : `ParEVO ${shown.title}`;
    this._renderHeader();
    this.selectTab(this._tab);
  }

  selectTab(tab: Tab): void {
    this._tab = tab;
    for (const button of this._tabs.querySelectorAll('button')) {
      button.classList.toggle(
        'jp-mod-active',
        (button as HTMLElement).dataset.tab === tab
      );
    }
    this._clearBody();
    if (!this._shown) {
      this._placeholder();
      return;
    }
    switch (tab) {
      case 'code':
        this._renderCode(this._shown);
        break;
      case 'speedup':
        this._renderPlot(this._shown);
        break;
      case 'lineage':
        this._renderLineage(this._shown);
        break;
      case 'report':
        this._renderReport(this._shown);
        break;
    }
  }

  protected onCloseRequest(msg: any): void {
    this._clearBody();
    super.onCloseRequest(msg);
  }

  private _renderHeader(): void {
    const shown = this._shown!;
    this._header.textContent = '';
    const title = el('div', 'jp-ParevoCandidate-title', this._header);
    const badge = el('span', 'jp-ParevoBadge', title);
    badge.dataset.verdict = shown.verdict ?? 'pending';
    badge.textContent = shown.verdict ?? 'pending';
    const name = el('span', 'jp-ParevoCandidate-name', title);
    name.textContent = ` ${shown.title}`;
    if (shown.speedup !== null) {
      const speed = el('span', 'jp-ParevoCandidate-speedup', title);
      speed.textContent = ` ${formatSpeedup(shown)} vs serial at ${shown.threads} threads`;
    }
    const summary = el('div', 'jp-ParevoCandidate-summary', this._header);
    summary.textContent = shown.summary;
    const actions = el('div', 'jp-ParevoCandidate-actions', this._header);
    const button = (label: string, action: string, run: () => void) => {
      const b = el('button', 'jp-mod-styled jp-ParevoButton', actions);
      b.textContent = label;
      b.dataset.action = action;
      b.onclick = run;
      return b;
    };
    button('Insert below', 'insert-below', () =>
      this._actions.insertBelow(shown.source)
    );
    button('Replace cell', 'replace-cell', () =>
      this._actions.replaceCell(shown.source)
    );
    if (shown.runId !== null && shown.memberId !== null) {
      button('Use as parent', 'use-as-parent', () =>
        this._actions.useAsParent(shown.runId!, shown.memberId!)
      );
    }
  }

  private _renderCode(shown: IShown): void {
    const bar = el('div', 'jp-ParevoCandidate-against', this._body);
    const label = el('span', '', bar);
    label.textContent = 'Compare with: ';
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
    const before =
      this._against === 'parent' && shown.parent
        ? shown.parent.source
        : shown.reference;
    this._diff = new CandidateDiff(
      host,
      before,
      shown.source,
      this._language()
    );

    const races = raceEntries(shown.report);
    const section = el('div', 'jp-ParevoRaces', this._body);
    const heading = el('h3', '', section);
    const status = shown.report?.races?.status ?? 'not_run';
    heading.textContent =
      races.length > 0
        ? `Race detector: ${races.length} conflicting pair${races.length > 1 ? 's' : ''} (click one to see both sites)`
        : `Race detector: ${status === 'clean' ? 'no race found' : status.replace('_', ' ')}`;
    const list = el('ol', 'jp-ParevoRaces-list', section);
    for (const entry of races) {
      const item = el('li', 'jp-ParevoRace', list);
      item.tabIndex = 0;
      item.textContent = describeRace(entry);
      item.onclick = () => {
        for (const other of list.querySelectorAll('li')) {
          other.classList.remove('jp-mod-selected');
        }
        item.classList.add('jp-mod-selected');
        this._diff?.highlight([entry.first.line, entry.second.line]);
      };
    }
  }

  private _renderPlot(shown: IShown): void {
    if (!shown.figure) {
      const p = el('p', 'jp-ParevoEmpty', this._body);
      p.textContent =
        shown.verdict === 'ok'
          ? 'This candidate was not profiled.'
          : 'Only correct candidates are timed: nothing to plot.';
      return;
    }
    const host = el('div', 'jp-ParevoPlot', this._body);
    if (this._rendermime.preferredMimeType({ [PLOTLY_MIME]: shown.figure })) {
      const renderer = this._rendermime.createRenderer(PLOTLY_MIME);
      this._renderer = renderer;
      void renderer.renderModel(
        new MimeModel({ data: { [PLOTLY_MIME]: shown.figure } })
      );
      Widget.attach(renderer, host);
    }
    // the numbers themselves, always: a plot must never be the only place they live
    const table = el('table', 'jp-ParevoPlot-table', this._body);
    const vs = shown.report?.profile?.speedup?.vs_serial ?? {};
    const head = el('tr', '', table);
    for (const h of ['threads', 'vs serial', '95% interval']) {
      el('th', '', head).textContent = h;
    }
    for (const p of Object.keys(vs).sort((a, b) => Number(a) - Number(b))) {
      const row = el('tr', '', table);
      el('td', '', row).textContent = p;
      el('td', '', row).textContent = `${vs[p].value.toFixed(2)}x`;
      el('td', '', row).textContent =
        `${vs[p].ci_low.toFixed(2)}–${vs[p].ci_high.toFixed(2)}x`;
    }
  }

  private _renderLineage(shown: IShown): void {
    if (shown.candidates.length === 0) {
      const p = el('p', 'jp-ParevoEmpty', this._body);
      p.textContent = 'A check has no lineage: evolve the task to get one.';
      return;
    }
    const path = new Set(
      ancestry(shown.candidates, shown.memberId ?? -1).map(c => c.id)
    );
    const tree = el('ul', 'jp-ParevoLineage', this._body);
    const add = (node: ILineageNode, into: HTMLElement) => {
      const c = node.candidate;
      const item = el('li', 'jp-ParevoLineage-node', into);
      const line = el('div', 'jp-ParevoLineage-line', item);
      line.classList.toggle('jp-mod-onPath', path.has(c.id));
      line.classList.toggle('jp-mod-current', c.id === shown.memberId);
      const badge = el('span', 'jp-ParevoBadge', line);
      badge.dataset.verdict = c.verdict ?? 'pending';
      badge.textContent = c.verdict ?? c.state;
      const text = el('span', 'jp-ParevoLineage-label', line);
      text.textContent = ` #${c.id} ${formatSpeedup(c)} — ${c.label}`;
      line.onclick = () => {
        if (shown.runId) {
          this._actions.openCandidate(shown.runId, c.id);
        }
      };
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

  private _renderReport(shown: IShown): void {
    const report = shown.report;
    const pre = el('pre', 'jp-ParevoReport', this._body);
    if (!report) {
      pre.textContent = 'Not evaluated yet.';
      return;
    }
    const lines: string[] = [`verdict: ${report.verdict}`, report.summary];
    const error = report.compile?.error;
    if (error) {
      lines.push(
        '',
        `compile error (${error.kind}) at line ${error.site?.line ?? '?'}:`,
        error.full_text || error.summary
      );
    }
    for (const loop of report.compile?.loops ?? []) {
      lines.push(
        `line ${loop.line}: ${loop.status}${loop.detail ? ' — ' + loop.detail : ''}`
      );
    }
    const failure = report.verify?.failure;
    if (failure) {
      lines.push('', `verification: ${failure.message}`);
      if (failure.detail) {
        lines.push(failure.detail);
      }
    }
    for (const note of [
      ...(report.compile?.notes ?? []),
      ...(report.races?.notes ?? []),
      ...(report.profile?.notes ?? [])
    ]) {
      lines.push(`note: ${note}`);
    }
    pre.textContent = lines.join('\n');
  }

  private _placeholder(): void {
    const p = el('p', 'jp-ParevoEmpty', this._body);
    p.textContent =
      'Pick a candidate in the ParEVO sidebar, or check a cell, to see it here.';
  }

  private _clearBody(): void {
    this._diff?.dispose();
    this._diff = null;
    this._renderer?.dispose();
    this._renderer = null;
    this._body.textContent = '';
  }

  private _shown: IShown | null = null;
  private _tab: Tab = 'code';
  private _against: 'parent' | 'reference' = 'parent';
  private _diff: CandidateDiff | null = null;
  private _renderer: Widget | null = null;
  private _header: HTMLElement;
  private _tabs: HTMLElement;
  private _body: HTMLElement;
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
    `${site(entry.second)}, ${entry.count.toLocaleString()} time${entry.count === 1 ? '' : 's'}`
  );
}
