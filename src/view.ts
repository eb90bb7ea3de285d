import { Extension } from '@codemirror/state';
import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';

import { CandidateDiff } from './diff';
import { parevoIcon } from './icons';
import { IShown } from './model';
import { CandidateDetail, Tab } from './render/detail';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/**
 * The server's figure in JupyterLab's current theme: transparent backgrounds and the theme's
 * font and grid colours, so a plot is not a white box in the dark theme.
 */
export function themed(figure: any): any {
  const style = getComputedStyle(document.body);
  const colour = (name: string, fallback: string) =>
    style.getPropertyValue(name).trim() || fallback;
  const font = colour('--jp-ui-font-color1', '#333');
  const grid = colour('--jp-border-color2', '#ddd');
  const axis = (a: any) => ({
    ...(a ?? {}),
    color: font,
    gridcolor: grid,
    zerolinecolor: grid
  });
  const layout = figure?.layout ?? {};
  return {
    ...figure,
    layout: {
      ...layout,
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      font: { ...(layout.font ?? {}), color: font },
      legend: { ...(layout.legend ?? {}), font: { color: font } },
      xaxis: axis(layout.xaxis),
      yaxis: axis(layout.yaxis)
    }
  };
}

export interface ICandidateActions {
  insertBelow(source: string): void;
  replaceCell(source: string): void;
  useAsParent(runId: string, candidateId: number): void;
  openCandidate(runId: string, candidateId: number): void;
  /** Select these 1-based lines of a notebook cell (a checked cell's race sites). */
  highlightInCell(cellId: string, lines: number[]): void;
}

/**
 * The candidate view in the main area: the shared candidate view (render/detail.ts) with
 * JupyterLab's parts: CodeMirror's merge view for the diff, the plotly renderer for the speedup
 * plot, and the buttons that put the candidate into the notebook.
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

    this._detail = new CandidateDetail(
      this.node,
      {
        createDiff: (host, before, after) =>
          new CandidateDiff(host, before, after, this._language()),
        renderFigure: (host, figure) => this._renderFigure(host, figure),
        actions: (host, shown) => this._renderActions(host, shown),
        openCandidate: (shown, candidateId) => {
          if (shown.runId) {
            this._actions.openCandidate(shown.runId, candidateId);
          }
        },
        pickRace: (shown, lines) => {
          if (shown.cellId) {
            this._actions.highlightInCell(shown.cellId, lines);
          }
        }
      },
      'Pick a candidate in the ParEVO sidebar, or check a cell, to see it here.'
    );
  }

  get shown(): IShown | null {
    return this._detail.shown;
  }

  /** The diff of the code tab (for tests in the browser: `window.parevo`). */
  get diff(): CandidateDiff | null {
    const diff = this._detail.diff;
    return diff instanceof CandidateDiff ? diff : null;
  }

  display(shown: IShown): void {
    this.title.label =
      shown.kind === 'check' ? 'ParEVO check' : `ParEVO ${shown.title}`;
    this._detail.display(shown);
  }

  selectTab(tab: Tab): void {
    this._detail.selectTab(tab);
  }

  protected onCloseRequest(msg: any): void {
    this._detail.dispose();
    super.onCloseRequest(msg);
  }

  private _renderFigure(host: HTMLElement, figure: any): Widget | null {
    if (!this._rendermime.preferredMimeType({ [PLOTLY_MIME]: figure })) {
      return null; // no plotly renderer: the shared SVG plot
    }
    const renderer = this._rendermime.createRenderer(PLOTLY_MIME);
    void renderer.renderModel(
      new MimeModel({ data: { [PLOTLY_MIME]: themed(figure) } })
    );
    Widget.attach(renderer, host);
    return renderer;
  }

  private _renderActions(host: HTMLElement, shown: IShown): void {
    const button = (label: string, action: string, run: () => void) => {
      const b = document.createElement('button');
      b.className = 'jp-mod-styled jp-ParevoButton';
      b.textContent = label;
      b.dataset.action = action;
      b.onclick = run;
      host.appendChild(b);
    };
    // a check shows the cell itself, and code that does not compile is not worth a cell
    if (shown.kind === 'candidate' && shown.verdict !== 'compile_error') {
      button('Insert below', 'insert-below', () =>
        this._actions.insertBelow(shown.source)
      );
      button('Replace cell', 'replace-cell', () =>
        this._actions.replaceCell(shown.source)
      );
    }
    if (shown.runId !== null && shown.candidateId !== null) {
      button('Use as parent', 'use-as-parent', () =>
        this._actions.useAsParent(shown.runId!, shown.candidateId!)
      );
    }
  }

  private _detail: CandidateDetail;
}
