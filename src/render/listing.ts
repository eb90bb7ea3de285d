/**
 * Source beside compiled code, linked both ways (the Compiled tab's two panes): each row carries
 * the source line it is or came from in `data-line`; hovering a source line marks it and every
 * code line that came from it (`jp-mod-linked`) and scrolls the code to the first, hovering a
 * code line does the same the other way. Arrow keys in the source step through the lines that
 * have code. Text nodes only: the code and the source come from untrusted candidates.
 */
import { el } from '../dom';
import { ICodeLine } from '../model';

export interface ILinkedListingOptions {
  /** The source's lines (1-based in the rows), or null: a note stands in its place. */
  source: string[] | null;
  /** Each source line's number, where they are not 1, 2, ... (the task file's, for the
   * reference: the lines only the verifier reads are left out of it). */
  numbers?: number[];
  /** What the source pane says when there is no source. */
  sourceNote?: string;
  /** The compiled code, each line with its source line (null: code the compiler added). */
  code: ICodeLine[];
  /** What the code pane says when there is no code. */
  codeNote: string;
  /** The code pane's name, for screen readers ("Assembly of the loop"). */
  codeLabel: string;
  /** Source lines to mark as a finding's. */
  findingLines?: Set<number>;
  /** A line was linked (the caller keeps it across listings). */
  onLink?(line: number): void;
}

/** The two panes inside `parent`; `link` drives them. */
export class LinkedListing {
  readonly node: HTMLElement;
  readonly source: HTMLElement;
  readonly code: HTMLElement;

  constructor(parent: HTMLElement, options: ILinkedListingOptions) {
    this._onLink = options.onLink;
    this.node = el('div', 'jp-ParevoCompiled-panes', parent);
    this.source = el('div', 'jp-ParevoCompiled-source', this.node);
    this.code = el('div', 'jp-ParevoCompiled-code', this.node);
    this._lines = [
      ...new Set(
        options.code
          .map(c => c.line)
          .filter((n): n is number => n !== null && n !== undefined)
      )
    ].sort((a, b) => a - b);
    this._renderSource(options);
    this._renderCode(options);
  }

  /** The linked source line, or null. */
  get linked(): number | null {
    return this._linked;
  }

  /**
   * Mark a source line and every code line that came from it (null: none), and scroll `scroll`
   * (the other pane than the one hovered) to its first row.
   */
  link(line: number | null, scroll: 'code' | 'source' | null = null): void {
    this._linked = line;
    for (const row of this.node.querySelectorAll<HTMLElement>('[data-line]')) {
      row.classList.toggle(
        'jp-mod-linked',
        line !== null && row.dataset.line === String(line)
      );
    }
    if (line !== null) {
      this._onLink?.(line);
    }
    const pane =
      scroll === 'code' ? this.code : scroll === 'source' ? this.source : null;
    const first =
      line !== null
        ? pane?.querySelector<HTMLElement>(`[data-line="${line}"]`)
        : null;
    if (pane && first) {
      scrollWithin(pane, first);
    }
  }

  private _renderSource(options: ILinkedListingOptions): void {
    const source = this.source;
    source.tabIndex = 0;
    source.setAttribute('aria-label', 'Source (arrow keys: link a line)');
    if (options.source === null) {
      el('p', 'jp-ParevoEmpty', source).textContent = options.sourceNote ?? '';
    } else {
      const used = new Set(this._lines);
      options.source.forEach((text, i) => {
        const line = options.numbers?.[i] ?? i + 1;
        const row = addRow(source, line, text);
        row.classList.toggle('jp-mod-inLoop', used.has(line));
        row.classList.toggle(
          'jp-mod-finding',
          options.findingLines?.has(line) ?? false
        );
      });
    }
    source.addEventListener('mouseover', event => {
      const line = lineOf(event.target);
      if (line !== null) {
        this.link(line, 'code');
      }
    });
    source.onkeydown = event => {
      if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') {
        return;
      }
      event.preventDefault();
      const lines = this._lines;
      if (!lines.length) {
        return;
      }
      const at = this._linked === null ? -1 : lines.indexOf(this._linked);
      const next =
        event.key === 'ArrowDown'
          ? lines[Math.min(lines.length - 1, at + 1)]
          : lines[Math.max(0, at - 1)];
      this.link(next, 'code');
      const row = source.querySelector<HTMLElement>(`[data-line="${next}"]`);
      if (row) {
        scrollWithin(source, row);
      }
    };
  }

  private _renderCode(options: ILinkedListingOptions): void {
    const code = this.code;
    code.tabIndex = 0;
    code.setAttribute('aria-label', options.codeLabel);
    if (!options.code.length) {
      el('p', 'jp-ParevoEmpty', code).textContent = options.codeNote;
    }
    for (const codeLine of options.code) {
      addRow(code, codeLine.line ?? null, codeLine.text);
    }
    code.addEventListener('mouseover', event => {
      const line = lineOf(event.target);
      if (line !== null) {
        this.link(line, 'source');
      }
    });
  }

  private _onLink?: (line: number) => void;
  /** The source lines that have code, in order. */
  private _lines: number[];
  private _linked: number | null = null;
}

/** A row: its line number in the gutter (blank for code the compiler added) and its text. */
function addRow(
  pane: HTMLElement,
  line: number | null,
  text: string
): HTMLElement {
  const row = el('div', 'jp-ParevoCompiled-line', pane);
  if (line !== null) {
    row.dataset.line = String(line);
  }
  el('span', 'jp-ParevoCompiled-number', row).textContent =
    line !== null ? String(line) : '';
  el('span', 'jp-ParevoCompiled-text', row).textContent = text;
  return row;
}

/** The source line of the row under an event's target, or null (code the compiler added). */
function lineOf(target: EventTarget | null): number | null {
  const row =
    target instanceof Element
      ? target.closest<HTMLElement>('.jp-ParevoCompiled-line')
      : null;
  const line = row?.dataset.line;
  return line ? Number(line) : null;
}

/** Scroll `pane` (and only it: the page stays put) so that `row` is in sight. */
function scrollWithin(pane: HTMLElement, row: HTMLElement): void {
  const top = row.offsetTop;
  const bottom = top + row.offsetHeight;
  if (top < pane.scrollTop || bottom > pane.scrollTop + pane.clientHeight) {
    pane.scrollTop = Math.max(0, top - pane.clientHeight / 3);
  }
}
