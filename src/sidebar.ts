import { Notification } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { el } from './dom';
import { parevoIcon } from './icons';
import {
  IAudit,
  ICheck,
  IRun,
  RunState,
  auditHeadline,
  exportText,
  summaryOfRun,
  survivors
} from './model';
import { EventFollower } from './follow';
import { renderRunHeader } from './render/header';
import { CandidateTable, badge } from './render/table';
import { IServerStatus, ParevoAPI, openRunEvents } from './request';

export interface ISidebarActions {
  evolveCell(): void;
  checkCell(): void;
  auditCell(): void;
  openCandidate(runId: string, candidateId: number): void;
  openCheck(check: ICheck): void;
}

/**
 * The ParEVO side panel, bound to the active notebook: its runs (live progress, stop, resume),
 * the sortable candidate table of the selected run, and the latest check of a cell.
 */
export class ParevoSidebar extends Widget {
  constructor(
    private _api: ParevoAPI,
    private _actions: ISidebarActions
  ) {
    super();
    this.id = 'parevo-sidebar';
    this.addClass('jp-ParevoSidebar');
    this.title.icon = parevoIcon;
    this.title.caption = 'ParEVO Lab';

    const header = el('h2', 'jp-ParevoSidebar-header', this.node);
    header.textContent = 'ParEVO Lab';
    this._statusNode = el('div', 'jp-ParevoSidebar-status', this.node);
    this._setStatus('pending', 'Connecting to the ParEVO server extension…');

    this._notebookNode = el('div', 'jp-ParevoSidebar-notebook', this.node);
    const buttons = el('div', 'jp-ParevoSidebar-buttons', this.node);
    const evolve = el('button', 'jp-mod-styled jp-mod-accept', buttons);
    evolve.textContent = 'Evolve task cell';
    evolve.dataset.action = 'evolve';
    evolve.onclick = () => this._actions.evolveCell();
    const check = el('button', 'jp-mod-styled', buttons);
    check.textContent = 'Check active cell';
    check.dataset.action = 'check';
    check.onclick = () => this._actions.checkCell();
    const audit = el('button', 'jp-mod-styled', buttons);
    audit.textContent = 'Audit task cell';
    audit.title =
      "How strong is the task's verification? Mutants of its reference are checked like " +
      'candidates: each one that passes is a wrong kernel your inputs accept.';
    audit.dataset.action = 'audit';
    audit.onclick = () => this._actions.auditCell();
    this._messageNode = el('div', 'jp-ParevoSidebar-message', this.node);

    const runBar = el('div', 'jp-ParevoSidebar-runBar', this.node);
    this._runSelect = el('select', 'jp-ParevoSidebar-runs', runBar);
    this._runSelect.onchange = () => this.selectRun(this._runSelect.value);
    this._stopButton = el('button', 'jp-mod-styled', runBar);
    this._stopButton.textContent = 'Stop';
    this._stopButton.dataset.action = 'stop';
    this._stopButton.onclick = () => void this.stopRun();
    this._resumeButton = el('button', 'jp-mod-styled', runBar);
    this._resumeButton.textContent = 'Resume';
    this._resumeButton.dataset.action = 'resume';
    this._resumeButton.onclick = () => void this.resumeRun();
    this._exportButton = el('button', 'jp-mod-styled', runBar);
    this._exportButton.textContent = 'Export';
    this._exportButton.title =
      "Export this run as datasets (parevo export): each task's best verified candidate, " +
      'pairs the measurements order, and repairs with their feedback, with a dataset card.';
    this._exportButton.dataset.action = 'export';
    this._exportButton.onclick = () => void this.exportRun();

    this._runNode = el('div', 'jp-ParevoSidebar-run', this.node);

    this._checkNode = el('div', 'jp-ParevoSidebar-check', this.node);
    this._auditNode = el('div', 'jp-ParevoSidebar-audit', this.node);

    const tableHost = el('div', 'jp-ParevoSidebar-tableHost', this.node);
    this._table = new CandidateTable(tableHost, {
      onSelect: id => {
        if (this._state) {
          this._actions.openCandidate(this._state.id, id);
        }
      }
    });
    this._renderRunControls();
  }

