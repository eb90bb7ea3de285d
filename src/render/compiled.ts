/**
 * The Compiled tab of the candidate view: what numba and LLVM made of each loop. One row per
 * loop (its line, a badge of its vectorisation and the line `parevo check` prints), what the
 * candidate changed against its parent, then the picked loop: its findings, its counts, and its
 * source beside its assembly or LLVM IR, linked both ways (hover a source line: the code lines
 * it became light up; hover a code line: its source line does).
 *
 * Every string here may come from an untrusted candidate: text nodes only, never innerHTML.
 */
import { el } from '../dom';
import {
  ICodeLine,
  ICompiledView,
  ICompiledLoop,
  IShown,
  compiledViewOf,
  compiledOrigin,
  compiledChanges,
  countChips,
  defaultLoop,
  noCompiledViewReason,
  vectorBadge
} from '../model';
import { LinkedListing } from './listing';

export type CodePane = 'asm' | 'ir';

export interface ICompiledOptions {
  /** The loop to pick first (an index into the kernel's then the reference's loops). */
  loop?: number | null;
  /** Assembly or LLVM IR beside the source. */
  pane?: CodePane;
  /** A loop was picked (the candidate view keeps it while the same candidate is shown). */
  onPick?(index: number): void;
  /** The code pane was switched (kept across candidates). */
  onPane?(pane: CodePane): void;
}

interface IPickable {
  loop: ICompiledLoop;
  /** A loop of the task's reference: its lines are the task file's, not the candidate's. */
  reference: boolean;
}

/**
 * The Compiled tab inside `parent`; null when the report holds no compiled view (the reason is
 * rendered instead).
 */
export function renderCompiled(
  parent: HTMLElement,
  shown: IShown,
  options: ICompiledOptions = {}
): CompiledTab | null {
  const reason = noCompiledViewReason(shown.report);
  if (reason !== null) {
    el('p', 'jp-ParevoEmpty jp-ParevoCompiled-none', parent).textContent =
      reason;
    return null;
  }
  return new CompiledTab(parent, shown, compiledViewOf(shown.report)!, options);
}

/** The compiled view of one candidate; `pick` and `link` drive it (tests, keyboard). */
export class CompiledTab {
  readonly node: HTMLElement;

  constructor(
    parent: HTMLElement,
    readonly shown: IShown,
    readonly view: ICompiledView,
    private _options: ICompiledOptions = {}
  ) {
    this.node = el('div', 'jp-ParevoCompiled', parent);
    this._loops = [
      ...(view.loops ?? []).map(loop => ({ loop, reference: false })),
      ...(view.serial ?? []).map(loop => ({ loop, reference: true }))
    ];
    this._pane = _options.pane ?? 'asm';
    this._renderHead();
    this._renderPicker();
    this._renderParent();
    this._detail = el('div', 'jp-ParevoCompiled-detail', this.node);
    if (this._loops.length) {
      const first = _options.loop ?? null;
      this.pick(
        first !== null && first >= 0 && first < this._loops.length
          ? first
          : defaultLoop(this._loops.map(p => p.loop))
      );
    }
  }

  /** The index of the picked loop (-1: none). */
  get picked(): number {
    return this._picked;
  }

  get pane(): CodePane {
    return this._pane;
  }

  /** Pick a loop: its row is marked and its findings, counts and code shown. */
  pick(index: number): void {
    if (index < 0 || index >= this._loops.length) {
      return;
    }
    this._picked = index;
    for (const row of this._picker?.children ?? []) {
      const on = (row as HTMLElement).dataset.index === String(index);
      row.classList.toggle('jp-mod-selected', on);
      row.setAttribute('aria-selected', String(on));
      (row as HTMLElement).tabIndex = on ? 0 : -1;
    }
    this._renderLoop(this._loops[index]);
    this._options.onPick?.(index);
  }

  /** Show the assembly or the LLVM IR beside the source. */
  setPane(pane: CodePane): void {
    this._pane = pane;
    this._options.onPane?.(pane);
    if (this._picked >= 0) {
      this._renderLoop(this._loops[this._picked]);
    }
  }

  /**
   * Mark a source line and every code line that came from it (null: none); `scroll` the other
   * pane to its first row.
   */
  link(line: number | null, scroll: 'code' | 'source' | null = null): void {
    this._linked = line;
    this._listing?.link(line, scroll);
  }

