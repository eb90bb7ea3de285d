import { expect, test } from '@jupyterlab/galata';

/**
 * One run, two front ends: the JupyterLab panel and the notebook Workbench widget render the
 * same run folder (a synthetic finished run of 8 candidates made by ui-tests/fixtures.py) with
 * the same renderers, so their candidate tables must read the same, row by row.
 */

test('the panel and the notebook widget show the same table for the same run', async ({
  page
}) => {
  test.setTimeout(240_000);
  await page.notebook.openByPath('/both-views.ipynb');
  await page.notebook.activate('both-views.ipynb');

  // the panel follows the notebook the run was started from
  await page
    .locator('.jp-SideBar.jp-mod-left [data-id="parevo-sidebar"]')
    .click();
  const panel = page.locator('#parevo-sidebar .jp-ParevoTable');
  await expect(panel.locator('tbody')).toHaveAttribute('data-count', '8', {
    timeout: 120_000
  });

  // the widget: the notebook's one cell shows the same run folder
  await page.notebook.runCell(0);
  const widget = page.locator('.jp-ParevoWorkbench .jp-ParevoTable');
  await expect(widget.locator('tbody tr')).toHaveCount(8, { timeout: 120_000 });
  await expect(panel.locator('tbody tr')).toHaveCount(8);

  const rows = async (table: typeof panel) =>
    table
      .locator('tbody tr')
      .evaluateAll(trs =>
        trs.map(tr =>
          Array.from(tr.querySelectorAll('td')).map(td =>
            (td.textContent ?? '').trim()
          )
        )
      );
  const headers = async (table: typeof panel) =>
    table
      .locator('thead th')
      .evaluateAll(ths => ths.map(th => (th.textContent ?? '').trim()));

  expect(await headers(widget)).toEqual(await headers(panel));
  const fromPanel = await rows(panel);
  expect(fromPanel).toHaveLength(8);
  expect(await rows(widget)).toEqual(fromPanel);
  // and it is real content: every candidate's id and label is there
  expect(fromPanel.map(r => r.join(' ')).join('\n')).toContain(
    'synthetic variant 7'
  );
});
