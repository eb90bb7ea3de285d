import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { SMALL_RUNS, openWithSidebar } from './notebook';

/**
 * The README's path, click by click, in a real JupyterLab with the real server extension:
 * `notebooks/quickstart.ipynb` as it ships, its task cell evolved from the cell toolbar with the
 * rule generator, a candidate opened and every tab of it looked at, the winner inserted below and
 * run, the racy cell checked with Alt+Shift+C and its race clicked: both lines are selected in the
 * notebook cell itself. Screenshots go to docs/images/.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const IMAGES = path.join(ROOT, 'docs', 'images');
const TIMINGS = path.resolve(__dirname, '..', 'test-results', 'timings.json');
const QUICKSTART = fs.readFileSync(
  path.join(ROOT, 'notebooks', 'quickstart.ipynb'),
  'utf-8'
);

function record(name: string, value: number): void {
  const all = fs.existsSync(TIMINGS)
    ? JSON.parse(fs.readFileSync(TIMINGS, 'utf-8'))
    : {};
  all[name] = value;
  fs.mkdirSync(path.dirname(TIMINGS), { recursive: true });
  fs.writeFileSync(TIMINGS, JSON.stringify(all, null, 2));
  console.log(`timing ${name}: ${value.toFixed(1)} ms`);
}

/** The index of the first cell whose source contains `text`. */
function cellIndex(text: string): number {
  const cells: { source: string | string[] }[] = JSON.parse(QUICKSTART).cells;
  const index = cells.findIndex(c =>
    (Array.isArray(c.source) ? c.source.join('') : c.source).includes(text)
  );
  if (index < 0) {
    throw new Error(`no cell of the quickstart holds ${text}`);
  }
  return index;
}

/** The 1-based lines selected in the active cell's editor, and that cell's index. */
async function selectedInCell(page: any): Promise<[number, number[]]> {
  return page.evaluate(() => {
    const notebook = (window as any).jupyterapp.shell.currentWidget.content;
    const editor = notebook.activeCell.editor;
    const lines = editor
      .getSelections()
      .filter(
        (s: any) =>
          s.start.line !== s.end.line || s.start.column !== s.end.column
      )
      .map((s: any) => s.start.line + 1);
    return [notebook.activeCellIndex, lines];
  });
}

test.describe.configure({ mode: 'serial' });
test.use(SMALL_RUNS);