  private _renderHead(): void {
    const head = el('div', 'jp-ParevoCompiled-head', this.node);
    el('span', 'jp-ParevoCompiled-origin', head).textContent = compiledOrigin(
      this.view
    );
    const notes = [...(this.view.notes ?? [])];
    if (this.view.consistent === false) {
      notes.unshift(
        "the build of this view did not vectorise as the candidate's own build did: read it " +
          'with care'
      );
    }
    if ((this.view.hoisted ?? []).length) {
      notes.push(
        `numba moved out of the loops: ${this.view.hoisted!.join(', ')}`
      );
    }
    for (const note of notes) {
      el('div', 'jp-ParevoCompiled-note', head).textContent = `Note: ${note}`;
    }
  }

  private _renderPicker(): void {
    if (!this._loops.length) {
      el('p', 'jp-ParevoEmpty', this.node).textContent =
        'No parallel loop was compiled (numba made no gufunc).';
      return;
    }
    const list = el('ol', 'jp-ParevoCompiled-loops', this.node);
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Loops');
    this._picker = list;
    this._loops.forEach((pickable, index) => {
      const { loop } = pickable;
      const row = el('li', 'jp-ParevoCompiled-loop', list);
      row.setAttribute('role', 'option');
      row.dataset.index = String(index);
      row.dataset.line = String(loop.line);
      row.dataset.status = loop.status;
      row.tabIndex = -1;
      el('span', 'jp-ParevoCompiled-loopLine', row).textContent =
        pickable.reference
          ? `reference line ${loop.line}`
          : `line ${loop.line}`;
      const badge = el('span', 'jp-ParevoBadge jp-ParevoCompiled-badge', row);
      badge.dataset.vector = loop.status;
      badge.textContent = vectorBadge(loop);
      // the CLI's line, less its "line N: " (the row starts with the line already)
      const text = loop.summary || `line ${loop.line}`;
      row.setAttribute('aria-label', text);
      row.title = text;
      el('span', 'jp-ParevoCompiled-loopText', row).textContent = text.replace(
        /^line \d+: /,
        ''
      );
      row.onclick = () => this.pick(index);
      row.onkeydown = event => {
        const all = rows(list);
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          this.pick(index);
        } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          const step = event.key === 'ArrowDown' ? 1 : -1;
          all[Math.max(0, Math.min(all.length - 1, index + step))].focus();
        }
      };
      row.onfocus = () => {
        for (const other of rows(list)) {
          other.tabIndex = other === row ? 0 : -1;
        }
      };
    });
  }

  private _renderParent(): void {
    const parent = this.shown.parent;
    if (!parent) {
      return;
    }
    const box = el('div', 'jp-ParevoCompiled-parent', this.node);
    const head = el('span', 'jp-ParevoCompiled-parentHead', box);
    head.textContent = `Against the parent #${parent.id}:`;
    const changes = compiledChanges(compiledViewOf(parent), this.view);
    if (changes === null) {
      el('span', '', box).textContent =
        ' it has no compiled view to compare with.';
      return;
    }
    if (!changes.length) {
      el('span', '', box).textContent = ' no change in the compiled loops.';
      return;
    }
    const list = el('ul', 'jp-ParevoCompiled-changes', box);
    for (const change of changes) {
      const item = el('li', 'jp-ParevoCompiled-change', list);
      item.dataset.kind = change.kind;
      item.dataset.line = String(change.line);
      item.textContent = change.text;
    }
  }

  private _renderLoop(pickable: IPickable): void {
    const { loop, reference } = pickable;
    this._detail.textContent = '';
    const notes = el('div', 'jp-ParevoCompiled-loopNotes', this._detail);
    if (loop.status === 'no_loop') {
      el('p', 'jp-ParevoCompiled-note', notes).textContent =
        'LLVM turned this loop into memset/memcpy: no loop left.';
    }
    if (loop.role === 'serialised') {
      el('p', 'jp-ParevoCompiled-note', notes).textContent =
        loop.line === loop.prange_line
          ? 'numba ran this prange loop serially: it is not a parallel loop in the compiled code.'
          : `numba ran the prange loop at line ${loop.prange_line} serially: this loop runs inside it, on one thread.`;
    }
    if (reference) {
      el('p', 'jp-ParevoCompiled-note', notes).textContent =
        "A loop of the task's reference: its line numbers are the task file's.";
    }
    this._renderFindings(loop);
    this._renderCounts(loop);
    this._renderPanes(loop, reference);
    if (this._linked !== null) {
      this.link(this._linked);
    }
  }

  private _renderFindings(loop: ICompiledLoop): void {
    const findings = loop.findings ?? [];
    if (!findings.length) {
      return;
    }
    const list = el('ul', 'jp-ParevoCompiled-findings', this._detail);
    for (const found of findings) {
      const item = el('li', 'jp-ParevoCompiled-finding', list);
      item.dataset.code = found.code;
      if (found.line) {
        item.dataset.line = String(found.line);
      }
      el('div', 'jp-ParevoCompiled-findingTitle', item).textContent =
        found.title;
      if (found.line) {
        const where = el('div', 'jp-ParevoCompiled-findingWhere', item);
        where.textContent = `line ${found.line}: `;
        el('code', '', where).textContent = found.expression;
        where.onmouseenter = () => this.link(found.line, 'code');
      }
      if (found.text) {
        el('div', 'jp-ParevoCompiled-findingText', item).textContent =
          found.text;
      }
      if (found.fix) {
        const fix = el('div', 'jp-ParevoCompiled-findingFix', item);
        el('strong', '', fix).textContent = 'Fix: ';
        fix.appendChild(document.createTextNode(found.fix));
      }
      if (found.remark) {
        const remark = el('div', 'jp-ParevoCompiled-findingRemark', item);
        remark.textContent = `LLVM: ${found.remark}`;
      }
    }
  }

  private _renderCounts(loop: ICompiledLoop): void {
    if (!loop.counts || !Object.keys(loop.counts).length) {
      return;
    }
    const box = el('div', 'jp-ParevoCompiled-counts', this._detail);
    el('span', 'jp-ParevoCompiled-countsHead', box).textContent =
      'Per iteration:';
    for (const chip of countChips(loop)) {
      const node = el('span', 'jp-ParevoCompiled-count', box);
      node.dataset.count = chip.key;
      node.classList.toggle('jp-mod-warn', chip.warn);
      node.textContent = chip.text;
    }
    // LLVM's remarks that no finding quotes already
    const quoted = new Set((loop.findings ?? []).map(f => f.remark));
    for (const remark of (loop.remarks ?? []).filter(r => !quoted.has(r))) {
      el('div', 'jp-ParevoCompiled-remark', box).textContent =
        `LLVM: ${remark}`;
    }
  }

  private _renderPanes(loop: ICompiledLoop, reference: boolean): void {
    const listings: Record<CodePane, ICodeLine[]> = {
      asm: loop.asm ?? [],
      ir: loop.ir ?? []
    };
    // the pane asked for, unless it is empty and the other is not
    const other: CodePane = this._pane === 'asm' ? 'ir' : 'asm';
    const pane =
      !listings[this._pane].length && listings[other].length
        ? other
        : this._pane;

    const bar = el('div', 'jp-ParevoCompiled-paneBar', this._detail);
    bar.setAttribute('role', 'group');
    bar.setAttribute('aria-label', 'Compiled code');
    for (const [key, label] of [
      ['asm', 'Assembly'],
      ['ir', 'LLVM IR']
    ] as [CodePane, string][]) {
      const button = el('button', 'jp-ParevoCompiled-paneButton', bar);
      button.textContent = label;
      button.dataset.pane = key;
      button.disabled = !listings[key].length;
      button.classList.toggle('jp-mod-active', key === pane);
      button.setAttribute('aria-pressed', String(key === pane));
      button.onclick = () => this.setPane(key);
    }

    const numbers = this.shown.referenceLines;
    // the reference with the task file's line numbers (a view from before they were sent: a note)
    const referenceShown = reference && numbers !== undefined;
    this._listing = new LinkedListing(this._detail, {
      source: referenceShown
        ? this.shown.reference.split('\n').slice(0, numbers.length)
        : reference
          ? null
          : this.shown.source.split('\n'),
      numbers: referenceShown ? numbers : undefined,
      sourceNote:
        "The reference's source is the task file's, not shown here: the line numbers beside " +
        'the code name its lines.',
      code: listings[pane],
      codeNote:
        loop.status === 'no_loop'
          ? 'No loop left to list: LLVM called memset/memcpy instead.'
          : 'No code was matched to this loop.',
      codeLabel:
        pane === 'asm' ? 'Assembly of the loop' : 'LLVM IR of the loop',
      findingLines: new Set(
        (loop.findings ?? []).map(f => f.line).filter((n): n is number => !!n)
      ),
      onLink: line => (this._linked = line)
    });
    this._listing.code.dataset.pane = pane;
  }

  private _loops: IPickable[];
  private _picker: HTMLElement | null = null;
  private _detail: HTMLElement;
  private _picked = -1;
  private _pane: CodePane;
  private _linked: number | null = null;
  private _listing: LinkedListing | null = null;
}

function rows(list: HTMLElement): HTMLElement[] {
  return [...list.children] as HTMLElement[];
}
