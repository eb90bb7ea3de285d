/**
 * A line diff in plain DOM, for front ends without CodeMirror (the notebook Workbench): the whole
 * candidate, each line marked kept, added or removed against the parent or the reference, with
 * the candidate's line numbers so race sites can be highlighted. The JupyterLab panel uses
 * diff.ts (CodeMirror's merge view) behind the same `IDiffView` interface.
 */
import { el } from '../dom';

export interface IDiffLine {
  kind: 'same' | 'add' | 'del';
  text: string;
  /** 1-based line in the old text, null for an added line. */
  old: number | null;
  /** 1-based line in the new text, null for a removed line. */
  new: number | null;
}

/** What the candidate view needs of a diff: highlight the candidate's lines, and go away. */
export interface IDiffView {
  highlight(lines: number[]): void;
  dispose(): void;
}

/** Cells of the longest-common-subsequence table beyond which the middle is not aligned. */
const MAX_CELLS = 4_000_000;

function split(text: string): string[] {
  if (text === '') {
    return [];
  }
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') {
    lines.pop();
  }
  return lines;
}

/** The lines of `before` and `after`, aligned on their longest common subsequence. */
export function diffLines(before: string, after: string): IDiffLine[] {
  const a = split(before);
  const b = split(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: IDiffLine[] = [];
  for (let i = 0; i < start; i++) {
    out.push({ kind: 'same', text: a[i], old: i + 1, new: i + 1 });
  }
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_CELLS) {
    for (let i = start; i < endA; i++) {
      out.push({ kind: 'del', text: a[i], old: i + 1, new: null });
    }
    for (let j = start; j < endB; j++) {
      out.push({ kind: 'add', text: b[j], old: null, new: j + 1 });
    }
  } else {
    // lcs[i][j]: the common subsequence of a[start+i..endA) and b[start+j..endB)
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i][j] =
          a[start + i] === b[start + j]
            ? lcs[i + 1][j + 1] + 1
            : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        out.push({
          kind: 'same',
          text: a[start + i],
          old: start + i + 1,
          new: start + j + 1
        });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        // removed lines before added ones, as a unified diff shows them
        out.push({
          kind: 'del',
          text: a[start + i],
          old: start + i + 1,
          new: null
        });
        i++;
      } else {
        out.push({
          kind: 'add',
          text: b[start + j],
          old: null,
          new: start + j + 1
        });
        j++;
      }
    }
  }
  for (let k = 0; k < a.length - endA; k++) {
    out.push({
      kind: 'same',
      text: a[endA + k],
      old: endA + k + 1,
      new: endB + k + 1
    });
  }
  return out;
}

const SIGN = { same: ' ', add: '+', del: '-' };

/** The diff as DOM: a `div.jp-ParevoTextDiff` of one `div` per line. */
export class TextDiff implements IDiffView {
  constructor(
    parent: HTMLElement,
    before: string,
    after: string,
    names: [string, string] = ['before', 'after']
  ) {
    this.node = el('div', 'jp-ParevoTextDiff', parent);
    for (const [sign, name] of [
      ['---', names[0]],
      ['+++', names[1]]
    ]) {
      const line = el('div', 'jp-ParevoTextDiff-file', this.node);
      line.textContent = `${sign} ${name}`;
    }
    for (const d of diffLines(before, after)) {
      const line = el(
        'div',
        `jp-ParevoTextDiff-line jp-ParevoTextDiff-${d.kind}`,
        this.node
      );
      if (d.new !== null) {
        line.dataset.line = String(d.new);
      }
      el('span', 'jp-ParevoTextDiff-number', line).textContent =
        d.new !== null ? String(d.new) : '';
      el('span', 'jp-ParevoTextDiff-sign', line).textContent = SIGN[d.kind];
      el('span', 'jp-ParevoTextDiff-text', line).textContent = d.text || ' ';
    }
  }

  /** Highlight these 1-based lines of the candidate and scroll the first into view. */
  highlight(lines: number[]): void {
    const wanted = new Set(lines.map(String));
    let first: HTMLElement | null = null;
    for (const line of this.node.querySelectorAll<HTMLElement>(
      '.jp-ParevoTextDiff-line'
    )) {
      const on =
        line.dataset.line !== undefined && wanted.has(line.dataset.line);
      line.classList.toggle('jp-ParevoDiff-raceLine', on);
      if (on && !first) {
        first = line;
      }
    }
    if (first) {
      // scroll the diff only, not the notebook around it (the node is position: relative)
      this.node.scrollTop = Math.max(
        0,
        first.offsetTop - this.node.clientHeight / 2
      );
    }
  }

  /** The highlighted lines of the candidate. */
  highlighted(): number[] {
    return [
      ...this.node.querySelectorAll<HTMLElement>('.jp-ParevoDiff-raceLine')
    ].map(line => Number(line.dataset.line));
  }

  dispose(): void {
    this.node.remove();
  }

  readonly node: HTMLElement;
}
