import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { SMALL_RUNS, openWithSidebar } from './notebook';

/**
 * The teaching notebooks through the panel, not only Run All: in each one the first exercise (a
 * `%%parevo_check` cell, wrong on purpose in 01-05, correct but not vectorised in 06) is checked
 * from the sidebar and shows the verdict its metadata says it teaches; in notebook 05 the `%%parevo_task` cell is evolved from the panel
 * until a correct parallel candidate arrives. The kernel never runs a cell: the panel reads the
 * magics itself (parevo_lab/cells.py).
 */

const NOTEBOOKS = path.resolve(__dirname, '..', '..', 'notebooks');
const TEACHING = fs
  .readdirSync(NOTEBOOKS)
  .filter(name => /^0\d_.*\.ipynb$/.test(name))
  .sort();

interface ICell {
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[]; parevo?: { expect: string } };
}

function cells(name: string): ICell[] {
  return JSON.parse(fs.readFileSync(path.join(NOTEBOOKS, name), 'utf-8')).cells;
}

const text = (cell: ICell) =>
  Array.isArray(cell.source) ? cell.source.join('') : cell.source;

test.describe.configure({ mode: 'serial' });
test.use(SMALL_RUNS);

test('there are six teaching notebooks', () => {
  expect(TEACHING).toHaveLength(6);
});

for (const name of TEACHING) {
  test(`${name}: its first exercise, checked from the panel, shows what it teaches`, async ({
    page,
    tmpPath
  }) => {
    test.setTimeout(300_000);
    const all = cells(name);
    const exercise = all.findIndex(c =>
      (c.metadata.tags ?? []).includes('exercise')
    );
    expect(exercise).toBeGreaterThan(0);
    const expected = all[exercise].metadata.parevo!.expect;
    expect(text(all[exercise])).toMatch(/^%%parevo_check /);

    const sidebar = await openWithSidebar(
      page,
      tmpPath,
      name,
      fs.readFileSync(path.join(NOTEBOOKS, name), 'utf-8')
    );

    await page.notebook.selectCells(exercise);
    await sidebar.locator('button[data-action="check"]').click();
    const verdict = sidebar.locator('.jp-ParevoSidebar-check .jp-ParevoBadge');
    await expect(verdict).toHaveAttribute('data-verdict', expected, {
      timeout: 180_000
    });
    if (expected === 'race') {
      await expect(page.locator('.jp-ParevoRace').first()).toBeVisible();
    }
    if (name.startsWith('05_')) {
      // the %%parevo_task cell, evolved from the panel (not %parevo_evolve)
      const task = all.findIndex(c => text(c).startsWith('%%parevo_task'));
      await page.notebook.selectCells(task);
      await sidebar.locator('button[data-action="evolve"]').click();
      await expect(sidebar.locator('.jp-ParevoSidebar-run')).toHaveAttribute(
        'data-status',
        'finished',
        { timeout: 240_000 }
      );
      await expect(
        sidebar.locator('tbody tr[data-origin="rules"][data-verdict="ok"]')
      ).not.toHaveCount(0);

      // The notebook's own %parevo_evolve (run in its kernel) joins the same list of runs: the
      // sidebar follows it, and %parevo_runs lists both.
      const runs = sidebar.locator('select.jp-ParevoSidebar-runs option');
      await expect(runs).toHaveCount(1);
      const load = all.findIndex(c =>
        text(c).startsWith('%load_ext parevo_lab')
      );
      const magic = all.findIndex(c => text(c).startsWith('%parevo_evolve'));
      await page.notebook.runCell(load, true);
      await page.notebook.runCell(task, true);
      await page.notebook.runCell(magic, true);
      expect((await page.notebook.getCellTextOutput(magic))?.join('')).toMatch(
        /finished\s*\d+\/6 evaluations/
      );
      await expect(runs).toHaveCount(2, { timeout: 30_000 });
      await expect(sidebar.locator('.jp-ParevoSidebar-run')).toHaveAttribute(
        'data-status',
        'finished',
        { timeout: 60_000 }
      );
      await page.notebook.addCell('code', '%parevo_runs');
      const listed = (await page.notebook.getCellCount()) - 1;
      await page.notebook.runCell(listed, true);
      const output = (await page.notebook.getCellTextOutput(listed))?.join('');
      expect(output).toMatch(/ panel +segment_max/);
      expect(output).toMatch(/ notebook +segment_max/);
    }
  });
}
