/**
 * The candidate table of a run, shared by the JupyterLab sidebar and the notebook Workbench: one
 * row per candidate, sortable by any column (untimed candidates last whatever the direction),
 * filterable by verdict, and navigable by keyboard (one row in the tab order; the arrow keys,
 * Home and End move and select, as a listbox does). Plain DOM, no JupyterLab: the text goes in as
 * text nodes.
 */
import { el } from '../dom';
import {
  ICandidate,
  SortKey,
  formatSpeedup,
  retimedText,
  sortCandidates,
  verdictLabel
} from '../model';

export const COLUMNS: [SortKey, string][] = [
  ['id', '#'],
  ['verdict', 'verdict'],
  ['speedup', 'speedup'],
  ['family', 'family'],
  ['label', 'transformation']
];

/** The key of a candidate's badge and of the verdict filter: its verdict, or its state. */
export function verdictKey(c: ICandidate): string {
  return c.verdict ?? c.state ?? 'pending';
}

/** A verdict badge (`data-verdict` picks its colour in style/base.css). */
export function badge(
  parent: HTMLElement,
  verdict: string,
  text: string = verdict
): HTMLSpanElement {
  const node = el('span', 'jp-ParevoBadge', parent);
  node.dataset.verdict = verdict;
  node.textContent = text;
  return node;
}

export interface ICandidateTableOptions {
  /** A row was clicked. */
  onSelect(id: number): void;
}

export class CandidateTable {
  constructor(
    parent: HTMLElement,
    private _options: ICandidateTableOptions
  ) {
    this.node = el('div', 'jp-ParevoCandidates', parent);
    const tools = el('div', 'jp-ParevoCandidates-tools', this.node);
    this._filter = el('select', 'jp-ParevoCandidates-filter', tools);
    this._filter.setAttribute('aria-label', 'filter by verdict');
    this._filter.onchange = () => {
      this._verdict = this._filter.value;
      this.render();
    };
    this._count = el('span', 'jp-ParevoCandidates-count', tools);
    const scroll = el('div', 'jp-ParevoCandidates-scroll', this.node);
    this.table = el('table', 'jp-ParevoTable', scroll);
    this.table.setAttribute('role', 'grid');
    const head = el('tr', '', el('thead', '', this.table));
    for (const [key, label] of COLUMNS) {
      const th = el('th', '', head);
      th.textContent = label;
      th.dataset.sort = key;
      th.title = `Sort by ${label}`;
      th.onclick = () => this.sortBy(key);
    }
    this.tbody = el('tbody', '', this.table);
    this.tbody.onkeydown = event => this._key(event);
    this.render();
  }

  get sortKey(): SortKey {
    return this._sortKey;
  }

  get descending(): boolean {
    return this._descending;
  }

  get selected(): number | null {
    return this._selected;
  }

  /** Click on a column: the same column flips the direction; speedup starts fastest first. */
  sortBy(key: SortKey): void {
    this._descending =
      this._sortKey === key ? !this._descending : key === 'speedup';
    this._sortKey = key;
    this.render();
  }

  /** Show only one verdict (or state), or 'all'. */
  filter(verdict: string): void {
    this._verdict = verdict;
    this.render();
  }

  /** New rows (and the run's best, starred). */
  update(rows: ICandidate[], best: number | null = null): void {
    this._rows = rows;
    this._best = best;
    this.render();
  }

  /** Mark a row as the selected one (no rebuild: a click on a large table stays fast). */
  select(id: number | null): void {
    this._selected = id;
    const rows = [...this.tbody.querySelectorAll('tr')];
    for (const tr of rows) {
      const on = id !== null && tr.dataset.id === String(id);
      tr.classList.toggle('jp-mod-selected', on);
      tr.setAttribute('aria-selected', String(on));
    }
    this._tabStop();
  }

  /** The one row in the tab order: the selected one, else the first. */
  private _tabStop(): void {
    const rows = [...this.tbody.querySelectorAll('tr')];
    const stop =
      rows.find(tr => tr.classList.contains('jp-mod-selected')) ?? rows[0];
    for (const tr of rows) {
      tr.tabIndex = tr === stop ? 0 : -1;
    }
  }

