import { Extension } from '@codemirror/state';
import {
  ILabShell,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  MainAreaWidget,
  showDialog
} from '@jupyterlab/apputils';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { auditIcon, checkIcon, parevoIcon } from './icons';
import type { Cells } from './generated/cells';
import { ICheck, shownFromCandidate, shownFromCheck } from './model';
import { IRunRequest, ParevoAPI } from './request';
import { ParevoSidebar } from './sidebar';
import { CandidatePanel } from './view';

const PLUGIN_ID = 'parevo-lab:plugin';

export namespace CommandIDs {
  export const evolveCell = 'parevo-lab:evolve-cell';
  export const checkCell = 'parevo-lab:check-cell';
  export const auditCell = 'parevo-lab:audit-cell';
  export const open = 'parevo-lab:open';
  export const stopRun = 'parevo-lab:stop-run';
  export const resumeRun = 'parevo-lab:resume-run';
  export const insertBest = 'parevo-lab:insert-best';
}

/**
 * The settings the user set (schema/plugin.json). A field left unset is not sent: the server's
 * own defaults (c.ParevoLab, whose defaults are parevo_lab/settings.py) apply.
 */
interface ISettings {
  generator?: IRunRequest['generator'];
  budget?: number;
  threads?: number[];
  baseUrl?: string;
  model?: string;
  targetThreads?: IRunRequest['target_threads'];
  machine?: string;
  candidateView?: 'bottom' | 'tab';
}

