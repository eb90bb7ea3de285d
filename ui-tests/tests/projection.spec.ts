import { expect, galata, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { SMALL_RUNS, notebook, openWithSidebar } from './notebook';

/**
 * The projection to 64 threads in a real JupyterLab with the real server: the CSR neighbour sum
 * (power-law rows, the hubs first: numba's static schedule gives the first thread most of the
 * edges) checked from the panel, its Speedup tab opened: the server's figure carries the
 * projected curves, and under it each thread's share of the loop's work; another thread count
 * picked redraws the bars. The screenshots go to docs/images/.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const IMAGES = path.join(ROOT, 'docs', 'images');
const EXAMPLE = path.join(ROOT, 'examples', 'csr_neighbour_sum');
const TASK = fs.readFileSync(path.join(EXAMPLE, 'task.py'), 'utf-8');
const KERNEL = fs.readFileSync(path.join(EXAMPLE, 'kernel.py'), 'utf-8');

test.use({
  viewport: { width: 1440, height: 1200 },
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'parevo-lab:plugin': {
      ...SMALL_RUNS.mockSettings['parevo-lab:plugin'],
      candidateView: 'tab'
    }
  }
});

test('the Speedup tab of a check: projected to 64 threads, and the share of the work of each thread', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(300_000);
  const name = 'projection.ipynb';
  const sidebar = await openWithSidebar(
    page,
    tmpPath,
    name,
    notebook([TASK, KERNEL])
  );

  // Check the kernel cell: compile, verify, race-check, profile at 1 and 2 threads, project.
  await page.notebook.selectCells(1);
  await sidebar.locator('button[data-action="check"]').click();
  await expect(
    sidebar.locator('.jp-ParevoSidebar-check .jp-ParevoBadge')
  ).toHaveAttribute('data-verdict', 'ok', { timeout: 240_000 });

  const view = page.locator('.jp-ParevoCandidate');
  await view.locator('button[data-tab="speedup"]').click();

  // The server's plotly figure: measured points, the projected curves to 64 threads and the
  // bands of what limits each thread count, each named.
  const figure = view.locator('.jp-ParevoPlot.jp-mod-figure');
  await expect(
    figure.locator('.legendtext', {
      hasText: 'projected (static schedule, machine this)'
    })
  ).toHaveCount(1, { timeout: 30_000 });
  await expect(
    figure.locator('.legendtext', { hasText: 'projected (dynamic schedule' })
  ).toHaveCount(1);
  await expect(figure.locator('.xtick text', { hasText: /^64$/ })).toHaveCount(
    1
  );
  await expect(
    figure
      .locator('.annotation-text')
      .filter({ hasText: /^(work|imbalance|serial|bandwidth|overhead)$/ })
      .first()
  ).toBeVisible();
  await expect(figure.locator('.gtitle')).toContainText(
    'projected, not measured'
  );
  // the numbers: a row per thread count to 64, its projected columns marked
  const table = view.locator('.jp-ParevoPlot-table');
  await expect(table.locator('tr[data-threads="64"]')).toHaveClass(
    /jp-mod-projected/
  );

  // Each thread's share of the loop's work: 8 threads first.
  const work = view.locator('.jp-ParevoWork');
  await expect(work).toHaveAttribute('data-threads', '8');
  const loop = work.locator('.jp-ParevoWork-loop').first();
  const staticBars = loop.locator(
    'rect.jp-ParevoWork-bar[data-schedule="static"]'
  );
  const dynamicBars = loop.locator(
    'rect.jp-ParevoWork-bar[data-schedule="dynamic"]'
  );
  await expect(staticBars).toHaveCount(8);
  await expect(dynamicBars).toHaveCount(8);
  await expect(loop.locator('.jp-ParevoWork-even')).toHaveAttribute(
    'data-share',
    String(1 / 8)
  );
  const firstAt8 = await staticBars.first().getAttribute('data-share');
  // the hubs come first: the static schedule's first thread has more than an even share
  expect(Number(firstAt8)).toBeGreaterThan(1 / 8);
  await expect(view.locator('.jp-ParevoProjection-head')).toContainText(
    'projected, not measured'
  );

  await work.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(IMAGES, 'projection-tab.png') });

  // Another thread count: the bars follow.
  await work.locator('.jp-ParevoWork-thread[data-threads="32"]').click();
  await expect(work).toHaveAttribute('data-threads', '32');
  await expect(
    work.locator('.jp-ParevoWork-thread[data-threads="32"]')
  ).toHaveAttribute('aria-pressed', 'true');
  await expect(staticBars).toHaveCount(32);
  await expect(dynamicBars).toHaveCount(32);
  await expect(loop.locator('.jp-ParevoWork-even')).toHaveAttribute(
    'data-share',
    String(1 / 32)
  );
  expect(await staticBars.first().getAttribute('data-share')).not.toBe(
    firstAt8
  );

  await page.theme.setDarkTheme();
  await expect(work).toHaveAttribute('data-threads', '32');
  await work.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: path.join(IMAGES, 'projection-tab-dark.png')
  });
  await page.theme.setLightTheme();
});
