import { expect, galata, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { SMALL_RUNS, notebook, openWithSidebar } from './notebook';

/**
 * The Compiled tab in a real JupyterLab with the real server: a sum (a float reduction) evolved
 * from the panel with the rule generator, the prange candidate opened (LLVM cannot vectorise its
 * reduction without fastmath), its Compiled tab looked at: a loop picked, a source line hovered
 * lights the assembly lines it became and a code line its source line; then the fastmath
 * candidate says what it changed against its parent. The screenshot goes to docs/images/.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const IMAGES = path.join(ROOT, 'docs', 'images');
const SUM_TASK = fs.readFileSync(
  path.join(ROOT, 'tests', 'kernels', 'sum_task.py'),
  'utf-8'
);

// The small runs of the other specs, the candidate in a tab beside the notebook: room for the
// loops, the findings and both panes in one screenshot.
test.use({
  viewport: { width: 1440, height: 1000 },
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'parevo-lab:plugin': {
      ...SMALL_RUNS.mockSettings['parevo-lab:plugin'],
      candidateView: 'tab'
    }
  }
});

test('the Compiled tab: loops, findings, and source linked to assembly both ways', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(480_000);
  const name = 'compiled.ipynb';
  const sidebar = await openWithSidebar(
    page,
    tmpPath,
    name,
    notebook([SUM_TASK])
  );

  // Evolve the task cell (budget 4 from the settings): seed, prange, then the fixes it calls for.
  await page.notebook.selectCells(0);
  await sidebar.locator('button[data-action="evolve"]').click();
  await expect(sidebar.locator('.jp-ParevoSidebar-run')).toHaveAttribute(
    'data-status',
    'finished',
    { timeout: 360_000 }
  );

  // The prange candidate: its reduction is not vectorised without fastmath.
  await sidebar
    .locator('tbody tr[data-verdict="ok"]', { hasText: 'auto-parallelise' })
    .first()
    .click();
  const view = page.locator('.jp-ParevoCandidate');
  await expect(view.locator('.jp-ParevoCandidate-name')).toContainText(
    'auto-parallelise'
  );
  await view.locator('button[data-tab="compiled"]').click();
  const tab = view.locator('.jp-ParevoCompiled');
  await expect(tab).toBeVisible();
  const loops = tab.locator('.jp-ParevoCompiled-loop');
  await expect(loops.first()).toBeVisible();
  // picked by default: the loop with a finding, its badge and the CLI's line
  const picked = tab.locator('.jp-ParevoCompiled-loop.jp-mod-selected');
  await expect(picked).toHaveCount(1);
  await expect(picked.locator('.jp-ParevoBadge')).toHaveText('not vectorised');
  await expect(picked).toContainText(
    'NOT vectorised: float reduction without fastmath'
  );
  await expect(tab.locator('.jp-ParevoCompiled-finding').first()).toContainText(
    'Fix: fastmath=True'
  );
  await expect(tab.locator('.jp-ParevoCompiled-parent')).toContainText(
    'Against the parent #'
  );

  // Pick a loop with a click (and it stays picked), then with the keyboard.
  await loops.first().click();
  await expect(loops.first()).toHaveClass(/jp-mod-selected/);
  await loops.first().press('Enter');
  await expect(loops.first()).toHaveAttribute('aria-selected', 'true');

  // Hover a source line the loop's code came from: every code line of it lights up.
  const code = tab.locator('.jp-ParevoCompiled-code');
  const source = tab.locator('.jp-ParevoCompiled-source');
  await expect(code).toHaveAttribute('data-pane', 'asm');
  const tied = code.locator('.jp-ParevoCompiled-line[data-line]');
  await expect(tied.first()).toBeVisible();
  const line = (await tied.first().getAttribute('data-line'))!;
  const fromLine = code.locator(`.jp-ParevoCompiled-line[data-line="${line}"]`);
  const count = await fromLine.count();
  expect(count).toBeGreaterThan(0);
  await source.locator(`.jp-ParevoCompiled-line[data-line="${line}"]`).hover();
  await expect(code.locator('.jp-mod-linked')).toHaveCount(count);
  for (let i = 0; i < count; i++) {
    await expect(fromLine.nth(i)).toHaveClass(/jp-mod-linked/);
  }
  await expect(
    source.locator(`.jp-ParevoCompiled-line.jp-mod-linked`)
  ).toHaveAttribute('data-line', line);
  await page.screenshot({ path: path.join(IMAGES, 'compiled-tab.png') });
  await page.theme.setDarkTheme();
  await expect(source.locator('.jp-mod-linked')).toHaveCount(1);
  await page.screenshot({ path: path.join(IMAGES, 'compiled-tab-dark.png') });
  await page.theme.setLightTheme();

  // And the other way: hovering a code line lights its source line.
  await tied.last().hover();
  const back = (await tied.last().getAttribute('data-line'))!;
  await expect(
    source.locator('.jp-ParevoCompiled-line.jp-mod-linked')
  ).toHaveAttribute('data-line', back);

  // The LLVM IR instead of the assembly.
  await tab.locator('.jp-ParevoCompiled-paneButton[data-pane="ir"]').click();
  await expect(code).toHaveAttribute('data-pane', 'ir');
  await expect(code).toContainText('fadd');

  // The fastmath candidate (a child of the prange one): the tab stays, and says what changed.
  await sidebar
    .locator('tbody tr[data-verdict="ok"]', { hasText: 'fastmath' })
    .first()
    .click();
  await expect(view.locator('.jp-ParevoCandidate-name')).toContainText(
    'fastmath'
  );
  const changes = tab.locator('.jp-ParevoCompiled-parent');
  await expect(changes).toContainText(
    'this candidate vectorised the loop at line'
  );
  await expect(changes).toContainText(
    'finding gone: float reduction without fastmath'
  );
  await expect(
    tab.locator('.jp-ParevoCompiled-loop.jp-mod-selected .jp-ParevoBadge')
  ).toHaveText(/^vectorised x\d+$/);
});
