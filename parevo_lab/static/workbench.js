// ParEVO Lab Workbench: the anywidget front end of parevo_lab.Workbench (no dependencies).
// The model holds `run` (the run's state), `candidates` (one row per candidate), `selected` (a
// candidate id) and `detail` (the selected candidate: diff, race trace, report, speedup points).

const VERDICT_ORDER = [
  'ok',
  'race',
  'wrong',
  'runtime_error',
  'timeout',
  'compile_error'
];

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(
      child instanceof Node ? child : document.createTextNode(String(child))
    );
  }
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null)
      node.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(
      child instanceof Node ? child : document.createTextNode(String(child))
    );
  }
  return node;
}

export function speed(row) {
  if (!row || !row.speedup) return '-';
  return `${row.speedup.toFixed(2)}x` + (row.threads ? ` @${row.threads}` : '');
}

// The candidate's chain of parents up to the seed, oldest first.
export function ancestry(candidates, id) {
  const byId = new Map(candidates.map(c => [c.id, c]));
  const chain = [];
  const seen = new Set();
  let current = byId.get(id);
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    chain.unshift(current);
    current = current.parent_id ? byId.get(current.parent_id) : undefined;
  }
  return chain;
}

export function sortRows(rows, key, descending) {
  const value = row => {
    if (key === 'verdict') {
      const at = VERDICT_ORDER.indexOf(row.verdict || '');
      return row.verdict
        ? at < 0
          ? VERDICT_ORDER.length
          : at
        : VERDICT_ORDER.length + 1;
    }
    if (key === 'speedup') return row.speedup ?? -1;
    if (key === 'label') return row.label || '';
    return row[key] ?? -1;
  };
  const sorted = [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x < y) return -1;
    if (x > y) return 1;
    return a.id - b.id;
  });
  return descending ? sorted.reverse() : sorted;
}

// Speedup against threads: points with 95% CI bars, the ideal line, the machine's ceiling, 1x.
export function speedupPlot(points) {
  const width = 340;
  const height = 210;
  const pad = { left: 40, right: 12, top: 12, bottom: 34 };
  const threads = points.threads;
  const top = Math.max(
    1.2,
    ...points.ci_high,
    ...points.ceiling.filter(c => c),
    Math.min(Math.max(...threads), Math.max(...points.ci_high) * 1.5)
  );
  const xMin = Math.min(...threads);
  const xMax = Math.max(...threads);
  const x = p =>
    xMax === xMin
      ? (pad.left + width - pad.right) / 2
      : pad.left +
        ((p - xMin) / (xMax - xMin)) * (width - pad.left - pad.right);
  const y = v =>
    height - pad.bottom - (v / top) * (height - pad.top - pad.bottom);
  const line = (xs, ys) =>
    xs
      .map(
        (p, i) => `${i ? 'L' : 'M'}${x(p).toFixed(1)},${y(ys[i]).toFixed(1)}`
      )
      .join('');
  const children = [];
  const ticks = 4;
  for (let i = 0; i <= ticks; i++) {
    const v = (top * i) / ticks;
    children.push(
      svg('line', {
        x1: pad.left,
        x2: width - pad.right,
        y1: y(v),
        y2: y(v),
        class: 'pv-grid'
      }),
      svg(
        'text',
        {
          x: pad.left - 4,
          y: y(v) + 3,
          class: 'pv-tick',
          'text-anchor': 'end'
        },
        v.toFixed(1)
      )
    );
  }
  for (const p of threads) {
    children.push(
      svg(
        'text',
        {
          x: x(p),
          y: height - pad.bottom + 14,
          class: 'pv-tick',
          'text-anchor': 'middle'
        },
        p
      )
    );
  }
  children.push(
    svg(
      'text',
      {
        x: (pad.left + width - pad.right) / 2,
        y: height - 4,
        class: 'pv-axis',
        'text-anchor': 'middle'
      },
      'threads'
    ),
    svg('line', {
      x1: pad.left,
      x2: width - pad.right,
      y1: y(1),
      y2: y(1),
      class: 'pv-one'
    })
  );
  const ideal = threads.map(p => Math.min(p, top));
  children.push(
    svg(
      'path',
      { d: line(threads, ideal), class: 'pv-ideal' },
      svg('title', {}, 'ideal (linear)')
    )
  );
  const known = threads
    .map((p, i) => [p, points.ceiling[i]])
    .filter(([, c]) => c);
  if (known.length > 1) {
    children.push(
      svg(
        'path',
        {
          d: line(
            known.map(k => k[0]),
            known.map(k => k[1])
          ),
          class: 'pv-ceiling'
        },
        svg('title', {}, 'machine ceiling (compute-bound kernel)')
      )
    );
  }
  children.push(
    svg('path', { d: line(threads, points.value), class: 'pv-line' })
  );
  threads.forEach((p, i) => {
    const label = `${p} threads: ${points.value[i].toFixed(2)}x [${points.ci_low[i].toFixed(2)}-${points.ci_high[i].toFixed(2)}]`;
    children.push(
      svg('line', {
        x1: x(p),
        x2: x(p),
        y1: y(points.ci_low[i]),
        y2: y(points.ci_high[i]),
        class: 'pv-ci'
      }),
      svg(
        'circle',
        {
          cx: x(p),
          cy: y(points.value[i]),
          r: 4,
          class: points.significant[i] ? 'pv-point' : 'pv-point pv-flat'
        },
        svg(
          'title',
          {},
          label + (points.significant[i] ? '' : ' (no speedup: CI contains 1)')
        )
      )
    );
  });
  return svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      class: 'pv-plot',
      role: 'img',
      'aria-label': 'speedup versus threads'
    },
    children
  );
}

