"""Make a rendered kernel read as a person would write it.

- ``fold_zero_starts``: a loop's first index of 0 (``_lo3 = 0``) folds away (``_lo3 + x`` is
  ``x``, ``range(_lo3, e)`` is ``range(e)``), and ``drop_dead_temporaries`` removes the
  generated assignments nothing reads;
- ``readable_names``: the strategies' temporaries (``_lo3``, ``_nb3``, ``_pv3_counts``, unique
  per transformed loop) get plain names (``start``, ``blocks``, ``private_counts``) wherever those
  are free;
- ``import_block``: the prelude keeps only the imports the kernel uses, sorted as isort (and
  ruff's ``I`` rules) sort them, ``parevo_lab`` among the third-party modules;
- ``formatted``: the module as ``ruff format`` writes it (default settings), when ruff is there.

Race traces and repairs still find their loop: ``render`` reads each loop's lines from the
formatted text.
"""

from __future__ import annotations

import ast
import builtins
import functools
import re
import shutil
import subprocess
import sys

# _<word><tag>: the loop's own temporaries
_SINGLE = re.compile(r"^_([a-z]+?)(\d+)$")
# _<word><tag>_<name>: a temporary that stands for the reference's variable <name>
_NAMED = re.compile(r"^_([a-z]+?)(\d+)_(\w+)$")
# the names each temporary would like, best first (then the first one with its loop's tag)
SINGLE_NAMES = {
    "lo": ("start", "first_index"),
    "n": ("n", "count", "n_items"),
    "nb": ("blocks", "n_blocks"),
    "b": ("block",),
    "s": ("block_start",),
    "e": ("block_end",),
    "t": ("k", "offset"),
    "hi": ("upper", "end"),
    "stop": ("stop", "end"),
    "first": ("first", "first_exit"),
    "tot": ("block_total",),
    "m": ("m", "b"),
    "j": ("j", "bin_index"),
    "scan": ("scanned",),
    "h": ("hist", "bin_counts"),
    "keys": ("keys", "bin_keys"),
    "w": ("weights", "bin_weights"),
    "v": ("values", "items"),
    "f": ("flags", "keep_flags"),
    "c": ("keep", "chosen"),
    "p": ("packed",),
    "parts": ("parts", "n_parts"),
    "cyc": ("part",),
    "bounds": ("run_bounds", "bounds"),
    "run": ("run",),
    "chunk": ("chunk", "chunk_size"),
    "sched": ("previous_chunk",),
    "split": ("split", "split_at"),
    "ia": ("split_i", "first_i"),
    "jb": ("split_j", "first_j"),
    "key": ("key", "split_key"),
    "ie": ("end_i",),
    "je": ("end_j",),
    "nx": ("total_i",),
    "ny": ("total_j",),
    # search: rounds of blocks, each counting its exits, then scanning for the first
    "top": ("top", "last"),
    "hits": ("hits", "block_hits"),
    "hit": ("hit",),
    "cnt": ("exits", "exit_count"),
    "rs": ("round_start",),
    "re": ("round_end",),
    "rl": ("round_length",),
    # maxplus: a block maps the running value s to max(s + shift, bound)
    "a": ("shifts",),
    "bv": ("bounds", "run_bounds"),
    "hb": ("has_bound",),
    "fa": ("shift",),
    "fb": ("bound",),
    "fhb": ("bounded",),
}
NAMED_NAMES = {
    "pv": "private_{}",
    "rw": "my_{}",
    "sl": "{}_block",
    "acc": "{}_total",
    "fx": "{}_values",
    "l": "block_{}",
    "old": "{}_old",
    "part": "{}_part",
    "r": "block_{}",
    "sel": "{}_selected",
    "s": "block_{}",
    # maxplus: a block maps each best b to max(b, s + c, d)
    "c": "{}_shifts",
    "hc": "{}_has_shift",
    "d": "{}_bounds",
    "hd": "{}_has_bound",
    "fc": "{}_shift",
    "fhc": "{}_shifted",
    "fd": "{}_bound",
    "fhd": "{}_bounded",
}


_BUILTINS = set(dir(builtins))


def _generated(name: str) -> bool:
    return bool(_SINGLE.match(name) or _NAMED.match(name))