  /** The state of the followed run (for tests in the browser). */
  get state(): RunState | null {
    return this._state;
  }

  get notebook(): string | null {
    return this._notebook;
  }

  showConnected(status: IServerStatus): void {
    this._version = status.version;
    this._setStatus(
      'connected',
      `ParEVO Lab ${status.version} — server extension connected`
    );
  }

  showError(reason: string): void {
    this._setStatus(
      'error',
      `ParEVO Lab — server extension not reachable: ${reason}`
    );
  }

  /**
   * Say something about the last action, inline; an error or a warning also goes to
   * JupyterLab's notifications, so it is seen when the sidebar is closed. The next state change replaces it.
   */
  say(text: string, kind: 'info' | 'warning' | 'error' = 'info'): void {
    this._messageNode.textContent = text;
    this._messageNode.dataset.kind = kind;
    if (kind !== 'info' && text) {
      Notification.emit(`ParEVO: ${text}`, kind, { autoClose: 10_000 });
    }
  }

  /** Bind to a notebook (its path), or to none. */
  setNotebook(path: string | null): void {
    if (path === this._notebook) {
      return;
    }
    this._notebook = path;
    this._notebookNode.textContent = path
      ? `Notebook: ${path}`
      : 'Open a notebook to evolve its task cell.';
    this.say('');
    this._renderCheck();
    this._renderAudit();
    void this.refreshRuns(this._chosen.get(path ?? '') ?? null);
  }

  /** Reload the list of runs; follow ``select`` or this notebook's newest run. */
  async refreshRuns(select: string | null = null): Promise<void> {
    let runs: IRun[];
    try {
      runs = await this._api.runs();
    } catch (error) {
      this.showError((error as Error).message);
      return;
    }
    this._runs = runs.filter(r => (r.notebook ?? null) === this._notebook);
    this._runSelect.textContent = '';
    for (const run of [...this._runs].reverse()) {
      const option = document.createElement('option');
      option.value = run.id;
      option.textContent = `${run.name} — ${run.created?.replace('T', ' ').slice(0, 19)} (${run.status})`;
      this._runSelect.appendChild(option);
    }
    const wanted =
      select ??
      (this._state && this._runs.some(r => r.id === this._state!.id)
        ? this._state.id
        : this._runs.length
          ? this._runs[this._runs.length - 1].id
          : null);
    if (wanted) {
      this._runSelect.value = wanted;
      this.selectRun(wanted);
    } else {
      this._follow(null);
    }
  }

  /** Follow a run: replay its history, then its live events. */
  selectRun(runId: string): void {
    if (this._state?.id === runId) {
      return;
    }
    this._chosen.set(this._notebook ?? '', runId);
    this._follow(runId);
  }

  async stopRun(): Promise<void> {
    if (!this._state) {
      return;
    }
    try {
      await this._api.stopRun(this._state.id);
      this.say('Stopping the run…');
    } catch (error) {
      this.say((error as Error).message, 'error');
    }
  }

  /** "Export": the run's datasets in parevo-exports/<run>/ (the file browser shows it). */
  async exportRun(): Promise<void> {
    if (!this._state) {
      return;
    }
    this._exportButton.disabled = true;
    try {
      this.say(exportText(await this._api.exportRun(this._state.id)));
    } catch (error) {
      this.say((error as Error).message, 'error');
    } finally {
      this._renderRunControls();
    }
  }

  async resumeRun(): Promise<void> {
    if (!this._state) {
      return;
    }
    try {
      await this._api.resumeRun(this._state.id);
      this.say('Resumed.');
    } catch (error) {
      this.say((error as Error).message, 'error');
    }
  }

