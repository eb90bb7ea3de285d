import { expect, galata, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { notebook } from './notebook';

/**
 * The workbench in a real JupyterLab with the real server extension: evolve a task cell with the
 * rule generator, watch candidates arrive, open the diff, the plot and a race trace, insert the
 * best candidate and run it. Screenshots go to docs/images/.
 */

const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
const TIMINGS = path.resolve(__dirname, '..', 'test-results', 'timings.json');

// the task of the server tests: a loop that scales a vector
const TASK = fs.readFileSync(
  path.resolve(__dirname, '..', '..', 'tests', 'kernels', 'scale_task.py'),
  'utf-8'
);

// a candidate that races on out[0], the one tests/server/test_handlers.py checks
const RACY = fs.readFileSync(
  path.resolve(__dirname, '..', '..', 'tests', 'kernels', 'scale_racy.py'),
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

test.describe.configure({ mode: 'serial' });
test.use({
  viewport: { width: 1440, height: 900 },
  // Galata serves the settings itself: a small budget, so that the run ends in a minute
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'parevo-lab:plugin': { budget: 4, threads: [1, 2] }
  }
});

test('evolve a task cell, inspect candidates, check a racy cell, insert the best', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(600_000);
  fs.mkdirSync(IMAGES, { recursive: true });
  const name = 'workbench.ipynb';
  await page.contents.uploadContent(
    notebook([TASK, RACY]),
    'text',
    `${tmpPath}/${name}`
  );
  await page.notebook.openByPath(`${tmpPath}/${name}`);
  await page.notebook.activate(name);

  const sidebar = page.locator('#parevo-sidebar');
  await page
    .locator('.jp-SideBar.jp-mod-left [data-id="parevo-sidebar"]')
    .click();
  await expect(sidebar).toBeVisible();
  await expect(sidebar.locator('.jp-ParevoSidebar-notebook')).toContainText(
    name
  );

  // A cell that is not a task gets an inline message saying what a task cell needs.
  await page.notebook.selectCells(1);
  await sidebar.locator('button[data-action="evolve"]').click();
  await expect(sidebar.locator('.jp-ParevoSidebar-message')).toContainText(
    'def make_inputs(size, rng)'
  );

  // Evolve the task cell with the rule generator (budget 4 from the settings), from the
  // cell's context menu.
  await page.notebook.selectCells(0);
  // both commands sit in the active cell's toolbar too
  const toolbar = page.locator('.jp-cell-toolbar');
  await expect(
    toolbar.locator('[data-command="parevo-lab:evolve-cell"]').first()
  ).toBeVisible();
  await expect(
    toolbar.locator('[data-command="parevo-lab:check-cell"]').first()
  ).toBeVisible();
  await (await page.notebook.getCellLocator(0))!.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Evolve this cell' }).click();
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
  // the run was started with the budget of the settings
  expect(
    await page.evaluate(() => (window as any).parevo.sidebar.state.run.budget)
  ).toBe(4);
  await expect(
    sidebar.locator('tbody .jp-ParevoBadge[data-verdict="ok"]').first()
  ).toBeVisible();

  // Sort by speedup (descending first): the run's best comes first. Open the fastest generated
  // candidate (on a busy 2-core machine the seed itself can be the fastest correct one).
  await sidebar.locator('th[data-sort="speedup"]').click();
  await expect(sidebar.locator('tbody tr.jp-mod-best')).toHaveCount(1);
  await expect(rows.first()).toHaveClass(/jp-mod-best/);
  await sidebar
    .locator('tbody tr[data-origin="rules"][data-verdict="ok"]')
    .first()
    .click();
  const view = page.locator('.jp-ParevoCandidate');
  await expect(view).toBeVisible();
  await expect(view.locator('.cm-mergeView')).toBeVisible();
  await expect(view.locator('.cm-mergeView')).toContainText('prange');
  await expect(view.locator('.cm-changedLine').first()).toBeVisible();
  await page.screenshot({ path: path.join(IMAGES, 'workbench-diff.png') });

  // The speedup plot, rendered by JupyterLab's plotly renderer from the server's JSON.
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

  // Insert the candidate below the task cell and run both, then call it.
  await view.locator('button[data-tab="code"]').click();
  await page.notebook.activate(name);
  await page.notebook.selectCells(0);
  await view.locator('button[data-action="insert-below"]').click();
  await page.notebook.activate(name);
  expect(await page.notebook.getCellCount()).toBe(3);
  const inserted = await page.notebook.getCellTextInput(1);
  expect(inserted).toContain('prange');
  await page.notebook.runCell(0, true);
  await page.notebook.runCell(1, true);
  await page.notebook.addCell(
    'code',
    'x = np.random.default_rng(0).random(1000); print("same:", np.allclose(kernel(x), reference(x)))'
  );
  await page.notebook.runCell(3, true);
  const output = await page.notebook.getCellTextOutput(3);
  expect(output?.join('')).toContain('same: True');

  // Check the racy cell: the race trace, and a click highlights both sites in the code.
  await page.notebook.selectCells(2);
  await sidebar.locator('button[data-action="check"]').click();
  await expect(
    sidebar.locator('.jp-ParevoSidebar-check .jp-ParevoBadge')
  ).toHaveAttribute('data-verdict', /race|wrong/, { timeout: 180_000 });
  await expect(view.locator('.jp-ParevoRace').first()).toBeVisible({
    timeout: 30_000
  });
  await view.locator('.jp-ParevoRace').first().click();
  const marked = view.locator('.jp-ParevoDiff-raceLine');
  await expect(marked.first()).toBeVisible();
  await expect(marked.first()).toContainText('out[');
  await page.screenshot({ path: path.join(IMAGES, 'workbench-race.png') });
  await page.theme.setDarkTheme();
  await view.locator('.jp-ParevoRace').first().click();
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