def readable_names(fn: ast.FunctionDef) -> ast.FunctionDef:
    """Rename the generated temporaries of ``fn`` in place (see the module's docstring)."""
    names = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
    names |= {a.arg for a in ast.walk(fn) if isinstance(a, ast.arg)}
    # only what the function assigns is ours to rename (a module constant `_K2` stays)
    assigned = {
        n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    generated = {n for n in assigned if _generated(n)}
    taken = names - generated
    mapping: dict[str, str] = {}
    for old in sorted(generated):
        single, named = _SINGLE.match(old), _NAMED.match(old)
        if single:
            word, tag = single.groups()
            wanted = SINGLE_NAMES.get(word, (word,))
        else:
            word, tag, base = named.groups()
            wanted = (NAMED_NAMES.get(word, "{}_" + word).format(base),)
        for choice in (*wanted, f"{wanted[0]}_{tag}"):
            if choice not in taken and choice.isidentifier() and choice not in _BUILTINS:
                mapping[old] = choice
                taken.add(choice)
                break
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and node.id in mapping:
            node.id = mapping[node.id]
    return fn


# -- dead code -----------------------------------------------------------------------------


def not_negative(node: ast.expr) -> bool:
    """``a.shape[k]``, ``a.size``, ``len(a)``: a count that cannot be negative."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
        return node.value.attr == "shape"
    if isinstance(node, ast.Attribute):
        return node.attr == "size"
    return isinstance(node, ast.Call) and ast.unparse(node.func) == "len"


def fold_zero_starts(fn: ast.FunctionDef) -> ast.FunctionDef:
    """A generated first index ``_lo<tag> = 0`` (assigned once): its uses become 0 and fold
    away in ``_lo + x``, ``x + _lo``, ``x - _lo`` and ``range(_lo, e)`` / ``prange(_lo, e)``
    (``prange(e)`` also gives numba's unsigned loop index). A generated count
    ``_n<tag> = max(0, n)`` of a name ``n`` assigned once, by a statement of the function's own
    body, from a shape or a ``len`` is ``n``.
    The assignments are left to ``drop_dead_temporaries``."""
    stores: dict[str, int] = {}
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            stores[node.id] = stores.get(node.id, 0) + 1
    single = {
        node.targets[0].id: node.value
        for node in ast.walk(fn)
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and stores[node.targets[0].id] == 1
    }
    zero = {
        name
        for name, value in single.items()
        if re.match(r"^_lo\d+$", name)
        and isinstance(value, ast.Constant)
        and type(value.value) is int
        and value.value == 0
    }
    # `_n3 = max(0, n)` where `n = x.shape[0]` (assigned once, at the top level): `n` itself
    counts = {
        stmt.targets[0].id
        for stmt in fn.body
        if isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and single.get(stmt.targets[0].id) is stmt.value
        and not _generated(stmt.targets[0].id)
        and not_negative(stmt.value)
    }
    alias = {
        name: value.args[1].id
        for name, value in single.items()
        if re.match(r"^_n\d+$", name)
        and isinstance(value, ast.Call)
        and ast.unparse(value.func) == "max"
        and len(value.args) == 2
        and _constant_zero(value.args[0])
        and isinstance(value.args[1], ast.Name)
        and value.args[1].id in counts
    }
    if not zero and not alias:
        return fn
    folded: set[int] = set()

    class Fold(ast.NodeTransformer):
        def visit_Name(self, node):
            if not isinstance(node.ctx, ast.Load):
                return node
            if node.id in zero:
                constant = ast.copy_location(ast.Constant(0), node)
                folded.add(id(constant))
                return constant
            if node.id in alias:
                return ast.copy_location(ast.Name(alias[node.id], ast.Load()), node)
            return node

        def visit_BinOp(self, node):
            self.generic_visit(node)
            if isinstance(node.op, ast.Add) and id(node.left) in folded:
                return node.right
            if isinstance(node.op, ast.Add | ast.Sub) and id(node.right) in folded:
                return node.left
            return node

        def visit_Call(self, node):
            self.generic_visit(node)
            loop = ast.unparse(node.func) in ("range", "numba.prange", "prange")
            if loop and len(node.args) == 2 and not node.keywords and id(node.args[0]) in folded:
                node.args = node.args[1:]
            return node

    Fold().visit(fn)
    return fn


def _constant_zero(node) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value == 0


_PURE_CALLS = ("np.", "numba.", "max", "min", "len", "abs")


def drop_dead_temporaries(fn: ast.FunctionDef) -> ast.FunctionDef:
    """Remove ``_x<tag> = expr`` statements of generated names that nothing reads (an
    expression of pure calls only), until none is left."""

    def dead(stmt, loaded) -> bool:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
            return False
        target = stmt.targets[0]
        if not isinstance(target, ast.Name) or target.id in loaded or not _generated(target.id):
            return False
        return all(
            ast.unparse(call.func).startswith(_PURE_CALLS)
            for call in ast.walk(stmt.value)
            if isinstance(call, ast.Call)
        )

    changed = True
    while changed:
        changed = False
        loaded = {
            n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
        for node in ast.walk(fn):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(node, field, None)
                if not isinstance(block, list) or not block or not isinstance(block[0], ast.stmt):
                    continue
                kept = [stmt for stmt in block if not dead(stmt, loaded)]
                if len(kept) != len(block):
                    setattr(node, field, kept or [ast.Pass()])
                    changed = True
    return fn


# -- imports --------------------------------------------------------------------------------


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


def import_block(imports: list[str]) -> list[str]:
    """``imports`` as isort writes them: sections (``__future__``, the standard library, the
    rest, relative imports) one blank line apart; in each, ``import x`` lines by module, then
    ``from x import ...`` lines by module, one per module, its names constants first."""
    straight: dict[str, set[str]] = {}  # section -> "import ..." texts
    members: dict[tuple[str, str], set[str]] = {}  # (section, module) -> "name as alias"
    for line in imports:
        for node in ast.parse(line).body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    text = f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
                    straight.setdefault(_section(alias.name, 0), set()).add(text)
            elif isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
                key = (_section(node.module or "", node.level), module)
                for alias in node.names:
                    text = alias.name + (f" as {alias.asname}" if alias.asname else "")
                    members.setdefault(key, set()).add(text)
    out: list[str] = []
    for section in range(4):
        lines = sorted(straight.get(section, ()), key=lambda t: t.split()[1].lower())
        for (where, module), names in sorted(members.items(), key=lambda kv: kv[0][1].lower()):
            if where == section:
                lines.append(f"from {module} import {', '.join(sorted(names, key=_member))}")
        if lines:
            out += ([""] if out else []) + lines
    return out


def _section(module: str, level: int) -> int:
    if level:
        return 3
    top = module.split(".")[0]
    if top == "__future__":
        return 0
    return 1 if top in sys.stdlib_module_names else 2


def _member(text: str) -> tuple[int, str]:
    name = text.split()[0]
    if name.isupper() and len(name) > 1:
        return 0, name  # a constant
    return (1, name) if name[:1].isupper() else (2, name.lower())


# -- formatting -----------------------------------------------------------------------------


def unparse(node: ast.AST) -> str:
    """``ast.unparse``, but ``return a, b`` and ``a, b = b, a`` without the parentheses it puts
    around a tuple there."""
    base = getattr(ast, "_Unparser", None)  # (private: plain ast.unparse where it is missing)
    precedence = getattr(ast, "_Precedence", None)
    if base is None or precedence is None:
        return ast.unparse(node)

    class Unparser(base):
        def bare(self, value):
            if isinstance(value, ast.Tuple) and len(value.elts) > 1:
                self.set_precedence(precedence.TUPLE, value)

        def visit_Return(self, node):
            self.bare(node.value)
            super().visit_Return(node)

        def visit_Assign(self, node):
            self.bare(node.value)
            super().visit_Assign(node)

    return Unparser().visit(node)


@functools.cache
def _ruff() -> str | None:
    try:
        import ruff

        return ruff.find_ruff_bin()
    except (ImportError, FileNotFoundError):
        return shutil.which("ruff")


@functools.lru_cache(maxsize=512)
def formatted(source: str) -> str:
    """``source`` as ``ruff format --isolated`` writes it; unchanged where ruff is not installed
    (it is a test dependency) or cannot format it. ast.unparse's text differs from ruff's only
    in its quotes and its long lines."""
    binary = _ruff()
    if binary is None:
        return source
    try:
        done = subprocess.run(
            [binary, "format", "--isolated", "--stdin-filename", "kernel.py", "-"],
            input=source,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return source
    return done.stdout if done.returncode == 0 and done.stdout else source