  /** Show the newest check of a cell of this notebook. */
  showCheck(check: ICheck): void {
    this._checks.set(check.notebook ?? '', check);
    this._renderCheck();
  }

  /** Show the newest audit of this notebook's task cell. */
  showAudit(audit: IAudit): void {
    this._audits.set(audit.notebook ?? '', audit);
    this._renderAudit();
  }

  dispose(): void {
    this._follower?.stop();
    window.clearInterval(this._listTimer);
    super.dispose();
  }

  /**
   * Runs started elsewhere show up: a `%parevo_evolve` in this notebook's kernel (the server
   * lists it beside the panel's runs), or another window. While the sidebar is visible the list
   * is read again every few seconds; a run of this notebook that was not there before is
   * followed, as one started from the panel is. Nothing is redrawn when nothing changed.
   */
  private async _pollRuns(): Promise<void> {
    if (!this.isVisible || this._notebook === null) {
      return;
    }
    let runs: IRun[];
    try {
      runs = await this._api.runs();
    } catch {
      return; // the connection status says so
    }
    const mine = runs.filter(r => (r.notebook ?? null) === this._notebook);
    const known = new Set(this._runs.map(r => r.id));
    const fresh = mine.filter(r => !known.has(r.id));
    const changed =
      fresh.length > 0 ||
      mine.length !== this._runs.length ||
      mine.some((r, i) => r.status !== this._runs[i]?.status);
    if (changed) {
      await this.refreshRuns(
        fresh.length ? fresh[fresh.length - 1].id : (this._state?.id ?? null)
      );
    }
  }

  private _follow(runId: string | null): void {
    this._follower?.stop();
    this._follower = null;
    this._state = runId ? new RunState(runId) : null;
    this._table.select(null);
    this._scheduleRender();
    if (!runId) {
      return;
    }
    const state = this._state!;
    let seen: string | null = null; // the run's status as last shown
    this._follower = new EventFollower(
      openRunEvents(this._api.settings, runId),
      event => {
        if (state === this._state && state.apply(event)) {
          const run = state.run;
          if (run && run.status !== seen) {
            this._statusChanged(run, seen);
            seen = run.status;
          }
          this._scheduleRender();
        }
      },
      (connected, detail) => {
        if (connected) {
          this._setStatus(
            'connected',
            `ParEVO Lab ${this._version} — server extension connected`
          );
        } else {
          this._setStatus('reconnecting', detail);
        }
      }
    );
    this._follower.start();
  }

  /**
   * A run's status changed: its entry in the picker says so, and the message of the action that
   * started, stopped or resumed it is replaced; a run seen to end while followed is also a
   * JupyterLab notification (finished, stopped or failed, with why).
   */
  private _statusChanged(run: IRun, before: string | null): void {
    const option = [...this._runSelect.options].find(o => o.value === run.id);
    if (option) {
      option.textContent = option.textContent!.replace(
        /\([a-z]+\)$/,
        `(${run.status})`
      );
    }
    const live = before === 'queued' || before === 'running';
    if (!live || run.status === 'queued' || run.status === 'running') {
      if (live && run.status === 'running') {
        this.say(`Run ${run.id} started and is running.`);
      }
      return;
    }
    const why = run.reason ? `: ${run.reason}` : '';
    const text = `Run ${run.id} ${run.status}${why}.`;
    this._messageNode.textContent = text;
    this._messageNode.dataset.kind = run.status === 'failed' ? 'error' : 'info';
    if (run.status === 'failed') {
      Notification.error(`ParEVO: ${text}`, { autoClose: 10_000 });
    } else {
      Notification.info(`ParEVO: ${text}`, { autoClose: 6_000 });
    }
  }

  private _scheduleRender(): void {
    if (this._renderPending) {
      return;
    }
    this._renderPending = true;
    requestAnimationFrame(() => {
      this._renderPending = false;
      this._render();
    });
  }

