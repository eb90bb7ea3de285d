import { MergeView } from '@codemirror/merge';
import { Extension, StateEffect, StateField } from '@codemirror/state';
import { Decoration, DecorationSet, EditorView } from '@codemirror/view';
import { jupyterTheme } from '@jupyterlab/codemirror';

/** Lines to highlight in the candidate (both sites of a race). */
const setHighlights = StateEffect.define<number[]>();

const highlightField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    value = value.map(tr.changes);
    for (const effect of tr.effects) {
      if (effect.is(setHighlights)) {
        const lines = [...new Set(effect.value)]
          .filter(n => n >= 1 && n <= tr.state.doc.lines)
          .sort((a, b) => a - b);
        value = Decoration.set(
          lines.map(n =>
            Decoration.line({ class: 'jp-ParevoDiff-raceLine' }).range(
              tr.state.doc.line(n).from
            )
          )
        );
      }
    }
    return value;
  },
  provide: f => EditorView.decorations.from(f)
});

/**
 * A read-only side-by-side diff (`@codemirror/merge`) in JupyterLab's editor theme: the parent or
 * the reference on the left, the candidate on the right. Race sites are highlighted on the right.
 */
export class CandidateDiff {
  constructor(
    parent: HTMLElement,
    before: string,
    after: string,
    language: Extension | null
  ) {
    const extensions: Extension[] = [
      jupyterTheme,
      EditorView.editable.of(false),
      EditorView.lineWrapping,
      highlightField
    ];
    if (language) {
      extensions.push(language);
    }
    this.view = new MergeView({
      a: { doc: before, extensions },
      b: { doc: after, extensions },
      parent,
      collapseUnchanged: { margin: 3, minSize: 6 },
      gutter: true
    });
  }

  /** Highlight these 1-based lines of the candidate and scroll the first into view. */
  highlight(lines: number[]): void {
    const view = this.view.b;
    const valid = lines.filter(n => n >= 1 && n <= view.state.doc.lines);
    view.dispatch({
      effects: [
        setHighlights.of(valid),
        ...(valid.length
          ? [
              EditorView.scrollIntoView(view.state.doc.line(valid[0]).from, {
                y: 'center'
              })
            ]
          : [])
      ]
    });
  }

  /** The highlighted lines, for tests and the status line. */
  highlighted(): number[] {
    const view = this.view.b;
    const out: number[] = [];
    view.state.field(highlightField).between(0, view.state.doc.length, from => {
      out.push(view.state.doc.lineAt(from).number);
    });
    return out;
  }

  dispose(): void {
    this.view.destroy();
  }

  readonly view: MergeView;
}
