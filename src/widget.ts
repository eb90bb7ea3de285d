/**
 * The notebook Workbench (parevo_lab/widget.py), an anywidget ES module: esbuild bundles this file,
 * the shared renderers and style/base.css into parevo_lab/static/workbench.js and workbench.css
 * (`jlpm build:widget`). No JupyterLab import may reach this file: it runs in any widget front end
 * (JupyterLab, Notebook 7, VS Code).
 *
 * The model syncs what the REST API serves, unrendered: `run` (rundir.py's `read_run` of the run
 * folder, without its candidates), `candidates` (the candidate rows), `selected` (a candidate id,
 * written back on a click), `detail` (rundir.py's `candidate_detail` of the selected candidate:
 * sources, parent, reference and report), `following` and `error`.
 */
import '../style/base.css';

import { el } from './dom';
import {
  ICandidate,
  ICandidateDetail,
  IRunRecord,
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
  off(event: string, callback: () => void): void;
}

const TRAITS = [
  'run',
  'candidates',
  'selected',
  'detail',
  'following',
  'error'
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
    error: drawError
  };
  for (const name of TRAITS) {
    model.on(`change:${name}`, handlers[name]);
  }
  drawHeader();
  drawError();
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