test("the README's path in the quickstart: evolve, open, every tab, insert, check, click the race", async ({
  page,
  tmpPath
}) => {
  test.setTimeout(600_000);
  fs.mkdirSync(IMAGES, { recursive: true });
  const name = 'quickstart.ipynb';
  const sidebar = await openWithSidebar(page, tmpPath, name, QUICKSTART);
  const TASK = cellIndex('def reference(pixels)');
  const RACY = cellIndex('numba.prange(pixels.shape[0])');
  expect(RACY).toBeGreaterThan(TASK);

  // A cell that is not a task (the quickstart's first code cell holds `def reference(` inside
  // a string) gets a message saying what a task cell needs, as a notification too.
  await page.notebook.selectCells(1);
  await sidebar.locator('button[data-action="evolve"]').click();
  await expect(sidebar.locator('.jp-ParevoSidebar-message')).toContainText(
    'def make_inputs(size, rng)'
  );
  await expect(
    page
      .locator('.jp-toast-container, .Toastify')
      .getByText(/ParEVO: .*make_inputs/)
      .first()
  ).toBeVisible();
  // a markdown cell: select a code cell
  await page.notebook.selectCells(0);
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('parevo-lab:evolve-cell')
  );
  await expect(sidebar.locator('.jp-ParevoSidebar-message')).toContainText(
    'This is a markdown cell: select a task cell (a code cell)'
  );

  // Evolve the task cell from its cell toolbar (budget 4 from the settings).
  await page.notebook.selectCells(TASK);
  const active = page.locator('.jp-Notebook .jp-Cell.jp-mod-active');
  const evolveButton = active.locator(
    '.jp-cell-toolbar [data-command="parevo-lab:evolve-cell"]'
  );
  const checkButton = active.locator(
    '.jp-cell-toolbar [data-command="parevo-lab:check-cell"]'
  );
  await expect(evolveButton).toBeVisible();
  await expect(checkButton).toBeVisible();
  await evolveButton.click();
  await expect(sidebar.locator('.jp-ParevoSidebar-message')).toContainText(
    'started'
  );
  const rows = sidebar.locator('tbody tr');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  await expect
    .poll(async () => rows.count(), { timeout: 180_000 })
    .toBeGreaterThanOrEqual(2);
  await expect(sidebar.locator('.jp-ParevoSidebar-run')).toHaveAttribute(
    'data-status',
    'finished',
    { timeout: 300_000 }
  );
  // the message follows the state: no "started" left once it finished
  await expect(sidebar.locator('.jp-ParevoSidebar-message')).toContainText(
    'finished'
  );
  // the run was started with the budget of the settings
  expect(
    await page.evaluate(() => (window as any).parevo.sidebar.state.run.budget)
  ).toBe(4);
  await expect(
    sidebar.locator('tbody .jp-ParevoBadge[data-verdict="ok"]').first()
  ).toBeVisible();
  // Export: the run as datasets, where the file browser shows them
  await sidebar.locator('button[data-action="export"]').click();
  await expect(sidebar.locator('.jp-ParevoSidebar-message')).toContainText(
    /Exported sft \d+, preference \d+, repair \d+ records from \d+ candidates to parevo-exports\//
  );

  // Sort by speedup (descending first). One row is starred: the run's best as the server judges
  // it (noise-aware: not always the highest median). Open the fastest generated candidate (on a
  // busy 2-core machine the seed itself can be the fastest correct one).
  await sidebar.locator('th[data-sort="speedup"]').click();
  await expect(sidebar.locator('th[data-sort="speedup"]')).toHaveAttribute(
    'data-sorted',
    'descending'
  );
  const best = await page.evaluate(
    () => (window as any).parevo.sidebar.state.run.best.id
  );
  await expect(sidebar.locator('tbody tr.jp-mod-best')).toHaveAttribute(
    'data-id',
    String(best)
  );
  await sidebar
    .locator('tbody tr[data-origin="rules"][data-verdict="ok"]')
    .first()
    .click();
  const view = page.locator('.jp-ParevoCandidate');
  await expect(view).toBeVisible();
  // #, verdict and speedup of the clicked row stay in sight in the default-width sidebar: the
  // sidebar did not scroll sideways, and those cells lie inside it
  const inSight = await sidebar.evaluate(node => {
    const box = node.getBoundingClientRect();
    const cells = Array.from(
      node.querySelectorAll('tbody tr.jp-mod-selected td')
    ).slice(0, 3);
    return {
      scrollLeft: node.scrollLeft,
      overflow: node.scrollWidth - node.clientWidth,
      cells: cells.length,
      inside: cells.every(td => {
        const r = td.getBoundingClientRect();
        return r.left >= box.left - 1 && r.right <= box.right + 1;
      })
    };
  });
  expect(inSight).toEqual({
    scrollLeft: 0,
    overflow: 0,
    cells: 3,
    inside: true
  });
  await expect(view.locator('.cm-mergeView')).toBeVisible();
  await expect(view.locator('.cm-mergeView')).toContainText(
    'numba.njit(parallel=True'
  );
  await expect(view.locator('.cm-changedLine').first()).toBeVisible();
  // the candidate opens under the notebook, not in a split: the cell toolbar stays
  await expect(evolveButton).toBeVisible();
  await page.screenshot({ path: path.join(IMAGES, 'workbench-diff.png') });

  // Every tab. The speedup plot, rendered by JupyterLab's plotly renderer from the server's JSON.
  await view.locator('button[data-tab="speedup"]').click();
  await expect(view.locator('.jp-ParevoPlot .js-plotly-plot')).toBeVisible({
    timeout: 30_000
  });
  await expect(view.locator('.jp-ParevoPlot-table tr')).toHaveCount(3); // header + 1 and 2 threads
  await page.screenshot({ path: path.join(IMAGES, 'workbench-speedup.png') });

  // The lineage with its transformation labels.
  await view.locator('button[data-tab="lineage"]').click();
  await expect(view.locator('.jp-ParevoLineage-line').first()).toContainText(
    '#1'
  );
  await expect(
    view.locator('.jp-ParevoLineage-line.jp-mod-current')
  ).toHaveCount(1);
  await expect(
    view.locator('.jp-ParevoLineage-line.jp-mod-onPath')
  ).not.toHaveCount(0);
  await page.screenshot({ path: path.join(IMAGES, 'workbench-lineage.png') });

  // The report, as the CLI prints it: every stage with its timing.
  await view.locator('button[data-tab="report"]').click();
  const report = view.locator('.jp-ParevoReport');
  await expect(report).toContainText('verify: ok');
  await expect(report).toContainText('wall time per stage');

  // Insert the candidate below the task cell, run both, then call it.
  await view.locator('button[data-tab="code"]').click();
  await page.notebook.activate(name);
  await page.notebook.selectCells(TASK);
  const before = await page.notebook.getCellCount();
  await view.locator('button[data-action="insert-below"]').click();
  await page.notebook.activate(name);
  expect(await page.notebook.getCellCount()).toBe(before + 1);
  const inserted = await page.notebook.getCellTextInput(TASK + 1);
  expect(inserted).toMatch(/^@numba\.njit\(parallel=True/m);
  await page.notebook.runCell(TASK, true);
  await page.notebook.runCell(TASK + 1, true);
  await page.notebook.addCell(
    'code',
    'pixels = make_inputs(10_000, np.random.default_rng(0))[0]\n' +
      'print("same:", np.array_equal(kernel(pixels), reference(pixels)))'
  );
  const last = (await page.notebook.getCellCount()) - 1;
  await page.notebook.runCell(last, true);
  const output = await page.notebook.getCellTextOutput(last);
  expect(output?.join('')).toContain('same: True');

  // Check the racy cell with the keyboard shortcut: the race trace, and a click on the race
  // selects both of its lines in the notebook cell itself (and in the diff).
  const racy = RACY + 1; // one cell was inserted above it
  await page.notebook.selectCells(racy);
  await page.keyboard.press('Escape'); // command mode: the shortcut's selector is the notebook
  await page.keyboard.press('Alt+Shift+C');
  await expect(
    sidebar.locator('.jp-ParevoSidebar-check .jp-ParevoBadge')
  ).toHaveAttribute('data-verdict', 'race', { timeout: 180_000 });
  const race = view.locator('.jp-ParevoRace').first();
  await expect(race).toBeVisible({ timeout: 30_000 });
  await race.click();
  const lines = (await race.getAttribute('data-lines'))!.split(',').map(Number);
  expect(lines.every(n => n >= 1)).toBe(true);
  const [cellIndexNow, selected] = await selectedInCell(page);
  expect(cellIndexNow).toBe(racy);
  expect([...new Set(selected)].sort()).toEqual([...new Set(lines)].sort());
  const marked = view.locator('.jp-ParevoDiff-raceLine');
  await expect(marked.first()).toBeVisible();
  await expect(marked.first()).toContainText('counts[');
  await page.screenshot({ path: path.join(IMAGES, 'workbench-race.png') });
  await page.theme.setDarkTheme();
  await race.click();
  await page.screenshot({ path: path.join(IMAGES, 'workbench-race-dark.png') });
  await page.theme.setLightTheme();
});

