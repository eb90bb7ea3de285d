import { galata } from '@jupyterlab/galata';

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
