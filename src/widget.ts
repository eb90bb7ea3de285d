/**
 * The notebook Workbench (parevo_lab/widget.py), an anywidget ES module: esbuild bundles this file,
 * the shared renderers and style/base.css into parevo_lab/static/workbench.js and workbench.css
 * (`jlpm build:widget`). No JupyterLab import may reach this file: it runs in any widget front end
 * (JupyterLab, Notebook 7, VS Code).
 *
 * The model syncs what the REST API serves, unrendered: `run` (rundir.py's `read_run` of the run
 * folder, without its candidates), `candidates` (the candidate rows), `selected` (a candidate id,
 * written back on a click), `detail` (rundir.py's `candidate_detail` of the selected candidate:
 * sources, parent, reference and report), `following`, `error` and `exported` (the summary of
 * the last "Export this run", which sends `{action: 'export'}`).
 */
import '../style/base.css';

import { el } from './dom';
import {
  ICandidate,
  ICandidateDetail,
  IExportSummary,
  IRunRecord,
  exportText,
  shownFromCandidate,
  summaryOfRecord
} from './model';
import { CandidateDetail } from './render/detail';
import { renderRunHeader } from './render/header';
import { CandidateTable } from './render/table';
import { TextDiff } from './render/textdiff';

/** The part of anywidget's model the Workbench uses. */
export interface IWidgetModel {
  get(name: string): any;
  set(name: string, value: any): void;
  save_changes(): void;
  on(event: string, callback: () => void): void;
  send(content: Record<string, unknown>): void;
  off(event: string, callback: () => void): void;
}

const TRAITS = [
  'run',
  'candidates',
  'selected',
  'detail',
  'following',
  'error',
  'exported'
];

export function render({
  model,
  el: host
}: {
  model: IWidgetModel;
  el: HTMLElement;
}): () => void {
  const root = el('div', 'jp-ParevoWorkbench', host);
  const header = el('div', 'jp-ParevoWorkbench-header', root);
  const actions = el('div', 'jp-ParevoWorkbench-actions', root);
  const exportButton = el('button', 'jp-ParevoWorkbench-export', actions);
  exportButton.textContent = 'Export this run';
  exportButton.title =
    'Write the run as datasets (parevo export) into its folder: dataset/';
  exportButton.dataset.action = 'export';
  exportButton.onclick = () => model.send({ action: 'export' });
  const notice = el('span', 'jp-ParevoWorkbench-notice', actions);
  const error = el('div', 'jp-ParevoWorkbench-error', root);
  const body = el('div', 'jp-ParevoWorkbench-body', root);

  const select = (id: number) => {
    model.set('selected', id);
    model.save_changes();
  };
  const table = new CandidateTable(body, { onSelect: select });
  const detail = new CandidateDetail(
    el('div', 'jp-ParevoWorkbench-detail', body),
    {
      createDiff: (node, before, after, names) =>
        new TextDiff(node, before, after, names),
      openCandidate: (_shown, id) => select(id)
    },
    'Select a candidate to see its diff, races and speedup.'
  );

  const record = (): IRunRecord | null => model.get('run') || null;
  const candidates = (): ICandidate[] => model.get('candidates') || [];
  const folder = (): string => model.get('folder') || '';

  const drawHeader = () => {
    renderRunHeader(header, summaryOfRecord(record()), {
      title: true,
      live: Boolean(model.get('following'))
    });
  };
  const drawExported = () => {
    const summary: IExportSummary | null = model.get('exported') || null;
    notice.textContent = summary?.records ? exportText(summary) : '';
  };
  const drawError = () => {
    error.textContent = model.get('error') || '';
    error.hidden = !error.textContent;
  };
  const drawTable = () => {
    table.update(candidates(), record()?.best?.id ?? null);
    table.select(model.get('selected') ?? null);
  };
  const drawDetail = () => {
    const d: ICandidateDetail | null = model.get('detail') || null;
    if (d && typeof d.id === 'number') {
      detail.display(shownFromCandidate(folder(), d, candidates()));
    } else {
      detail.clear();
    }
  };

  const handlers: Record<string, () => void> = {
    run: () => {
      drawHeader();
      drawTable();
    },
    candidates: () => {
      drawTable();
      detail.setCandidates(candidates());
    },
    selected: () => table.select(model.get('selected') ?? null),
    detail: drawDetail,
    following: drawHeader,
    error: drawError,
    exported: drawExported
  };
  for (const name of TRAITS) {
    model.on(`change:${name}`, handlers[name]);
  }
  drawHeader();
  drawError();
  drawExported();
  drawTable();
  drawDetail();
  return () => {
    for (const name of TRAITS) {
      model.off(`change:${name}`, handlers[name]);
    }
    detail.dispose();
    root.remove();
  };
}

export default { render };