test('a run of 1,000 candidates: time to show it and to switch candidates', async ({
  page
}) => {
  test.setTimeout(300_000);
  const started = Date.now();
  await page.notebook.openByPath('/big-run.ipynb');
  await page
    .locator('.jp-SideBar.jp-mod-left [data-id="parevo-sidebar"]')
    .click();
  const sidebar = page.locator('#parevo-sidebar');
  await expect(sidebar.locator('tbody')).toHaveAttribute('data-count', '1000', {
    timeout: 120_000
  });
  record('show_1000_candidates_ms', Date.now() - started);

  const times: number[] = [];
  for (const id of [10, 500, 999, 250, 750, 1, 123, 876, 42, 600]) {
    const t0 = Date.now();
    await sidebar.locator(`tbody tr[data-id="${id}"]`).click();
    await expect(page.locator('.jp-ParevoCandidate-name')).toContainText(
      `#${id} `
    );
    await expect(
      page.locator('.jp-ParevoCandidate .cm-mergeView')
    ).toBeVisible();
    times.push(Date.now() - t0);
  }
  times.sort((a, b) => a - b);
  record('switch_candidate_median_ms', times[Math.floor(times.length / 2)]);
  record('switch_candidate_max_ms', times[times.length - 1]);

  const t0 = Date.now();
  await sidebar.locator('th[data-sort="speedup"]').click();
  await expect(sidebar.locator('th[data-sort="speedup"]')).toHaveAttribute(
    'data-sorted',
    'descending'
  );
  record('sort_1000_candidates_ms', Date.now() - t0);
  await page.screenshot({ path: path.join(IMAGES, 'workbench-1000.png') });
});