  private _render(): void {
    this._renderRunControls();
    const state = this._state;
    this._table.update(
      state ? [...state.candidates.values()] : [],
      state?.run?.best?.id ?? null
    );
  }

  private _renderRunControls(): void {
    const state = this._state;
    const run = state?.run ?? null;
    this._runSelect.disabled = this._runs.length === 0;
    this._stopButton.disabled =
      !run || !['queued', 'running'].includes(run.status);
    this._resumeButton.disabled = !run || !run.resumable;
    this._exportButton.disabled = !run || run.evaluations === 0;
    renderRunHeader(this._runNode, run ? summaryOfRun(run) : null, {
      empty: state
        ? state.progressText()
        : this._notebook
          ? 'No run for this notebook yet: put the cursor in a task cell and evolve it.'
          : ''
    });
  }

  private _renderCheck(): void {
    const check = this._checks.get(this._notebook ?? '');
    this._checkNode.textContent = '';
    if (!check) {
      return;
    }
    this._checkNode.dataset.status = check.status;
    const text = el('span', '', this._checkNode);
    if (check.status === 'queued' || check.status === 'running') {
      text.textContent = `Checking the cell… (${check.status})`;
      return;
    }
    badge(text, check.verdict ?? 'failed', check.verdict ?? check.status);
    el('span', '', text).textContent = ` ${check.summary}`;
    const open = el('button', 'jp-mod-styled', this._checkNode);
    open.textContent = 'Open';
    open.dataset.action = 'open-check';
    open.onclick = () => this._actions.openCheck(check);
  }

  private _renderAudit(): void {
    const audit = this._audits.get(this._notebook ?? '');
    const node = this._auditNode;
    node.textContent = '';
    if (!audit) {
      return;
    }
    node.dataset.status = audit.status;
    const found = survivors(audit.report);
    const headline = el('div', 'jp-ParevoSidebar-auditHeadline', node);
    if (audit.report) {
      badge(
        headline,
        found.length ? 'wrong' : 'ok',
        found.length ? 'weak' : 'strong'
      );
      headline.appendChild(document.createTextNode(' '));
    }
    el('span', '', headline).textContent = auditHeadline(audit);
    if (audit.report?.statement) {
      el('div', 'jp-ParevoSidebar-auditNote', node).textContent =
        audit.report.statement;
    }
    for (const m of found) {
      const item = el('details', 'jp-ParevoSidebar-mutant', node);
      item.dataset.operator = m.operator;
      el('summary', '', item).textContent =
        `${m.id} ${m.operator}: ${m.description}`;
      el('div', 'jp-ParevoSidebar-mutantHint', item).textContent =
        `Missing input: ${m.hint}.`;
      el('div', '', item).textContent = m.message;
      el('pre', 'jp-ParevoSidebar-mutantDiff', item).textContent = m.diff;
    }
  }

  private _setStatus(
    state: 'pending' | 'connected' | 'error' | 'reconnecting',
    text: string
  ): void {
    this._statusNode.dataset.state = state;
    this._statusNode.textContent = text;
  }

  private _version = '';
  private _notebook: string | null = null;
  private _runs: IRun[] = [];
  private _chosen = new Map<string, string>();
  private _checks = new Map<string, ICheck>();
  private _audits = new Map<string, IAudit>();
  private _state: RunState | null = null;
  private _follower: EventFollower | null = null;
  private _listTimer = window.setInterval(() => void this._pollRuns(), 5000);
  private _renderPending = false;
  private _statusNode: HTMLElement;
  private _notebookNode: HTMLElement;
  private _messageNode: HTMLElement;
  private _runSelect: HTMLSelectElement;
  private _stopButton: HTMLButtonElement;
  private _resumeButton: HTMLButtonElement;
  private _exportButton: HTMLButtonElement;
  private _runNode: HTMLElement;
  private _checkNode: HTMLElement;
  private _auditNode: HTMLElement;
  private _table: CandidateTable;
}
