import { expect, galata, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { notebook, openWithSidebar } from './notebook';

/**
 * "Audit task cell" in a real JupyterLab with the real server extension: the task cell's
 * verification is measured with mutants of its reference, and each mutant its inputs accept is
 * shown as a wrong kernel with the input class it says is missing. The task is ParEVO's old
 * xor_contains weakness (no input has the value in both arrays), so OR for XOR survives.
 */

const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
const WEAK = fs.readFileSync(
  path.resolve(
    __dirname,
    '..',
    '..',
    'tests',
    'kernels',
    'audit',
    'weak_xor_task.py'
  ),
  'utf-8'
);

test.use({
  viewport: { width: 1440, height: 900 },
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'parevo-lab:plugin': { threads: [1, 2] }
  }
});

test('audit a task cell: each surviving mutant is a wrong kernel its inputs accept', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(420_000);
  const name = 'audit.ipynb';
  const sidebar = await openWithSidebar(
    page,
    tmpPath,
    name,
    notebook(['import numpy as np', WEAK])
  );

  // The active cell is not the task: the notebook's task cell is audited.
  await page.notebook.selectCells(0);
  await sidebar.locator('button[data-action="audit"]').click();
  const audit = sidebar.locator('.jp-ParevoSidebar-audit');
  await expect(audit).toHaveAttribute('data-status', /queued|running|done/);
  await expect(audit).toHaveAttribute('data-status', 'done', {
    timeout: 360_000
  });
  await expect(audit.locator('.jp-ParevoSidebar-auditHeadline')).toContainText(
    /Mutation score 0\.\d+: \d+ of \d+ mutants killed, \d+ wrong kernels? the inputs call ok/
  );
  const xor = audit.locator('details[data-operator="xor_to_or"]');
  await expect(xor).toHaveCount(1);
  await xor.locator('summary').click();
  await expect(xor.locator('.jp-ParevoSidebar-mutantHint')).toContainText(
    'both sides hold at once'
  );
  await expect(xor.locator('.jp-ParevoSidebar-mutantDiff')).toContainText(
    '+    return ((in_x) or (in_y))'
  );
  await expect(sidebar.locator('.jp-ParevoSidebar-message')).toContainText(
    'Audit done: mutation score'
  );
  fs.mkdirSync(IMAGES, { recursive: true });
  await sidebar.screenshot({ path: path.join(IMAGES, 'workbench-audit.png') });
});
