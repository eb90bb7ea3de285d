"""Ways to show a report: text for the terminal (text.py), tables (tables.py), plotly figures
(figures.py) in a paper style (style.py), and notebooks of a run (run.py) or a benchmark
(benchmark.py) built by notebook.py: what ``parevo report`` writes."""
