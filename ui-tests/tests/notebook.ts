import { expect, galata, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

/** A notebook (nbformat 4) of code cells, as text to upload with page.contents.uploadContent. */
export function notebook(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map(source => ({
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source
    })),
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python'
      }
    },
    nbformat: 4,
    nbformat_minor: 5
  });
}

/**
 * What the panel's tests use: a wide window, and the settings Galata serves itself with a small
 * budget, so that a run ends in a minute.
 */
export const SMALL_RUNS = {
  viewport: { width: 1440, height: 900 },
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'parevo-lab:plugin': { budget: 4, threads: [1, 2] }
  }
};

/**
 * Upload `content` as the notebook `name` under `folder`, open it, open the ParEVO sidebar and
 * wait until the sidebar follows that notebook. Returns the sidebar.
 */
export async function openWithSidebar(
  page: IJupyterLabPageFixture,
  folder: string,
  name: string,
  content: string
): Promise<Locator> {
  await page.contents.uploadContent(content, 'text', `${folder}/${name}`);
  await page.notebook.openByPath(`${folder}/${name}`);
  await page.notebook.activate(name);
  await page
    .locator('.jp-SideBar.jp-mod-left [data-id="parevo-sidebar"]')
    .click();
  const sidebar = page.locator('#parevo-sidebar');
  await expect(sidebar.locator('.jp-ParevoSidebar-notebook')).toContainText(
    name
  );
  return sidebar;
}