/**
 * The ParEVO Lab plugin: the sidebar bound to the active notebook, the candidate view, and the
 * commands of the palette, the cell toolbar and the cell context menu.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'ParEVO Lab: verified parallel numba kernels for irregular data.',
  autoStart: true,
  requires: [INotebookTracker, IRenderMimeRegistry],
  optional: [
    ICommandPalette,
    ISettingRegistry,
    IEditorLanguageRegistry,
    ILabShell
  ],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    rendermime: IRenderMimeRegistry,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    languages: IEditorLanguageRegistry | null
  ) => {
    console.log('JupyterLab extension parevo-lab is activated!');
    const api = new ParevoAPI(app.serviceManager.serverSettings);
    let settings: ISettings = {};
    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(loaded => {
          const update = () => {
            settings = {
              ...(loaded.user as ISettings),
              candidateView: loaded.composite
                .candidateView as ISettings['candidateView']
            };
          };
          update();
          loaded.changed.connect(update);
        })
        .catch(reason =>
          console.warn('parevo-lab: settings not loaded', reason)
        );
    }

    let python: Extension | null = null;
    const language = languages?.findBest('python');
    if (language && languages) {
      void languages.getLanguage(language.name).then(found => {
        python = found?.support ?? null;
      });
    }

    // -- the candidate view ------------------------------------------------------------------
    let panel: MainAreaWidget<CandidatePanel> | null = null;
    const candidateView = (): CandidatePanel => {
      let current = panel;
      if (!current || current.isDisposed) {
        const content = new CandidatePanel(
          rendermime,
          {
            insertBelow: source => insertBelow(source),
            replaceCell: source => replaceCell(source),
            useAsParent: (runId, candidateId) =>
              void useAsParent(runId, candidateId),
            openCandidate: (runId, candidateId) =>
              void openCandidate(runId, candidateId),
            highlightInCell: (cellId, lines) => highlightInCell(cellId, lines)
          },
          () => python
        );
        const widget = new MainAreaWidget({ content });
        widget.id = 'parevo-candidate-panel';
        widget.title.label = 'ParEVO candidate';
        widget.title.icon = parevoIcon;
        content.title.changed.connect(() => {
          widget.title.label = content.title.label;
        });
        panel = current = widget;
      }
      if (!current.isAttached) {
        // Not a split of the main area: that narrows the notebook until JupyterLab hides its
        // cell toolbar. The bottom panel by default, or a tab beside the notebook.
        if (settings.candidateView === 'tab') {
          app.shell.add(current, 'main', {
            mode: 'tab-after',
            ref: tracker.currentWidget?.id
          });
        } else {
          app.shell.add(current, 'down');
        }
      }
      app.shell.activateById(current.id);
      return current.content;
    };

    const openCandidate = async (runId: string, candidateId: number) => {
      try {
        // the followed run's candidates are already here: only another run's are fetched
        const followed = sidebar.state?.id === runId ? sidebar.state : null;
        const [detail, candidates] = await Promise.all([
          api.candidate(runId, candidateId),
          followed
            ? Promise.resolve(followed.sorted())
            : api.run(runId).then(run => run.candidates ?? [])
        ]);
        candidateView().display(shownFromCandidate(runId, detail, candidates));
      } catch (error) {
        sidebar.say((error as Error).message, 'error');
      }
    };

    const useAsParent = async (runId: string, candidateId: number) => {
      try {
        const run = await api.useAsParent(runId, candidateId);
        sidebar.say(
          `Candidate #${candidateId} is the next parent of run ${run.id} (${run.status}, ` +
            `${run.evaluations}/${run.budget} evaluations).`
        );
      } catch (error) {
        sidebar.say((error as Error).message, 'error');
      }
    };

    // -- the notebook ------------------------------------------------------------------------
    /** The code cells' sources ('' for markdown and raw cells), in order. */
    const activeSources = (): string[] => {
      const notebook = tracker.currentWidget?.content;
      if (!notebook?.model) {
        return [];
      }
      return Array.from(notebook.model.cells).map(c =>
        c.type === 'code' ? c.sharedModel.getSource() : ''
      );
    };

    /**
     * The active cell and its task cell as the server reads them (parsed: strings, comments and
     * the %%parevo_* magics understood; the nearest task cell above the active one).
     */
    const readCells = async (): Promise<Cells | null> => {
      const notebook = tracker.currentWidget?.content;
      if (!notebook) {
        return null;
      }
      try {
        return await api.cells(activeSources(), notebook.activeCellIndex);
      } catch (error) {
        sidebar.say((error as Error).message, 'error');
        return null;
      }
    };

    const insertBelow = (source: string) => {
      const current = tracker.currentWidget;
      if (!current) {
        sidebar.say('Open the notebook to insert the candidate into.', 'error');
        return;
      }
      NotebookActions.insertBelow(current.content);
      current.content.activeCell?.model.sharedModel.setSource(source);
      app.shell.activateById(current.id);
    };

    /** Select both lines of a race in the checked cell itself, and bring the cell into view. */
    const highlightInCell = (cellId: string, lines: number[]) => {
      const notebook = tracker.currentWidget?.content;
      const index =
        notebook?.widgets.findIndex(c => c.model.id === cellId) ?? -1;
      const cell = index >= 0 ? notebook!.widgets[index] : null;
      const editor = cell?.editor;
      if (!notebook || !cell || !editor) {
        return;
      }
      notebook.activeCellIndex = index;
      const valid = [...new Set(lines)].filter(
        n => n >= 1 && n <= editor.lineCount
      );
      editor.setSelections(
        valid.map(n => ({
          start: { line: n - 1, column: 0 },
          end: { line: n - 1, column: editor.getLine(n - 1)?.length ?? 0 }
        }))
      );
      if (valid.length) {
        editor.revealPosition({ line: valid[0] - 1, column: 0 });
      }
      void notebook.scrollToItem(index);
    };

    const replaceCell = (source: string) => {
      const cell = tracker.activeCell;
      if (!cell) {
        sidebar.say('Select the cell to replace first.', 'error');
        return;
      }
      cell.model.sharedModel.setSource(source);
    };

    const sidebar = new ParevoSidebar(api, {
      evolveCell: () => void app.commands.execute(CommandIDs.evolveCell),
      checkCell: () => void app.commands.execute(CommandIDs.checkCell),
      auditCell: () => void app.commands.execute(CommandIDs.auditCell),
      openCandidate: (runId, candidateId) =>
        void openCandidate(runId, candidateId),
      openCheck: (check: ICheck) => showCheck(check)
    });
    app.shell.add(sidebar, 'left', { rank: 900 });

    const checkSources = new Map<
      string,
      { source: string; reference: string }
    >();
    const showCheck = (check: ICheck) => {
      const sources = checkSources.get(check.id);
      candidateView().display(
        shownFromCheck(check, sources?.source ?? '', sources?.reference ?? '')
      );
    };

    const bind = () =>
      sidebar.setNotebook(tracker.currentWidget?.context.path ?? null);
    tracker.currentChanged.connect(bind);
    tracker.widgetAdded.connect(bind);
    bind();

    /** A budget beyond what a run usually uses is asked about, once per session and budget. */
    const confirmed = new Set<number>();
    const confirmBudget = async (budget: number): Promise<boolean> => {
      let large = Infinity;
      try {
        large = (await api.status()).large_budget ?? Infinity;
      } catch {
        return true; // the run's own request will say what is wrong
      }
      if (budget <= large || confirmed.has(budget)) {
        return true;
      }
      const answer = await showDialog({
        title: `Evolve with a budget of ${budget.toLocaleString('en-US')} evaluations?`,
        body:
          `That is more than a run usually uses (${large}): it stops earlier when the best ` +
          'has not improved for half the budget or no candidate has a move left, and every ' +
          'evaluation takes seconds of both cores.',
        buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Evolve' })]
      });
      if (answer.button.accept) {
        confirmed.add(budget);
      }
      return answer.button.accept;
    };

    // -- commands ----------------------------------------------------------------------------
    /** The cell buttons and menu entries show on code cells only (a palette without one too). */
    const isCodeCell = (args?: { isPalette?: unknown }) =>
      Boolean(args?.isPalette) || tracker.activeCell?.model.type === 'code';

    /** The active notebook and its active code cell; shows the sidebar. */
    const selectedCell = (what: string) => {
      const current = tracker.currentWidget;
      const cell = tracker.activeCell;
      if (!current || !cell) {
        sidebar.say(`Select ${what} in a notebook first.`, 'error');
        return null;
      }
      app.shell.activateById(sidebar.id);
      if (cell.model.type !== 'code') {
        sidebar.say(
          `This is a ${cell.model.type} cell: select ${what} (a code cell) and try again.`,
          'error'
        );
        return null;
      }
      return { current, cell };
    };

    /** The notebook's cells as the server reads them; says the note on which task was taken. */
    const readCellsNoted = async (): Promise<Cells | null> => {
      const cells = await readCells();
      if (cells?.note) {
        sidebar.say(
          `${cells.note[0].toUpperCase()}${cells.note.slice(1)}.`,
          'warning'
        );
      }
      return cells;
    };

    app.commands.addCommand(CommandIDs.evolveCell, {
      label: args =>
        args.isPalette ? 'ParEVO: Evolve this cell' : 'Evolve this cell',
      caption:
        'Evolve the task in this cell into a fast, verified parallel kernel',
      icon: parevoIcon,
      isEnabled: () => tracker.activeCell !== null,
      isVisible: isCodeCell,
      execute: async () => {
        const selected = selectedCell('a task cell');
        if (!selected) {
          return;
        }
        const { current, cell } = selected;
        const cells = await readCells();
        if (!cells) {
          return;
        }
        if (cells.cell.kind !== 'task' || cells.cell.problem) {
          const why =
            cells.cell.problem ??
            'this cell is not a task: a task cell defines `def reference(*args)` and ' +
              '`def make_inputs(size, rng)` (or starts with %%parevo_task); check a kernel ' +
              'cell with Check this cell';
          sidebar.say(`${why[0].toUpperCase()}${why.slice(1)}.`, 'error');
          return;
        }
        const budget = settings.budget;
        if (budget && !(await confirmBudget(budget))) {
          sidebar.say(
            'Not started: lower the budget in the ParEVO Lab settings.'
          );
          return;
        }
        sidebar.say('Starting a run…');
        try {
          const run = await api.startRun({
            task: cells.cell.python,
            // the %%parevo_task cell's name, else the notebook's
            name:
              cells.cell.options.name ??
              current.context.path
                .split('/')
                .pop()
                ?.replace(/\.ipynb$/, '') ??
              'task',
            generator: settings.generator,
            budget: settings.budget,
            threads: settings.threads,
            base_url: settings.baseUrl || undefined,
            model: settings.model || undefined,
            target_threads: settings.targetThreads || undefined,
            machine: settings.machine || undefined,
            notebook: current.context.path,
            cell_id: cell.model.id
          });
          sidebar.say(`Run ${run.id} started (${run.status}).`);
          await sidebar.refreshRuns(run.id);
        } catch (error) {
          sidebar.say((error as Error).message, 'error');
        }
      }
    });

    app.commands.addCommand(CommandIDs.checkCell, {
      label: args =>
        args.isPalette ? 'ParEVO: Check this cell' : 'Check this cell',
      caption:
        "Compile, verify, hunt races in and profile this cell's kernel against the notebook's task",
      icon: checkIcon,
      isEnabled: () => tracker.activeCell !== null,
      isVisible: isCodeCell,
      execute: async () => {
        const selected = selectedCell('a candidate cell');
        if (!selected) {
          return;
        }
        const { current, cell } = selected;
        const cells = await readCellsNoted();
        if (!cells) {
          return;
        }
        if (cells.cell.kind === 'task') {
          sidebar.say(
            'This is the task cell: check a cell that defines a parallel kernel ' +
              '(e.g. `@numba.njit(parallel=True) def kernel(...)`), or evolve this one.',
            'error'
          );
          return;
        }
        const fn = cells.cell.kernel;
        if (cells.cell.kind === 'kernel' && cells.cell.problem) {
          const why = cells.cell.problem;
          sidebar.say(`${why[0].toUpperCase()}${why.slice(1)}.`, 'error');
          return;
        }
        if (cells.cell.kind !== 'kernel' || !fn) {
          sidebar.say(
            'This cell defines no kernel: a candidate cell defines a function, ' +
              `e.g. \`def kernel(...)\`${cells.cell.problem?.startsWith('line') ? ` (${cells.cell.problem})` : ''}.`,
            'error'
          );
          return;
        }
        if (!cells.task) {
          sidebar.say(
            'This notebook has no task cell above this one: add a cell that defines ' +
              '`def reference(*args)` and `def make_inputs(size, rng)` (or use %%parevo_task).',
            'error'
          );
          return;
        }
        const task = cells.task.python;
        const source = cells.cell.python;
        if (!cells.note) {
          sidebar.say(`Checking \`${fn}\` against the task cell…`);
        }
        // a %%parevo_check cell's own options win over the settings, as running the cell does
        const options = cells.cell.options;
        try {
          const started = await api.startCheck({
            task,
            candidate: source,
            function: fn,
            threads: options.threads ?? settings.threads,
            profile: options.no_profile ? false : undefined,
            profile_budget: options.profile_budget ?? options.budget,
            timeout: options.timeout,
            machine: settings.machine || undefined,
            notebook: current.context.path,
            cell_id: cell.model.id
          });
          checkSources.set(started.id, { source, reference: task });
          sidebar.showCheck(started);
          const check = await api.followCheck(started.id, answer =>
            sidebar.showCheck(answer)
          );
          sidebar.say(`Check finished: ${check.verdict ?? check.status}.`);
          if (check.verdict) {
            showCheck(check);
          }
          // a compile error or a failing input names a line: select it in the cell itself
          const report = check.report;
          const line =
            report?.compile?.error?.site?.line ??
            report?.verify?.failure?.site?.line ??
            null;
          if (line && check.cell_id && check.verdict !== 'race') {
            highlightInCell(check.cell_id, [line]);
          }
        } catch (error) {
          sidebar.say((error as Error).message, 'error');
        }
      }
    });

    app.commands.addCommand(CommandIDs.auditCell, {
      label: args =>
        args.isPalette ? 'ParEVO: Audit the task cell' : 'Audit this task',
      caption:
        "Measure how strong the task's verification is: mutants of its reference are " +
        'checked like candidates, and each one that passes is a wrong kernel the inputs accept',
      icon: auditIcon,
      isEnabled: () => tracker.currentWidget !== null,
      isVisible: isCodeCell,
      execute: async () => {
        const selected = selectedCell('a cell');
        if (!selected) {
          return;
        }
        const { current, cell } = selected;
        // The active cell when it is the task cell, else the nearest task cell above it.
        const cells = await readCellsNoted();
        if (!cells) {
          return;
        }
        if (!cells.task || cells.task.problem) {
          sidebar.say(
            'This notebook has no task cell to audit: ' +
              (cells.task?.problem ??
                'add a cell that defines `def reference(*args)` and ' +
                  '`def make_inputs(size, rng)`') +
              '.',
            'error'
          );
          return;
        }
        sidebar.say('Auditing the task cell: mutants of its reference…');
        try {
          const started = await api.startAudit({
            task: cells.task.python,
            threads: settings.threads,
            notebook: current.context.path,
            cell_id: cell.model.id
          });
          sidebar.showAudit(started);
          const audit = await api.followAudit(started.id, answer =>
            sidebar.showAudit(answer)
          );
          sidebar.say(`Audit ${audit.status}: ${audit.summary}`);
        } catch (error) {
          sidebar.say((error as Error).message, 'error');
        }
      }
    });

    app.commands.addCommand(CommandIDs.open, {
      label: 'Open the ParEVO Lab panel',
      icon: parevoIcon,
      execute: () => app.shell.activateById(sidebar.id)
    });
    app.commands.addCommand(CommandIDs.stopRun, {
      label: 'Stop the ParEVO run',
      execute: () => sidebar.stopRun()
    });
    app.commands.addCommand(CommandIDs.resumeRun, {
      label: 'Resume the ParEVO run',
      execute: () => sidebar.resumeRun()
    });
    app.commands.addCommand(CommandIDs.insertBest, {
      label: 'Insert the best ParEVO candidate below',
      execute: async () => {
        const best = sidebar.state?.best();
        if (!sidebar.state || !best) {
          sidebar.say('This run has no correct candidate yet.', 'error');
          return;
        }
        const detail = await api.candidate(sidebar.state.id, best.id);
        insertBelow(detail.source);
      }
    });
    if (palette) {
      for (const command of Object.values(CommandIDs)) {
        palette.addItem({
          command,
          category: 'ParEVO Lab',
          args: { isPalette: true }
        });
      }
    }

    api
      .status()
      .then(status => sidebar.showConnected(status))
      .catch(reason => {
        console.error(
          'The parevo_lab server extension appears to be missing.',
          reason
        );
        sidebar.showError(reason?.message ?? String(reason));
      });

    // for the browser tests and for people poking around in the console
    (window as any).parevo = {
      sidebar,
      candidateView: () => panel?.content ?? null
    };
  }
};

export default plugin;