function legend() {
  return h(
    'div',
    { class: 'pv-legend' },
    h('span', { class: 'pv-key pv-key-line' }, 'candidate (95% CI)'),
    h('span', { class: 'pv-key pv-key-ideal' }, 'ideal'),
    h('span', { class: 'pv-key pv-key-ceiling' }, 'machine ceiling'),
    h('span', { class: 'pv-key pv-key-one' }, 'serial numba')
  );
}

function diffView(lines) {
  return h(
    'pre',
    { class: 'pv-diff' },
    lines.map(line => {
      let kind = '';
      if (line.startsWith('+++') || line.startsWith('---')) kind = 'pv-file';
      else if (line.startsWith('@@')) kind = 'pv-hunk';
      else if (line.startsWith('+')) kind = 'pv-add';
      else if (line.startsWith('-')) kind = 'pv-del';
      return h('div', { class: kind }, line || ' ');
    })
  );
}

function render({ model, el }) {
  const state = { sortKey: 'id', descending: false, verdict: 'all' };
  const root = h('div', { class: 'parevo-workbench' });
  el.append(root);

  const select = id => {
    model.set('selected', id);
    model.save_changes();
  };

  function header() {
    const run = model.get('run') || {};
    const budget = run.budget || 0;
    const done = run.evaluations || 0;
    const best = run.best;
    const bar = budget
      ? h('progress', {
          class: 'pv-progress',
          max: budget,
          value: Math.min(done, budget)
        })
      : null;
    return h(
      'div',
      { class: 'pv-header' },
      h('span', { class: 'pv-title' }, run.task || 'run'),
      h(
        'span',
        { class: `pv-status pv-status-${run.status || 'waiting'}` },
        run.status || 'waiting'
      ),
      bar,
      h(
        'span',
        { class: 'pv-count' },
        budget ? `${done}/${budget} evaluations` : `${done} evaluations`
      ),
      h(
        'span',
        { class: 'pv-best' },
        best ? `best #${best.id} ${speed(best)}` : 'no correct candidate yet'
      ),
      model.get('following')
        ? h(
            'span',
            { class: 'pv-live', title: 'following the live run' },
            'live'
          )
        : null,
      run.reason ? h('div', { class: 'pv-reason' }, run.reason) : null
    );
  }

  function table() {
    const rows = model.get('candidates') || [];
    const verdicts = [...new Set(rows.map(r => r.verdict || 'pending'))].sort();
    const shown = sortRows(
      rows.filter(
        r =>
          state.verdict === 'all' || (r.verdict || 'pending') === state.verdict
      ),
      state.sortKey,
      state.descending
    );
    const selected = model.get('selected');
    const column = (key, title) =>
      h(
        'th',
        {
          class:
            state.sortKey === key
              ? state.descending
                ? 'pv-sorted pv-desc'
                : 'pv-sorted'
              : '',
          onclick: () => {
            state.descending =
              state.sortKey === key ? !state.descending : key === 'speedup';
            state.sortKey = key;
            draw();
          }
        },
        title
      );
    const filter = h(
      'select',
      {
        class: 'pv-filter',
        'aria-label': 'filter by verdict',
        onchange: event => {
          state.verdict = event.target.value;
          draw();
        }
      },
      ['all', ...verdicts].map(v =>
        h('option', { value: v, selected: v === state.verdict }, v)
      )
    );
    return h(
      'div',
      { class: 'pv-table-box' },
      h(
        'div',
        { class: 'pv-tools' },
        filter,
        h('span', {}, `${shown.length} of ${rows.length} candidates`)
      ),
      h(
        'div',
        { class: 'pv-scroll' },
        h(
          'table',
          { class: 'pv-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              column('id', '#'),
              column('parent_id', 'parent'),
              column('verdict', 'verdict'),
              column('speedup', 'speedup'),
              column('label', 'candidate')
            )
          ),
          h(
            'tbody',
            {},
            shown.map(r =>
              h(
                'tr',
                {
                  class:
                    (r.id === selected ? 'pv-selected ' : '') +
                    `pv-row-${r.state}`,
                  'data-id': r.id,
                  title: r.summary || r.state,
                  onclick: () => select(r.id)
                },
                h('td', {}, `#${r.id}`),
                h('td', {}, r.parent_id ? `#${r.parent_id}` : ''),
                h(
                  'td',
                  {},
                  h(
                    'span',
                    { class: `pv-verdict pv-v-${r.verdict || r.state}` },
                    r.verdict || r.state
                  )
                ),
                h('td', { class: 'pv-num' }, speed(r)),
                h('td', { class: 'pv-label' }, r.label)
              )
            )
          )
        )
      )
    );
  }

  function detail() {
    const d = model.get('detail') || {};
    if (!d.id)
      return h(
        'div',
        { class: 'pv-detail pv-empty' },
        'Select a candidate to see its diff, races and speedup.'
      );
    const chain = ancestry(model.get('candidates') || [], d.id);
    const lineage = h(
      'div',
      { class: 'pv-lineage' },
      chain.map((c, i) => [
        i ? h('span', { class: 'pv-arrow' }, ' \u2192 ') : null,
        h(
          'a',
          {
            href: '#',
            title: c.label,
            onclick: e => (e.preventDefault(), select(c.id))
          },
          `#${c.id}`
        )
      ])
    );
    const sections = [
      h(
        'div',
        { class: 'pv-detail-title' },
        `#${d.id} `,
        h(
          'span',
          { class: `pv-verdict pv-v-${d.verdict || 'pending'}` },
          d.verdict || 'pending'
        ),
        ` ${d.label}`
      ),
      d.summary ? h('div', { class: 'pv-summary' }, d.summary) : null,
      lineage
    ];
    if (d.races) {
      sections.push(
        h('h4', {}, 'Race trace'),
        h('pre', { class: 'pv-races' }, d.races)
      );
    }
    if (d.speedup_points) {
      const p = d.speedup_points;
      sections.push(
        h(
          'h4',
          {},
          `Speedup against threads (size ${p.size ?? '?'})` +
            (p.noisy ? ', noisy: rerun on a quiet machine' : '')
        ),
        speedupPlot(p),
        legend()
      );
    }
    sections.push(
      h('h4', {}, `Diff against ${d.against}`),
      diffView(d.diff || [])
    );
    if (d.report) {
      sections.push(
        h(
          'details',
          { class: 'pv-report' },
          h('summary', {}, 'Full report'),
          h('pre', {}, d.report)
        )
      );
    }
    return h('div', { class: 'pv-detail' }, sections);
  }

  function draw() {
    const error = model.get('error');
    const scroll = root.querySelector('.pv-scroll');
    const top = scroll ? scroll.scrollTop : 0;
    const parts = [header(), h('div', { class: 'pv-body' }, table(), detail())];
    if (error) parts.splice(1, 0, h('div', { class: 'pv-error' }, error));
    root.replaceChildren(...parts);
    const again = root.querySelector('.pv-scroll');
    if (again) again.scrollTop = top;
  }

  const names = [
    'run',
    'candidates',
    'selected',
    'detail',
    'following',
    'error'
  ];
  for (const name of names) model.on(`change:${name}`, draw);
  draw();
  return () => {
    for (const name of names) model.off(`change:${name}`, draw);
  };
}

export default { render };
