"""Make a rendered kernel read as a person would write it: the strategies' temporaries
(``_lo3``, ``_nb3``, ``_pv3_counts``, unique per transformed loop) get plain names (``start``,
``blocks``, ``counts_per_block``) wherever those are free, and the prelude keeps only the
imports the kernel uses. Lines do not move, so race traces and repairs still find their loop.
"""

from __future__ import annotations

import ast
import re

# _<word><tag>: the loop's own temporaries
_SINGLE = re.compile(r"^_([a-z]+?)(\d+)$")
# _<word><tag>_<name>: a temporary that stands for the reference's variable <name>
_NAMED = re.compile(r"^_([a-z]+?)(\d+)_(\w+)$")
SINGLE_NAMES = {
    "lo": "start",
    "n": "n",
    "nb": "blocks",
    "b": "block",
    "s": "lo",
    "e": "hi",
    "t": "k",
    "hi": "upper",
    "stop": "stop",
}
NAMED_NAMES = {
    "pv": "{}_per_block",
    "rw": "my_{}",
    "sl": "{}_block",
    "acc": "{}_acc",
    "fx": "{}_fixed",
    "l": "{}_local",
    "old": "{}_old",
    "part": "{}_part",
    "r": "{}_row",
    "sel": "{}_selected",
    "s": "{}_sum",
}


def readable_names(fn: ast.FunctionDef) -> ast.FunctionDef:
    """Rename the generated temporaries of ``fn`` in place (see the module's docstring)."""
    names = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
    names |= {a.arg for a in ast.walk(fn) if isinstance(a, ast.arg)}
    # only what the function assigns is ours to rename (a module constant `_K2` stays)
    assigned = {
        n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    generated = {n for n in assigned if _SINGLE.match(n) or _NAMED.match(n) or n == "_m"}
    taken = names - generated
    mapping: dict[str, str] = {}
    for old in sorted(generated):
        single, named = _SINGLE.match(old), _NAMED.match(old)
        if single:
            word, tag = single.groups()
            wanted = SINGLE_NAMES.get(word, word)
        elif named:
            word, tag, base = named.groups()
            wanted = NAMED_NAMES.get(word, "{}_" + word).format(base)
        else:  # _m: the merge loop's counter
            tag, wanted = "", "m"
        for choice in (wanted, f"{wanted}_{tag}" if tag else None):
            if choice and choice not in taken and choice.isidentifier():
                mapping[old] = choice
                taken.add(choice)
                break
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and node.id in mapping:
            node.id = mapping[node.id]
    return fn


def used_imports(imports: list[str], code: str) -> list[str]:
    """The import lines of ``imports`` that bind a name ``code`` uses."""
    used = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
    kept = []
    for line in imports:
        node = ast.parse(line).body[0]
        bound = [(a.asname or a.name).split(".")[0] for a in node.names]
        if any(name in used or name == "*" for name in bound):
            kept.append(line)
    return kept
