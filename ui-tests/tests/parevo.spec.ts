import { expect, test } from '@jupyterlab/galata';

/**
 * Don't load JupyterLab webpage before running the tests.
 * This is required to ensure we capture all log messages.
 */
test.use({ autoGoto: false });

test('JupyterLab starts with the ParEVO sidebar connected to the server', async ({
  page
}) => {
  const logs: string[] = [];
  page.on('console', message => {
    logs.push(message.text());
  });

  await page.goto();

  expect(
    logs.filter(s => s === 'JupyterLab extension parevo-lab is activated!')
  ).toHaveLength(1);

  const tab = page.locator(
    '.jp-SideBar.jp-mod-left [data-id="parevo-sidebar"]'
  );
  await expect(tab).toHaveCount(1);
  await tab.click();

  const sidebar = page.locator('#parevo-sidebar');
  await expect(sidebar).toBeVisible();
  const status = sidebar.locator('.jp-ParevoSidebar-status');
  await expect(status).toHaveAttribute('data-state', 'connected');
  await expect(status).toContainText(
    /ParEVO Lab \S+ — server extension connected/
  );
});
