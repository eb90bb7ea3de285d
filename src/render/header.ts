/**
 * The header of a run, shared by the JupyterLab sidebar and the notebook Workbench: its name and
 * status, the budget spent (a progress bar and "3/4 evaluations"), and one sentence on where it
 * stands (model.ts's `runProgressText`). The host gets `data-status` for styles and tests.
 */
import { el } from '../dom';
import {
  IRunSummary,
  evaluationCount,
  runProgress,
  runProgressText
} from '../model';

export interface IRunHeaderOptions {
  /** Show the run's name first (the sidebar names it in its run picker instead). */
  title?: boolean;
  /** The run is being followed live. */
  live?: boolean;
  /** What to say when there is no run at all. */
  empty?: string;
}

export function renderRunHeader(
  host: HTMLElement,
  run: IRunSummary | null,
  options: IRunHeaderOptions = {}
): void {
  host.classList.add('jp-ParevoRun');
  host.textContent = '';
  host.dataset.status = run?.status ?? '';
  if (!run) {
    if (options.empty) {
      el('div', 'jp-ParevoRun-text', host).textContent = options.empty;
    }
    return;
  }
  const line = el('div', 'jp-ParevoRun-line', host);
  if (options.title) {
    el('span', 'jp-ParevoRun-title', line).textContent = run.name || 'run';
  }
  const status = el('span', 'jp-ParevoRun-status', line);
  status.dataset.status = run.status;
  status.textContent = run.status;
  const bar = el('progress', 'jp-ParevoRun-progress', line);
  bar.max = 1;
  bar.value = runProgress(run);
  el('span', 'jp-ParevoRun-count', line).textContent = evaluationCount(run);
  if (options.live) {
    const live = el('span', 'jp-ParevoRun-live', line);
    live.title = 'following the live run';
    live.textContent = 'live';
  }
  el('div', 'jp-ParevoRun-text', host).textContent = runProgressText(run);
}
