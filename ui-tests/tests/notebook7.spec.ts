import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { notebook } from './notebook';

/**
 * The notebook Workbench outside JupyterLab: the same server serves Notebook 7 (the `notebook`
 * package), which loads anywidget's front end and our ES module through the widget manager.
 */

const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
const TASK = path.resolve(
  __dirname,
  '..',
  '..',
  'tests',
  'kernels',
  'scale_task.py'
);

test('the Workbench of parevo_lab.evolve renders and fills in in Notebook 7', async ({
  page,
  tmpPath,
  baseURL
}) => {
  test.setTimeout(300_000);
  const name = 'notebook7.ipynb';
  await page.contents.uploadContent(
    notebook([
      'import parevo_lab\n' +
        `parevo_lab.evolve(${JSON.stringify(TASK)}, budget=2, threads=[1, 2], profile=False, out="nb7-run")`
    ]),
    'text',
    `${tmpPath}/${name}`
  );
  // a page of its own: Galata's `page` stays on JupyterLab for its own teardown
  const classic = await page.context().newPage();
  await classic.goto(`${baseURL}/notebooks/${tmpPath}/${name}`);
  await expect(classic.locator('.jp-Notebook')).toBeVisible({
    timeout: 60_000
  });
  // Notebook 7's own shell (not /lab): run the cell from its Run menu, once its kernel is idle
  // (a click before the kernel and the notebook's panel are ready can be lost: tried again)
  expect(classic.url()).toContain('/notebooks/');
  await expect
    .poll(
      async () => {
        const sessions = await (
          await page.request.get(`${baseURL}/api/sessions`)
        ).json();
        const mine = sessions.find((s: any) => s.path.endsWith(name));
        return mine?.kernel?.execution_state;
      },
      { timeout: 90_000 }
    )
    .toBe('idle');
  const prompt = classic.locator('.jp-CodeCell .jp-InputPrompt').first();
  await expect(async () => {
    if (/^\[\s*\]:?$/.test(((await prompt.textContent()) ?? '').trim())) {
      await classic
        .locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ })
        .click();
      await classic
        .locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ })
        .click();
    }
    await expect(prompt).not.toHaveText(/^\[\s*\]:?$/, { timeout: 10_000 });
  }).toPass({ timeout: 60_000 });

  const workbench = classic.locator('.jp-ParevoWorkbench');
  try {
    await expect(workbench).toBeVisible({ timeout: 120_000 });
  } catch (error) {
    // say what the cell showed instead (CI keeps only the log)
    const outputs = await classic.locator('.jp-OutputArea').allInnerTexts();
    console.log(
      `the cell's outputs: ${JSON.stringify(outputs).slice(0, 4000)}`
    );
    throw error;
  }
  await expect(workbench.locator('.jp-ParevoRun-status')).toHaveText(
    'finished',
    { timeout: 180_000 }
  );
  await expect(workbench.locator('.jp-ParevoTable tbody tr')).toHaveCount(2);
  await expect(workbench.locator('.jp-ParevoWorkbench-error')).toBeHidden();
  await workbench.locator('.jp-ParevoTable tbody tr').last().click();
  await expect(
    workbench.locator('.jp-ParevoTextDiff .jp-ParevoTextDiff-add').first()
  ).toBeVisible();
  await workbench.screenshot({
    path: path.join(IMAGES, 'notebook7-workbench.png')
  });
  await classic.close();
});