  /** Up and Down (and Home, End) move to a row and open it; Enter opens the focused row. */
  private _key(event: KeyboardEvent): void {
    const rows = [...this.tbody.querySelectorAll('tr')];
    const here = rows.indexOf(
      (event.target as HTMLElement).closest('tr') as HTMLTableRowElement
    );
    const moves: Record<string, number> = {
      ArrowDown: here + 1,
      ArrowUp: here - 1,
      Home: 0,
      End: rows.length - 1,
      Enter: here
    };
    const to = moves[event.key];
    if (to === undefined || to < 0 || to >= rows.length) {
      return;
    }
    event.preventDefault();
    const id = Number(rows[to].dataset.id);
    this.select(id);
    rows[to].focus();
    this._options.onSelect(id);
  }

  render(): void {
    for (const th of this.table.querySelectorAll('th')) {
      th.dataset.sorted =
        th.dataset.sort === this._sortKey
          ? this._descending
            ? 'descending'
            : 'ascending'
          : '';
    }
    this._renderFilter();
    const all = this._rows;
    const kept =
      this._verdict === 'all'
        ? all
        : all.filter(c => verdictKey(c) === this._verdict);
    const rows = sortCandidates(kept, this._sortKey, this._descending);
    const fragment = document.createDocumentFragment();
    for (const c of rows) {
      fragment.appendChild(this._row(c));
    }
    this.tbody.textContent = '';
    this.tbody.appendChild(fragment);
    this._tabStop();
    this.tbody.dataset.count = String(rows.length);
    this._count.textContent = `${rows.length} of ${all.length} candidate${all.length === 1 ? '' : 's'}`;
  }

  private _renderFilter(): void {
    const verdicts = [...new Set(this._rows.map(verdictKey))].sort();
    if (this._verdict !== 'all' && !verdicts.includes(this._verdict)) {
      verdicts.push(this._verdict);
    }
    const options = ['all', ...verdicts];
    const current = [...this._filter.options].map(o => o.value);
    if (current.join('\n') !== options.join('\n')) {
      this._filter.textContent = '';
      for (const v of options) {
        const option = el('option', '', this._filter);
        option.value = v;
        option.textContent =
          v === 'all' ? 'all verdicts' : v.replace(/_/g, ' ');
      }
    }
    this._filter.value = this._verdict;
  }

  private _row(c: ICandidate): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.dataset.id = String(c.id);
    tr.dataset.verdict = verdictKey(c);
    tr.dataset.origin = c.origin;
    tr.classList.toggle('jp-mod-best', this._best === c.id);
    tr.classList.toggle('jp-mod-selected', this._selected === c.id);
    tr.setAttribute('aria-selected', String(this._selected === c.id));
    el('td', '', tr).textContent = `#${c.id}`;
    badge(el('td', '', tr), verdictKey(c), verdictLabel(c));
    const speed = el('td', 'jp-ParevoTable-number', tr);
    speed.textContent = formatSpeedup(c);
    const retimed = retimedText(c);
    if (retimed) {
      // ✓ surely faster than the best of its time; ≈ looked faster, was not on re-timing
      speed.dataset.confirmed = String(Boolean(c.confirmed));
      speed.textContent += c.confirmed ? ' ✓' : ' ≈';
      speed.title = retimed;
    }
    el('td', 'jp-ParevoTable-family', tr).textContent = c.family || c.origin;
    const label = el('td', 'jp-ParevoTable-label', tr);
    label.textContent = c.label;
    label.title = c.summary ? `${c.label}\n${c.summary}` : c.label;
    tr.onclick = () => {
      this.select(c.id);
      tr.focus({ preventScroll: true });
      this._options.onSelect(c.id);
    };
    return tr;
  }

  readonly node: HTMLElement;
  readonly table: HTMLTableElement;
  readonly tbody: HTMLTableSectionElement;
  private _filter: HTMLSelectElement;
  private _count: HTMLElement;
  private _rows: ICandidate[] = [];
  private _best: number | null = null;
  private _selected: number | null = null;
  private _sortKey: SortKey = 'id';
  private _descending = false;
  private _verdict = 'all';
}
