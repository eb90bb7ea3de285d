import { Extension } from '@codemirror/state';
import {
  ILabShell,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget } from '@jupyterlab/apputils';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { parevoIcon } from './icons';
import {
  ICheck,
  findTaskCell,
  kernelName,
  shownFromCandidate,
  shownFromCheck,
  taskCellProblem
} from './model';
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
            settings = { ...(loaded.user as ISettings) };
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
              void openCandidate(runId, candidateId)
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
        app.shell.add(current, 'main', { mode: 'split-right' });
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
        await api.useAsParent(runId, candidateId);
        sidebar.say(
          `Candidate #${candidateId} is the next parent; the run goes on.`
        );
      } catch (error) {
        sidebar.say((error as Error).message, 'error');
      }
    };

    // -- the notebook ------------------------------------------------------------------------
    const activeSources = (): string[] => {
      const notebook = tracker.currentWidget?.content;
      if (!notebook?.model) {
        return [];
      }
      return Array.from(notebook.model.cells).map(c =>
        c.sharedModel.getSource()
      );
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

    // -- commands ----------------------------------------------------------------------------
    /** The active notebook, its active cell and the cell's source; shows the sidebar. */
    const selectedCell = (what: string) => {
      const current = tracker.currentWidget;
      const cell = tracker.activeCell;
      if (!current || !cell) {
        sidebar.say(`Select ${what} in a notebook first.`, 'error');
        return null;
      }
      app.shell.activateById(sidebar.id);
      return { current, cell, source: cell.model.sharedModel.getSource() };
    };

    app.commands.addCommand(CommandIDs.evolveCell, {
      label: 'Evolve this cell',
      caption:
        'Evolve the task in this cell into a fast, verified parallel kernel',
      icon: parevoIcon,
      isEnabled: () => tracker.activeCell !== null,
      execute: async () => {
        const selected = selectedCell('a task cell');
        if (!selected) {
          return;
        }
        const { current, cell, source } = selected;
        const problem = taskCellProblem(source);
        if (problem) {
          sidebar.say(problem, 'error');
          return;
        }
        sidebar.say('Starting a run…');
        try {
          const run = await api.startRun({
            task: source,
            name:
              current.context.path
                .split('/')
                .pop()
                ?.replace(/\.ipynb$/, '') ?? 'task',
            generator: settings.generator,
            budget: settings.budget,
            threads: settings.threads,
            base_url: settings.baseUrl || undefined,
            model: settings.model || undefined,
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
      label: 'Check this cell',
      caption:
        "Compile, verify, hunt races in and profile this cell's kernel against the notebook's task",
      icon: parevoIcon,
      isEnabled: () => tracker.activeCell !== null,
      execute: async () => {
        const selected = selectedCell('a candidate cell');
        if (!selected) {
          return;
        }
        const { current, cell, source } = selected;
        const sources = activeSources();
        const taskIndex = findTaskCell(sources);
        if (taskIndex < 0) {
          sidebar.say(
            'This notebook has no task cell: add a cell that defines ' +
              '`def reference(*args)` and `def make_inputs(size, rng)`.',
            'error'
          );
          return;
        }
        if (taskCellProblem(source) === null) {
          sidebar.say(
            'This is the task cell: check a cell that defines a parallel kernel ' +
              '(e.g. `@numba.njit(parallel=True) def kernel(...)`), or evolve this one.',
            'error'
          );
          return;
        }
        const fn = kernelName(source);
        if (!fn) {
          sidebar.say(
            'This cell defines no function: a candidate cell defines the kernel, ' +
              'e.g. `def kernel(...)`.',
            'error'
          );
          return;
        }
        sidebar.say(`Checking \`${fn}\` against the task cell…`);
        try {
          const started = await api.startCheck({
            task: sources[taskIndex],
            candidate: source,
            function: fn,
            threads: settings.threads,
            notebook: current.context.path,
            cell_id: cell.model.id
          });
          checkSources.set(started.id, {
            source,
            reference: sources[taskIndex]
          });
          sidebar.showCheck(started);
          const check = await api.followCheck(started.id, answer =>
            sidebar.showCheck(answer)
          );
          sidebar.say(`Check finished: ${check.verdict ?? check.status}.`);
          if (check.verdict) {
            showCheck(check);
          }
        } catch (error) {
          sidebar.say((error as Error).message, 'error');
        }
      }
    });

    app.commands.addCommand(CommandIDs.auditCell, {
      label: 'Audit this task',
      caption:
        "Measure how strong the task's verification is: mutants of its reference are " +
        'checked like candidates, and each one that passes is a wrong kernel the inputs accept',
      icon: parevoIcon,
      isEnabled: () => tracker.currentWidget !== null,
      execute: async () => {
        const selected = selectedCell('a cell');
        if (!selected) {
          return;
        }
        const { current, cell, source } = selected;
        // The active cell when it is the task cell, else the notebook's task cell.
        const sources = activeSources();
        const taskIndex =
          taskCellProblem(source) === null
            ? sources.indexOf(source)
            : findTaskCell(sources);
        if (taskIndex < 0) {
          sidebar.say(
            'This notebook has no task cell to audit: add a cell that defines ' +
              '`def reference(*args)` and `def make_inputs(size, rng)`.',
            'error'
          );
          return;
        }
        sidebar.say('Auditing the task cell: mutants of its reference…');
        try {
          const started = await api.startAudit({
            task: sources[taskIndex],
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
        palette.addItem({ command, category: 'ParEVO Lab' });
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
