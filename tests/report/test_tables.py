"""Tables: one set of columns, three formats that agree."""

from parevo_lab.report import tables

ROWS = [
    {"id": "pareval/20_histogram_pixel_histogram", "speedup": 1.234, "share": 0.5},
    {"id": "a|b & c%", "speedup": None, "share": 1.0},
]
COLUMNS = [
    ("id", "task", tables.text),
    ("speedup", "speedup", tables.ratio),
    ("share", "pass@1", tables.fraction),
]


def test_csv_keeps_raw_values():
    lines = tables.to_csv(ROWS, COLUMNS).splitlines()
    assert lines[0] == "id,speedup,share"
    assert lines[1] == "pareval/20_histogram_pixel_histogram,1.234,0.5"
    assert lines[2] == "a|b & c%,,1.0"


def test_markdown_formats_and_escapes_pipes():
    lines = tables.to_markdown(ROWS, COLUMNS).splitlines()
    assert lines[0] == "| task | speedup | pass@1 |"
    assert lines[2] == "| pareval/20_histogram_pixel_histogram | 1.23x | 0.500 |"
    assert lines[3] == "| a\\|b & c% | - | 1.000 |"


def test_latex_is_booktabs_with_escaped_text_and_aligned_numbers():
    tex = tables.to_latex(ROWS, COLUMNS, caption="Speedups & more", label="tab:x")
    assert r"\begin{tabular}{lrr}" in tex
    assert tex.count(r"\toprule") == tex.count(r"\midrule") == tex.count(r"\bottomrule") == 1
    assert r"pareval/20\_histogram\_pixel\_histogram & 1.23x & 0.500 \\" in tex
    assert r"a\textbar{}b \& c\% & - & 1.000 \\" in tex
    assert r"\caption{Speedups \& more}" in tex and r"\label{tab:x}" in tex


def test_latex_cells_set_code_in_typewriter_and_cut_labels_keep_whole_words():
    from parevo_lab.report.run import LABEL_WIDTH, _short
    from parevo_lab.report.tables import latex_escape

    assert latex_escape("privatise `counts` & merge_all") == (
        r"privatise \texttt{counts} \& merge\_all"
    )
    assert latex_escape("a lone ` tick") == "a lone ' tick"
    label = "repair (race on counts): privatise counts into per-thread copies, then merge them"
    short = _short(label)
    assert len(short) <= LABEL_WIDTH and short.endswith("…")
    assert label.startswith(short[:-1]) and label[len(short) - 1] == " "  # a whole word
    assert latex_escape(short).endswith(r"\ldots{}")
