import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { notebook } from './notebook';

/**
 * The notebook Workbench (anywidget) and the magics in a real JupyterLab and a real kernel:
 * define the task in a cell, evolve it with %parevo_evolve (the widget follows the run), pick
 * candidates, sort and filter the table, and check a racy cell with %%parevo_check.
 */

const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
const KERNELS = path.resolve(__dirname, '..', '..', 'tests', 'kernels');
const TASK = fs.readFileSync(path.join(KERNELS, 'scale_task.py'), 'utf-8');
const RACY = fs.readFileSync(path.join(KERNELS, 'scale_racy.py'), 'utf-8');

test.use({ viewport: { width: 1280, height: 1000 } });

test('the notebook Workbench follows %parevo_evolve and shows diffs, plots and races', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(480_000);
  const name = 'magics.ipynb';
  await page.contents.uploadContent(
    notebook([
      '%load_ext parevo_lab',
      '%%parevo_task scale\n' + TASK,
      '%parevo_evolve --budget 3 --threads 1,2',
      '%%parevo_check --threads 1,2 --no-profile\n' + RACY
    ]),
    'text',
    `${tmpPath}/${name}`
  );
  await page.notebook.openByPath(`${tmpPath}/${name}`);
  await page.notebook.activate(name);

  await page.notebook.runCell(0);
  await page.notebook.runCell(1);
  const task = await page.notebook.getCellOutputLocator(1);
  await expect(task!).toContainText('task scale ready');

  // the widget appears at once and fills in while the run proceeds
  const run = page.notebook.runCell(2);
  // the JupyterLab panel's own renderers (src/render/), bundled into the widget's ES module
  const workbench = page.locator('.jp-ParevoWorkbench');
  await expect(workbench).toBeVisible({ timeout: 120_000 });
  await run;
  await expect(workbench.locator('.jp-ParevoRun-status')).toHaveText(
    'finished',
    { timeout: 60_000 }
  );
  const rows = workbench.locator('.jp-ParevoTable tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(workbench.locator('.jp-ParevoRun-count')).toHaveText(
    '3/3 evaluations'
  );
  await expect(workbench.locator('.jp-ParevoWorkbench-error')).toBeHidden();

  // the best is selected: its speedup plot (our own SVG, no plotly.js)
  await workbench.locator('button[data-tab="speedup"]').click();
  await expect(workbench.locator('svg.jp-ParevoPlot-svg')).toBeVisible();
  await expect(workbench.locator('svg.jp-ParevoPlot-svg circle')).toHaveCount(
    2
  );

  // pick the first generated candidate: its lineage, its diff against the seed
  await workbench.locator('.jp-ParevoTable tbody tr[data-id="2"]').click();
  await expect(workbench.locator('.jp-ParevoCandidate-name')).toContainText(
    '#2'
  );
  await workbench.locator('button[data-tab="lineage"]').click();
  await expect(workbench.locator('.jp-ParevoLineage')).toContainText('#1');
  await workbench.locator('button[data-tab="code"]').click();
  await expect(
    workbench.locator('.jp-ParevoTextDiff .jp-ParevoTextDiff-add').first()
  ).toBeVisible();

  // sort by speedup (fastest first) and filter by verdict
  await workbench.locator('th[data-sort="speedup"]').click();
  await expect(workbench.locator('th[data-sort="speedup"]')).toHaveAttribute(
    'data-sorted',
    'descending'
  );
  await workbench
    .locator('select.jp-ParevoCandidates-filter')
    .selectOption('ok');
  await expect(workbench.locator('.jp-ParevoCandidates-tools')).toContainText(
    'of 3 candidates'
  );

  fs.mkdirSync(IMAGES, { recursive: true });
  await workbench.screenshot({
    path: path.join(IMAGES, 'notebook-workbench.png')
  });

  // a racy kernel cell: the verdict and the race trace, shown in the output
  await page.notebook.runCell(3);
  const report = (await page.notebook.getCellOutputLocator(3))!.locator(
    '.parevo-report'
  );
  await expect(report).toContainText('race');
  await expect(report).toContainText('WARNING: ParEVO race');
  await report.screenshot({
    path: path.join(IMAGES, 'notebook-race-check.png')
  });
});
